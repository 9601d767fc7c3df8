package manifest

import (
	"cmp"
	"fmt"
)

// FileError is a problem with one file that does not stop the scan.
type FileError struct {
	// File is relative to the scanned root, with "/" separators.
	File string `json:"file"`
	// Line is 1-based; 0 when the problem concerns the whole file.
	Line int    `json:"line,omitempty"`
	Msg  string `json:"msg"`
}

func (e FileError) String() string {
	if e.Line <= 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

func (e FileError) Error() string { return e.String() }

// CompareFileErrors orders errors by file, line, then message.
func CompareFileErrors(a, b FileError) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Msg, b.Msg))
}
