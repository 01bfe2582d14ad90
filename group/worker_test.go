package group_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/group"
	"github.com/kvsgo/sdk/internal/testclip"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

var clipStart = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// emulator starts an emulator with the named streams and returns its clients and a function
// that stores the 4-second test clip (two fragments) in a stream, at clipStart plus offset.
func emulator(t *testing.T, streams ...string) (*kvs.Client, *media.Client, func(stream string, offset time.Duration)) {
	t.Helper()
	_, control, mc := testclip.Emulator(t, streams...)
	ctx := context.Background()
	store := func(stream string, offset time.Duration) {
		t.Helper()
		if _, err := testclip.Store(ctx, mc, stream, clipStart.Add(offset), 4*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	return control, mc, store
}

// processed counts the fragments each worker processed.
type processed struct {
	mu     sync.Mutex
	by     map[string][]string // fragment (stream/number) → workers
	events []group.Event
	poke   chan struct{}
}

func newProcessed() *processed {
	return &processed{by: map[string][]string{}, poke: make(chan struct{}, 1)}
}

func (p *processed) notify() {
	select {
	case p.poke <- struct{}{}:
	default:
	}
}

func (p *processed) event(e group.Event) {
	p.mu.Lock()
	p.events = append(p.events, e)
	p.mu.Unlock()
	p.notify()
}

// consume processes the worker's fragments until it is closed.
func (p *processed) consume(w *group.Worker) {
	for {
		d, err := w.Next(context.Background())
		if err != nil {
			return
		}
		p.mu.Lock()
		key := d.Stream + "/" + d.Fragment.FragmentNumber
		p.by[key] = append(p.by[key], w.ID())
		p.mu.Unlock()
		_ = d.Done(context.Background())
		p.notify()
	}
}

func (p *processed) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		ok := cond()
		p.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-p.poke:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; events %+v", what, p.events)
		}
	}
}

