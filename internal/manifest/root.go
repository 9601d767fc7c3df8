package manifest

import "path/filepath"

// Inside reports whether path lies within root (root itself included) once
// the symbolic links of both are resolved. It is the one rule for "a
// symbolic link does not lead out of the repository".
func Inside(root, path string) (bool, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false, err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false, err
	}
	return insideReal(realRoot, real), nil
}

// insideReal is Inside for paths whose symbolic links are resolved already.
func insideReal(realRoot, real string) bool {
	rel, err := filepath.Rel(realRoot, real)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}
