package mediaapi

import (
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/media"
)

// TestNumbersArePerServer checks that each Numbers counts from the start, whatever others did:
// fragment numbers in a test do not depend on the order tests run in.
func TestNumbersArePerServer(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	var a, b Numbers
	first, second, other := a.Next(now), a.Next(now), b.Next(now)
	if first != other || !strings.HasSuffix(first, "000000000000000001") || !strings.HasSuffix(second, "000000000000000002") {
		t.Errorf("numbers %s, %s on one server and %s on another", first, second, other)
	}
	if len(first) != 47 || second <= first || !media.ValidFragmentNumber(first) {
		t.Errorf("numbers %s, %s: want 47 growing digits", first, second)
	}
}

// TestNumbersNeverGoBack: a clock that goes back does not make numbers smaller.
func TestNumbersNeverGoBack(t *testing.T) {
	var n Numbers
	now := time.Now()
	a := n.Next(now)
	b := n.Next(now.Add(-time.Hour))
	if media.CompareFragmentNumbers(b, a) <= 0 {
		t.Fatalf("number %s after %s", b, a)
	}
}

// TestNumbersResumeAboveRestored: after a restart, new numbers are above every restored one,
// even with a clock set earlier, and well above their counter.
func TestNumbersResumeAboveRestored(t *testing.T) {
	var before Numbers
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	var stored []string
	for range 3 {
		stored = append(stored, before.Next(now))
	}
	var after Numbers
	for _, n := range stored {
		after.Restored(n)
	}
	after.Restored("not a number") // ignored
	after.Resume()
	next := after.Next(now.Add(-time.Hour))
	if media.CompareFragmentNumbers(next, stored[2]) <= 0 {
		t.Fatalf("number %s after restoring up to %s", next, stored[2])
	}
	_, counter, _ := parseNumber(next)
	if counter != 3+restartGap+1 {
		t.Errorf("counter %d after restoring 3, want %d", counter, 3+restartGap+1)
	}
}
