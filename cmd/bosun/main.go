// Command bosun keeps the Helm charts of FluxCD GitOps repositories up to date.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/bosunhq/bosun/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], app.StdIO())
	stop()
	os.Exit(code)
}
