package media_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

func TestMain(m *testing.M) {
	if n, err := strconv.Atoi(os.Getenv("KVSGO_LIVE_FEEDER")); err == nil { // run as the feeder of BenchmarkLiveConsumersRemote
		os.Exit(liveFeeder(n))
	}
	wiretest.VerifyNoLeaks(m)
}

// TestFragmentsFollowKeyFramesAndEveryTrack checks the fragmentation: each fragment starts with
// a video key frame, lasts about the target duration, holds frames of both tracks, and does not
// overlap the previous one.
func TestFragmentsFollowKeyFramesAndEveryTrack(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	_, client, name := emulator(t, 24, fastLimits)
	start := time.Date(2026, 11, 21, 16, 0, 0, 0, time.UTC)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start, FragmentDuration: 4 * time.Second}, frames)
	frags := consumeAll(t, client, name)
	if len(frags) != 3 { // key frames every 2 s: fragments of 4, 4 and 2 s
		t.Fatalf("%d fragments, want 3", len(frags))
	}
	var lastEnd time.Time
	for i, f := range frags {
		first := f.Frames[0]
		if first.Track != 1 || !first.Keyframe {
			t.Errorf("fragment %d starts with track %d key %v", i, first.Track, first.Keyframe)
		}
		tracks := map[uint64]int{}
		for _, fr := range f.Frames {
			tracks[fr.Track]++
			if !f.FrameTime(fr).After(lastEnd) && !lastEnd.IsZero() {
				t.Errorf("fragment %d has a frame at %v, not after the previous fragment's %v", i, f.FrameTime(fr), lastEnd)
			}
		}
		for _, fr := range f.Frames {
			lastEnd = maxTime(lastEnd, f.FrameTime(fr))
		}
		if tracks[1] == 0 || tracks[2] == 0 {
			t.Errorf("fragment %d frames per track %v", i, tracks)
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestRoundTripOtherCodecs streams H.265 video alone and G.711 A-law audio alone.
func TestRoundTripOtherCodecs(t *testing.T) {
	t.Run("H.265", func(t *testing.T) {
		data, err := wiretest.ReadShared(filepath.Join("media", "h265-320x240-30fps-10s.h265"))
		if err != nil {
			wiretest.Skip(t, "sample: %v", err)
		}
		ar, _ := media.NewAccessUnitReader(bytes.NewReader(data), media.CodecH265)
		var frames []sampleFrame
		for i := 0; ; i++ {
			au, key, err := ar.Next()
			if err == io.EOF {
				break
			}
			raw, _ := mkv.AppendLengthPrefixed(nil, au)
			frames = append(frames, sampleFrame{track: 1, at: time.Duration(i) * time.Second / 30, key: key, data: bytes.Clone(au), raw: raw})
		}
		_, client, name := emulator(t, 24, fastLimits)
		start := time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC)
		produce(t, client, media.ProducerConfig{StreamName: name, Tracks: []media.TrackConfig{{Codec: media.CodecH265}}, StartTime: start}, frames)
		frags := consumeAll(t, client, name)
		if frags[0].Tracks[0].CodecID != mkv.CodecIDH265 || frags[0].Tracks[0].Video.PixelWidth != 320 {
			t.Errorf("track %+v", frags[0].Tracks[0])
		}
		checkFrames(t, start, frames, frags)
	})
	t.Run("G.711", func(t *testing.T) {
		data, err := wiretest.ReadShared(filepath.Join("media", "g711a-8k-mono-10s.alaw"))
		if err != nil {
			wiretest.Skip(t, "sample: %v", err)
		}
		var frames []sampleFrame
		for i := 0; len(data) > 0; i++ { // 20 ms packets of 160 samples
			n := min(160, len(data))
			frames = append(frames, sampleFrame{track: 1, at: time.Duration(i) * 20 * time.Millisecond, key: true, data: data[:n], raw: data[:n]})
			data = data[n:]
		}
		_, client, name := emulator(t, 24, fastLimits)
		start := time.Date(2026, 11, 21, 18, 0, 0, 0, time.UTC)
		produce(t, client, media.ProducerConfig{StreamName: name, Tracks: []media.TrackConfig{{Codec: media.CodecG711ALaw}}, StartTime: start}, frames)
		frags := consumeAll(t, client, name)
		wf, err := mkv.ParseWaveFormat(frags[0].Tracks[0].CodecPrivate)
		if frags[0].Tracks[0].CodecID != mkv.CodecIDACM || err != nil || wf.FormatTag != mkv.WaveFormatALaw || wf.SampleRate != 8000 {
			t.Errorf("track %+v, wave format %+v %v", frags[0].Tracks[0], wf, err)
		}
		checkFrames(t, start, frames, frags)
	})
}

// TestRelativeTimecodes uses RELATIVE timecodes: the service computes producer timestamps from
// the producer's start time.
func TestRelativeTimecodes(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	_, client, name := emulator(t, 24, fastLimits)
	start := time.Date(2026, 11, 21, 19, 30, 0, 0, time.UTC)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start, FragmentTimecodeType: media.FragmentTimecodeRelative}, frames)
	frags := consumeAll(t, client, name)
	if frags[1].Timecode != 2000 || !frags[1].ProducerTimestamp.Equal(start.Add(2*time.Second)) {
		t.Errorf("fragment 1: timecode %d, producer timestamp %v", frags[1].Timecode, frags[1].ProducerTimestamp)
	}
	checkFrames(t, start, frames, frags)
}

