//go:build race

package helmrepo

// raceEnabled: the race detector's instrumentation allocates on its own,
// so allocation bounds do not hold under it.
const raceEnabled = true
