package kvstest

// Tests of the store's wiring that need the server's insides: the retention sweep driven by a
// fake clock, writes that fail, and fragment numbers across a clock that goes back.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// offsetClock is real time shifted by an offset the test sets. Requests are signed with real
// time and refused more than 5 minutes away from the server's clock, so the test makes them at
// small offsets and moves the clock far only for the sweep, which it calls itself.
type offsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *offsetClock) Set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = d
}

// mkvBody is a PutMedia body of one video track and n fragments of two frames each.
func mkvBody(t *testing.T, firstTimecode int64, n int) []byte {
	t.Helper()
	track := mkv.TrackEntry{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: []byte{1, 0x64, 0, 0x1f, 0xff, 0xe0, 0}}
	b, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{track})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		tc := firstTimecode + int64(i)*2000
		b, _ = mkv.AppendClusterStart(b, tc, mkv.UnknownSize)
		for j := range 2 {
			b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc + int64(j)*33, Keyframe: j == 0, Data: bytes.Repeat([]byte{byte(i)}, 100)})
		}
	}
	return b
}

// putAll sends body to the stream and returns the acknowledgements.
func putAll(t *testing.T, s *Server, name string, body []byte) []media.Ack {
	t.Helper()
	control := kvs.NewFromConfig(s.Config())
	mc := media.New(media.Options{Options: control.Options(), Control: control})
	out, err := mc.PutMedia(context.Background(), &media.PutMediaInput{StreamName: name, Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Acks.Close()
	var acks []media.Ack
	for {
		a, err := out.Acks.Next()
		if errors.Is(err, io.EOF) {
			return acks
		}
		if err != nil {
			t.Fatal(err)
		}
		acks = append(acks, a)
	}
}

func persisted(acks []media.Ack) []string {
	var out []string
	for _, a := range acks {
		if a.EventType == media.AckEventPersisted {
			out = append(out, a.FragmentNumber)
		}
	}
	return out
}

func listed(t *testing.T, s *Server, name string) []string {
	t.Helper()
	s.state.Mu.Lock()
	st := s.state.Streams.ByName[name]
	s.state.Unlock()
	var out []string
	for _, f := range st.Media.Snapshot() {
		out = append(out, f.Number)
	}
	control := kvs.NewFromConfig(s.Config())
	ac := archived.New(archived.Options{Options: control.Options(), Control: control})
	frags, err := ac.FragmentsInRange(context.Background(), archived.FragmentRange{StreamName: name, Selector: archived.FragmentSelector{
		FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		TimestampRange:       archived.TimestampRange{StartTimestamp: time.Unix(0, 0), EndTimestamp: s.state.Now().Add(time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(frags) != len(out) {
		t.Fatalf("ListFragments lists %d fragments, the stream keeps %d", len(frags), len(out))
	}
	index, err := s.dur.store.Index(st.ARN)
	if err != nil || len(index) != len(out) {
		t.Fatalf("the store indexes %d fragments (%v), the stream keeps %d", len(index), err, len(out))
	}
	return out
}

// TestRetentionSweep stores fragments at two times on a fake clock and checks that the sweep
// removes the expired ones a bounded number at a time, from the stream and the store, that GetMedia
// EARLIEST starts after them, and that a longer retention set by UpdateDataRetention keeps the rest.
func TestRetentionSweep(t *testing.T) {
	clk := &offsetClock{offset: -4 * time.Minute}
	s := NewServer(WithClock(clk.Now), WithDataDir(t.TempDir()))
	defer s.Close()
	ctx := context.Background()
	control := kvs.NewFromConfig(s.Config())
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	old := persisted(putAll(t, s, "cam", mkvBody(t, 1_700_000_000_000, 3)))
	clk.Set(4 * time.Minute)
	young := persisted(putAll(t, s, "cam", mkvBody(t, 1_700_000_100_000, 2)))
	if len(old) != 3 || len(young) != 2 {
		t.Fatalf("persisted %d then %d fragments", len(old), len(young))
	}
	if n := s.media.SweepRetention(10); n != 0 {
		t.Fatalf("the sweep removed %d fragments none of which expired", n)
	}
	clk.Set(57*time.Minute + 30*time.Second) // the first three are over an hour old, the others not
	if n := s.media.SweepRetention(2); n != 2 {
		t.Fatalf("a sweep of budget 2 removed %d", n)
	}
	clk.Set(0)
	if got := listed(t, s, "cam"); len(got) != 3 || got[0] != old[2] {
		t.Fatalf("after the first sweep: %v", got)
	}
	clk.Set(57*time.Minute + 30*time.Second)
	if n := s.media.SweepRetention(10); n != 1 {
		t.Fatalf("the second sweep removed %d", n)
	}
	clk.Set(0)
	if got := listed(t, s, "cam"); len(got) != 2 || got[0] != young[0] {
		t.Fatalf("after the second sweep: %v, want %v", got, young)
	}
	mc := media.New(media.Options{Options: control.Options(), Control: control})
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	gm, err := mc.GetMedia(gctx, &media.GetMediaInput{StreamName: "cam", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := media.NewFragmentReader(gm.Payload).Next()
	gm.Payload.Close()
	if err != nil || f.FragmentNumber != young[0] {
		t.Fatalf("GetMedia EARLIEST starts at %v (%v), want %s", f, err, young[0])
	}

	d, err := control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "cam"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := control.UpdateDataRetention(ctx, &kvs.UpdateDataRetentionInput{StreamName: "cam", CurrentVersion: d.StreamInfo.Version,
		Operation: kvs.UpdateDataRetentionOperationIncreaseDataRetention, DataRetentionChangeInHours: 2}); err != nil {
		t.Fatal(err)
	}
	clk.Set(2 * time.Hour) // within 3 hours
	if n := s.media.SweepRetention(10); n != 0 {
		t.Fatalf("with retention raised to 3 hours the sweep removed %d", n)
	}
	clk.Set(3*time.Hour + 5*time.Minute)
	n := s.media.SweepRetention(10)
	clk.Set(0)
	if n != 2 || len(listed(t, s, "cam")) != 0 {
		t.Fatalf("past 3 hours the sweep removed %d", n)
	}

	// A deleted stream's media leaves the store once the stream is gone.
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "gone", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	putAll(t, s, "gone", mkvBody(t, 1_700_000_200_000, 1))
	if _, err := control.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: streamARNOf(t, s, "gone")}); err != nil {
		t.Fatal(err)
	}
	s.media.SweepRetention(10)
	if stored, _ := s.dur.store.Streams(); len(stored) != 1 {
		t.Fatalf("the store still has %d streams after one was deleted", len(stored))
	}
}

func streamARNOf(t *testing.T, s *Server, name string) string {
	t.Helper()
	s.state.Mu.Lock()
	defer s.state.Unlock()
	return s.state.Streams.ByName[name].ARN
}

// TestRetentionZeroStoresNothing: a stream without retention is live only.
func TestRetentionZeroStoresNothing(t *testing.T) {
	s := NewServer(WithDataDir(t.TempDir()))
	defer s.Close()
	control := kvs.NewFromConfig(s.Config())
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "live"}); err != nil {
		t.Fatal(err)
	}
	acks := putAll(t, s, "live", mkvBody(t, 1_700_000_000_000, 2))
	if len(persisted(acks)) != 0 {
		t.Fatalf("fragments of a stream without retention were persisted: %v", acks)
	}
	if stored, _ := s.dur.store.Streams(); len(stored) != 0 {
		t.Fatalf("the store has media of %d streams", len(stored))
	}
}

// TestStoreWriteFailure makes the disk fail while a fragment is stored: the producer gets
// ARCHIVAL_ERROR for it (not PERSISTED), the log says why, the fragments before it stay.
func TestStoreWriteFailure(t *testing.T) {
	var mu sync.Mutex
	var logs []string
	fail := 0
	s := NewServer(WithDataDir(t.TempDir()), WithLogf(func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, strings.TrimSpace(fmt.Sprintf(format, args...)))
	}), func(o *options) {
		o.diskHook = func(d *store.DiskOptions) {
			d.BeforeSync = func(string, string) error {
				mu.Lock()
				defer mu.Unlock()
				if fail++; fail == 2 {
					return errors.New("no space left on device")
				}
				return nil
			}
		}
	})
	defer s.Close()
	control := kvs.NewFromConfig(s.Config())
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	acks := putAll(t, s, "cam", mkvBody(t, 1_700_000_000_000, 3))
	var kinds []string
	for _, a := range acks {
		k := string(a.EventType)
		if a.EventType == media.AckEventError {
			k += ":" + a.ErrorID.String()
		}
		kinds = append(kinds, k)
	}
	if got, want := strings.Join(kinds, " "), "BUFFERING RECEIVED PERSISTED BUFFERING ERROR:"+media.AckErrArchivalError.String(); got != want {
		t.Fatalf("acks %q, want %q", got, want)
	}
	if got := listed(t, s, "cam"); len(got) != 1 || got[0] != acks[2].FragmentNumber {
		t.Fatalf("kept %v after the failed write", got)
	}
	mu.Lock()
	defer mu.Unlock()
	found := false
	for _, l := range logs {
		found = found || (strings.Contains(l, "not stored") && strings.Contains(l, "no space left on device"))
	}
	if !found {
		t.Fatalf("no log line says why the fragment was not stored: %q", logs)
	}
}
