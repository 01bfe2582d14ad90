// Command producer streams media into a Kinesis video stream with media.Producer and prints the
// service's acknowledgements as they arrive.
//
// By default it plays the bundled ten seconds of H.264 and AAC, looped, at real-time pace, into
// an in-process emulator. -file streams an H.264 or H.265 Annex-B elementary stream instead
// (for example from ffmpeg -f h264), and -aws sends to your AWS account.
//
//	go run ./examples/producer -duration 20s
//	go run ./examples/producer -aws -stream my-camera -file camera.h264 -fps 25
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kvsgo/sdk/examples/internal/env"
	"github.com/kvsgo/sdk/examples/internal/samples"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// options are the command's flags.
type options struct {
	aws      bool
	stream   string
	file     string
	codec    string
	fps      int
	duration time.Duration
	realtime bool
}

func main() {
	var o options
	flag.BoolVar(&o.aws, "aws", false, "use your AWS account instead of the in-process emulator")
	flag.StringVar(&o.stream, "stream", "kvsgo-producer", "the stream to write (created when missing)")
	flag.StringVar(&o.file, "file", "", "an H.264/H.265 Annex-B file to stream instead of the bundled media")
	flag.StringVar(&o.codec, "codec", "H264", "the codec of -file: H264 or H265")
	flag.IntVar(&o.fps, "fps", 30, "the frame rate of -file")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how much of the bundled media to stream (looped)")
	flag.BoolVar(&o.realtime, "realtime", true, "pace the frames at their timestamps, like a camera")
	flag.Parse()
	env.Main("producer", func(ctx context.Context, out io.Writer) error { return run(ctx, out, o) })
}

func run(ctx context.Context, out io.Writer, o options) error {
	cfg, done, err := env.Config(ctx, out, o.aws)
	if err != nil {
		return err
	}
	defer done()
	control := kvs.NewFromConfig(cfg)
	if _, err := env.EnsureStream(ctx, control, o.stream, 24); err != nil {
		return err
	}
	frames, tracks, err := load(o)
	if err != nil {
		return err
	}
	client := media.New(media.Options{Options: control.Options(), Control: control})
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: o.stream, Tracks: tracks})
	if err != nil {
		return err
	}
	events := make(chan struct{})
	go func() { defer close(events); printEvents(p, out) }() // until the producer stops

	begin := time.Now()
	for _, f := range frames {
		if o.realtime {
			time.Sleep(time.Until(begin.Add(f.Timestamp)))
		}
		if err := p.WriteFrame(ctx, f); err != nil {
			break // the producer's fatal error, if any, comes out of Close
		}
	}
	closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = p.Close(closeCtx) // waits until every fragment is PERSISTED
	<-events
	st := p.Stats()
	fmt.Fprintf(out, "wrote %d frames in %d fragments: %d persisted, %d reconnections, ack latency p50 %v p99 %v\n",
		st.FramesWritten, st.FragmentsProduced, st.FragmentsPersisted, st.Reconnects, st.AckLatency.P50, st.AckLatency.P99)
	return err
}

// load returns the frames to stream and their tracks.
func load(o options) ([]media.Frame, []media.TrackConfig, error) {
	if o.file == "" {
		loops := max(1, int((o.duration+samples.Duration-1)/samples.Duration))
		frames, err := samples.Frames(loops)
		var kept []media.Frame
		for _, f := range frames {
			if f.Timestamp < o.duration {
				kept = append(kept, f)
			}
		}
		return kept, samples.Tracks(), err
	}
	data, err := os.ReadFile(o.file)
	if err != nil {
		return nil, nil, err
	}
	codec := media.Codec(o.codec)
	ar, err := media.NewAccessUnitReader(bytes.NewReader(data), codec)
	if err != nil {
		return nil, nil, err
	}
	var frames []media.Frame
	for i := 0; ; i++ {
		au, key, err := ar.Next()
		if errors.Is(err, io.EOF) {
			return frames, []media.TrackConfig{{Codec: codec}}, nil
		}
		if err != nil {
			return nil, nil, err
		}
		frames = append(frames, media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / time.Duration(o.fps), Keyframe: key, Data: append([]byte(nil), au...)})
	}
}

// printEvents prints the producer's acknowledgements (one line per fragment, when persisted),
// reconnections and failures.
func printEvents(p *media.Producer, out io.Writer) {
	for {
		e, err := p.NextEvent(context.Background())
		if err != nil {
			return
		}
		switch {
		case e.Type == media.EventAck && e.Ack.EventType == media.AckEventPersisted:
			fmt.Fprintf(out, "fragment at %s persisted as %s\n", time.UnixMilli(e.Ack.FragmentTimecode).UTC().Format(media.RFC3339Milli), e.Ack.FragmentNumber)
		case e.Type == media.EventReconnect, e.Type == media.EventFragmentFailed, e.Type == media.EventFragmentDropped, e.Type == media.EventFatal:
			fmt.Fprintf(out, "%s: %v\n", e.Type, e.Err)
		}
	}
}
