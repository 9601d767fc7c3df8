package app

import (
	"errors"

	"github.com/bosunhq/bosun/internal/config"
)

// loadConfig reads --config, else the repository's .github/bosun.yaml or
// bosun.yaml, else the defaults. Config problems are usage errors (exit 2).
func (d *Deps) loadConfig(root string) (*config.Config, error) {
	path := d.global.ConfigPath
	if path == "" {
		p, err := config.Find(root)
		switch {
		case errors.Is(err, config.ErrNotFound):
		case err != nil:
			return nil, &usageError{err}
		default:
			path = p
		}
	}
	if path == "" {
		d.Logger.Debug("no config file, using defaults")
		return config.Default(), nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, &usageError{err}
	}
	d.Logger.Debug("config loaded", "file", path)
	return cfg, nil
}
