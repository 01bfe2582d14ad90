package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kvsgo/sdk/archived"
)

var clipCommand = &command{
	name:    "clip",
	group:   groupArchived,
	usage:   "kvs clip --stream NAME --from TIME [--to TIME] [--clock server|producer] -o FILE|-",
	summary: "download an MP4 clip of a time range (GetClip)",
	doc: `Downloads the fragments of a stream that start between --from and --to (now by default, at
most 24 hours after --from) as one MP4 file (GetClip), written to -o as it arrives: a FILE, or -
for standard output when that is not a terminal. The service cuts a clip after 200 fragments or
100 MB. At the end kvs reads the clip and prints its size, duration and tracks on standard error.
` + timeDoc + pastEndDoc,
	example: `kvs clip --stream camera-1 --from -5m -o last-5-minutes.mp4
kvs clip --stream camera-1 --clock producer --from 2026-11-21T10:00:00Z --to +30s -o - | ffplay -`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		var o clipOptions
		fs.StringVar(&o.stream, "stream", "", "`NAME` of the stream (required)")
		o.r = timeRange{to: "now", endInPast: true}
		o.r.register(fs, "the clip starts with the first fragment that starts at or after `TIME` (required)",
			"the clip ends with the last fragment that starts at or before `TIME`")
		fs.StringVar(&o.output, "o", "", "write the MP4 to `FILE` (required; - for standard output)")
		fs.BoolVar(&o.quiet, "q", false, "print no progress or summary")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q (the output goes to -o FILE)", args)
			}
			return clip(ctx, e, &o)
		}
	},
}

// clipOptions are the flags of kvs clip.
type clipOptions struct {
	stream, output string
	r              timeRange
	quiet          bool
}

// clip runs kvs clip.
func clip(ctx context.Context, e *env, o *clipOptions) error {
	if err := requireStream(o.stream); err != nil {
		return err
	}
	if err := checkMediaOutput(e, o.output, &o.r); err != nil {
		return err
	}
	sel, err := o.r.selector(time.Now(), archived.MaxSessionRange)
	if err != nil {
		return err
	}
	control, client, err := e.archivedClients(ctx)
	if err != nil {
		return err
	}
	resp, err := client.GetClip(ctx, &archived.GetClipInput{StreamName: o.stream, ClipFragmentSelector: sel})
	if err != nil {
		return archivedError(ctx, control, o.stream, "getting a clip", err)
	}
	defer resp.Payload.Close()
	out, finish, err := createOutput(e, o.output)
	if err != nil {
		return err
	}
	var kept clipCopy
	stopProgress := startProgress(newConsole(e), o.quiet, func() (string, int64) {
		n := kept.n.Load()
		return "kvs clip: " + formatBytes(n), n
	})
	_, err = io.Copy(io.MultiWriter(out, &kept), resp.Payload)
	stopProgress()
	if err != nil {
		return finish(fmt.Errorf("downloading the clip of stream %q to %s: %w", o.stream, outputName(o.output), err))
	}
	if err := finish(nil); err != nil {
		return err
	}
	return kept.report(e, o)
}

// clipCopy counts the bytes of a clip and keeps them, up to archived.MaxClipSize, to read the
// clip once written.
type clipCopy struct {
	buf bytes.Buffer
	n   atomic.Int64 // read by the progress line
}

// Write keeps and counts p; it never fails.
func (c *clipCopy) Write(p []byte) (int, error) {
	if room := archived.MaxClipSize - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// report reads the clip written and prints its size, duration and tracks. A clip that is not an
// MP4 file is an error (it stays written, for a look).
func (c *clipCopy) report(e *env, o *clipOptions) error {
	n := c.n.Load()
	if n > archived.MaxClipSize {
		if !o.quiet {
			fmt.Fprintf(e.stderr, "kvs clip: wrote %s to %s, too large to read its duration\n", formatBytes(n), outputName(o.output))
		}
		return nil
	}
	parsed, err := archived.ParseClip(&c.buf)
	if err != nil {
		return fmt.Errorf("the clip written to %s (%s) is not a readable MP4 file: %w", outputName(o.output), formatBytes(n), err)
	}
	if !o.quiet {
		fmt.Fprintf(e.stderr, "kvs clip: wrote %s to %s: %s\n", formatBytes(n), outputName(o.output), describeClip(parsed))
	}
	return nil
}

// describeClip sums up a clip: "10.028s; video avc1 320x240, 300 frames; audio mp4a 48000 Hz
// mono, 470 samples".
func describeClip(c *archived.Clip) string {
	parts := []string{c.Duration.Round(time.Millisecond).String()}
	for _, t := range c.Tracks {
		switch t.Handler {
		case "vide":
			parts = append(parts, fmt.Sprintf("video %s %dx%d, %d frames", t.Codec, t.Width, t.Height, len(t.Samples)))
		case "soun":
			channels := fmt.Sprintf("%d channels", t.Channels)
			if t.Channels == 1 {
				channels = "mono"
			}
			parts = append(parts, fmt.Sprintf("audio %s %d Hz %s, %d samples", t.Codec, t.SampleRate, channels, len(t.Samples)))
		default:
			parts = append(parts, fmt.Sprintf("track %d %s, %d samples", t.ID, t.Codec, len(t.Samples)))
		}
	}
	return strings.Join(parts, "; ")
}
