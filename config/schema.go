package configschema

import _ "embed"

// Schema is the JSON schema (draft 2020-12) of the configuration file.
//
//go:embed bosun.schema.json
var Schema []byte

// Example is a commented configuration using every key.
//
//go:embed bosun.example.yaml
var Example []byte
