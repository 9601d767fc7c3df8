// Package e2e holds bosun's end-to-end tests on the shared corpus of real
// GitOps repositories: `bosun plan -o json` under several policies and
// `bosun apply` on a git working tree, run in process through app.Main
// against real chart sources on loopback (internal/upstream), plus the
// BenchmarkPlanCorpus benchmark.
//
// It is test-only: it exports nothing and must not be imported. Tests never
// modify the corpus (they work on copies in temporary directories), never
// reach beyond 127.0.0.1, and compute every expectation independently of
// bosun's policy, plan and rewrite packages. They skip when the corpus is
// absent ($BOSUN_CORPUS, else <repository root>/../shared/corpus).
package e2e
