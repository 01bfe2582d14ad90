package group

import (
	"context"
	"testing"
	"time"
)

// TestWaitFresh: a run whose lease was last written too long ago hands out nothing until a
// renewal, or until its context ends.
func TestWaitFresh(t *testing.T) {
	r := &run{w: &Worker{cfg: Config{LeaseDuration: 3 * time.Second}}, renewed: make(chan struct{}, 1), written: time.Now()}
	if err := r.waitFresh(context.Background()); err != nil {
		t.Fatalf("fresh lease: %v", err)
	}
	r.written = time.Now().Add(-2 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.waitFresh(ctx); err != context.Canceled {
		t.Fatalf("stale lease: %v, want to wait until the context ends", err)
	}
	done := make(chan error, 1)
	go func() { done <- r.waitFresh(context.Background()) }()
	r.mu.Lock()
	r.written = time.Now()
	r.mu.Unlock()
	r.renewed <- struct{}{}
	if err := <-done; err != nil {
		t.Fatalf("after a renewal: %v", err)
	}
}
