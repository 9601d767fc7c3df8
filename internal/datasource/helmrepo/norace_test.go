//go:build !race

package helmrepo

const raceEnabled = false
