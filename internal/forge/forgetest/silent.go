package forgetest

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// Silent is a server on 127.0.0.1 that accepts connections, reads each
// request, and never answers: a GitHub API that hangs.
type Silent struct {
	// URL is the server's base URL ("http://127.0.0.1:port").
	URL string

	requests atomic.Int64
}

// NewSilent starts a Silent server; it stops when t ends.
func NewSilent(t testing.TB) *Silent {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("forgetest: listen: %v", err)
	}
	s := &Silent{URL: "http://" + l.Addr().String()}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				br := bufio.NewReader(c)
				for {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					s.requests.Add(1)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return s
}

// Requests returns how many requests arrived (none was answered).
func (s *Silent) Requests() int { return int(s.requests.Load()) }
