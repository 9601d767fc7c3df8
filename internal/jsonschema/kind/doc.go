// Package kind is the kinds of validation error of package jsonschema:
// upstream's github.com/santhosh-tekuri/jsonschema/v6/kind, forked with it
// and unchanged (see ../doc.go); kind_more.go is the second half of
// upstream's kind.go.
package kind
