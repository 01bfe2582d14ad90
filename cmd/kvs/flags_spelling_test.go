package main

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
)

func TestParseRetention(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int32
		err  string
	}{
		{"0", 0, ""}, {"48", 48, ""}, {"48h", 48, ""}, {"2h0m0s", 2, ""}, {"7d", 168, ""}, {"0h", 0, ""},
		{"87600h", 87600, ""}, {"3650d", 87600, ""},
		{"-1", 0, "want 0 or more"}, {"-2h", 0, "want 0 or more"}, {"90m", 0, "whole hours"},
		{"87601h", 0, "at most 87600 hours"}, {"1y", 0, "want a duration"}, {"", 0, "want a duration"}, {"xd", 0, "want a duration"},
	} {
		got, err := parseRetention(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("parseRetention(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseRetention(%q) = %d, %v; want an error with %q", tc.in, got, err, tc.err)
		}
	}
}

// TestSessionModeSpellings checks that --mode takes the API's enum values as well as the CLI's.
func TestSessionModeSpellings(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]archived.PlaybackMode{
		"live": archived.PlaybackModeLive, "LIVE": archived.PlaybackModeLive,
		"live-replay": archived.PlaybackModeLiveReplay, "LIVE_REPLAY": archived.PlaybackModeLiveReplay,
		"on-demand": archived.PlaybackModeOnDemand, "ON_DEMAND": archived.PlaybackModeOnDemand, "On_Demand": archived.PlaybackModeOnDemand,
	} {
		args := []string{"--stream", "s", "--mode", in}
		if want != archived.PlaybackModeLive {
			args = append(args, "--from", "-1h")
		}
		o := parseSession(t, args...)
		s, err := o.request(now)
		if err != nil || s.mode != want {
			t.Errorf("--mode %s: %v, %v; want %v", in, s.mode, err, want)
		}
	}
	o := parseSession(t, "--stream", "s", "--mode", "REPLAY")
	if _, err := o.request(now); err == nil || !strings.Contains(err.Error(), "ON_DEMAND") {
		t.Errorf("--mode REPLAY: %v, want an error listing the spellings", err)
	}
}

func parseSession(t *testing.T, args ...string) *sessionOptions {
	t.Helper()
	var o sessionOptions
	fs := flag.NewFlagSet("hls-url", flag.ContinueOnError)
	o.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &o
}
