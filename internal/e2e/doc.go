// Package e2e holds bosun's end-to-end tests on the shared corpus of real
// GitOps repositories: `bosun plan -o json` under several policies and
// `bosun apply` on a git working tree, run in process through app.Main
// against real chart sources on loopback (internal/upstream), plus the
// BenchmarkPlanCorpus benchmark.
//
// BenchmarkPlanWorld is the performance harness: it runs the real binary,
// `bosun plan` cold and warm, on each corpus world behind counting proxies
// and reports wall and CPU time, peak RSS (/usr/bin/time -v) and the
// registry requests by kind. TestPlan_requestBudget asserts the request
// budget of a plain plan on the same worlds.
//
// It is test-only: it exports nothing and must not be imported. Tests never
// modify the corpus (they work on copies in temporary directories), never
// reach beyond 127.0.0.1, and compute every expectation independently of
// bosun's policy, plan and rewrite packages. They skip when the corpus is
// absent ($BOSUN_CORPUS, else <repository root>/../shared/corpus).
//
// TestRepos walks the golden scenario cases in testdata/repos at the
// repository root (one small hand-written GitOps tree each, with what the
// chart sources publish and what plan, apply and run must produce) and runs
// each through the real binary twice: the second pass must change nothing.
package e2e
