package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/app"
)

// BenchmarkPlanCorpus times a full `bosun plan -o json --no-cache` (config,
// scan, lookup with a cold cache, policy, grouping, report) of each corpus
// repository against the loopback upstream, which is set up outside the
// timer. Every app.Main call builds its whole state anew.
//
// Metrics besides time and allocations: peakHeap-MB, the largest HeapInuse
// growth seen while plans run in process (sampled; the in-process upstream
// is included), and maxRSS-MB, the peak RSS of one run of the real binary
// under /usr/bin/time -v (reported only when go and /usr/bin/time exist).
func BenchmarkPlanCorpus(b *testing.B) {
	for _, repo := range repos {
		b.Run(repo, func(b *testing.B) {
			fx := getFixture(b, repo)
			dir := fx.copyTo(b)
			fx.writeConfig(b, dir, "")
			args := []string{"plan", "-o", "json", "--no-cache", dir}
			ctx := context.Background()

			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapInuse
			peak := sampleHeap()
			b.ReportAllocs()
			for b.Loop() {
				code := app.Main(ctx, args, app.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
				if code != 0 {
					b.Fatalf("plan: exit %d", code)
				}
			}
			if p := peak(); p > base {
				b.ReportMetric(float64(p-base)/(1<<20), "peakHeap-MB")
			}
			if rss, err := maxRSS(b, args); err != nil {
				b.Logf("maxRSS-MB not measured: %v", err)
			} else {
				b.ReportMetric(rss, "maxRSS-MB")
			}
		})
	}
}

// sampleHeap samples HeapInuse every few milliseconds until the returned
// function is called, which returns the largest value seen.
func sampleHeap() func() uint64 {
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		var max uint64
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max {
				max = ms.HeapInuse
			}
			select {
			case <-stop:
				done <- max
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		return <-done
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

// bosunBinary builds cmd/bosun once per process into a temporary
// directory, which TestMain removes. It builds the binary the way the
// release does (.goreleaser.yaml: CGO_ENABLED=0, -trimpath, -ldflags "-s
// -w"), so its size and resident memory are what users run.
func bosunBinary() (string, error) {
	binOnce.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			binErr = fmt.Errorf("go not in PATH: %w", err)
			return
		}
		_, file, _, ok := runtime.Caller(0)
		if !ok {
			binErr = fmt.Errorf("cannot locate the source tree")
			return
		}
		root := filepath.Join(filepath.Dir(file), "..", "..")
		binDir, err = os.MkdirTemp("", "bosun-e2e-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(binDir, "bosun")
		cmd := exec.Command(goBin, "build", "-trimpath", "-ldflags", "-s -w", "-o", binPath, "./cmd/bosun")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	return binPath, binErr
}

// maxRSS runs the bosun binary once with args under /usr/bin/time -v and
// returns its maximum resident set size in MiB.
func maxRSS(b *testing.B, args []string) (float64, error) {
	const timeBin = "/usr/bin/time"
	if _, err := os.Stat(timeBin); err != nil {
		return 0, fmt.Errorf("%s: %w", timeBin, err)
	}
	bin, err := bosunBinary()
	if err != nil {
		return 0, err
	}
	var errb bytes.Buffer
	cmd := exec.Command(timeBin, append([]string{"-v", bin}, args...)...)
	cmd.Stdout = io.Discard
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("run %s: %w\n%s", bin, err, errb.String())
	}
	sc := bufio.NewScanner(&errb)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(l, "Maximum resident set size (kbytes):"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("parse %q: %w", l, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no maximum resident set size in /usr/bin/time output")
}
