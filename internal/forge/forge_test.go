package forge

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     *Error
		want    string
		is, not []error
	}{
		{
			name: "already exists is also validation",
			err:  &Error{Kind: ErrAlreadyExists, StatusCode: 422, Message: "Validation Failed", Details: []string{"A pull request already exists for o:b."}},
			want: "create pr: already exists (422): Validation Failed: A pull request already exists for o:b.",
			is:   []error{ErrAlreadyExists, ErrValidation}, not: []error{ErrNotFound},
		},
		{
			name: "permission names what is missing",
			err:  &Error{Kind: ErrPermission, StatusCode: 403, Message: "Resource not accessible by integration", Permission: "pull-requests: write"},
			want: "create pr: permission denied (403): Resource not accessible by integration (the token needs pull-requests: write)",
			is:   []error{ErrPermission}, not: []error{ErrValidation},
		},
		{
			name: "rate limit carries reset",
			err:  &Error{Kind: ErrRateLimited, StatusCode: 403, Reset: time.Date(2026, 1, 1, 13, 0, 0, 0, time.UTC)},
			want: "create pr: rate limited (403) (until 2026-01-01T13:00:00Z)",
			is:   []error{ErrRateLimited},
		},
		{
			name: "unclassified",
			err:  &Error{StatusCode: 451, Message: "blocked"},
			want: "create pr: forge error (451): blocked",
			not:  []error{ErrNotFound, ErrValidation, ErrPermission},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := fmt.Errorf("create pr: %w", tt.err)
			if err.Error() != tt.want {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.want)
			}
			for _, s := range tt.is {
				if !errors.Is(err, s) {
					t.Errorf("errors.Is(%v) = false", s)
				}
			}
			for _, s := range tt.not {
				if errors.Is(err, s) {
					t.Errorf("errors.Is(%v) = true", s)
				}
			}
		})
	}
}

func TestFile_Deleted(t *testing.T) {
	t.Parallel()
	if !(File{Path: "a"}).Deleted() || (File{Path: "a", Content: []byte{}}).Deleted() {
		t.Error("Deleted(): nil content deletes, empty content does not")
	}
}