// TestFragmentMetadata sends metadata once and persistently.
func TestFragmentMetadata(t *testing.T) {
	frames, _ := loadSamples(t, 6)
	_, client, name := emulator(t, 24, fastLimits)
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.PutFragmentMetadata("camera", "front-door", true); err != nil {
		t.Fatal(err)
	}
	if err := p.PutFragmentMetadata("event", "motion", false); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"AWS_THING", "aws-lower", ""} {
		if err := p.PutFragmentMetadata(bad, "x", false); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	frags := consumeAll(t, client, name)
	for i, f := range frags {
		cam, _ := f.Tag("camera")
		ev, hasEvent := f.Tag("event")
		if cam != "front-door" || hasEvent != (i == 0) || (i == 0 && ev != "motion") {
			t.Errorf("fragment %d tags %+v", i, f.Tags)
		}
	}
}

// TestBufferDropOldest fills a small buffer while the service refuses connections: the oldest
// fragments are dropped, each drop reported, and the newest kept.
func TestBufferDropOldest(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	srv, client, name := emulator(t, 24, fastLimits)
	srv.FailNext("PutMedia", 1000, kvstest.Error{Status: 503, Code: "ServiceUnavailable", Message: "down"})
	ctx := context.Background()
	cfg := fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), Buffer: media.BufferConfig{MaxDuration: 3 * time.Second}})
	p, err := media.NewProducer(ctx, client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	st := p.Stats()
	if st.FragmentsDropped < 2 || st.FramesLost == 0 || st.BufferedFragments > 3 {
		t.Errorf("stats %+v", st)
	}
	dropped := 0
	eventsCtx, cancelEvents := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelEvents()
	for {
		e, err := p.NextEvent(eventsCtx)
		if err != nil {
			break
		}
		if e.Type == media.EventFragmentDropped {
			dropped++
		}
	}
	if dropped != st.FragmentsDropped {
		t.Errorf("%d drop events for %d drops", dropped, st.FragmentsDropped)
	}
	closeCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	var ce *media.CloseError
	if err := p.Close(closeCtx); !errors.As(err, &ce) || !errors.Is(err, media.ErrCloseIncomplete) || ce.Unacknowledged == 0 {
		t.Errorf("Close = %v", err)
	}
}

