// Package publish turns plan groups into pull requests and keeps them
// current: one branch per group holding exactly one bosun commit on top of
// the current base, rebuilt when the group's content changes, when the rebase
// policy asks (conflicted, or behind a base that requires up-to-date
// branches) or when a person ticks the rebase box, never force-pushed over a
// commit bosun did not make (bosun's commit is the exact SHA its marker
// records; GitHub's "Update branch" merges of the base are not foreign),
// closed when no longer needed, and never re-proposed at a version a person
// declined. It merges automerge groups on green, holds new pull requests
// outside their schedule or awaiting approval, requests reviewers, and keeps
// one dashboard issue whose ticked boxes open waiting groups.
//
// The state it needs lives on the forge itself (hidden markers in pull
// request bodies and comments, a trailer in commit messages), so runs are
// stateless and idempotent: a run with nothing new makes no write call, and
// a run cut short (rate limit, server error) is completed by the next one.
// It reaches the forge through the small Forge interface declared here, and
// renders no report itself: the caller injects what a reviewer reads in a
// pull request body (Options.Body), and publish appends its marker.
//
// It must not: write when nothing changed, merge a pull request outside an
// automerge rule or with a failing check, touch a pull request covering a
// chart whose lookup failed in this run, push over commits it did not make,
// or put credentials in bodies, comments, errors or logs.
package publish
