package kvstest_test

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest"
)

// imagesEnv produces 10 s of video and audio from start.
func imagesEnv(t *testing.T, opts ...kvstest.Option) (*archivedEnv, time.Time) {
	t.Helper()
	env := newArchivedEnv(t, 24, opts...)
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env.produce(t, start, loadAV(t, 1))
	return env, start
}

// TestGetImagesDecodesFrames asks for an image every second of a range that runs 2 s past the
// media, through the paginating iterator, and checks that ffmpeg made a JPEG of the stream's
// size for every time with media and that the others carry NO_MEDIA.
func TestGetImagesDecodesFrames(t *testing.T) {
	needTool(t, "ffmpeg")
	env, start := imagesEnv(t)
	in := &archived.GetImagesInput{StreamName: env.name, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		StartTimestamp: start.Add(500 * time.Millisecond), EndTimestamp: start.Add(12500 * time.Millisecond),
		SamplingInterval: aws.Int32(1000), Format: archived.ImageFormatJPEG, MaxResults: aws.Int64(5),
		FormatConfig: map[archived.FormatConfigKey]string{archived.FormatConfigKeyJPEGQuality: "90"}}
	var images, noMedia int
	seen := map[string]bool{}
	for img, err := range env.client.Images(ctx, in) {
		if err != nil {
			t.Fatal(err)
		}
		want := start.Add(500*time.Millisecond + time.Duration(images+noMedia)*time.Second)
		if !img.Time.Equal(want) {
			t.Fatalf("image at %v, want %v", img.Time, want)
		}
		if img.Err != "" {
			if img.Err != archived.ImageErrorNoMedia || img.Time.Before(start.Add(10*time.Second)) {
				t.Fatalf("image at %v: %s", img.Time.Sub(start), img.Err)
			}
			noMedia++
			continue
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(img.Data))
		if err != nil || cfg.Width != 320 || cfg.Height != 240 {
			t.Fatalf("image at %v: %dx%d, %v", img.Time.Sub(start), cfg.Width, cfg.Height, err)
		}
		seen[string(img.Data)] = true
		images++
	}
	if images != 10 || noMedia != 3 || len(seen) != 10 {
		t.Fatalf("%d images (%d different) and %d NO_MEDIA, want 10 different and 3", images, len(seen), noMedia)
	}
}

// TestGetImagesScalesPNG asks for PNG images scaled to a width, the height following the aspect
// ratio, and for an exact size.
func TestGetImagesScalesPNG(t *testing.T) {
	needTool(t, "ffmpeg")
	env, start := imagesEnv(t)
	for _, tc := range []struct {
		width, height *int32
		w, h          int
	}{{aws.Int32(160), nil, 160, 120}, {aws.Int32(100), aws.Int32(100), 100, 100}, {nil, aws.Int32(60), 80, 60}} {
		out, err := env.client.GetImages(ctx, &archived.GetImagesInput{StreamName: env.name, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
			StartTimestamp: start.Add(3 * time.Second), EndTimestamp: start.Add(3 * time.Second), Format: archived.ImageFormatPNG,
			WidthPixels: tc.width, HeightPixels: tc.height})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Images) != 1 || out.NextToken != "" {
			t.Fatalf("%+v", out)
		}
		data, err := out.Images[0].Decode()
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || img.Bounds() != image.Rect(0, 0, tc.w, tc.h) {
			t.Fatalf("PNG %v, %v; want %dx%d", img.Bounds(), err, tc.w, tc.h)
		}
	}
}

// TestGetImagesWithoutFFmpeg checks that without ffmpeg (WithFFmpeg(""), or none in PATH)
// every image with media carries MEDIA_ERROR, those without NO_MEDIA, and the response says why.
func TestGetImagesWithoutFFmpeg(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []kvstest.Option
		why  string
	}{
		{"WithFFmpeg empty", []kvstest.Option{kvstest.WithFFmpeg("")}, `ffmpeg is not available (WithFFmpeg("")): images cannot be decoded`},
		{"not in PATH", nil, "ffmpeg is not installed: images cannot be decoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts == nil {
				t.Setenv("PATH", t.TempDir())
			}
			env, start := imagesEnv(t, tc.opts...)
			var why string
			out, err := env.client.GetImages(ctx, &archived.GetImagesInput{StreamName: env.name, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
				StartTimestamp: start.Add(8500 * time.Millisecond), EndTimestamp: start.Add(12500 * time.Millisecond), SamplingInterval: aws.Int32(2000),
				Format: archived.ImageFormatJPEG}, captureHeader("X-Kvstest-Images", &why))
			if err != nil {
				t.Fatal(err)
			}
			var got []archived.ImageError
			for _, img := range out.Images {
				if img.ImageContent != "" {
					t.Fatalf("image at %v has content", img.TimeStamp)
				}
				got = append(got, img.Error)
			}
			want := []archived.ImageError{archived.ImageErrorMediaError, archived.ImageErrorNoMedia, archived.ImageErrorNoMedia}
			if !slices.Equal(got, want) {
				t.Fatalf("errors %v, want %v", got, want)
			}
			if !strings.HasPrefix(why, tc.why) {
				t.Fatalf("X-Kvstest-Images %q, want %q", why, tc.why)
			}
		})
	}
}

// TestGetImagesRules checks the service's errors for requests GetImages refuses, sent raw so
// that the client's own checks do not stop them first.
func TestGetImagesRules(t *testing.T) {
	env, start := imagesEnv(t, kvstest.WithFFmpeg(""))
	body := func(extra string) string {
		return `{"StreamName":"camera","ImageSelectorType":"PRODUCER_TIMESTAMP","Format":"JPEG","StartTimestamp":` +
			epoch(start) + extra + `}`
	}
	for _, tc := range []struct{ name, body, code string }{
		{"range over 300 s", body(`,"EndTimestamp":` + epoch(start.Add(301*time.Second))), "InvalidArgumentException"},
		{"end before start", body(`,"EndTimestamp":` + epoch(start.Add(-time.Second))), "InvalidArgumentException"},
		{"sampling under 200 ms", body(`,"EndTimestamp":` + epoch(start.Add(time.Second)) + `,"SamplingInterval":100`), "InvalidArgumentException"},
		{"JPEG quality 0", body(`,"EndTimestamp":` + epoch(start.Add(time.Second)) + `,"FormatConfig":{"JPEGQuality":"0"}`), "InvalidArgumentException"},
		{"forged token", body(`,"EndTimestamp":` + epoch(start.Add(time.Second)) + `,"NextToken":"Zm9yZ2VkLXRva2Vu"`), "InvalidArgumentException"},
		{"unknown stream", `{"StreamName":"nope","ImageSelectorType":"PRODUCER_TIMESTAMP","Format":"JPEG","StartTimestamp":1,"EndTimestamp":2}`,
			"ResourceNotFoundException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := postData(t, env.srv, "/getImages", tc.body); r.code != tc.code {
				t.Fatalf("HTTP %d %s: %s; want %s", r.status, r.code, r.message, tc.code)
			}
		})
	}
	if _, err := env.control.UpdateDataRetention(ctx, mustRetentionDecrease(t, env)); err != nil {
		t.Fatal(err)
	}
	var nd *archived.NoDataRetentionException
	_, err := env.client.GetImages(ctx, &archived.GetImagesInput{StreamName: env.name, ImageSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		StartTimestamp: start, EndTimestamp: start.Add(time.Second), Format: archived.ImageFormatPNG})
	if !errors.As(err, &nd) {
		t.Fatalf("GetImages on a stream without retention: %v", err)
	}
}
