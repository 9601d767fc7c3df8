//go:build unix

package flux

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// lockedBuffer is a bytes.Buffer a logger may write from any goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestScan_GeneratorFIFO: a FIFO named by a configMapGenerator (files and
// envs) does not block the scan, which reads every file with --no-git:
// the generator reports a problem, and the rest of the repository is
// scanned.
func TestScan_GeneratorFIFO(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fstree.Write(t, root, map[string]string{
		"clusters/main/flux-system/gotk-sync.yaml": gotkSync,
		"clusters/main/kustomization.yaml":         "resources: [hr.yaml]\nconfigMapGenerator:\n  - name: conf\n    files: [pipe.txt]\n    envs: [pipe.env]\n",
		"clusters/main/hr.yaml":                    baseHR,
	})
	for _, name := range []string{"pipe.txt", "pipe.env"} {
		if err := syscall.Mkfifo(filepath.Join(root, "clusters", "main", name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := Scan(context.Background(), root, Options{NoGit: true, Logger: log})
		done <- outcome{res, err}
	}()
	var got outcome
	select {
	case got = <-done:
	case <-time.After(time.Minute):
		t.Fatal("Scan still waiting after a minute: a FIFO blocked it")
	}
	if got.err != nil {
		t.Fatal(got.err)
	}
	if len(got.res.Refs) != 1 || got.res.Refs[0].Name != "web" {
		t.Errorf("Scan() refs = %+v; want the HelmRelease web", got.res.Refs)
	}
	for _, name := range []string{"clusters/main/pipe.txt", "clusters/main/pipe.env"} {
		if want := name + ": not a regular file"; !strings.Contains(logs.String(), want) {
			t.Errorf("no render problem %q in the log:\n%s", want, logs.String())
		}
	}
}
