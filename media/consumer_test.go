package media_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// liveLimits lets the emulator end idle GetMedia responses quickly and take every call.
var liveLimits = kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond, GetMediaCallsPerSecond: -1, PutMediaCallsPerSecond: -1})

// TestConsumerResumesAcrossDisconnects reads a live 60-second stream (written ten times faster
// than real time) while the emulator ends its GetMedia responses early: cut in the middle of
// fragments 24 times, or ended cleanly at the first fragment boundary after 150 ms, as long
// sessions end on the service. The consumer must deliver every fragment once, in order, with all its frames.
func TestConsumerResumesAcrossDisconnects(t *testing.T) {
	for _, tc := range []struct {
		name       string
		limits     kvstest.MediaLimits
		cuts       int
		reconnects int // at least
	}{
		{"cut mid-fragment", kvstest.MediaLimits{}, 24, 20},
		// A session ends after the live fragment it is sending (200 ms of writing).
		{"session ends", kvstest.MediaLimits{GetMediaMaxDuration: 150 * time.Millisecond}, 0, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limits := tc.limits
			limits.GetMediaIdle, limits.GetMediaCallsPerSecond, limits.PutMediaCallsPerSecond = 300*time.Millisecond, -1, -1
			srv, client, name := emulator(t, 24, kvstest.WithMediaLimits(limits))
			for i := range tc.cuts {
				srv.AddGetMediaFaults(kvstest.GetMediaFault{CutAfterBytes: int64(20_000 + 13_331*i)})
			}
			st := followLive(t, client, name)
			// Responses that end quietly before their cut point use up a fault without a cut.
			if st.Reconnects < tc.reconnects || (tc.cuts > 0) != (st.Errors >= 20) {
				t.Errorf("fewer than %d reconnections, or errors that do not match the cuts: %+v", tc.reconnects, st)
			}
		})
	}
}

// followLive consumes a stream from its start while 60 s of media are produced into it at about
// ten times real time, checks that the consumer delivered every stored fragment once, in order,
// with every frame, and returns its counters.
func followLive(t *testing.T, client *media.Client, name string) media.ConsumerStats {
	frames, _ := loadSamples(t, 10)
	frames = loop(frames, 6)
	ctx := context.Background()
	consumer, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name,
		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, IdleTimeout: 3 * time.Second,
		MinCallInterval: time.Millisecond, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	got := make(chan []*media.Fragment)
	go func() {
		var frags []*media.Fragment
		for f, err := range consumer.Fragments(ctx) {
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Error(err)
				}
				break
			}
			frags = append(frags, f)
		}
		got <- frags
	}()

	start := time.Now().Truncate(time.Millisecond)
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		if i%50 == 0 {
			time.Sleep(10 * time.Millisecond) // about 10x real time
		}
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	frags := <-got
	stored := consumeAll(t, client, name)
	if len(frags) != len(stored) || len(stored) != 30 {
		t.Fatalf("consumed %d fragments, %d stored, want 30", len(frags), len(stored))
	}
	for i := range stored {
		if frags[i].FragmentNumber != stored[i].FragmentNumber || len(frags[i].Frames) != len(stored[i].Frames) {
			t.Fatalf("fragment %d: %s with %d frames, stored %s with %d", i, frags[i].FragmentNumber, len(frags[i].Frames), stored[i].FragmentNumber, len(stored[i].Frames))
		}
	}
	checkFrames(t, start, frames, frags)
	st := consumer.Stats()
	t.Logf("consumer: %+v", st)
	return st
}

