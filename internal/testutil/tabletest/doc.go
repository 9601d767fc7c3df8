// Package tabletest runs the table tests of pure functions: each row is an
// input and the output wanted for it, each row runs in a parallel subtest,
// and a result that differs from the row's is reported with a diff.
//
// It is test support only: production code must never import it. Tests
// whose rows need more than one comparison keep their own loop.
package tabletest
