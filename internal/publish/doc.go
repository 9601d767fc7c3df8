// Package publish turns plan groups into pull requests and keeps them
// current: one branch per group holding exactly one bosun commit on top of
// the current base, rebuilt when the group's content changes, never
// force-pushed over a commit bosun did not make, closed when no longer
// needed, and never re-proposed at a version a person declined.
//
// The state it needs lives on the forge itself (hidden markers in pull
// request bodies and comments, a trailer in commit messages), so runs are
// stateless and idempotent: a run with nothing new makes no write call.
// It reaches the forge through the small Forge interface declared here.
package publish
