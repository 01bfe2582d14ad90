package kvstest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// bigCluster returns a body of one fragment of n frames of size bytes each.
func bigCluster(t *testing.T, n, size int) []byte {
	b := newBody(t, videoTrack)
	b.b, _ = mkv.AppendClusterStart(b.b, t0, mkv.UnknownSize)
	for i := range n {
		b.b, _ = mkv.AppendSimpleBlock(b.b, t0, mkv.Frame{Track: 1, Timecode: t0 + int64(i)*33, Keyframe: i == 0, Data: bytes.Repeat([]byte{byte(i)}, size)})
	}
	return b.b
}

// TestMediaRatesPace checks that the throughput limits slow transfers down to their rate and
// lose nothing: each transfer takes at least its size over its rate, which unpaced loopback
// transfers of this size beat by far.
func TestMediaRatesPace(t *testing.T) {
	t.Run("FragmentRate", func(t *testing.T) {
		_, client, _, name := mediaSetup(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{FragmentRate: 20}))
		b := newBody(t, videoTrack)
		for i := range 11 {
			b.cluster(t0+int64(i)*100, [2]int64{1, 0})
		}
		began := time.Now()
		acks, err := put(t, client, name, bytes.NewReader(b.b))
		if took := time.Since(began); took < 450*time.Millisecond {
			t.Errorf("11 fragments at 20 per second took %v, want at least 500 ms", took)
		}
		if err != nil || countAcks(acks, media.AckEventPersisted) != 11 {
			t.Fatalf("%v; acks %s", err, kinds(acks))
		}
	})
	t.Run("IngestRate", func(t *testing.T) {
		_, client, _, name := mediaSetup(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{IngestRate: 1 << 20}))
		data := bigCluster(t, 20, 32<<10) // 640 KiB
		began := time.Now()
		acks, err := put(t, client, name, bytes.NewReader(data))
		if took := time.Since(began); took < 500*time.Millisecond {
			t.Errorf("%d bytes at 1 MiB/s took %v, want at least 570 ms", len(data), took)
		}
		if err != nil || countAcks(acks, media.AckEventPersisted) != 1 {
			t.Fatalf("%v; acks %s", err, kinds(acks))
		}
	})
	t.Run("GetMediaRate", func(t *testing.T) {
		_, client, _, name := mediaSetup(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaRate: 1 << 20, GetMediaIdle: 100 * time.Millisecond}))
		data := bigCluster(t, 20, 32<<10)
		if _, err := put(t, client, name, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		out, err := client.GetMedia(context.Background(), &media.GetMediaInput{StreamName: name,
			StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
		if err != nil {
			t.Fatal(err)
		}
		defer out.Payload.Close()
		f, err := media.NewFragmentReader(out.Payload).Next()
		if took := time.Since(began); took < 500*time.Millisecond {
			t.Errorf("a %d-byte fragment at 1 MiB/s came in %v, want at least 570 ms", len(data), took)
		}
		if err != nil || len(f.Frames) != 20 || len(f.Frames[19].Data) != 32<<10 {
			t.Fatalf("%v; %d frames", err, len(f.Frames))
		}
	})
}

func countAcks(acks []media.Ack, event media.AckEventType) int {
	n := 0
	for _, a := range acks {
		if a.EventType == event {
			n++
		}
	}
	return n
}
