//go:build !unix

package manifest

// readPlain leaves every file to readFile's careful path where there is
// no O_NOFOLLOW (see read_unix.go).
func readPlain(string, int64, *arena) ([]byte, bool) { return nil, false }

// openSafe adds nothing where there is no O_NOFOLLOW and no FIFO.
const openSafe = 0
