//go:build unix

package manifest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadPlain_onlyPlainFiles: readPlain reads a regular file within the
// cap and declines everything else, so that readFile's careful path words
// it: symlinks (even to a good file), directories, FIFOs (at once, without
// waiting for a writer), files over the cap, missing files.
func TestReadPlain_onlyPlainFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	body := bytes.Repeat([]byte("key: value\n"), 1000)
	write(t, root, "plain.yaml", body)
	write(t, root, "empty.yaml", nil)
	mustSymlink(t, "plain.yaml", filepath.Join(root, "link.yaml"))
	if err := os.Mkdir(filepath.Join(root, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := &arena{}
	for name, want := range map[string][]byte{"plain.yaml": body, "empty.yaml": {}} {
		got, ok := readPlain(filepath.Join(root, name), int64(len(body)), a)
		if !ok || !bytes.Equal(got, want) || got == nil {
			t.Errorf("readPlain(%s) = %d bytes, %v; want %d bytes, true", name, len(got), ok, len(want))
		}
	}
	for _, name := range []string{"link.yaml", "dir.yaml", "pipe.yaml", "missing.yaml"} {
		done := make(chan bool, 1)
		go func() {
			_, ok := readPlain(filepath.Join(root, name), 1<<20, a)
			done <- ok
		}()
		select {
		case ok := <-done:
			if ok {
				t.Errorf("readPlain(%s) read it; want it left to the careful path", name)
			}
		case <-time.After(time.Minute):
			t.Fatalf("readPlain(%s) still waiting after a minute", name)
		}
	}
	if _, ok := readPlain(filepath.Join(root, "plain.yaml"), int64(len(body))-1, a); ok {
		t.Error("readPlain read a file over the cap")
	}
}

// TestLoad_FIFO: a FIFO named like a manifest is passed over, as any other
// entry that is not a regular file, and Load does not wait for a writer.
func TestLoad_FIFO(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, "good.yaml", []byte("a: 1\n"))
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Load(context.Background(), root, Options{NoGit: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(r); len(got) != 1 || got[0] != "good.yaml" || len(r.Errors) != 0 {
		t.Errorf("files %v, errors %v; want only good.yaml and no error", got, r.Errors)
	}
}

// TestReadInRoot_FIFO: a FIFO, named directly or through a symbolic link,
// is refused as not a regular file, without waiting for a writer.
func TestReadInRoot_FIFO(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, "pipe.txt", filepath.Join(root, "link.txt"))
	for _, name := range []string{"pipe.txt", "link.txt"} {
		done := make(chan error, 1)
		go func() {
			_, err := ReadInRoot(root, name, 1<<20)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("ReadInRoot(%s) = %v; want %v", name, err, ErrNotRegular)
			}
		case <-time.After(time.Minute):
			t.Fatalf("ReadInRoot(%s) still waiting after a minute", name)
		}
	}
}

// TestOpenSafe_FIFO: should a FIFO take the place of a file between
// the check and the open, the open does not wait for a writer either.
func TestOpenSafe_FIFO(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	pipe := filepath.Join(root, "pipe.txt")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(pipe, os.O_RDONLY|openSafe, 0)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("open with openSafe = %v; want the FIFO open at once", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("open with openSafe still waiting after a minute")
	}
}
