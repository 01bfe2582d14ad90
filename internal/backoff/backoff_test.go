package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCeiling(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, Max: 10 * time.Second}
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{
		{-1, 0}, {0, 0}, {1, 100 * time.Millisecond}, {2, 200 * time.Millisecond},
		{4, 800 * time.Millisecond}, {7, 6400 * time.Millisecond}, {8, 10 * time.Second},
		{63, 10 * time.Second}, {64, 10 * time.Second}, {1 << 30, 10 * time.Second},
	} {
		if got := p.Ceiling(tc.n); got != tc.want {
			t.Errorf("Ceiling(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
	if got := (Policy{}).Ceiling(1); got != DefaultBase {
		t.Errorf("zero Policy: Ceiling(1) = %v, want %v", got, DefaultBase)
	}
	if got := (Policy{}).Ceiling(100); got != DefaultMax {
		t.Errorf("zero Policy: Ceiling(100) = %v, want %v", got, DefaultMax)
	}
	if got := (Policy{Base: time.Minute, Max: time.Second}).Ceiling(1); got != time.Second {
		t.Errorf("Base above Max: Ceiling(1) = %v, want the cap", got)
	}
}

// TestDelayIsFullJitter checks that draws stay in [0, Ceiling(n)] and spread over that range.
func TestDelayIsFullJitter(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, Max: 10 * time.Second}
	for _, n := range []int{1, 3, 7, 8, 1000} {
		limit := p.Ceiling(n)
		lo, hi := limit, time.Duration(0)
		for range 2000 {
			d := p.Delay(n)
			if d < 0 || d > limit {
				t.Fatalf("Delay(%d) = %v, outside [0, %v]", n, d, limit)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		if hi < limit*9/10 || lo > limit/10 {
			t.Errorf("Delay(%d): 2000 draws span [%v, %v], want most of [0, %v] (full jitter)", n, lo, hi, limit)
		}
		if d, err := p.BackoffDelay(n, errors.New("x")); err != nil || d > limit {
			t.Errorf("BackoffDelay(%d) = %v, %v", n, d, err)
		}
	}
	if d := p.Delay(0); d != 0 {
		t.Errorf("Delay(0) = %v, want 0", d)
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if err := Sleep(ctx, 0); err != nil {
		t.Fatalf("Sleep(live ctx, 0) = %v", err)
	}
	if err := Sleep(ctx, time.Microsecond); err != nil {
		t.Fatalf("Sleep(live ctx, 1µs) = %v", err)
	}
	cancel()
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep(ended ctx, 0) = %v, want context.Canceled", err)
	}
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep(ended ctx, 1h) = %v, want context.Canceled", err)
	}
}
