// Package policy decides, for one chart reference and the releases its
// source publishes, whether and to what the reference should move.
//
// It owns the compiled update rules (Renovate packageRules semantics: rules
// apply in order and later matching rules override earlier ones field by
// field), version choice (newest allowed, never deprecated, pre-releases only
// when allowed, minimum release age, digest updates, ranges) and the
// one-line human Reason for every decision.
//
// It is pure: no I/O (candidate details come from an injected Describer), no
// logging, and it does not import internal/config; the config package
// converts itself into Options.
package policy
