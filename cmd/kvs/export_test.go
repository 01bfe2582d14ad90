package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
)

// TestExport exports the whole sample as MKV: ffprobe counts every video and audio frame,
// and kvs sums up what it wrote on standard error.
func TestExport(t *testing.T) {
	ffprobe, err := exec.LookPath("ffprobe")
	if err != nil {
		wiretest.Skip(t, "ffprobe is not installed (apt-get install ffmpeg)")
	}
	cfg, frags := archivedSample(t)
	inv := invocation{cfg: cfg}
	path := filepath.Join(t.TempDir(), "export.mkv")
	r := kvsRun(t, inv, "export", "--stream", "s", "--clock", "producer", "--from", flagTime(frags[0].ProducerTimestamp), "--to", "+1m",
		"--parallel", "2", "-o", path).mustSucceed(t)
	if r.stdout != "" || !strings.HasPrefix(r.stderr, "kvs export: wrote 5 fragments, 770 frames") {
		t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
	out, err := exec.Command(ffprobe, "-v", "error", "-count_packets", "-show_entries", "stream=codec_type,nb_read_packets",
		"-of", "csv=p=0", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "video,300\naudio,470" {
		t.Errorf("ffprobe reads %q, want video,300 and audio,470", got)
	}
	mp4Path := filepath.Join(t.TempDir(), "export.mp4")
	kvsRun(t, inv, "export", "--stream", "s", "--clock", "producer", "--from", flagTime(frags[0].ProducerTimestamp), "--to", "+1m",
		"-o", mp4Path, "-q").mustSucceed(t)
	out, err = exec.Command(ffprobe, "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames:format=format_name,duration",
		"-of", "csv=p=0", mp4Path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || lines[0] != "h264,300" || lines[1] != "aac,470" || !strings.Contains(lines[2], "mov,mp4") {
		t.Errorf("ffprobe decodes the MP4 export as %q, want 300 h264 frames and 470 aac frames", lines)
	} else if d, _ := strconv.ParseFloat(lines[2][strings.LastIndex(lines[2], ",")+1:], 64); d < 9.9 || d > 10.2 {
		t.Errorf("the MP4 export lasts %v s, want about 10", d)
	}
	kvsRun(t, inv, "export", "--stream", "s", "--from", "-3h", "--to", "-2h", "-o", filepath.Join(t.TempDir(), "none.mkv")).mustFail(t, 1,
		"no fragments in the range")
	kvsRun(t, inv, "export", "--stream", "s", "--from", "-1m", "--parallel", "0", "-o", path).mustFail(t, 2, "--parallel 0")
	kvsRun(t, inv, "export", "--stream", "s", "--from", "-1m", "--format", "avi", "-o", path).mustFail(t, 2, `--format "avi"`)
}

func TestProgressBar(t *testing.T) {
	for _, tc := range []struct {
		p    archived.ExportProgress
		want string
	}{
		{archived.ExportProgress{}, "[--------------------]   0% 0/0 fragments 0 B"},
		{archived.ExportProgress{Fragments: 405, TotalFragments: 900, Bytes: 12_000_000}, "[#########-----------]  45% 405/900 fragments 12.0 MB"},
		{archived.ExportProgress{Fragments: 900, TotalFragments: 900}, "[####################] 100% 900/900 fragments 0 B"},
	} {
		if got := progressBar(tc.p); got != tc.want {
			t.Errorf("progressBar(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}
