package app

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// enumFlag is a validating pflag.Value for a fixed set of words.
type enumFlag struct {
	value   string
	allowed []string
}

func newEnum(def string, allowed ...string) *enumFlag {
	return &enumFlag{value: def, allowed: allowed}
}

func (e *enumFlag) String() string { return e.value }
func (e *enumFlag) Type() string   { return strings.Join(e.allowed, "|") }
func (e *enumFlag) Set(s string) error {
	if !slices.Contains(e.allowed, s) {
		return fmt.Errorf("must be one of %s", strings.Join(e.allowed, ", "))
	}
	e.value = s
	return nil
}

// writeReport writes v as JSON when the output format is "json" and as
// text otherwise.
func writeReport[T any](w io.Writer, format *enumFlag, v T, asJSON, asText func(io.Writer, T) error) error {
	if format.String() == "json" {
		return asJSON(w, v)
	}
	return asText(w, v)
}
