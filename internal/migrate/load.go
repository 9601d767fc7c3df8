package migrate

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ConfigNames are the repository config files Renovate reads, in its order
// of precedence.
var ConfigNames = []string{
	"renovate.json", "renovate.json5",
	".github/renovate.json", ".github/renovate.json5",
	".gitlab/renovate.json", ".gitlab/renovate.json5",
	".renovaterc", ".renovaterc.json", ".renovaterc.json5",
}

// ErrNoConfig is returned by Find when the repository has no Renovate config.
var ErrNoConfig = errors.New("no Renovate config")

// maxFile caps a config or preset file; Renovate configs are a few kB.
const maxFile = 1 << 20

// maxPresets bounds the local presets followed through extends.
const maxPresets = 50

// Find returns the Renovate config file under root, relative to root.
func Find(root string) (string, error) {
	for _, n := range ConfigNames {
		fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(n)))
		if err == nil && fi.Mode().IsRegular() {
			return n, nil
		}
	}
	return "", fmt.Errorf("find Renovate config in %s: %w (looked for %s)", root, ErrNoConfig, strings.Join(ConfigNames, ", "))
}

// File is one parsed config or local preset file.
type File struct {
	Name string // relative to the repository root, "/"-separated
	Root *Value
}

// Load reads the config file name (relative to root) and the local preset
// files it extends, depth first, presets before the file that extends
// them, as Renovate merges them. Presets it cannot read locally are
// returned as notes.
func Load(root, name string) (files []File, notes []Item, err error) {
	seen := map[string]bool{}
	var visit func(name string) error
	visit = func(name string) error {
		if seen[name] {
			return nil
		}
		seen[name] = true
		if len(seen) > maxPresets {
			return fmt.Errorf("more than %d local presets", maxPresets)
		}
		v, err := readJSON5(root, name)
		if err != nil {
			return err
		}
		if v.Kind != Object {
			return fmt.Errorf("%s:%d: the config must be an object", name, v.Line)
		}
		if ext := v.Get("extends"); ext != nil {
			for _, it := range ext.Items {
				if it.Kind != String {
					continue
				}
				local, ok := localPreset(root, it.Str)
				if !ok && builtinPreset(it.Str) {
					continue
				}
				if !ok {
					notes = append(notes, Item{File: name, Line: it.Line, Key: "extends",
						Reason: fmt.Sprintf("preset %q is not a file in this repository: its rules were not read", it.Str)})
					continue
				}
				if err := visit(local); err != nil {
					return err
				}
			}
		}
		files = append(files, File{Name: name, Root: v})
		return nil
	}
	if err := visit(filepath.ToSlash(name)); err != nil {
		return nil, nil, err
	}
	return files, notes, nil
}

func readJSON5(root, name string) (*Value, error) {
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("read %s: larger than %d bytes", name, maxFile)
	}
	v, err := ParseJSON5(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

// localPreset maps an extends entry to a file of this repository:
// "local>owner/repo//path/file.json5" and "github>owner/repo//path" (a
// repository usually extends presets kept in itself) when that path exists
// here. Renovate adds ".json" to a preset file name without an extension.
func localPreset(root, preset string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(preset, "local>"):
		rest = strings.TrimPrefix(preset, "local>")
	case strings.HasPrefix(preset, "github>"):
		rest = strings.TrimPrefix(preset, "github>")
	default:
		return "", false
	}
	_, file, ok := strings.Cut(rest, "//")
	if !ok || file == "" {
		return "", false
	}
	if i := strings.IndexByte(file, '#'); i >= 0 {
		file = file[:i]
	}
	if i := strings.IndexByte(file, '('); i >= 0 { // preset parameters
		file = file[:i]
	}
	file = path.Clean(strings.TrimPrefix(file, "/"))
	if strings.HasPrefix(file, "..") || path.IsAbs(file) {
		return "", false
	}
	if path.Ext(file) == "" {
		file += ".json"
	}
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(file)))
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return file, true
}
