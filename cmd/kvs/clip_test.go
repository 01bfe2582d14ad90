package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// TestClip downloads the whole sample as an MP4 clip on the producer clock: the file holds 10 s
// and 300 video frames as ffprobe decodes them, kvs reports its size and duration on standard
// error, and the same clip goes to standard output with -o -. On the server clock, the default
// --to (a second ago) takes it all once the fragments are a second old.
func TestClip(t *testing.T) {
	cfg, frags := archivedSample(t)
	inv := invocation{cfg: cfg}
	dir := t.TempDir()
	path := filepath.Join(dir, "clip.mp4")
	from := flagTime(frags[0].ProducerTimestamp)
	r := kvsRun(t, inv, "clip", "--stream", "s", "--clock", "producer", "--from", from, "--to", "+1m", "-o", path).mustSucceed(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	summary := "kvs clip: wrote " + formatBytes(int64(len(data))) + " to " + path + ": 10.0"
	if r.stdout != "" || !strings.HasPrefix(r.stderr, summary) || !strings.Contains(r.stderr, "video avc1 320x240, 300 frames; audio mp4a 48000 Hz") {
		t.Errorf("stdout %q, stderr %q; want a summary starting %q", r.stdout, r.stderr, summary)
	}
	duration, videoFrames := probeClip(t, path)
	if duration < 9.9 || duration > 10.2 || videoFrames != 300 {
		t.Errorf("ffprobe: %v s, %d video frames; want about 10 s and 300", duration, videoFrames)
	}

	r = kvsRun(t, inv, "clip", "--stream", "s", "--clock", "producer", "--from", from, "--to", "+1m", "-o", "-", "-q").mustSucceed(t)
	if !bytes.Equal([]byte(r.stdout), data) || r.stderr != "" {
		t.Errorf("-o - -q wrote %d bytes, the file has %d; stderr %q", len(r.stdout), len(data), r.stderr)
	}
	kvsRun(t, invocation{cfg: cfg, stdoutTTY: true}, "clip", "--stream", "s", "--from", from, "-o", "-").mustFail(t, 2,
		"-o -: standard output is a terminal")

	time.Sleep(time.Until(frags[4].ServerTimestamp.Add(serverClockLag + 10*time.Millisecond)))
	serverPath := filepath.Join(dir, "server.mp4")
	r = kvsRun(t, inv, "clip", "--stream", "s", "--from", "-1m", "-o", serverPath).mustSucceed(t)
	if !strings.Contains(r.stderr, "300 frames") {
		t.Errorf("on the server clock: %s", r.stderr)
	}
}

// TestClipErrors asks for clips that the service refuses: of a stream that does not exist, of a
// range without fragments, of a stream that keeps no data. Each exits 1 with the reason, and
// leaves no file behind.
func TestClipErrors(t *testing.T) {
	cfg, _ := archivedSample(t)
	inv := invocation{cfg: cfg}
	createTestStream(t, cfg, "no-retention", 0)
	path := filepath.Join(t.TempDir(), "clip.mp4")
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--stream", "nope", "--from", "-1m"}, `kvs clip: stream "nope" does not exist in us-east-1`},
		{[]string{"--stream", "s", "--from", "-3h", "--to", "-2h"},
			`kvs clip: getting a clip of stream "s": GetClip: ResourceNotFoundException: No fragments were found in the requested time range.`},
		{[]string{"--stream", "no-retention", "--from", "-1m"}, `kvs clip: getting a clip of stream "no-retention": GetClip: NoDataRetentionException: `},
	} {
		kvsRun(t, inv, append(append([]string{"clip"}, tc.args...), "-o", path)...).mustFail(t, 1, tc.says)
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%q left %s: %v", tc.args, path, err)
		}
	}
}

// probeClip returns the duration of an MP4 file and the number of frames of its video track as
// ffprobe decodes them, or skips the test without ffprobe.
func probeClip(t *testing.T, path string) (seconds float64, videoFrames int) {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		wiretest.Skip(t, "ffprobe is not installed")
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames:format=duration", "-of", "default=noprint_wrappers=1", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	for _, line := range strings.Fields(string(out)) {
		key, value, _ := strings.Cut(line, "=")
		switch key {
		case "duration":
			seconds, err = strconv.ParseFloat(value, 64)
		case "nb_read_frames":
			videoFrames, err = strconv.Atoi(value)
		}
		if err != nil {
			t.Fatalf("ffprobe printed %q: %v", out, err)
		}
	}
	return seconds, videoFrames
}
