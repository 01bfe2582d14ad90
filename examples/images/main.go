// Command images extracts still images from a stream with GetImages, one every -every, and
// writes them as JPEG files.
//
// Against the in-process emulator (the default) it first stores the bundled ten seconds of media
// in a stream; the emulator decodes images with ffmpeg when it is installed (without it, each
// image carries the service's MEDIA_ERROR, which the program reports). With -aws it reads a
// stream of your account, which needs image generation enabled.
//
//	go run ./examples/images -out /tmp/frames
//	go run ./examples/images -aws -stream my-camera -from 2026-11-21T10:00:00Z -for 30s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/examples/internal/env"
	"github.com/kvsgo/sdk/kvs"
)

type options struct {
	aws    bool
	stream string
	from   time.Time
	span   time.Duration
	every  time.Duration
	dir    string
}

func main() {
	var o options
	flag.BoolVar(&o.aws, "aws", false, "use your AWS account instead of the in-process emulator")
	flag.StringVar(&o.stream, "stream", "kvsgo-images", "the stream to read")
	env.TimeFlag(&o.from, "from", "the start of the range, RFC 3339 (default: -for before now; with the emulator, when the bundled media starts)")
	flag.DurationVar(&o.span, "for", 10*time.Second, "the length of the range (at most 5 minutes)")
	flag.DurationVar(&o.every, "every", time.Second, "the time between two images (at least 200 ms)")
	flag.StringVar(&o.dir, "out", filepath.Join(os.TempDir(), "kvsgo-images"), "the directory to write the images to")
	flag.Parse()
	env.Main("images", func(ctx context.Context, out io.Writer) error { return run(ctx, out, o) })
}

func run(ctx context.Context, out io.Writer, o options) error {
	cfg, done, err := env.Config(ctx, out, o.aws)
	if err != nil {
		return err
	}
	defer done()
	control := kvs.NewFromConfig(cfg)
	if !o.aws {
		if o.from, err = env.StoreSamples(ctx, control, o.stream); err != nil {
			return err
		}
	}
	if o.from.IsZero() {
		o.from = time.Now().Add(-o.span)
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	client := archived.New(archived.Options{Options: control.Options(), Control: control})
	interval := int32(o.every.Milliseconds())
	images := client.Images(ctx, &archived.GetImagesInput{
		StreamName: o.stream, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		StartTimestamp: o.from, EndTimestamp: o.from.Add(o.span), SamplingInterval: &interval, Format: archived.ImageFormatJPEG,
	})
	written := 0
	for img, err := range images {
		if err != nil {
			return err
		}
		if img.Err != "" {
			fmt.Fprintf(out, "%s: no image (%s)\n", img.Time.Format(time.RFC3339Nano), img.Err)
			continue
		}
		path := filepath.Join(o.dir, fmt.Sprintf("%s.jpg", img.Time.Format("20060102T150405.000")))
		if err := os.WriteFile(path, img.Data, 0o644); err != nil {
			return err
		}
		written++
		fmt.Fprintf(out, "%s: %s (%d bytes)\n", img.Time.Format(time.RFC3339Nano), path, len(img.Data))
	}
	fmt.Fprintf(out, "wrote %d images to %s\n", written, o.dir)
	return nil
}
