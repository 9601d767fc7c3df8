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
	ctx, stop := signalContext()
	code := app.Main(ctx, os.Args[1:], app.StdIO())
	stop()
	os.Exit(code)
}

// signalContext returns a context that the first SIGINT or SIGTERM cancels.
// The handler is then removed, so a second signal has its default effect
// and ends the process at once, even while bosun is busy.
func signalContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}
