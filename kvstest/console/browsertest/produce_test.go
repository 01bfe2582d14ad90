package browsertest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// sampleH264 is ten seconds of 320x240 H.264 at 30 fps with a key frame every 2 s, the media
// the tests and examples share (internal/testmedia).
const (
	sampleH264 = "../../../internal/testmedia/h264-320x240-30fps-10s.h264"
	sampleFPS  = 30
)

// sampleAccessUnits returns the access units of the sample and whether each is a key frame.
func sampleAccessUnits(t *testing.T) (units [][]byte, keys []bool) {
	t.Helper()
	data, err := os.ReadFile(sampleH264)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := media.NewAccessUnitReader(bytes.NewReader(data), media.CodecH264)
	if err != nil {
		t.Fatal(err)
	}
	for {
		au, key, err := ar.Next()
		if errors.Is(err, io.EOF) {
			return units, keys
		}
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, append([]byte(nil), au...))
		keys = append(keys, key)
	}
}

// produce creates a stream and streams the sample into it, looped at real-time pace like a
// camera, until the test ends; the producer is closed then, and must have lost nothing.
func produce(t *testing.T, emu *kvstest.Server, stream string) {
	t.Helper()
	units, keys := sampleAccessUnits(t)
	ctx, cancel := context.WithCancel(context.Background())
	control := kvs.NewFromConfig(emu.Config())
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: stream, DataRetentionInHours: 24, MediaType: "video/h264"}); err != nil {
		t.Fatal(err)
	}
	if _, err := control.TagStream(ctx, &kvs.TagStreamInput{StreamName: stream, Tags: map[string]string{"site": "lab", "camera": "front door"}}); err != nil {
		t.Fatal(err)
	}
	client := media.New(media.Options{Options: control.Options(), Control: control})
	p, err := media.NewProducer(context.Background(), client, media.ProducerConfig{StreamName: stream, Tracks: []media.TrackConfig{{Codec: media.CodecH264, Name: "video"}}})
	if err != nil {
		t.Fatal(err)
	}
	persisted := make(chan struct{})
	go func() { // until the producer is closed
		for first := true; ; {
			e, err := p.NextEvent(context.Background())
			if err != nil {
				return
			}
			if first && e.Type == media.EventAck && e.Ack.EventType == media.AckEventPersisted {
				first = false
				close(persisted)
			}
		}
	}()
	done := make(chan error, 1)
	go func() {
		tick := time.NewTicker(time.Second / sampleFPS)
		defer tick.Stop()
		for i := 0; ; i++ {
			f := media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / sampleFPS, Keyframe: keys[i%len(units)], Data: units[i%len(units)]}
			if err := p.WriteFrame(ctx, f); err != nil {
				done <- err
				return
			}
			select { // a camera's pace: frame i leaves at its media time
			case <-ctx.Done():
				done <- nil
				return
			case <-tick.C:
			}
		}
	}()
	select { // the stream has its first fragment: pages opened now have something to show
	case <-persisted:
	case err := <-done:
		t.Fatalf("the producer stopped before its first fragment was persisted: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("writing frames: %v", err)
		}
		closeCtx, stop := context.WithTimeout(context.Background(), 30*time.Second) // the last fragments' acknowledgements
		defer stop()
		if err := p.Close(closeCtx); err != nil {
			t.Errorf("closing the producer: %v", err)
		}
	})
}
