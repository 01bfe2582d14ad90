package media_test

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// fastLimits makes the emulator quick to end idle GetMedia responses.
var fastLimits = kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond})

// fastProducer shortens the producer's timeouts for tests.
func fastProducer(cfg media.ProducerConfig) media.ProducerConfig {
	cfg.AckTimeout = 500 * time.Millisecond
	cfg.RetryBaseDelay = 10 * time.Millisecond
	cfg.RetryMaxDelay = 100 * time.Millisecond
	return cfg
}

// framesByTime returns the frames of each track keyed by time, counting frames seen twice.
func framesByTime(frags []*media.Fragment) (map[uint64]map[time.Time]media.Frame, int) {
	out := map[uint64]map[time.Time]media.Frame{}
	dups := 0
	for _, f := range frags {
		for _, fr := range f.Frames {
			if out[fr.Track] == nil {
				out[fr.Track] = map[time.Time]media.Frame{}
			}
			at := f.FrameTime(fr)
			if _, seen := out[fr.Track][at]; seen {
				dups++
				continue
			}
			out[fr.Track][at] = fr
		}
	}
	return out, dups
}

// checkNoFrameLost checks that every written frame came back (duplicates aside) with its bytes,
// and that fragments come in time order.
func checkNoFrameLost(t *testing.T, start time.Time, want []sampleFrame, frags []*media.Fragment) (dups int) {
	t.Helper()
	got, dups := framesByTime(frags)
	for _, w := range want {
		at := start.Add(w.at).Truncate(time.Millisecond)
		fr, ok := got[w.track][at]
		if !ok {
			t.Fatalf("track %d frame at %v lost", w.track, w.at)
		}
		if string(fr.Data) != string(w.raw) || fr.Keyframe != w.key {
			t.Fatalf("track %d frame at %v differs", w.track, w.at)
		}
	}
	if !sort.SliceIsSorted(frags, func(i, j int) bool { return frags[i].ProducerTimestamp.Before(frags[j].ProducerTimestamp) }) {
		// Resent fragments are stored again after later ones only when acknowledgements were lost.
		t.Logf("fragments not in producer-time order (resent after a lost acknowledgement)")
	}
	return dups
}

// TestProducerSurvivesConnectionFaults streams 60 s of H.264+AAC while the emulator cuts the
// connection 24 times, in the middle of fragments and between them, and checks that every frame
// arrives.
func TestProducerSurvivesConnectionFaults(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	frames = loop(frames, 6) // 60 s
	srv, client, name := emulator(t, 24, fastLimits, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond, PutMediaCallsPerSecond: -1}))
	var faults []kvstest.PutMediaFault
	for i := range 12 {
		faults = append(faults, kvstest.PutMediaFault{CutAfterBytes: int64(30_000 + 7_919*i)}, kvstest.PutMediaFault{CutAfterFragments: 1 + i%2})
	}
	srv.AddPutMediaFaults(faults...)
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	p := produce(t, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}), frames)
	st := p.Stats()
	if st.Reconnects < 24 || st.FragmentsResent == 0 || st.FragmentsDropped != 0 || st.FragmentsFailed != 0 {
		t.Errorf("stats %+v", st)
	}
	frags := consumeAll(t, client, name)
	dups := checkNoFrameLost(t, start, frames, frags)
	repeated := repeatedFragments(frags)
	t.Logf("%d fragments stored (%d of them twice: RECEIVED lost with a cut connection), %d duplicate frames, %d reconnects, %d fragments resent",
		len(frags), repeated, dups, st.Reconnects, st.FragmentsResent)
	// A cut drops the acknowledgements still in flight, so a fragment the service received may be
	// sent again: at most the fragments a connection carries before its cut (2 here).
	if repeated > 2*len(faults) {
		t.Errorf("%d fragments stored twice for %d cuts", repeated, len(faults))
	}
}

// repeatedFragments counts fragments whose producer timestamp an earlier one has.
func repeatedFragments(frags []*media.Fragment) int {
	seen, n := map[time.Time]bool{}, 0
	for _, f := range frags {
		if seen[f.ProducerTimestamp] {
			n++
		}
		seen[f.ProducerTimestamp] = true
	}
	return n
}

// loop repeats the samples n times, one after the other in time.
func loop(frames []sampleFrame, n int) []sampleFrame {
	span := frames[len(frames)-1].at + time.Second/30
	var out []sampleFrame
	for i := range n {
		for _, f := range frames {
			f.at += time.Duration(i) * span
			out = append(out, f)
		}
	}
	return out
}

// TestProducerResendsAfterRetriableErrorAcks answers fragments with each retriable error id and
// checks they are sent again.
func TestProducerResendsAfterRetriableErrorAcks(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	srv, client, name := emulator(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond, PutMediaCallsPerSecond: -1}))
	for i, id := range []int{4000, 4003, 5000, 5001} {
		srv.AddPutMediaFaults(kvstest.PutMediaFault{ErrorAckID: id, ErrorAfterFragments: i % 2})
	}
	start := time.Date(2026, 11, 21, 13, 0, 0, 0, time.UTC)
	p := produce(t, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}), frames)
	if st := p.Stats(); st.ErrorAcks != 4 || st.FragmentsFailed != 0 || st.FragmentsPersisted != 5 {
		t.Errorf("stats %+v", st)
	}
	checkFrames(t, start, frames, consumeAll(t, client, name))
}