// TestWorkerHandOff: a worker alone takes every stream; a second one joins and gets its share
// by a graceful hand-off, which checkpoints first, so that no fragment is processed twice and
// none is missed; closing both releases every lease with its checkpoint at the last fragment.
func TestWorkerHandOff(t *testing.T) {
	noLeaks(t)
	streams := []string{"a", "b", "c"}
	control, mc, store := emulator(t, streams...)
	for _, s := range streams {
		store(s, 0)
	}
	fs, err := group.OpenFileStore(filepath.Join(t.TempDir(), "leases.db"))
	if err != nil {
		t.Fatal(err)
	}
	p := newProcessed()
	cfg := group.Config{Group: "g", Store: fs, Media: mc, Control: control, Streams: group.Streams{Prefix: ""},
		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, LeaseDuration: time.Second, OnEvent: p.event}
	ctx := context.Background()
	cfg.WorkerID = "A"
	a, err := group.NewWorker(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	go p.consume(a)
	p.waitFor(t, "A processing the first 6 fragments", func() bool { return len(p.by) == 6 })
	cfg.WorkerID = "B"
	b, err := group.NewWorker(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	go p.consume(b)
	var moved string
	p.waitFor(t, "B taking a stream from A", func() bool {
		for _, e := range p.events {
			if e.Kind == group.EventAcquired && e.Worker == "B" {
				moved = e.Stream
				return true
			}
		}
		return false
	})
	for _, s := range streams {
		store(s, time.Minute)
	}
	p.waitFor(t, "all 12 fragments processed", func() bool { return len(p.by) == 12 })
	if err := errors.Join(a.Close(ctx), b.Close(ctx)); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(ctx); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	if _, err := a.Next(ctx); !errors.Is(err, group.ErrWorkerClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for key, ws := range p.by {
		if len(ws) != 1 {
			t.Errorf("fragment %s processed by %v, want once", key, ws)
		}
	}
	// The hand-off was graceful: A checkpointed the moved stream before releasing it to B,
	// which started there.
	var released, acquired *group.Event
	for i, e := range p.events {
		if e.Stream == moved && e.Kind == group.EventReleased && e.Worker == "A" && released == nil {
			released = &p.events[i]
		}
		if e.Stream == moved && e.Kind == group.EventAcquired && e.Worker == "B" && acquired == nil {
			acquired = &p.events[i]
		}
	}
	if released == nil || released.To != "B" || acquired == nil || acquired.Checkpoint != released.Checkpoint || released.Checkpoint.IsZero() {
		t.Fatalf("hand-off of %s: released %+v, acquired %+v", moved, released, acquired)
	}
	leases, err := fs.ListLeases(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leases {
		if l.Owner != "" {
			t.Errorf("after Close, %s is still owned by %s", l.Stream, l.Owner)
		}
		var last string
		for key := range p.by {
			if s, n, _ := cut(key); s == l.Stream && media.CompareFragmentNumbers(n, last) > 0 {
				last = n
			}
		}
		if l.Checkpoint.FragmentNumber != last {
			t.Errorf("stream %s checkpointed at %s, want its last fragment %s", l.Stream, l.Checkpoint.FragmentNumber, last)
		}
	}
}

func cut(key string) (string, string, bool) {
	for i := range key {
		if key[i] == '/' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

// TestWorkerNext: Next honours its context promptly and reports the worker closed.
func TestWorkerNext(t *testing.T) {
	noLeaks(t)
	control, mc, _ := emulator(t, "quiet")
	fs, err := group.OpenFileStore(filepath.Join(t.TempDir(), "leases.db"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := group.NewWorker(context.Background(), group.Config{Group: "g", Store: fs, Media: mc, Control: control,
		Streams: group.Streams{Names: []string{"quiet"}}, LeaseDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := w.Next(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("Next with a short context: %v after %s", err, time.Since(start))
	}
	done := make(chan error, 1)
	go func() {
		_, err := w.Next(context.Background())
		done <- err
	}()
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, group.ErrWorkerClosed) {
		t.Fatalf("a pending Next after Close: %v", err)
	}
}

func TestNewWorkerRefusesBadConfig(t *testing.T) {
	fs, err := group.OpenFileStore(filepath.Join(t.TempDir(), "leases.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, mc, _ := emulator(t)
	for i, cfg := range []group.Config{
		{Store: fs, Media: mc, Streams: group.Streams{Names: []string{"s"}}},
		{Group: "g", Media: mc, Streams: group.Streams{Names: []string{"s"}}},
		{Group: "g", Store: fs, Streams: group.Streams{Names: []string{"s"}}},
		{Group: "g", Store: fs, Media: mc, Streams: group.Streams{Prefix: "cam"}},
	} {
		if _, err := group.NewWorker(context.Background(), cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}

}

// noLeaks checks, after the test's other cleanups (the emulator's Close), that the test left
// no goroutine behind.
func noLeaks(t *testing.T) {
	t.Cleanup(wiretest.LeakCheck(t))
}

// TestResume: a consumer resumed from a saved checkpoint starts with the fragment after it.
func TestResume(t *testing.T) {
	_, mc, store := emulator(t, "s")
	store("s", 0)
	fs, err := group.OpenFileStore(filepath.Join(t.TempDir(), "cp.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := media.ConsumerConfig{StreamName: "s", Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, IdleTimeout: 2 * time.Second}
	c, err := group.Resume(ctx, mc, fs, "g", cfg)
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := fs.SaveCheckpoint(ctx, "g", "s", group.CheckpointAfter(first, "me")); err != nil {
		t.Fatal(err)
	}
	c, err = group.Resume(ctx, mc, fs, "g", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	second, err := c.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if media.CompareFragmentNumbers(second.FragmentNumber, first.FragmentNumber) <= 0 || !second.ProducerTimestamp.Equal(clipStart.Add(2*time.Second)) {
		t.Fatalf("resumed at %s (%s) after %s", second.FragmentNumber, second.ProducerTimestamp, first.FragmentNumber)
	}
}
