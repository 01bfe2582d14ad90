package kvstest

import (
	"strings"
	"testing"
	"time"
)

// TestFragmentNumbersArePerServer checks that each Server numbers its fragments from the start,
// whatever other Servers of the process did: fragment numbers in a test do not depend on the
// order tests run in.
func TestFragmentNumbersArePerServer(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	a, b := NewServer(), NewServer()
	defer a.Close()
	defer b.Close()
	first := a.newFragmentNumber(now)
	second := a.newFragmentNumber(now)
	other := b.newFragmentNumber(now)
	if first != other || !strings.HasSuffix(first, "000000000000000001") || !strings.HasSuffix(second, "000000000000000002") {
		t.Errorf("numbers %s, %s on one server and %s on another", first, second, other)
	}
	if len(first) != 47 || second <= first {
		t.Errorf("numbers %s, %s: want 47 growing digits", first, second)
	}
}
