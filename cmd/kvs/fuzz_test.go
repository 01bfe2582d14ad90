package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzFlagParsers feeds arbitrary text to the parsers of --from/--to and --start: they never
// panic, and they either accept a value or return a usage error that quotes what was given.
func FuzzFlagParsers(f *testing.F) {
	for _, s := range []string{"now", "earliest", "-10m", "+1h30m", "2026-11-21T10:00:00Z", "2026-11-21T10:00:00.5+02:00",
		"fragment:91343852333181432392682062622220590765191907586", "server:2026-11-21T10:00:00Z", "producer:bad", "token:", "10m", "-", "+", ":"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		for _, from := range []time.Time{{}, now.Add(-time.Hour)} {
			_, err := parseTime("to", s, now, from)
			var usage *usageError
			if err != nil && (!errors.As(err, &usage) || !strings.HasPrefix(err.Error(), "--to ")) {
				t.Fatalf("parseTime(%q): %v is not a usage error naming --to", s, err)
			}
		}
		sel, err := parseStart(s)
		var usage *usageError
		switch {
		case err != nil && !errors.As(err, &usage):
			t.Fatalf("parseStart(%q): %v is not a usage error", s, err)
		case err == nil && sel.StartSelectorType == "":
			t.Fatalf("parseStart(%q) accepted a selector without a type", s)
		}
	})
}
