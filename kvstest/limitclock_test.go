package kvstest_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
)

// fakeLimitClock is a clock for the signaling connection limits that moves only when told, so
// that their tests need no real-time budget.
type fakeLimitClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced when a timer is armed, reset or stopped
}

func newFakeLimitClock() *fakeLimitClock {
	return &fakeLimitClock{now: time.Unix(1_700_000_000, 0), changed: make(chan struct{})}
}

func (c *fakeLimitClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeLimitClock) NewTimer(d time.Duration) kvstest.LimitTimer {
	t := &fakeTimer{clk: c, c: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// signal reports a change of the timers. Call with c.mu held.
func (c *fakeLimitClock) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Advance moves the clock by d and fires the timers that are due.
func (c *fakeLimitClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, t := range c.timers {
		if t.active && !t.at.After(c.now) {
			t.active = false
			select {
			case t.c <- c.now:
			default:
			}
		}
	}
}

// waitArmed waits until a timer is armed to fire at at.
func (c *fakeLimitClock) waitArmed(t *testing.T, at time.Time) {
	t.Helper()
	c.waitArmedN(t, at, 1)
}

// waitArmedN waits until n timers are armed to fire at at.
func (c *fakeLimitClock) waitArmedN(t *testing.T, at time.Time, n int) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		c.mu.Lock()
		armed := 0
		for _, ft := range c.timers {
			if ft.active && ft.at.Equal(at) {
				armed++
			}
		}
		changed := c.changed
		c.mu.Unlock()
		if armed >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no timer armed for %v (now %v)", at.Sub(c.Now()), c.Now())
		}
	}
}

type fakeTimer struct {
	clk    *fakeLimitClock
	c      chan time.Time
	at     time.Time
	active bool
}

func (t *fakeTimer) Chan() <-chan time.Time { return t.c }

func (t *fakeTimer) Reset(d time.Duration) {
	c := t.clk
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.timers, t) {
		c.timers = append(c.timers, t)
	}
	t.at, t.active = c.now.Add(d), true
	select { // a fired value not yet received is stale now
	case <-t.c:
	default:
	}
	c.signal()
}

func (t *fakeTimer) Stop() {
	c := t.clk
	c.mu.Lock()
	defer c.mu.Unlock()
	t.active = false
	c.signal()
}
