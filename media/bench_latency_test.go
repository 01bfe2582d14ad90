package media_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// BenchmarkLiveLatencyAV measures the time from WriteFrame to the frame coming out of a live
// (NOW) consumer reading frame by frame, for a stream of 30 fps video (16 KB frames) and 48 kHz
// AAC (370-byte frames every 21.3 ms) written at real-time pace, and reports the percentiles of
// each track: the interleaving must not hold one track's frames for the other's (the target is
// p50 ≤ 2 ms and p99 ≤ 10 ms for both). b.N counts the video frames measured, after a second
// of both tracks that puts the consumer on the live fragment.
func BenchmarkLiveLatencyAV(b *testing.B) { benchLiveLatency(b, true) }

// BenchmarkLiveLatency is [BenchmarkLiveLatencyAV] with the video track alone: the baseline that
// shows what the interleaving of a second track costs.
func BenchmarkLiveLatency(b *testing.B) { benchLiveLatency(b, false) }

func benchLiveLatency(b *testing.B, withAudio bool) {
	_, client, names := benchEmulator(b, 24, kvstest.MediaLimits{}, 1)
	cp, frame := syntheticVideo(b, 16<<10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now().Truncate(time.Millisecond)
	tracks := []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: cp}}
	if withAudio {
		tracks = append(tracks, media.TrackConfig{Codec: media.CodecAAC, Format: media.FormatRaw, SampleRate: 48000, Channels: 1})
	}
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: names[0], StartTime: start, Tracks: tracks})
	if err != nil {
		b.Fatal(err)
	}
	c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: names[0]})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	type key struct {
		track uint64
		at    time.Duration
	}
	var mu sync.Mutex
	written := map[key]time.Time{}
	lat := map[uint64][]time.Duration{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			ch, err := c.NextChunk(ctx)
			if err != nil {
				return
			}
			if ch.Kind != media.ChunkFrame {
				continue
			}
			now := time.Now()
			mu.Lock()
			k := key{ch.Frame.Track, ch.Fragment.FrameTime(ch.Frame).Sub(start).Truncate(time.Millisecond)}
			if w, ok := written[k]; ok {
				lat[k.track] = append(lat[k.track], now.Sub(w))
				delete(written, k)
			}
			mu.Unlock()
		}
	}()
	time.Sleep(100 * time.Millisecond) // the consumer is tailing
	audio := make([]byte, 370)
	begin := time.Now()
	const warmUp = 30                                   // video frames
	end := time.Duration(b.N+warmUp) * time.Second / 30 // after the last video frame and the audio with it
	for v, a := 0, 0; ; {
		vAt, aAt := time.Duration(v)*time.Second/30, time.Duration(a)*64*time.Millisecond/3
		if !withAudio {
			aAt = end // never due
		}
		if min(vAt, aAt) >= end {
			break
		}
		f := media.Frame{Track: 2, Timestamp: aAt, Data: audio}
		if vAt <= aAt {
			f = media.Frame{Track: 1, Timestamp: vAt, Keyframe: v%60 == 0, Data: frame}
			v++
		} else {
			a++
		}
		time.Sleep(time.Until(begin.Add(f.Timestamp)))
		if f.Timestamp == warmUp*time.Second/30 {
			b.ResetTimer()
		}
		if f.Timestamp >= warmUp*time.Second/30 {
			mu.Lock()
			written[key{f.Track, f.Timestamp.Truncate(time.Millisecond)}] = time.Now()
			mu.Unlock()
		}
		if err := p.WriteFrame(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	b.StopTimer()
	cancel()
	<-done
	_ = p.Close(context.Background())
	mu.Lock()
	defer mu.Unlock()
	trackNames := map[uint64]string{1: "video"}
	if withAudio {
		trackNames[2] = "audio"
	}
	for track, name := range trackNames {
		l := lat[track]
		if len(l) == 0 {
			b.Fatalf("no %s frame came back", name)
		}
		slices.Sort(l)
		b.ReportMetric(float64(l[len(l)/2].Microseconds())/1000, name+"-p50-ms")
		b.ReportMetric(float64(l[len(l)*99/100].Microseconds())/1000, name+"-p99-ms")
	}
	b.ReportMetric(float64(len(lat[1]))/float64(b.N), "video-seen")
}
