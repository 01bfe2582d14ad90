package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
)

// TestParseTime reads each form of --from and --to, and refuses bad ones with a usage error
// that names the flag and the value and says what is wanted.
func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	from := now.Add(-time.Hour)
	for _, tc := range []struct {
		in   string
		from time.Time // the zero time for --from
		want time.Time
	}{
		{"2026-11-21T10:00:00Z", time.Time{}, now},
		{"2026-11-21T12:00:00.25+02:00", time.Time{}, now.Add(250 * time.Millisecond)},
		{"2024-02-29T23:59:59.999999999Z", time.Time{}, time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC)},
		{"now", time.Time{}, now},
		{"-10m", time.Time{}, now.Add(-10 * time.Minute)},
		{"-1h30m", time.Time{}, now.Add(-90 * time.Minute)},
		{"-90s", time.Time{}, now.Add(-90 * time.Second)},
		{"-500ms", time.Time{}, now.Add(-500 * time.Millisecond)},
		{"-24h", time.Time{}, now.Add(-24 * time.Hour)},
		{"-0s", time.Time{}, now},
		{"+30s", from, from.Add(30 * time.Second)},
		{"+2h", from, from.Add(2 * time.Hour)},
		{"-5m", from, now.Add(-5 * time.Minute)},
	} {
		name := "from"
		if !tc.from.IsZero() {
			name = "to"
		}
		got, err := parseTime(name, tc.in, now, tc.from)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("--%s %q: %v, %v; want %v", name, tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		from time.Time
		says string
	}{
		{"", time.Time{}, "not a time"},
		{"yesterday", time.Time{}, "not a time"},
		{"NOW", time.Time{}, "not a time"},
		{"2026-11-21", time.Time{}, "not a time"},
		{"2026-11-21 10:00:00Z", time.Time{}, "not a time"},
		{"2026-11-21T10:00:00", time.Time{}, "not a time"}, // no UTC offset
		{"1795232256", time.Time{}, "not a time"},
		{"10m", time.Time{}, "a time before now starts with a minus sign, as in -10m"},
		{"-", time.Time{}, "not a duration"},
		{"-10", time.Time{}, "not a duration"},
		{"-10x", time.Time{}, "not a duration"},
		{"--10m", time.Time{}, "not a duration"},
		{"-1d", time.Time{}, "not a duration"},
		{"+30s", time.Time{}, "+DURATION counts from --from: only --to takes it"},
		{"+-30s", from, "not a duration"},
	} {
		name := "from"
		if !tc.from.IsZero() {
			name = "to"
		}
		_, err := parseTime(name, tc.in, now, tc.from)
		var usage *usageError
		prefix := "--" + name + ` "` + tc.in + `": `
		if !errors.As(err, &usage) || !strings.HasPrefix(usage.msg, prefix) || !strings.Contains(usage.msg, tc.says) ||
			!strings.Contains(usage.msg, "want an RFC 3339 time") {
			t.Errorf("--%s %q: %v; want a usage error %q…%q", name, tc.in, err, prefix, tc.says)
		}
	}
}

// TestTimeRangeBounds checks the order and span of a range, the clock, and that a range on the
// server's clock ends serverClockLag before now at the latest where the operation wants an end in
// the past.
func TestTimeRangeBounds(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		r        timeRange
		from, to time.Time
		clock    archived.FragmentSelectorType
		maxSpan  time.Duration
		says     string // the usage error, if any
	}{
		{r: timeRange{from: "-1h", to: "now", clock: "server"}, from: now.Add(-time.Hour), to: now, clock: archived.FragmentSelectorTypeServerTimestamp},
		{r: timeRange{from: "-1h", to: "+10m", clock: "producer"}, from: now.Add(-time.Hour), to: now.Add(-50 * time.Minute), clock: archived.FragmentSelectorTypeProducerTimestamp},
		{r: timeRange{from: "-1h", clock: "server"}, from: now.Add(-time.Hour), clock: archived.FragmentSelectorTypeServerTimestamp},
		{r: timeRange{from: "-1h", to: "now", clock: "server", endInPast: true}, from: now.Add(-time.Hour), to: now.Add(-serverClockLag),
			clock: archived.FragmentSelectorTypeServerTimestamp},
		{r: timeRange{from: "-1h", to: "+2h", clock: "server", endInPast: true}, from: now.Add(-time.Hour), to: now.Add(-serverClockLag),
			clock: archived.FragmentSelectorTypeServerTimestamp},
		{r: timeRange{from: "-1h", to: "+2h", clock: "producer", endInPast: true}, from: now.Add(-time.Hour), to: now.Add(time.Hour),
			clock: archived.FragmentSelectorTypeProducerTimestamp},
		{r: timeRange{from: "-1h", to: "-2h", clock: "server"}, says: "--to 2026-11-21T08:00:00Z is not after --from 2026-11-21T09:00:00Z"},
		{r: timeRange{from: "now", to: "now", clock: "server"}, says: "is not after --from"},
		{r: timeRange{from: "-500ms", to: "now", clock: "server", endInPast: true},
			says: "--to 2026-11-21T09:59:59Z (a second before now, the latest end on the server clock) is not after --from 2026-11-21T09:59:59.5Z"},
		{r: timeRange{from: "-25h", to: "now", clock: "server"}, maxSpan: 24 * time.Hour, says: "is 25h0m0s, more than the 24h0m0s this command takes"},
		{r: timeRange{from: "-1h", to: "now", clock: "camera"}, says: `--clock "camera": want server or producer`},
		{r: timeRange{from: "soon", to: "now", clock: "server"}, says: `--from "soon": not a time`},
	} {
		sel, err := tc.r.selector(now, tc.maxSpan)
		if tc.says != "" {
			var usage *usageError
			if !errors.As(err, &usage) || !strings.Contains(usage.msg, tc.says) {
				t.Errorf("%+v: %v; want a usage error %q", tc.r, err, tc.says)
			}
			continue
		}
		got := sel.TimestampRange
		if err != nil || !got.StartTimestamp.Equal(tc.from) || !got.EndTimestamp.Equal(tc.to) || sel.FragmentSelectorType != tc.clock {
			t.Errorf("%+v: %+v, %v; want %s from %v to %v", tc.r, sel, err, tc.clock, tc.from, tc.to)
		}
	}
}
