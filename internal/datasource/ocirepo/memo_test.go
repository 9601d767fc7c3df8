package ocirepo

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestMemo_do(t *testing.T) {
	t.Parallel()
	var m memo[int]
	calls := 0
	fn := func() (int, error) { calls++; return calls, nil }
	for range 3 {
		if v, err := m.do(context.Background(), "k", fn); v != 1 || err != nil {
			t.Fatalf("do() = %d, %v; want 1, nil", v, err)
		}
	}
	if v, _ := m.do(context.Background(), "other", fn); v != 2 {
		t.Errorf("second key = %d, want 2", v)
	}
}

func TestMemo_leaderCancelled(t *testing.T) {
	t.Parallel()
	var m memo[string]
	leaderCtx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var wg sync.WaitGroup
	var leaderErr error
	wg.Go(func() {
		_, leaderErr = m.do(leaderCtx, "k", func() (string, error) {
			close(started)
			<-leaderCtx.Done()
			return "", leaderCtx.Err()
		})
	})
	<-started
	// A waiter that joins now shares the leader's call; once the leader is
	// cancelled it runs fn itself.
	var got string
	var err error
	wg.Go(func() {
		got, err = m.do(context.Background(), "k", func() (string, error) { return "fresh", nil })
	})
	cancel()
	wg.Wait()
	if !errors.Is(leaderErr, context.Canceled) {
		t.Errorf("leader error = %v, want context.Canceled", leaderErr)
	}
	if got != "fresh" || err != nil {
		t.Errorf("waiter got %q, %v; want fresh, nil", got, err)
	}
}
