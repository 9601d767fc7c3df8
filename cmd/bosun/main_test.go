package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestSignalContext_SecondSignalExits runs a child that takes the first
// SIGTERM into its context and then stays busy without looking at it: the
// second SIGTERM must end it.
func TestSignalContext_SecondSignalExits(t *testing.T) {
	if os.Getenv("BOSUN_SIGNAL_CHILD") == "1" {
		ctx, _ := signalContext()
		os.Stdout.WriteString("ready\n")
		<-ctx.Done()
		os.Stdout.WriteString("cancelled\n")
		for { // busy, never looking at ctx again
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSignalContext_SecondSignalExits$")
	cmd.Env = append(os.Environ(), "BOSUN_SIGNAL_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("child did not start: %q", lines.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !lines.Scan() || lines.Text() != "cancelled" {
		t.Fatalf("first SIGTERM did not cancel the context: %q", lines.Text())
	}
	done := make(chan error, 1)
	go func() {
		for lines.Scan() {
		}
		done <- cmd.Wait()
	}()
	// The handler is removed just after the context ends: repeat the second
	// signal until it lands (or the deadline kills the child).
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ctx.Err() != nil {
				t.Fatalf("child exit = %v (deadline: %v), want death by SIGTERM", err, ctx.Err())
			}
			ws, ok := ee.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
				t.Fatalf("child exit = %v, want death by SIGTERM", err)
			}
			return
		case <-tick.C:
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
	}
}