// TestBufferBlock makes WriteFrame wait for room, until its context ends.
func TestBufferBlock(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	srv, client, name := emulator(t, 24, fastLimits)
	srv.FailNext("PutMedia", 1000, kvstest.Error{Status: 503, Code: "ServiceUnavailable", Message: "down"})
	ctx := context.Background()
	cfg := fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), Buffer: media.BufferConfig{MaxDuration: 3 * time.Second, Policy: media.Block}})
	p, err := media.NewProducer(ctx, client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_ = p.Close(closeCtx) // the stream never gets through here
	}()
	var blocked error
	for _, f := range frames {
		wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		blocked = p.WriteFrame(wctx, media.Frame{Track: f.track, Timestamp: f.at, Data: f.data})
		cancel()
		if blocked != nil {
			break
		}
	}
	if !errors.Is(blocked, context.DeadlineExceeded) || !strings.Contains(blocked.Error(), "room in the buffer") {
		t.Fatalf("WriteFrame = %v", blocked)
	}
	if st := p.Stats(); st.FragmentsDropped != 0 {
		t.Errorf("dropped under Block: %+v", st)
	}
}

// TestCloseWaitsForPersisted checks that Close returns only once the last fragment is
// PERSISTED, and reports it when the context ends first.
func TestCloseWaitsForPersisted(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	_, client, name := emulator(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{PersistDelay: 300 * time.Millisecond, GetMediaIdle: 300 * time.Millisecond}))
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks()})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	begin := time.Now()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < 300*time.Millisecond {
		t.Errorf("Close returned after %v, before the persist delay", d)
	}
	if st := p.Stats(); st.FragmentsPersisted != 2 || st.BufferedFragments != 0 {
		t.Errorf("stats %+v", st)
	}
	if err := p.Close(ctx); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := p.WriteFrame(ctx, media.Frame{Track: 1, Data: frames[0].data}); !errors.Is(err, media.ErrProducerClosed) {
		t.Errorf("WriteFrame after Close = %v", err)
	}
}

// TestIdleFragmentEnds checks that a pause in the frames ends the open fragment, so that the
// service acknowledges it without waiting for the next one.
func TestIdleFragmentEnds(t *testing.T) {
	frames, _ := loadSamples(t, 1)
	_, client, name := emulator(t, 24, fastLimits)
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), IdleFragmentTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx) //nolint:errcheck // checked by the wait
	for _, f := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return p.Stats().FragmentsPersisted == 1 })
}

// TestConnectionRotation replaces connections by age without losing anything.
func TestConnectionRotation(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	_, client, name := emulator(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond, PutMediaCallsPerSecond: -1}))
	start := time.Now().Truncate(time.Second)
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start, MaxConnectionAge: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range frames { // 10 s of media in about a second
		if i%100 == 0 {
			time.Sleep(100 * time.Millisecond)
		}
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Connections < 3 {
		t.Errorf("%d connections, want rotation", st.Connections)
	}
	checkFrames(t, start, frames, consumeAll(t, client, name))
}

// TestProducerConfigErrors checks the configuration checks.
func TestProducerConfigErrors(t *testing.T) {
	_, client, name := emulator(t, 24)
	ctx := context.Background()
	for _, tt := range []struct {
		cfg  media.ProducerConfig
		want string
	}{
		{media.ProducerConfig{Tracks: avTracks()}, "StreamName or StreamARN"},
		{media.ProducerConfig{StreamName: name, StreamARN: "arn", Tracks: avTracks()}, "not both"},
		{media.ProducerConfig{StreamName: name}, "1 to 3 tracks"},
		{media.ProducerConfig{StreamName: name, Tracks: []media.TrackConfig{{Codec: "VP9"}}}, `unknown codec "VP9"`},
		{media.ProducerConfig{StreamName: name, Tracks: []media.TrackConfig{{Codec: media.CodecPCM}}}, "PCM needs SampleRate"},
		{media.ProducerConfig{StreamName: name, Tracks: []media.TrackConfig{{Codec: media.CodecAAC, Format: media.FormatRaw}}}, "raw AAC needs"},
		{media.ProducerConfig{StreamName: name, Tracks: []media.TrackConfig{{Codec: media.CodecH264, Number: 2}, {Codec: media.CodecAAC, Number: 2}}}, "two tracks numbered 2"},
		{media.ProducerConfig{StreamName: "missing-stream", Tracks: avTracks()}, "ResourceNotFoundException"},
	} {
		if _, err := media.NewProducer(ctx, client, tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.cfg, err, tt.want)
		}
	}
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), KeepUntil: media.AckEventReceived})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx) //nolint:errcheck // nothing was written
	if err := p.WriteFrame(ctx, media.Frame{Track: 9}); err == nil || !strings.Contains(err.Error(), "track 9") {
		t.Errorf("unknown track: %v", err)
	}
}