// TestProducerSkipsRejectedFragments answers one fragment with an error that resending cannot
// fix: it is reported and skipped, and the stream goes on.
func TestProducerSkipsRejectedFragments(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	srv, client, name := emulator(t, 24, fastLimits)
	srv.AddPutMediaFaults(kvstest.PutMediaFault{ErrorAckID: int(media.AckErrInvalidMKVData), ErrorAfterFragments: 2})
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks()}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	var ce *media.CloseError
	if err := p.Close(ctx); !errors.As(err, &ce) || ce.Failed != 1 || ce.Unacknowledged != 0 {
		t.Fatalf("Close = %v, want a CloseError with one rejected fragment", err)
	}
	var failed []media.ProducerEvent
	for {
		e, err := p.NextEvent(ctx)
		if err != nil {
			break
		}
		if e.Type == media.EventFragmentFailed {
			failed = append(failed, e)
		}
	}
	var ae *media.AckError
	if len(failed) != 1 || !errors.As(failed[0].Err, &ae) || ae.ID != media.AckErrInvalidMKVData || failed[0].Frames == 0 {
		t.Fatalf("failed events %+v", failed)
	}
	if st := p.Stats(); st.FragmentsFailed != 1 || st.FragmentsPersisted != 4 || st.FramesLost != failed[0].Frames {
		t.Errorf("stats %+v", st)
	}
	if n := len(consumeAll(t, client, name)); n != 4 {
		t.Errorf("%d fragments stored, want 4", n)
	}
}

// TestProducerReconnectsWhenAcksStall stops the acknowledgements: the producer takes the
// connection for dead after AckTimeout, sends again what was not acknowledged, and loses
// nothing (the fragments the service stored without acknowledging come twice).
func TestProducerReconnectsWhenAcksStall(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	srv, client, name := emulator(t, 24, fastLimits)
	srv.AddPutMediaFaults(kvstest.PutMediaFault{Stall: true, StallAfterFragments: 1})
	start := time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)
	p := produce(t, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}), frames)
	if st := p.Stats(); st.Reconnects == 0 || st.FragmentsResent == 0 {
		t.Errorf("stats %+v", st)
	}
	dups := checkNoFrameLost(t, start, frames, consumeAll(t, client, name))
	t.Logf("%d duplicate frames after the stall", dups)
}

// TestProducerRetriesRefusedConnections throttles and fails the first connections.
func TestProducerRetriesRefusedConnections(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	srv, client, name := emulator(t, 24, fastLimits)
	srv.Throttle("PutMedia", 2)
	srv.FailNext("PutMedia", 2, kvstest.Error{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: "boom"})
	srv.FailNext("PutMedia", 1, kvstest.Error{Status: http.StatusBadRequest, Code: "ConnectionLimitExceededException", Message: "busy"})
	start := time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC)
	p := produce(t, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}), frames)
	if st := p.Stats(); st.Reconnects < 5 || st.Connections != 1 {
		t.Errorf("stats %+v", st)
	}
	checkFrames(t, start, frames, consumeAll(t, client, name))
}

// TestProducerStopsWhenTheStreamIsDeleted deletes the stream while it is written to.
func TestProducerStopsWhenTheStreamIsDeleted(t *testing.T) {
	frames, _ := loadSamples(t, 10)
	_, client, name := emulator(t, 24, fastLimits)
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks()}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames[:250] {
		_ = p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data})
	}
	waitFor(t, func() bool { return p.Stats().FragmentsPersisted > 0 })
	control := client.Options().Control
	desc, _ := control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: name})
	if _, err := control.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: desc.StreamInfo.StreamARN}); err != nil {
		t.Fatal(err)
	}
	var writeErr error
	for _, f := range frames[250:] {
		if writeErr = p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data}); writeErr != nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	closeErr := p.Close(ctx)
	var ce *media.CloseError
	if !errors.As(closeErr, &ce) || p.Err() == nil {
		t.Fatalf("Close = %v, Err = %v", closeErr, p.Err())
	}
	t.Logf("write error %v; close error %v", writeErr, closeErr)
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
	}
}

// TestProducerLooksUpTheEndpointAgain answers InvalidEndpointException: the producer drops the
// cached data endpoint, asks GetDataEndpoint again, and goes on.
func TestProducerLooksUpTheEndpointAgain(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	srv, client, name := emulator(t, 24, fastLimits)
	srv.FailNext("PutMedia", 1, kvstest.Error{Status: http.StatusBadRequest, Code: "InvalidEndpointException", Message: "wrong endpoint"})
	start := time.Date(2026, 11, 21, 15, 30, 0, 0, time.UTC)
	p := produce(t, client, fastProducer(media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}), frames)
	if n := srv.Calls("GetDataEndpoint"); n != 2 {
		t.Errorf("GetDataEndpoint called %d times, want 2 (the first answer evicted)", n)
	}
	if st := p.Stats(); st.Reconnects != 1 {
		t.Errorf("stats %+v", st)
	}
	checkFrames(t, start, frames, consumeAll(t, client, name))
}
