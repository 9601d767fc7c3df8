package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/bosunhq/bosun/internal/pipeline"
)

// Exit codes, mapped in one place (Main).
const (
	ExitOK      = 0 // everything done
	ExitFatal   = 1 // nothing useful could be done
	ExitUsage   = 2 // bad flags, arguments or configuration
	ExitPartial = 3 // something could not be read, looked up or published
	ExitPending = 4 // plan --detailed-exitcode: updates are pending
)

// usageError marks bad flags, arguments or configuration.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

// errPartial is returned after the report was written when some part of the
// work failed; the report already says what.
var errPartial = errors.New("some references could not be processed")

// errPending is returned by plan --detailed-exitcode when updates are pending.
var errPending = errors.New("updates pending")

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var ue *usageError
	var ce *pipeline.ConfigError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue), errors.As(err, &ce):
		return ExitUsage
	case errors.Is(err, errPartial):
		return ExitPartial
	case errors.Is(err, errPending):
		return ExitPending
	case errors.Is(err, context.Canceled):
		return ExitFatal
	default:
		return ExitFatal
	}
}
