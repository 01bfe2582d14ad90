package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/media"
)

// archivedSample uploads the ffmpeg sample (10 s of 320x240 H.264 at 30 fps and AAC, in 5
// fragments) into stream "s" of a new emulator, and returns the emulator's configuration and
// the fragments as GetMedia reads them back: numbers and timestamps to check the archived-media
// commands against.
func archivedSample(t *testing.T) (*aws.Config, []*media.Fragment) {
	t.Helper()
	_, cfg := emulator(t)
	putSample(t, cfg, "s")
	frags := readFragments(t, getAll(t, cfg, "s"))
	if len(frags) != 5 {
		t.Fatalf("the sample has %d fragments, want 5", len(frags))
	}
	return cfg, frags
}

// flagTime writes a time as --from and --to take it.
func flagTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

// TestFragments lists the sample's fragments as a table, by default (the last hour on the server
// clock), and as JSON on the producer clock from the second fragment: each fragment once, sorted,
// with the numbers and timestamps GetMedia gives them.
func TestFragments(t *testing.T) {
	cfg, frags := archivedSample(t)
	inv := invocation{cfg: cfg}

	r := kvsRun(t, inv, "fragments", "--stream", "s").mustSucceed(t)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 6 || strings.Join(strings.Fields(lines[0]), " ") != "FRAGMENT NUMBER PRODUCER TIME SERVER TIME LENGTH SIZE" || r.stderr != "" {
		t.Fatalf("kvs fragments printed:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	var total time.Duration
	for i, line := range lines[1:] {
		f := strings.Fields(line)
		want := []string{frags[i].FragmentNumber, formatTime(frags[i].ProducerTimestamp), formatTime(frags[i].ServerTimestamp)}
		if len(f) != 6 || !slices.Equal(f[:3], want) || f[5] != "kB" {
			t.Errorf("row %d: %q, want %q, a length and a size in kB", i+1, line, want)
			continue
		}
		length, err := time.ParseDuration(f[3])
		if err != nil || length < 2*time.Second || length > 2100*time.Millisecond {
			t.Errorf("row %d: length %q, want about 2s", i+1, f[3])
		}
		total += length
	}
	// The first fragment also holds the audio that precedes the first key frame.
	if total != 10021*time.Millisecond {
		t.Errorf("the fragments last %v in all, want 10.021s", total)
	}

	from := frags[1].ProducerTimestamp
	r = kvsRun(t, inv, "fragments", "--stream", "s", "--json", "--clock", "producer", "--from", flagTime(from), "--to", "+1h").mustSucceed(t)
	var listed []archived.Fragment
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var f archived.Fragment
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		listed = append(listed, f)
	}
	if len(listed) != 4 {
		t.Fatalf("--from the second fragment listed %d fragments, want 4:\n%s", len(listed), r.stdout)
	}
	for i, f := range listed {
		want := frags[i+1]
		if f.FragmentNumber != want.FragmentNumber || !f.ProducerTimestamp.Equal(want.ProducerTimestamp) || !f.ServerTimestamp.Equal(want.ServerTimestamp) ||
			f.FragmentLengthInMilliseconds != 2000 || f.FragmentSizeInBytes < 10000 {
			t.Errorf("fragment %d: %+v, want number %s, producer time %v, server time %v, 2000 ms", i+1, f, want.FragmentNumber,
				want.ProducerTimestamp, want.ServerTimestamp)
		}
	}

	// The range ends are inclusive: a range that ends where the last fragment starts has it.
	last := frags[4].ProducerTimestamp
	r = kvsRun(t, inv, "fragments", "--stream", "s", "--clock", "producer", "--from", flagTime(last.Add(-time.Second)), "--to", flagTime(last)).mustSucceed(t)
	if n := strings.Count(r.stdout, "\n"); n != 2 || !strings.Contains(r.stdout, frags[4].FragmentNumber) {
		t.Errorf("the range up to the last fragment's start printed:\n%s", r.stdout)
	}
}

// TestFragmentsNone lists a range without fragments (nothing printed, status 0, a note on
// standard error) and a stream that does not exist (status 1, naming it).
func TestFragmentsNone(t *testing.T) {
	cfg, _ := archivedSample(t)
	inv := invocation{cfg: cfg}
	r := kvsRun(t, inv, "fragments", "--stream", "s", "--from", "-3h", "--to", "-2h").mustSucceed(t)
	if r.stdout != "" || !strings.Contains(r.stderr, `kvs fragments: no fragment of stream "s" starts from `) || !strings.Contains(r.stderr, "(SERVER_TIMESTAMP)") {
		t.Errorf("an empty range printed %q, stderr %q", r.stdout, r.stderr)
	}
	kvsRun(t, inv, "fragments", "--stream", "nope").mustFail(t, 1, `kvs fragments: stream "nope" does not exist in us-east-1`)
}
