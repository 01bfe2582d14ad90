// Command consumer follows a Kinesis video stream with media.Consumer and prints each fragment
// with its service tags and producer metadata. The consumer resumes after disconnections from
// the last fragment's continuation token, so each fragment is printed once.
//
// Against the in-process emulator (the default) it also starts a producer that plays the
// bundled media in real time, so that there is something to follow. With -aws it reads a stream
// of your account.
//
//	go run ./examples/consumer
//	go run ./examples/consumer -aws -stream my-camera -start earliest -idle 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kvsgo/sdk/examples/internal/env"
	"github.com/kvsgo/sdk/examples/internal/samples"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

type options struct {
	aws      bool
	stream   string
	start    string
	idle     time.Duration
	realtime bool // the emulator's demo producer plays in real time
}

func main() {
	var o options
	flag.BoolVar(&o.aws, "aws", false, "use your AWS account instead of the in-process emulator")
	flag.StringVar(&o.stream, "stream", "kvsgo-consumer", "the stream to read")
	flag.StringVar(&o.start, "start", "now", "where to start: now or earliest")
	flag.DurationVar(&o.idle, "idle", 5*time.Second, "stop after this long without a new fragment (0: follow forever)")
	flag.Parse()
	o.realtime = true
	env.Main("consumer", func(ctx context.Context, out io.Writer) error { return run(ctx, out, o) })
}

func run(ctx context.Context, out io.Writer, o options) error {
	cfg, done, err := env.Config(ctx, out, o.aws)
	if err != nil {
		return err
	}
	defer done()
	control := kvs.NewFromConfig(cfg)
	client := media.New(media.Options{Options: control.Options(), Control: control})
	if !o.aws {
		if _, err := env.EnsureStream(ctx, control, o.stream, 24); err != nil {
			return err
		}
		produced := make(chan error, 1)
		go func() { produced <- demoProducer(ctx, client, o) }()
		defer func() { <-produced }()
	}
	sel := media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}
	if o.start == "earliest" {
		sel.StartSelectorType = media.StartSelectorTypeEarliest
	}
	c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: o.stream, Start: sel, IdleTimeout: o.idle})
	if err != nil {
		return err
	}
	defer c.Close()
	for f, err := range c.Fragments(ctx) {
		if errors.Is(err, io.EOF) {
			break
		}
		var inBand *media.StreamError
		if errors.As(err, &inBand) {
			fmt.Fprintln(out, "the service reported:", inBand)
			continue
		}
		if err != nil {
			return err
		}
		printFragment(out, f)
	}
	st := c.Stats()
	fmt.Fprintf(out, "read %d fragments (%d frames) in %d GetMedia calls; resume with token %s\n", st.Fragments, st.Frames, st.Calls, c.ContinuationToken())
	return nil
}

func printFragment(out io.Writer, f *media.Fragment) {
	count := map[uint64]int{}
	for _, fr := range f.Frames {
		count[fr.Track]++
	}
	fmt.Fprintf(out, "fragment %s  producer %s  server %s  behind %dms  frames %v\n", f.FragmentNumber,
		f.ProducerTimestamp.Format(media.RFC3339Milli), f.ServerTimestamp.Format(media.RFC3339Milli), f.MillisBehindNow, count)
	for _, t := range f.Tags {
		fmt.Fprintf(out, "    tag %s = %s\n", t.Name, t.String)
	}
}

// demoProducer plays the bundled media into the emulator's stream while the consumer reads it.
func demoProducer(ctx context.Context, client *media.Client, o options) error {
	frames, err := samples.Frames(1)
	if err != nil {
		return err
	}
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: o.stream, Tracks: samples.Tracks()})
	if err != nil {
		return err
	}
	_ = p.PutFragmentMetadata("camera", "demo", true)
	begin := time.Now()
	for _, f := range frames {
		if o.realtime {
			time.Sleep(time.Until(begin.Add(f.Timestamp)))
		}
		if err := p.WriteFrame(ctx, f); err != nil {
			break
		}
	}
	return p.Close(ctx)
}
