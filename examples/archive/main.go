// Command archive shows the archived-media APIs: it lists a stream's fragments for a time range
// in order, downloads a clip as an MP4 file, and prints HLS and DASH URLs that a player can
// open.
//
// Against the in-process emulator (the default) it first stores the bundled ten seconds of media
// in a stream; -hold then keeps the emulator running until Ctrl-C, so that the URLs can be
// played (ffplay, VLC, a browser with hls.js). With -aws it reads a stream of your account.
//
//	go run ./examples/archive -hold
//	go run ./examples/archive -aws -stream my-camera -from 2026-11-21T10:00:00Z -for 1m
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
	clip   string
	hold   bool
}

func main() {
	var o options
	flag.BoolVar(&o.aws, "aws", false, "use your AWS account instead of the in-process emulator")
	flag.StringVar(&o.stream, "stream", "kvsgo-archive", "the stream to read")
	env.TimeFlag(&o.from, "from", "the start of the range, RFC 3339 (default: -for before now; with the emulator, when the bundled media starts)")
	flag.DurationVar(&o.span, "for", 10*time.Second, "the length of the range")
	flag.StringVar(&o.clip, "clip", filepath.Join(os.TempDir(), "kvsgo-archive.mp4"), "where to write the clip")
	flag.BoolVar(&o.hold, "hold", false, "keep running (and the emulator serving the URLs) until Ctrl-C")
	flag.Parse()
	env.Main("archive", func(ctx context.Context, out io.Writer) error { return run(ctx, out, o) })
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
	client := archived.New(archived.Options{Options: control.Options(), Control: control})
	span := archived.TimestampRange{StartTimestamp: o.from, EndTimestamp: o.from.Add(o.span)}

	// The fragments of the range, sorted by producer time (the API returns them unordered).
	frags, err := client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: o.stream, Deduplicate: true,
		Selector: archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp, TimestampRange: span}})
	if err != nil {
		return err
	}
	for _, f := range frags {
		fmt.Fprintf(out, "fragment %s  %s  %5d ms  %7d bytes\n", f.FragmentNumber, f.ProducerTimestamp.Format(time.RFC3339Nano), f.FragmentLengthInMilliseconds, f.FragmentSizeInBytes)
	}

	// A clip of the range, as an MP4 file.
	clip, err := client.GetClip(ctx, &archived.GetClipInput{StreamName: o.stream, ClipFragmentSelector: archived.FragmentSelector{
		FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp, TimestampRange: span}})
	if err != nil {
		return err
	}
	n, err := writeFile(o.clip, clip.Payload)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "clip: %s (%d bytes)\n", o.clip, n)

	// URLs for players: HLS and DASH sessions of the range.
	sel := archived.StreamingFragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.StreamingTimestampRange{StartTimestamp: span.StartTimestamp, EndTimestamp: span.EndTimestamp}}
	hls, err := client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: o.stream,
		PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: sel})
	if err != nil {
		return err
	}
	dash, err := client.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: o.stream,
		PlaybackMode: archived.PlaybackModeOnDemand, DASHFragmentSelector: sel})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "HLS:  %s\nDASH: %s\n", hls.HLSStreamingSessionURL, dash.DASHStreamingSessionURL)
	if o.hold {
		fmt.Fprintln(out, "serving until Ctrl-C")
		<-ctx.Done()
	}
	return nil
}

func writeFile(path string, r io.ReadCloser) (int64, error) {
	defer r.Close()
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}
