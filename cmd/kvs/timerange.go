package main

import (
	"flag"
	"strings"
	"time"

	"github.com/kvsgo/sdk/archived"
)

// timeForms describes the times --from and --to accept, for help texts and usage errors.
const timeForms = "an RFC 3339 time (2026-11-21T10:00:00Z), now, or a duration before now (-10m, -1h30m, -24h)"

// timeDoc explains the TIME of --from and --to, in the docs of the archived-media commands.
const timeDoc = `TIME is RFC 3339 (2026-11-21T10:00:00Z), now, -DURATION for that long before now
(-90s, -10m, -1h30m) or, for --to, +DURATION for that long after --from. --clock says which
timestamps the range is on: server (when the service received each fragment, the default) or
producer (the timestamps the producer gave them).`

// pastEndDoc tells the commands whose operations refuse a range that ends in the future what
// kvs does about it.
const pastEndDoc = ` On the server clock, a range ends a second before now at the latest, as the service
refuses an end in its future and its clock and this machine's differ slightly.`

// parseTime reads a time of the command line: RFC 3339 (fractions of a second and any UTC
// offset allowed), "now", or "-DURATION" for that long before now, in Go's duration syntax
// (-90s, -10m, -1h30m). When from is not the zero time (for --to), "+DURATION" is that long
// after from. name is the flag, for the usage error a bad value gets.
func parseTime(name, s string, now, from time.Time) (time.Time, error) {
	forms := timeForms
	if !from.IsZero() {
		forms += ", or +DURATION after --from (+30s)"
	}
	bad := func(problem string) error {
		return usagef("--%s %q: %s; want %s", name, s, problem, forms)
	}
	switch {
	case s == "now":
		return now, nil
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		d, err := time.ParseDuration(s[1:])
		switch {
		case err != nil || d < 0:
			return time.Time{}, bad("not a duration")
		case s[0] == '-':
			return now.Add(-d), nil
		case from.IsZero():
			return time.Time{}, bad("+DURATION counts from --from: only --to takes it, with --from given")
		}
		return from.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		return t, nil
	}
	if _, derr := time.ParseDuration(s); derr == nil {
		return time.Time{}, bad("a time before now starts with a minus sign, as in -" + s)
	}
	return time.Time{}, bad("not a time")
}

// timeRange is the --from, --to and --clock flags of the archived-media commands.
type timeRange struct {
	from, to string // as given; empty when not
	clock    string
	// endInPast says that the operation refuses a range that ends in the service's future on
	// its clock, as GetClip and the HLS and DASH sessions do: bounds then ends such a range
	// serverClockLag before now.
	endInPast bool
}

// serverClockLag is how long before now a range on the server's clock ends at the latest, for
// the operations that refuse an end in the service's future: the service's clock and this
// machine's differ slightly, and a fragment that started in the last second is still arriving.
const serverClockLag = time.Second

// register declares the flags on fs, with the values already in r as their defaults.
func (r *timeRange) register(fs *flag.FlagSet, fromUsage, toUsage string) {
	fs.StringVar(&r.from, "from", r.from, fromUsage)
	fs.StringVar(&r.to, "to", r.to, toUsage)
	fs.StringVar(&r.clock, "clock", "server", "measure --from and --to on `CLOCK`: server or producer")
}

// requireFrom checks that --from was given.
func (r *timeRange) requireFrom() error {
	if r.from == "" {
		return usagef("--from TIME is required: %s", timeForms)
	}
	return nil
}

// bounds parses --from and --to, relative to now: an empty one is the zero time. A --to that is
// not after --from, or (when maxSpan is positive) more than maxSpan after it, is a usage error.
// With endInPast, a --to on the server's clock ends serverClockLag before now at the latest.
func (r *timeRange) bounds(now time.Time, maxSpan time.Duration) (from, to time.Time, err error) {
	if r.from != "" {
		if from, err = parseTime("from", r.from, now, time.Time{}); err != nil {
			return from, to, err
		}
	}
	if r.to == "" {
		return from, to, nil
	}
	if to, err = parseTime("to", r.to, now, from); err != nil {
		return from, to, err
	}
	capped := ""
	if latest := now.Add(-serverClockLag); r.endInPast && r.clock == "server" && to.After(latest) {
		to, capped = latest, " (a second before now, the latest end on the server clock)"
	}
	switch {
	case from.IsZero():
	case !to.After(from):
		return from, to, usagef("--to %s%s is not after --from %s", formatFlagTime(to), capped, formatFlagTime(from))
	case maxSpan > 0 && to.Sub(from) > maxSpan:
		return from, to, usagef("--from %s to --to %s is %v, more than the %v this command takes", formatFlagTime(from), formatFlagTime(to),
			to.Sub(from), maxSpan)
	}
	return from, to, nil
}

// selectorType returns --clock as the service names it.
func (r *timeRange) selectorType() (archived.FragmentSelectorType, error) {
	switch r.clock {
	case "server":
		return archived.FragmentSelectorTypeServerTimestamp, nil
	case "producer":
		return archived.FragmentSelectorTypeProducerTimestamp, nil
	}
	return "", usagef("--clock %q: want server or producer", r.clock)
}

// selector returns the clock and the range of fragment start times, checked as bounds does.
func (r *timeRange) selector(now time.Time, maxSpan time.Duration) (archived.FragmentSelector, error) {
	clock, err := r.selectorType()
	if err != nil {
		return archived.FragmentSelector{}, err
	}
	from, to, err := r.bounds(now, maxSpan)
	return archived.FragmentSelector{FragmentSelectorType: clock,
		TimestampRange: archived.TimestampRange{StartTimestamp: from, EndTimestamp: to}}, err
}

// formatFlagTime writes a time for messages about --from and --to.
func formatFlagTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
