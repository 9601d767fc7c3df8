// Package rewrite edits version fields in YAML files by splicing bytes.
//
// It owns three things: Apply, which replaces scalar tokens at given byte
// ranges after checking that each range holds exactly the expected scalar;
// Verify, which re-parses the result with yaml.v3 and proves that nothing but
// the edited scalars changed; and Files, which applies edits to files under a
// root directory with atomic, mode-preserving writes. UnifiedDiff renders the
// change for review.
//
// It must not re-encode YAML, guess where a version lives (the scanner gives
// byte ranges), or touch any byte outside the edited tokens: quoting style,
// comments, indentation, line endings, a BOM and a missing final newline are
// all kept. A new value that would not read back as the same string when
// written plain is double-quoted. When in doubt it refuses: a file that fails
// any check is left untouched and the error is reported.
package rewrite
