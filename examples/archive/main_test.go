package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

func TestArchiveExample(t *testing.T) {
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	var out strings.Builder
	if err := run(context.Background(), &out, options{stream: "example", span: 10 * time.Second, clip: clip}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), "fragment "); n != 5 {
		t.Errorf("%d fragments listed:\n%s", n, out.String())
	}
	for _, re := range []string{`HLS:  http://127\.0\.0\.1:\d+/hls/v1/getHLSMasterPlaylist\.m3u8\?SessionToken=`, `DASH: http://127\.0\.0\.1:\d+/dash/v1/getDASHManifest\.mpd\?SessionToken=`} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("no match for %s:\n%s", re, out.String())
		}
	}
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		wiretest.Skip(t, "ffprobe is not installed")
	}
	got, err := exec.Command(ffprobe, "-v", "error", "-count_frames", "-select_streams", "v", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", clip).Output()
	if err != nil || strings.TrimSpace(string(got)) != "300" {
		t.Errorf("ffprobe counted %q video frames in the clip (%v), want 300", got, err)
	}
}
