package kvstest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/media"
)

// archivedCLI runs "aws kinesis-video-archived-media args… --endpoint-url URL" at the data
// endpoint get-data-endpoint gives, and decodes what it prints into v (nil to ignore it).
func (a *awsCLI) archived(t *testing.T, v any, args ...string) {
	t.Helper()
	var endpoint struct{ DataEndpoint string }
	a.json(&endpoint, "get-data-endpoint", "--stream-name", "camera", "--api-name", "LIST_FRAGMENTS")
	args = append(append([]string{"kinesis-video-archived-media"}, args...), "--endpoint-url", endpoint.DataEndpoint, "--output", "json")
	cmd := exec.Command("aws", args...)
	cmd.Env = a.env
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), out, err)
		}
	}
}

// TestAWSCLIArchivedMedia runs the AWS CLI's kinesis-video-archived-media commands against the
// emulator, as kvslocal serves it: list-fragments (paging with our tokens), get-clip and
// get-media-for-fragment-list (streamed to files, read by ffprobe and our fragment reader),
// get-hls-streaming-session-url and get-dash-streaming-session-url (whose URLs ffprobe plays),
// and get-images.
func TestAWSCLIArchivedMedia(t *testing.T) {
	env, start := imagesEnv(t)
	aws := newAWSCLI(t, env.srv)
	selector := func(flag string) []string {
		return []string{flag, `{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{"StartTimestamp":"` +
			start.Format(time.RFC3339) + `","EndTimestamp":"` + start.Add(time.Minute).Format(time.RFC3339) + `"}}`}
	}
	var listed struct {
		Fragments []struct {
			FragmentNumber               string
			FragmentLengthInMilliseconds int64
		}
	}
	aws.archived(t, &listed, append([]string{"list-fragments", "--stream-name", "camera", "--page-size", "2"}, selector("--fragment-selector")...)...)
	var total int64
	for _, f := range listed.Fragments {
		total += f.FragmentLengthInMilliseconds
	}
	// Five fragments of 2 s; the first also holds the audio 21 ms before the first key frame.
	if len(listed.Fragments) != 5 || total != 10021 {
		t.Fatalf("list-fragments: %+v", listed)
	}
	dir := t.TempDir()
	clip := filepath.Join(dir, "clip.mp4")
	var clipOut struct{ ContentType string }
	aws.archived(t, &clipOut, append([]string{"get-clip", "--stream-name", "camera", clip}, selector("--clip-fragment-selector")...)...)
	if d := probe(t, clip, "format=duration"); clipOut.ContentType != "video/mp4" || len(d) != 1 || !strings.HasPrefix(d[0], "10.0") {
		t.Fatalf("get-clip: %s of %v s", clipOut.ContentType, d)
	}
	fragmentsFile := filepath.Join(dir, "fragments.mkv")
	args := []string{"get-media-for-fragment-list", "--stream-name", "camera", fragmentsFile, "--fragments"}
	for _, f := range listed.Fragments[:2] {
		args = append(args, f.FragmentNumber)
	}
	aws.archived(t, nil, args...)
	data, err := os.ReadFile(fragmentsFile)
	if err != nil {
		t.Fatal(err)
	}
	r := media.NewFragmentReader(bytes.NewReader(data))
	for _, want := range listed.Fragments[:2] {
		if f, err := r.Next(); err != nil || f.FragmentNumber != want.FragmentNumber {
			t.Fatalf("get-media-for-fragment-list: %v, want fragment %s", err, want.FragmentNumber)
		}
	}

	var hls struct{ HLSStreamingSessionURL string }
	aws.archived(t, &hls, append([]string{"get-hls-streaming-session-url", "--stream-name", "camera", "--playback-mode", "ON_DEMAND",
		"--container-format", "MPEG_TS", "--expires", "600"}, selector("--hls-fragment-selector")...)...)
	var dash struct{ DASHStreamingSessionURL string }
	aws.archived(t, &dash, append([]string{"get-dash-streaming-session-url", "--stream-name", "camera", "--playback-mode", "ON_DEMAND"},
		selector("--dash-fragment-selector")...)...)
	for _, u := range []string{hls.HLSStreamingSessionURL, dash.DASHStreamingSessionURL} {
		// ffprobe lists the stream once, and again in its HLS program.
		if n := probe(t, u, "stream=nb_read_frames", "-count_frames", "-select_streams", "v:0"); len(n) == 0 || n[0] != "300" || n[len(n)-1] != "300" {
			t.Fatalf("ffprobe -count_frames %s: %v, want 300 video frames", u, n)
		}
	}

	var images struct {
		Images []struct{ Error, ImageContent string }
	}
	aws.archived(t, &images, "get-images", "--stream-name", "camera", "--image-selector-type", "PRODUCER_TIMESTAMP",
		"--start-timestamp", start.Add(time.Second).Format(time.RFC3339), "--end-timestamp", start.Add(20*time.Second).Format(time.RFC3339),
		"--sampling-interval", "10000", "--format", "PNG")
	if len(images.Images) != 2 || images.Images[0].ImageContent == "" || images.Images[1].Error != "NO_MEDIA" {
		t.Fatalf("get-images: %+v", images)
	}
}
