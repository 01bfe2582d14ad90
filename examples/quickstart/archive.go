package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
)

// archive shows the archived-media APIs on the stored stream: the fragments of the media's time
// range, a clip of the fragments that start in its first three seconds (the first four seconds
// of media) written to clipPath, and an HLS URL to play it all.
func archive(ctx context.Context, out io.Writer, control *kvs.Client, name string, start time.Time, clipPath string) error {
	client := archived.New(archived.Options{Options: control.Options(), Control: control})
	span := archived.TimestampRange{StartTimestamp: start, EndTimestamp: start.Add(time.Minute)}

	frags, err := client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: name, Deduplicate: true,
		Selector: archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp, TimestampRange: span}})
	if err != nil {
		return fmt.Errorf("listing fragments: %w", err)
	}
	var bytes int64
	for _, f := range frags {
		bytes += f.FragmentSizeInBytes
	}
	fmt.Fprintf(out, "\nListFragments: %d fragments, %d bytes, from %s\n", len(frags), bytes, frags[0].ProducerTimestamp.Format(time.RFC3339))

	clip, err := client.GetClip(ctx, &archived.GetClipInput{StreamName: name, ClipFragmentSelector: archived.FragmentSelector{
		FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange:       archived.TimestampRange{StartTimestamp: start, EndTimestamp: start.Add(3 * time.Second)},
	}})
	if err != nil {
		return fmt.Errorf("getting a clip: %w", err)
	}
	defer clip.Payload.Close()
	f, err := os.Create(clipPath)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, clip.Payload)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the clip: %w", err)
	}
	fmt.Fprintf(out, "GetClip: wrote %s (%s, %d bytes): play it with ffplay %s\n", clipPath, clip.ContentType, n, clipPath)

	hls, err := client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: name,
		PlaybackMode: archived.PlaybackModeOnDemand,
		HLSFragmentSelector: archived.StreamingFragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
			TimestampRange: archived.StreamingTimestampRange{StartTimestamp: span.StartTimestamp, EndTimestamp: span.EndTimestamp}},
	})
	if err != nil {
		return fmt.Errorf("getting an HLS session: %w", err)
	}
	fmt.Fprintf(out, "HLS: %s\n     (valid while this program runs against the emulator; ffplay or any HLS player plays it)\n", hls.HLSStreamingSessionURL)
	return nil
}
