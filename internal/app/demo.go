package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/demo"
)

// DemoOptions are the options of `bosun demo`.
type DemoOptions struct {
	deps   *Deps
	Output *enumFlag
	Keep   bool
}

func newDemoCmd(deps *Deps, runF func(*DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{deps: deps, Output: newEnum("text", "text", "json", "markdown")}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run bosun's plan offline on an embedded sample home-ops repository",
		Long: `demo shows bosun's main job with no network: it copies a sample home-ops
repository embedded in bosun to a temporary directory, starts a real OCI
registry and a real Helm repository on 127.0.0.1 publishing several versions of
every chart the sample uses, maps the sample's real-looking sources
(oci://ghcr.io/..., https://charts.jetstack.io) to them with registry mirrors,
and prints the plan: what bosun would update, grouped into pull requests, with
the per-namespace policy of the sample's bosun.yaml.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runDemo(cmd.Context(), opts)
		},
	}
	cmd.Flags().VarP(opts.Output, "output", "o", "output format: text, json or markdown")
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "keep the sample repository copy (its path is logged) to try scan, plan and apply on it")
	return cmd
}

func runDemo(ctx context.Context, opts *DemoOptions) error {
	deps := opts.deps
	env, err := demo.Prepare(ctx, deps.Now())
	if err != nil {
		return err
	}
	if opts.Keep {
		defer env.Upstream.Close()
	} else {
		defer env.Close()
	}
	deps.Logger.Info("demo ready", "repository", env.Dir, "oci", env.Upstream.OCIAddr(), "helm", env.Upstream.HelmAddr())
	if deps.global.ConfigPath != "" {
		return usageErrorf("demo uses the sample repository's own bosun.yaml; --config is not supported")
	}
	err = runPlan(ctx, &PlanOptions{deps: deps, Dir: env.Dir, Output: opts.Output, Lookup: lookupOptions{NoCache: true}})
	if err == nil && opts.Keep {
		fmt.Fprintf(deps.IO.Err, "sample repository kept at %s (its registries stopped with the demo)\n", env.Dir)
	}
	return err
}
