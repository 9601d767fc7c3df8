// Package waits records the waits code under test asks for (an
// httpx.Options.Sleep hook, for instance) without waiting, so that retry
// and back-off tests assert the waits rather than time them.
//
// It is test support only: production code must never import it.
package waits