// TestStartSelectors reads a stored stream from every kind of starting point.
func TestStartSelectors(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	_, client, name := emulator(t, 24, liveLimits)
	start := time.Date(2026, 11, 21, 20, 0, 0, 0, time.UTC)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}, frames)
	all := consumeAll(t, client, name)
	if len(all) != 5 {
		t.Fatalf("%d fragments", len(all))
	}
	read := func(sel media.StartSelector) ([]string, error) {
		c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, Start: sel, IdleTimeout: 600 * time.Millisecond})
		if err != nil {
			return nil, err
		}
		defer c.Close()
		var nums []string
		for {
			f, err := c.Next(context.Background())
			if errors.Is(err, io.EOF) {
				return nums, nil
			}
			if err != nil {
				return nums, err
			}
			nums = append(nums, f.FragmentNumber)
		}
	}
	numbers := func(frags []*media.Fragment) []string {
		var n []string
		for _, f := range frags {
			n = append(n, f.FragmentNumber)
		}
		return n
	}
	tests := []struct {
		name string
		sel  media.StartSelector
		want []string
	}{
		{"EARLIEST", media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, numbers(all)},
		{"FRAGMENT_NUMBER starts after it", media.StartSelector{StartSelectorType: media.StartSelectorTypeFragmentNumber, AfterFragmentNumber: all[1].FragmentNumber}, numbers(all[2:])},
		{"CONTINUATION_TOKEN", media.StartSelector{StartSelectorType: media.StartSelectorTypeContinuationToken, ContinuationToken: all[0].ContinuationToken}, numbers(all[1:])},
		// The media was written faster than real time: the fragments arrived within milliseconds of
		// each other, so by server time the first one spans them all.
		{"SERVER_TIMESTAMP at the first arrival", media.StartSelector{StartSelectorType: media.StartSelectorTypeServerTimestamp, StartTimestamp: all[0].ServerTimestamp}, numbers(all)},
		{"SERVER_TIMESTAMP after the end", media.StartSelector{StartSelectorType: media.StartSelectorTypeServerTimestamp, StartTimestamp: all[4].ServerTimestamp.Add(3 * time.Second)}, nil},
		{"PRODUCER_TIMESTAMP inside a fragment", media.StartSelector{StartSelectorType: media.StartSelectorTypeProducerTimestamp, StartTimestamp: start.Add(5 * time.Second)}, numbers(all[2:])},
		{"PRODUCER_TIMESTAMP after the end", media.StartSelector{StartSelectorType: media.StartSelectorTypeProducerTimestamp, StartTimestamp: start.Add(time.Hour)}, nil},
		{"NOW with nothing arriving", media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := read(tt.sel)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d fragments, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("fragment %d = %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
	t.Run("unknown fragment number is an in-band error", func(t *testing.T) {
		out, err := client.GetMedia(context.Background(), &media.GetMediaInput{StreamName: name,
			StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeFragmentNumber, AfterFragmentNumber: "12345"}})
		if err != nil {
			t.Fatal(err)
		}
		defer out.Payload.Close()
		_, err = media.NewFragmentReader(out.Payload).Next()
		var se *media.StreamError
		if !errors.As(err, &se) || se.ID != 4000 {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestNowFollowsNewFragments starts a NOW reader before the producer and gets every fragment
// written after it, and none before.
func TestNowFollowsNewFragments(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	_, client, name := emulator(t, 24, liveLimits)
	start := time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}, frames)
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, IdleTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	first := make(chan *media.Fragment, 10)
	go func() {
		defer close(first)
		for f, err := range c.Fragments(ctx) {
			if err != nil {
				return
			}
			first <- f
		}
	}()
	time.Sleep(200 * time.Millisecond) // the consumer is waiting on the stream
	later := start.Add(time.Minute)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: later}, frames)
	var got []*media.Fragment
	for f := range first {
		got = append(got, f)
	}
	if len(got) != 2 || !got[0].ProducerTimestamp.Equal(later) {
		t.Fatalf("NOW read %d fragments, first at %v", len(got), got[0].ProducerTimestamp)
	}
}

// TestChunksResumeWithoutRepeatingFrames reads frame by frame while responses are cut inside
// fragments: the frames already returned are not returned again.
func TestChunksResumeWithoutRepeatingFrames(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	srv, client, name := emulator(t, 24, liveLimits)
	start := time.Date(2026, 11, 21, 22, 0, 0, 0, time.UTC)
	produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}, frames)
	for i := range 8 {
		srv.AddGetMediaFaults(kvstest.GetMediaFault{CutAfterBytes: int64(20_000 + 7_001*i)})
	}
	c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: name, IdleTimeout: time.Second,
		Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}, MinCallInterval: time.Millisecond, RetryBaseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []*media.Fragment
	var cur *media.Fragment
	for {
		ch, err := c.NextChunk(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch ch.Kind {
		case media.ChunkFragmentStart:
			cur = &media.Fragment{FragmentNumber: ch.Fragment.FragmentNumber, ProducerTimestamp: ch.Fragment.ProducerTimestamp,
				Timecode: ch.Fragment.Timecode, TimecodeScale: ch.Fragment.TimecodeScale}
		case media.ChunkFrame:
			fr := ch.Frame
			fr.Data = append([]byte(nil), fr.Data...)
			cur.Frames = append(cur.Frames, fr)
		case media.ChunkFragmentEnd:
			got = append(got, cur)
		}
	}
	if st := c.Stats(); st.Errors < 6 {
		t.Errorf("cuts did not happen: %+v", st)
	}
	checkFrames(t, start, frames, got)
}

// TestConsumerStopsOnFatalErrors fails at once on a stream that does not exist: the
// constructor's first call reports it.
func TestConsumerStopsOnFatalErrors(t *testing.T) {
	_, client, _ := emulator(t, 24)
	ctx := context.Background()
	var nf *media.ResourceNotFoundException
	if c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: "no-such-stream"}); !errors.As(err, &nf) || c != nil {
		t.Fatalf("err = %v", err)
	}
	for _, cfg := range []media.ConsumerConfig{{}, {StreamName: "a", StreamARN: "b"}, {StreamName: "a", IdleTimeout: -1}} {
		if _, err := media.NewConsumer(ctx, client, cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}
