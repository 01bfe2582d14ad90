package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// TestQuickstart runs the whole quickstart on the emulator and checks what it reports and the
// clip it writes.
func TestQuickstart(t *testing.T) {
	clipPath := filepath.Join(t.TempDir(), "clip.mp4")
	var out strings.Builder
	begin := time.Now()
	if err := run(context.Background(), &out, false, clipPath); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{
		"produced 770 frames", "in 5 fragments, all PERSISTED",
		"consumed 5 fragments", "ListFragments: 5 fragments", "GetClip: wrote", "video/mp4",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if n := strings.Count(report, "source=kvsgo-quickstart"); n != 5 {
		t.Errorf("%d fragments show their tag:\n%s", n, report)
	}
	if !regexp.MustCompile(`HLS: http://127\.0\.0\.1:\d+/hls/v1/getHLSMasterPlaylist\.m3u8\?SessionToken=\S+`).MatchString(report) {
		t.Errorf("no HLS URL:\n%s", report)
	}
	f, err := os.Open(clipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	clip, err := archived.ParseClip(f)
	if err != nil {
		t.Fatal(err)
	}
	// Four seconds of 30 fps video; frame times are whole milliseconds (33, 33, 34 ms apart).
	if d := clip.Tracks[0].Duration; len(clip.Tracks) != 2 || len(clip.Tracks[0].Samples) != 120 || d < 3950*time.Millisecond || d > 4050*time.Millisecond {
		t.Errorf("clip %d tracks, %d video samples, %v", len(clip.Tracks), len(clip.Tracks[0].Samples), clip.Tracks[0].Duration)
	}
	if d := time.Since(begin); d > time.Minute {
		t.Errorf("the quickstart took %v, more than a minute", d)
	}
}
