package media_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// sampleFrame is one frame of the shared samples, with its time from the start.
type sampleFrame struct {
	track uint64
	at    time.Duration
	key   bool
	data  []byte // as given to the producer
	raw   []byte // as stored: length-prefixed video, raw AAC
}

// loadSamples reads the shared H.264 (track 1) and AAC (track 2) samples, interleaved by time.
func loadSamples(t testing.TB, seconds int) (frames []sampleFrame, aacConfig []byte) {
	t.Helper()
	video, err := wiretest.ReadShared(filepath.Join("media", "h264-320x240-30fps-10s.h264"))
	if err != nil {
		wiretest.Skip(t, "samples: %v", err)
	}
	audio, err := wiretest.ReadShared(filepath.Join("media", "aac-48k-mono-10s.aac"))
	if err != nil {
		wiretest.Skip(t, "samples: %v", err)
	}
	ar, _ := media.NewAccessUnitReader(bytes.NewReader(video), media.CodecH264)
	var vframes []sampleFrame
	for i := 0; ; i++ {
		au, key, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, err := mkv.AppendLengthPrefixed(nil, au)
		if err != nil {
			t.Fatal(err)
		}
		vframes = append(vframes, sampleFrame{track: 1, at: time.Duration(i) * time.Second / 30, key: key, data: bytes.Clone(au), raw: raw})
	}
	var aframes []sampleFrame
	for rest, i := audio, 0; len(rest) > 0; i++ {
		cfg, raw, next, err := mkv.NextADTSFrame(rest)
		if err != nil {
			t.Fatal(err)
		}
		if aacConfig == nil {
			aacConfig, _ = cfg.AudioSpecificConfig()
		}
		aframes = append(aframes, sampleFrame{track: 2, at: time.Duration(i) * cfg.FrameDuration(), key: true,
			data: rest[:len(rest)-len(next)], raw: raw})
		rest = next
	}
	limit := time.Duration(seconds) * time.Second
	for len(vframes) > 0 || len(aframes) > 0 {
		var f sampleFrame
		if len(aframes) == 0 || len(vframes) > 0 && vframes[0].at <= aframes[0].at {
			f, vframes = vframes[0], vframes[1:]
		} else {
			f, aframes = aframes[0], aframes[1:]
		}
		if f.at < limit {
			frames = append(frames, f)
		}
	}
	return frames, aacConfig
}

// emulator starts kvstest with a stream and returns a media client for it.
func emulator(t testing.TB, retention int32, opts ...kvstest.Option) (*kvstest.Server, *media.Client, string) {
	t.Helper()
	srv := kvstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	control := kvs.NewFromConfig(srv.Config())
	name := fmt.Sprintf("stream-%d", time.Now().UnixNano())
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: retention}); err != nil {
		t.Fatal(err)
	}
	return srv, media.New(media.Options{Options: control.Options(), Control: control}), name
}

func avTracks() []media.TrackConfig {
	return []media.TrackConfig{{Codec: media.CodecH264}, {Codec: media.CodecAAC}}
}

// produce writes frames through a producer and closes it.
func produce(t testing.TB, client *media.Client, cfg media.ProducerConfig, frames []sampleFrame) *media.Producer {
	t.Helper()
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.Close(closeCtx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return p
}

// consumeAll reads a stream from its start until it stays quiet.
func consumeAll(t testing.TB, client *media.Client, name string) []*media.Fragment {
	t.Helper()
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name,
		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, IdleTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []*media.Fragment
	for {
		f, err := c.Next(context.Background())
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
}

// checkFrames compares what came back with what was written: every frame, in order per track,
// same bytes, same key flag, same time to the millisecond.
func checkFrames(t testing.TB, start time.Time, want []sampleFrame, frags []*media.Fragment) {
	t.Helper()
	type timedFrame struct {
		media.Frame
		Time time.Time
	}
	got := map[uint64][]timedFrame{}
	for _, f := range frags {
		for _, fr := range f.Frames {
			got[fr.Track] = append(got[fr.Track], timedFrame{fr, f.FrameTime(fr)})
		}
	}
	byTrack := map[uint64][]sampleFrame{}
	for _, f := range want {
		byTrack[f.track] = append(byTrack[f.track], f)
	}
	for track, w := range byTrack {
		g := got[track]
		if len(g) != len(w) {
			t.Fatalf("track %d: %d frames came back, %d written", track, len(g), len(w))
		}
		for i := range w {
			wantAt := start.Add(w[i].at).Truncate(time.Millisecond)
			if !bytes.Equal(g[i].Data, w[i].raw) || g[i].Keyframe != w[i].key || !g[i].Time.Equal(wantAt) {
				t.Fatalf("track %d frame %d: key %v at %v (%d bytes), want key %v at %v (%d bytes)",
					track, i, g[i].Keyframe, g[i].Time, len(g[i].Data), w[i].key, wantAt, len(w[i].raw))
			}
		}
	}
}

func TestProducerToConsumerRoundTrip(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	_, client, name := emulator(t, 24)
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	p := produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}, frames)
	st := p.Stats()
	if st.FragmentsPersisted != 5 || st.FramesDropped != 0 || st.FragmentsResent != 0 {
		t.Errorf("stats %+v", st)
	}
	frags := consumeAll(t, client, name)
	if len(frags) != 5 {
		t.Fatalf("%d fragments, want 5 (10 s in 2 s fragments)", len(frags))
	}
	for i, f := range frags {
		if len(f.Tracks) != 2 || f.Tracks[0].CodecID != mkv.CodecIDH264 || f.Tracks[1].CodecID != mkv.CodecIDAAC {
			t.Fatalf("fragment %d tracks %+v", i, f.Tracks)
		}
		if !f.ProducerTimestamp.Equal(start.Add(time.Duration(i) * 2 * time.Second)) {
			t.Errorf("fragment %d producer timestamp %v", i, f.ProducerTimestamp)
		}
	}
	checkFrames(t, start, frames, frags)
}
