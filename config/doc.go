// Package configschema embeds the JSON schema of bosun's configuration file
// (bosun.schema.json, for editors and `bosun config schema`) and the
// commented example configuration (bosun.example.yaml).
//
// It holds data only; decoding and validation live in internal/config.
package configschema
