package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// needFFmpeg skips a test of images without ffmpeg, which the emulator decodes them with.
func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		wiretest.Skip(t, "ffmpeg is not installed")
	}
}

// TestImages saves an image a second of the sample's 10 s as JPEG, then one every 2.5 s as PNG
// scaled to a width: files named by their times, listed on standard output, that Go's decoders
// read at the stream's size or the one asked for.
func TestImages(t *testing.T) {
	needFFmpeg(t)
	cfg, frags := archivedSample(t)
	inv := invocation{cfg: cfg}
	start := frags[0].ProducerTimestamp
	for _, tc := range []struct {
		args          []string
		every         time.Duration
		n             int
		ext           string
		decode        func(*bytes.Reader) (image.Image, error)
		width, height int
	}{
		{nil, time.Second, 11, ".jpg", func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }, 320, 240},
		{[]string{"--every", "2.5s", "--format", "png", "--width", "160"}, 2500 * time.Millisecond, 5, ".png",
			func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }, 160, 120},
	} {
		dir := filepath.Join(t.TempDir(), "frames")
		args := append([]string{"images", "--stream", "s", "--clock", "producer", "--from", flagTime(start), "--to", "+10s", "-o", dir}, tc.args...)
		r := kvsRun(t, inv, args...).mustSucceed(t)
		var want []string
		for i := range tc.n {
			want = append(want, filepath.Join(dir, start.Add(time.Duration(i)*tc.every).UTC().Format("2006-01-02T15-04-05.000Z")+tc.ext))
		}
		if got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%q printed:\n%s\nwant:\n%s", tc.args, r.stdout, strings.Join(want, "\n"))
		}
		if summary := "kvs images: saved " + strconv.Itoa(tc.n) + " images in " + dir + "; 0 NO_MEDIA, 0 MEDIA_ERROR\n"; r.stderr != summary {
			t.Errorf("%q: stderr %q, want %q", tc.args, r.stderr, summary)
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != tc.n {
			t.Fatalf("%q: %d files in %s (%v), want %d", tc.args, len(entries), dir, err, tc.n)
		}
		for _, path := range want {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			img, err := tc.decode(bytes.NewReader(data))
			if err != nil || img.Bounds().Dx() != tc.width || img.Bounds().Dy() != tc.height {
				t.Errorf("%s: %v; want a %dx%d image", path, err, tc.width, tc.height)
			}
		}
	}
}

// TestImagesNoMedia asks for images partly after the end of the sample, where the service
// answers NO_MEDIA: the images there are, one line for the run of times without media, the
// counts, and status 0; then only after the end, where no image is saved: status 1. A stream that
// does not exist is named.
func TestImagesNoMedia(t *testing.T) {
	needFFmpeg(t)
	cfg, frags := archivedSample(t)
	inv := invocation{cfg: cfg}
	start := frags[0].ProducerTimestamp
	dir := t.TempDir()
	r := kvsRun(t, inv, "images", "--stream", "s", "--clock", "producer", "--from", flagTime(start.Add(6*time.Second)), "--to", "+12s",
		"--every", "2s", "-o", dir).mustSucceed(t)
	noMedia := "kvs images: NO_MEDIA at 4 times from " + formatTime(start.Add(12*time.Second)) + " to " + formatTime(start.Add(18*time.Second)) +
		": the stream has no media there\n"
	if n := strings.Count(r.stdout, "\n"); n != 3 || r.stderr != noMedia+"kvs images: saved 3 images in "+dir+"; 4 NO_MEDIA, 0 MEDIA_ERROR\n" {
		t.Errorf("%d images; stderr:\n%s", n, r.stderr)
	}

	r = kvsRun(t, inv, "images", "--stream", "s", "--clock", "producer", "--from", flagTime(start.Add(time.Minute)), "--to", "+1s", "-o", dir)
	r.mustFail(t, 1, `kvs images: stream "s" has no media from `)
	if r.stdout != "" || !strings.Contains(r.stderr, "kvs images: NO_MEDIA at 2 times from ") {
		t.Errorf("stdout %q, stderr:\n%s", r.stdout, r.stderr)
	}
	kvsRun(t, inv, "images", "--stream", "nope", "--from", "-1m", "-o", dir).mustFail(t, 1, `kvs images: stream "nope" does not exist in us-east-1`)
}
