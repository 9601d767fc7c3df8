// Package roundtrip sends one HTTP request for a test and reads the whole
// answer, failing the test on a transport or read error.
//
// It is test support only: production code must never import it.
package roundtrip
