//go:build tools

// Package tools pins the project's dependencies while the packages that use
// them are written in parallel. It is removed once every import is real.
package tools

import (
	_ "github.com/Masterminds/semver/v3"
	_ "github.com/distribution/distribution/v3/registry/auth/token"
	_ "github.com/distribution/distribution/v3/registry/handlers"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
	_ "github.com/go-jose/go-jose/v4"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/google/go-github/v60/github"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/cobra"
	_ "gopkg.in/yaml.v3"
	_ "helm.sh/helm/v3/pkg/chart"
	_ "helm.sh/helm/v3/pkg/chart/loader"
	_ "helm.sh/helm/v3/pkg/registry"
	_ "oras.land/oras-go/v2"
	_ "oras.land/oras-go/v2/content/memory"
	_ "oras.land/oras-go/v2/registry/remote"
	_ "oras.land/oras-go/v2/registry/remote/auth"
	_ "oras.land/oras-go/v2/registry/remote/credentials"
)
