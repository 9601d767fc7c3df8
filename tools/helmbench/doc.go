// Package helmbench compares bosun's index.yaml parser with helm's own
// loader (helm.sh/helm/v3/pkg/repo.LoadIndexFile) on the same generated
// index. It is a separate module so that pkg/repo, which pulls in
// client-go, kubectl and kustomize, stays out of bosun's go.mod; its
// import path lies under github.com/bosunhq/bosun, so Go's internal-package
// rule lets it call bosun's internal parser directly (the replace directive
// in go.mod points at this checkout).
//
// It holds benchmarks only: run them with
//
//	cd tools/helmbench && go test -run '^$' -bench . -benchtime 3x
//
// It must not be imported by bosun, and bosun must not depend on it.
package helmbench