// TestAudioBeforeTheFirstKeyFrame starts the audio before the video's first key frame: audio up
// to a second older than that key frame starts the first fragment; older audio cannot be kept
// (a fragment would start too long before its key frame) and is dropped, counted and reported.
func TestAudioBeforeTheFirstKeyFrame(t *testing.T) {
	for _, lead := range []time.Duration{300 * time.Millisecond, 1500 * time.Millisecond} {
		t.Run(lead.String(), func(t *testing.T) {
			frames, _ := loadSamples(t, 4)
			var kept []sampleFrame
			for i := range frames {
				if frames[i].track == 1 {
					frames[i].at += lead
				}
				if frames[i].track == 1 || frames[i].at >= lead-time.Second {
					kept = append(kept, frames[i])
				}
			}
			// A source delivers the frames in time order: all the early audio first.
			slices.SortStableFunc(frames, func(a, b sampleFrame) int { return cmp.Compare(a.at, b.at) })
			dropped := len(frames) - len(kept)
			if lead > time.Second && dropped == 0 {
				t.Fatal("the test drops no audio")
			}
			_, client, name := emulator(t, 24, fastLimits)
			start := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
			p := produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start, EventBuffer: 1000}, frames)
			if st := p.Stats(); st.FramesDropped != dropped {
				t.Errorf("%d frames dropped, want %d", st.FramesDropped, dropped)
			}
			var reported int
			for {
				ev, err := p.NextEvent(context.Background())
				if err != nil {
					break
				}
				if ev.Missed > 0 {
					t.Errorf("%d events missed", ev.Missed)
				}
				if ev.Type == media.EventFramesDropped {
					reported += ev.Frames
				}
			}
			if reported != dropped {
				t.Errorf("events report %d dropped frames, want %d", reported, dropped)
			}
			frags := consumeAll(t, client, name)
			// The first fragment starts with the audio kept, at its timecode, as ffmpeg and
			// mkvmerge start their first cluster; its first video frame is the key frame.
			firstAt := start.Add(lead)
			for _, f := range kept {
				firstAt = minTime(firstAt, start.Add(f.at).Truncate(time.Millisecond))
			}
			first := frags[0]
			if f := first.Frames[0]; f.Track != 2 || !first.FrameTime(f).Equal(first.ProducerTimestamp) || !first.FrameTime(f).Equal(firstAt) {
				t.Errorf("first fragment at %v starts with track %d at %v, want track 2 at %v", first.ProducerTimestamp, f.Track, first.FrameTime(f), firstAt)
			}
			for _, f := range first.Frames {
				if f.Track == 1 {
					if !f.Keyframe || !first.FrameTime(f).Equal(start.Add(lead)) {
						t.Errorf("first video frame at %v, key %v; want the key frame at %v", first.FrameTime(f), f.Keyframe, start.Add(lead))
					}
					break
				}
			}
			checkFrames(t, start, kept, frags)
		})
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// TestLateFirstKeyFrameKeepsTheAudio writes the video 400 ms late, beyond a 50 ms reorder window:
// audio later than the first key frame is then waiting when it comes, and must go into the
// first fragment with it rather than be dropped.
func TestLateFirstKeyFrameKeepsTheAudio(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	for i := range frames {
		if frames[i].track == 1 {
			frames[i].at += 300 * time.Millisecond
		}
	}
	writeAt := func(f sampleFrame) time.Duration {
		if f.track == 1 {
			return f.at + 400*time.Millisecond
		}
		return f.at
	}
	slices.SortStableFunc(frames, func(a, b sampleFrame) int { return cmp.Compare(writeAt(a), writeAt(b)) })
	_, client, name := emulator(t, 24, fastLimits)
	start := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	p := produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start, ReorderWindow: 50 * time.Millisecond}, frames)
	if st := p.Stats(); st.FramesDropped != 0 {
		t.Errorf("%d frames dropped", st.FramesDropped)
	}
	checkFrames(t, start, frames, consumeAll(t, client, name))
}
