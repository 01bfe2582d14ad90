// Command quickstart shows kvsgo end to end in under a minute, with no AWS account: it starts
// the in-process Kinesis Video Streams emulator, creates a stream, streams ten seconds of the
// bundled H.264 and AAC media into it with a Producer, reads it back with a Consumer and prints
// every fragment with its tags, then lists the stored fragments, writes a clip and prints an
// HLS URL.
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -aws   # the same against your AWS account (default credentials)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kvsgo/sdk/examples/internal/env"
	"github.com/kvsgo/sdk/examples/internal/samples"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

func main() {
	useAWS := flag.Bool("aws", false, "use your AWS account (default credential chain and region) instead of the in-process emulator")
	clip := flag.String("clip", filepath.Join(os.TempDir(), "kvsgo-quickstart.mp4"), "where to write the clip")
	flag.Parse()
	env.Main("quickstart", func(ctx context.Context, out io.Writer) error { return run(ctx, out, *useAWS, *clip) })
}

// run is the whole quickstart, writing its report to out.
func run(ctx context.Context, out io.Writer, useAWS bool, clipPath string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cfg, done, err := env.Config(ctx, out, useAWS)
	if err != nil {
		return err
	}
	defer done()

	// 1. A stream that keeps its media for a day.
	control := kvs.NewFromConfig(cfg)
	name := fmt.Sprintf("kvsgo-quickstart-%d", time.Now().Unix())
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: 24, MediaType: "video/h264,audio/aac"}); err != nil {
		return fmt.Errorf("creating the stream: %w", err)
	}
	defer deleteStream(control, name, useAWS)
	if err := kvs.NewStreamActiveWaiter(control).Wait(ctx, &kvs.DescribeStreamInput{StreamName: name}, time.Minute); err != nil {
		return err
	}
	fmt.Fprintf(out, "created stream %s\n", name)

	// 2. Ten seconds of H.264 + AAC through a Producer.
	client := media.New(media.Options{Options: control.Options(), Control: control})
	start := time.Now().Truncate(time.Millisecond)
	if err := produce(ctx, out, client, name, start); err != nil {
		return err
	}

	// 3. Read it back from the start with a Consumer.
	if err := consume(ctx, out, client, name); err != nil {
		return err
	}
	return archive(ctx, out, control, name, start, clipPath)
}

func deleteStream(control *kvs.Client, name string, useAWS bool) {
	if !useAWS {
		return // the emulator goes away with its streams
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if desc, err := control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: name}); err == nil {
		_, _ = control.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: desc.StreamInfo.StreamARN})
	}
}

// produce streams the bundled media and waits until every fragment is persisted.
func produce(ctx context.Context, out io.Writer, client *media.Client, name string, start time.Time) error {
	frames, err := samples.Frames(1)
	if err != nil {
		return err
	}
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: samples.Tracks(), StartTime: start})
	if err != nil {
		return err
	}
	if err := p.PutFragmentMetadata("source", "kvsgo-quickstart", true); err != nil { // on every fragment
		return err
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, f); err != nil {
			_ = p.Close(ctx)
			return err
		}
	}
	if err := p.Close(ctx); err != nil {
		return err
	}
	st := p.Stats()
	fmt.Fprintf(out, "produced %d frames (%d bytes) in %d fragments, all PERSISTED; acknowledgement latency p50 %v\n",
		st.FramesWritten, st.BytesWritten, st.FragmentsPersisted, st.AckLatency.P50.Round(time.Microsecond))
	return nil
}

// consume reads the stream from its first fragment and prints a table of what came back.
func consume(ctx context.Context, out io.Writer, client *media.Client, name string) error {
	c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: name,
		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, IdleTimeout: 3 * time.Second})
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(out, "\n%-3s %-14s %-24s %-24s %6s %6s %8s  %s\n", "#", "fragment", "producer time", "server time", "video", "audio", "behind", "tags")
	n := 0
	for f, err := range c.Fragments(ctx) {
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		count := map[uint64]int{}
		for _, fr := range f.Frames {
			count[fr.Track]++
		}
		n++
		tags := ""
		for _, t := range f.Tags {
			tags += t.Name + "=" + t.String + " "
		}
		fmt.Fprintf(out, "%-3d …%-13s %-24s %-24s %6d %6d %6dms  %s\n", n, f.FragmentNumber[len(f.FragmentNumber)-12:],
			f.ProducerTimestamp.Format(media.RFC3339Milli), f.ServerTimestamp.Format(media.RFC3339Milli), count[1], count[2], f.MillisBehindNow, tags)
	}
	fmt.Fprintf(out, "consumed %d fragments; resume later with continuation token %s\n", n, c.ContinuationToken())
	return nil
}
