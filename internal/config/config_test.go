package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/testutil/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/policy"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

func TestParse_Valid(t *testing.T) {
	t.Parallel()
	eachTestdata(t, "testdata/valid-*.yaml", func(t *testing.T, f string) {
		c, err := Load(f)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if _, err := c.Policy(); err != nil {
			t.Errorf("Policy: %v", err)
		}
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, strings.TrimSuffix(f, ".yaml")+".golden", []byte(string(b)+"\n"))
	})
}

func TestParse_Invalid(t *testing.T) {
	t.Parallel()
	eachTestdata(t, "testdata/invalid-*.yaml", func(t *testing.T, f string) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse("bosun.yaml", data)
		if err == nil {
			t.Fatalf("Parse succeeded: %+v", c)
		}
		msg := err.Error()
		for _, secret := range []string{"s3cret", "t0ken"} {
			if strings.Contains(msg, secret) {
				t.Errorf("error leaks a secret: %s", msg)
			}
		}
		golden.Assert(t, strings.TrimSuffix(f, ".yaml")+".golden", []byte(msg+"\n"))
	})
}

// eachTestdata runs check in a parallel subtest for every file matching
// pattern, which must match some.
func eachTestdata(t *testing.T, pattern string, check func(t *testing.T, file string)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			check(t, f)
		})
	}
}

func TestDefault(t *testing.T) {
	t.Parallel()
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate: %v", err)
	}
	fromFile, err := Parse("bosun.yaml", []byte("version: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c.PolicyOptions(), fromFile.PolicyOptions()); diff != "" {
		t.Errorf("Default differs from a minimal file (-default +file):\n%s", diff)
	}
	if got := c.Lookup.Timeout.Duration(); got != 30*time.Second {
		t.Errorf("timeout = %v", got)
	}
	if got := c.Lookup.MaxIndexSize.Bytes(); got != 50<<20 {
		t.Errorf("maxIndexSize = %d", got)
	}
	if *c.Lookup.Retries != 3 || c.Lookup.Concurrency != 8 || *c.PullRequests.MaxOpen != 10 || *c.PullRequests.MaxNewPerRun != 5 || c.PullRequests.BranchPrefix != "bosun/" {
		t.Errorf("unexpected defaults: %+v %+v", c.Lookup, c.PullRequests)
	}
	if !c.Ignored(".archive/old/helmrelease.yaml") || c.Ignored("kubernetes/apps/x.yaml") {
		t.Error("default ignore globs mismatch")
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files []string
		want  string // "" = ErrNotFound
	}{
		{"none", nil, ""},
		{"root", []string{"bosun.yaml"}, "bosun.yaml"},
		{"github", []string{".github/bosun.yaml"}, ".github/bosun.yaml"},
		{"github first", []string{"bosun.yaml", ".github/bosun.yaml"}, ".github/bosun.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			for _, f := range tt.files {
				fstree.WriteFile(t, filepath.Join(root, filepath.FromSlash(f)), []byte("version: 1\n"))
			}
			got, err := Find(root)
			if tt.want == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("Find = %q, %v; want ErrNotFound", got, err)
				}
				return
			}
			if err != nil || got != filepath.Join(root, filepath.FromSlash(tt.want)) {
				t.Errorf("Find = %q, %v; want %s", got, err, tt.want)
			}
			if _, err := Load(got); err != nil {
				t.Errorf("Load: %v", err)
			}
		})
	}
}

func TestConfig_Hosts(t *testing.T) {
	t.Parallel()
	c, err := Parse("bosun.yaml", []byte(`version: 1
registries:
  - host: ghcr.io
    mirror: http://127.0.0.1:5000/ghcr.io
  - host: registry.internal:5000
    insecure: true
    concurrency: 2
`))
	if err != nil {
		t.Fatal(err)
	}
	want := datasource.Hosts{
		{Match: "ghcr.io", Mirror: "http://127.0.0.1:5000/ghcr.io"},
		{Match: "registry.internal:5000", Insecure: true, Concurrency: 2},
	}
	if diff := cmp.Diff(want, c.Hosts()); diff != "" {
		t.Errorf("Hosts() mismatch (-want +got):\n%s", diff)
	}
}

func TestConfig_PolicyOptions(t *testing.T) {
	t.Parallel()
	c, err := Load("testdata/valid-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := c.PolicyOptions()
	if got := *o.Defaults.MinimumReleaseAge; got != 36*time.Hour {
		t.Errorf("defaults.minimumReleaseAge = %v", got)
	}
	r := o.Rules[3]
	if got := *r.Settings.MinimumReleaseAge; got != 72*time.Hour || r.Settings.ReleaseAgeUnknown != policy.AgeUnknownAllow || len(r.Match.UpdateTypes) != 1 {
		t.Errorf("rules[3] = %+v", r)
	}
}

// parsed is what a parser gives for an input: its value, and whether it
// failed.
type parsed[T any] struct {
	Value T
	Err   bool
}

func parser[T any](parse func(string) (T, error)) func(string) parsed[T] {
	return func(in string) parsed[T] {
		v, err := parse(in)
		return parsed[T]{v, err != nil}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tabletest.Run(t, "ParseDuration", parser(ParseDuration), map[string]parsed[time.Duration]{
		"3d":    {72 * time.Hour, false},
		"1w":    {168 * time.Hour, false},
		"12h":   {12 * time.Hour, false},
		"30m":   {30 * time.Minute, false},
		"1d12h": {36 * time.Hour, false},
		"1.5d":  {36 * time.Hour, false},
		"0":     {0, false},
		"":      {0, true},
		"3":     {0, true},
		"3x":    {0, true},
		"-1d":   {0, true},
		"d":     {0, true},
		// Past what a time.Duration holds: refused, never wrapped around.
		"200000d":      {0, true},
		"106000d3000w": {0, true},
		"2562047h":     {2562047 * time.Hour, false},
		"2562048h":     {0, true},
	})
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	tabletest.Run(t, "ParseSize", parser(ParseSize), map[string]parsed[int64]{
		"50MiB":                {50 << 20, false},
		"10MB":                 {10_000_000, false},
		"512KiB":               {512 << 10, false},
		"1024":                 {1024, false},
		"1 GiB":                {1 << 30, false},
		"50XB":                 {0, true},
		"MiB":                  {0, true},
		"99999999999999999999": {0, true},
		"9999999999GiB":        {0, true},
	})
}
