package mediaapi

// Tests of the media API over its store: stored frames read back from it (memory and disk),
// disk reads and writes that fail, and the retention sweep on the server's clock, including a
// sweep that removes a fragment while GetMedia reads it.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
)

// t0 is the server time the tests start at.
var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// stored returns the numbers of the fragments stream "cam" keeps, after checking that the store
// indexes the same ones.
func stored(t *testing.T, s *Service) []string {
	t.Helper()
	var out []string
	for _, f := range s.cfg.State.Streams.ByName["cam"].Media.Snapshot() {
		out = append(out, f.Number)
	}
	index, err := s.cfg.Store.Index(s.cfg.State.Streams.ByName["cam"].ARN)
	if err != nil || len(index) != len(out) {
		t.Fatalf("the store indexes %d fragments (%v), the stream keeps %d", len(index), err, len(out))
	}
	return out
}

// TestStoredFramesLeaveMemory: once stored, a fragment's frames are no longer held in memory
// (with either store), and GetMedia serves them from the store.
func TestStoredFramesLeaveMemory(t *testing.T) {
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprintf("disk=%v", disk), func(t *testing.T) {
			var reads atomic.Int32
			cfg := Config{}
			if disk {
				cfg.Store = mediatest.OpenDisk(t, t.TempDir(), store.DiskOptions{OnRead: func(string, string) { reads.Add(1) }})
			}
			s, url := newService(t, 1, cfg)
			acked := mediatest.Numbers(mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 3)), media.AckEventPersisted)
			frags := s.cfg.State.Streams.ByName["cam"].Media.Snapshot()
			if len(frags) != 3 || len(acked) != 3 {
				t.Fatalf("%d fragments kept, %d persisted", len(frags), len(acked))
			}
			for _, f := range frags {
				if f.Frames != nil || f.Stats.Frames != 2 || f.Stats.BlockBytes == 0 {
					t.Fatalf("fragment %s holds %d frames in memory; its stats %+v", f.Number, len(f.Frames), f.Stats)
				}
			}
			if got := getMediaNumbers(t, url); !slices.Equal(got, acked) {
				t.Fatalf("GetMedia served %v, want %v", got, acked)
			}
			if disk && reads.Load() != 3 {
				t.Fatalf("GetMedia read the frames of %d fragments from the disk, want 3", reads.Load())
			}
		})
	}
}

// TestStoreReadFailure damages a stored fragment's bytes on disk, while the store is open or
// while it is closed: a store opened again and a stream restored from its index alone read no
// frame, so the damage is found when the fragment is served, as with the open one. GetMedia
// answers it with the in-band error 5000 and goes on with the next fragments, whole; the log
// says why. (GetMediaForFragmentList: package archive.)
func TestStoreReadFailure(t *testing.T) {
	for _, reopen := range []bool{false, true} {
		t.Run(map[bool]string{false: "open", true: "reopened"}[reopen], func(t *testing.T) {
			dir := t.TempDir()
			var reads atomic.Int32
			opts := store.DiskOptions{OnRead: func(string, string) { reads.Add(1) }}
			var log mediatest.Log
			disk := mediatest.OpenDisk(t, dir, opts)
			st := newState(t, time.Now, 1)
			s, url := newService(t, 1, Config{State: st, Store: disk, Logf: log.Logf})
			acked := mediatest.Numbers(mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 3)), media.AckEventPersisted)
			if reopen {
				if err := disk.Close(); err != nil {
					t.Fatal(err)
				}
			}
			mediatest.DamageMiddle(t, dir)
			if reopen {
				// The stream as a restarted server restores it: its fragments from the index.
				reads.Store(0)
				cam := st.Streams.ByName["cam"]
				cam.Media = NewMedia()
				s, url = newService(t, 1, Config{State: st, Store: mediatest.OpenDisk(t, dir, opts), Logf: log.Logf})
				index, err := s.cfg.Store.Index(cam.ARN)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range index {
					cam.Media.Restored(s.RestoreFragment(cam, f))
				}
				if got := stored(t, s); !slices.Equal(got, acked) {
					t.Fatalf("restored %q, want %q", got, acked)
				}
				if n := reads.Load(); n != 0 {
					t.Fatalf("reopening and restoring read the frames of %d fragments", n)
				}
			}
			const internalError = 5000 // the in-band error of a fragment the service cannot read
			want := []string{acked[0], fmt.Sprintf("error %d %s", internalError, acked[1]), acked[2]}
			if got := getMediaNumbers(t, url); !slices.Equal(got, want) {
				t.Fatalf("GetMedia served %q, want %q", got, want)
			}
			found := false
			for _, l := range log.Lines() {
				found = found || (strings.HasPrefix(l, "kvstest: GetMedia: reading fragment "+acked[1]) && strings.Contains(l, "corrupt"))
			}
			if !found {
				t.Errorf("no log line says why GetMedia could not serve fragment %s: %q", acked[1], log.Lines())
			}
		})
	}
}

// TestStoreWriteFailure makes the disk fail while a fragment is stored: the producer gets
// ARCHIVAL_ERROR for it (not PERSISTED), the log says why, the fragments before it stay.
func TestStoreWriteFailure(t *testing.T) {
	var syncs atomic.Int32
	disk := mediatest.OpenDisk(t, t.TempDir(), store.DiskOptions{BeforeSync: func(string, string) error {
		if syncs.Add(1) == 2 {
			return errors.New("no space left on device")
		}
		return nil
	}})
	var log mediatest.Log
	s, url := newService(t, 1, Config{Store: disk, Logf: log.Logf})
	acks := mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 3))
	if got, want := mediatest.Kinds(acks), "BUFFERING RECEIVED PERSISTED BUFFERING ERROR:"+media.AckErrArchivalError.String(); got != want {
		t.Fatalf("acks %q, want %q", got, want)
	}
	if got := stored(t, s); len(got) != 1 || got[0] != acks[2].FragmentNumber {
		t.Fatalf("kept %v after the failed write", got)
	}
	found := false
	for _, l := range log.Lines() {
		found = found || (strings.Contains(l, "not stored") && strings.Contains(l, "no space left on device"))
	}
	if !found {
		t.Fatalf("no log line says why the fragment was not stored: %q", log.Lines())
	}
}

// TestNoRetentionStoresNothing: the disk store keeps no media of a stream without retention.
func TestNoRetentionStoresNothing(t *testing.T) {
	disk := mediatest.OpenDisk(t, t.TempDir(), store.DiskOptions{})
	_, url := newService(t, 0, Config{Store: disk})
	acks := mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 2))
	if len(mediatest.Numbers(acks, media.AckEventPersisted)) != 0 {
		t.Fatalf("fragments of a stream without retention were persisted: %v", acks)
	}
	if streams, _ := disk.Streams(); len(streams) != 0 {
		t.Fatalf("the store has media of %d streams", len(streams))
	}
}

// TestRetentionSweep stores fragments at two times on the server's clock and checks that the
// sweep removes the expired ones a bounded number at a time, from the stream and the store, that
// GetMedia EARLIEST starts after them, that a longer retention set by UpdateDataRetention keeps
// the rest, and that a deleted stream's media leaves the store.
func TestRetentionSweep(t *testing.T) {
	clk := mediatest.NewClock(t0)
	st := newState(t, clk.Now, 1)
	s, url := newService(t, 1, Config{State: st, Store: mediatest.OpenDisk(t, t.TempDir(), store.DiskOptions{})})
	put := func(n int) []string {
		return mediatest.Numbers(mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, n)), media.AckEventPersisted)
	}
	old := put(3)
	clk.Set(t0.Add(8 * time.Minute))
	young := put(2)
	if len(old) != 3 || len(young) != 2 {
		t.Fatalf("persisted %d then %d fragments", len(old), len(young))
	}
	if n := s.SweepRetention(10); n != 0 {
		t.Fatalf("the sweep removed %d fragments none of which expired", n)
	}
	clk.Set(t0.Add(61 * time.Minute)) // the first three are over an hour old, the others not
	if n := s.SweepRetention(2); n != 2 {
		t.Fatalf("a sweep of budget 2 removed %d", n)
	}
	if got := stored(t, s); len(got) != 3 || got[0] != old[2] {
		t.Fatalf("after the first sweep: %v", got)
	}
	if n := s.SweepRetention(10); n != 1 {
		t.Fatalf("the second sweep removed %d", n)
	}
	if got := stored(t, s); !slices.Equal(got, young) {
		t.Fatalf("after the second sweep: %v, want %v", got, young)
	}
	if got := getMediaNumbers(t, url); !slices.Equal(got, young) {
		t.Fatalf("GetMedia EARLIEST serves %v, want %v", got, young)
	}

	now := st.Lock()
	cam := st.Streams.ByName["cam"]
	_, e := st.UpdateDataRetention(now, &kvs.UpdateDataRetentionInput{StreamName: "cam", CurrentVersion: cam.Version,
		Operation: kvs.UpdateDataRetentionOperationIncreaseDataRetention, DataRetentionChangeInHours: 2})
	st.Unlock()
	if e != nil {
		t.Fatal(e)
	}
	clk.Set(t0.Add(2*time.Hour + 30*time.Minute)) // within 3 hours of the young fragments
	if n := s.SweepRetention(10); n != 0 {
		t.Fatalf("with retention raised to 3 hours the sweep removed %d", n)
	}
	clk.Set(t0.Add(3*time.Hour + 10*time.Minute))
	if n := s.SweepRetention(10); n != 2 || len(stored(t, s)) != 0 {
		t.Fatalf("past 3 hours the sweep removed %d", n)
	}

	// A deleted stream's media leaves the store once the stream is gone.
	put(1)
	now = st.Lock()
	_, e = st.DeleteStream(now, &kvs.DeleteStreamInput{StreamARN: cam.ARN})
	st.Unlock()
	if e != nil {
		t.Fatal(e)
	}
	if streams, _ := s.cfg.Store.Streams(); len(streams) != 1 {
		t.Fatalf("the store has %d streams before the sweep", len(streams))
	}
	s.SweepRetention(10)
	if streams, _ := s.cfg.Store.Streams(); len(streams) != 0 {
		t.Fatalf("the store still has %d streams after the stream was deleted", len(streams))
	}
}

// TestRetentionRemovesFragmentBeingRead runs the retention sweep, on the server's clock, at the
// moment GetMedia starts reading a stored fragment's frames (the store's read hook), so that
// the fragment's segment is gone when it is opened. The fragment is treated as expired, as the
// service documents, never as an internal failure: GetMedia from EARLIEST goes on with the next
// fragments, and the log says retention removed it. (GetMediaForFragmentList and the other
// archived-media calls: package archive.)
func TestRetentionRemovesFragmentBeingRead(t *testing.T) {
	clk := mediatest.NewClock(t0)
	trigger := &mediatest.ReadTrigger{}
	var log mediatest.Log
	s, url := newService(t, 1, Config{State: newState(t, clk.Now, 1), Logf: log.Logf,
		Store: mediatest.OpenDisk(t, t.TempDir(), store.DiskOptions{SegmentSize: 1, OnRead: trigger.OnRead})})
	acked := mediatest.Numbers(mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 3)), media.AckEventPersisted)
	if len(acked) != 3 {
		t.Fatalf("%d fragments persisted", len(acked))
	}
	trigger.Arm(acked[0], func() {
		clk.Set(t0.Add(61 * time.Minute))
		if n := s.SweepRetention(1); n != 1 {
			t.Errorf("the sweep removed %d fragments, want the oldest", n)
		}
		clk.Set(t0)
	})
	if got := getMediaNumbers(t, url); !slices.Equal(got, acked[1:]) {
		t.Fatalf("GetMedia served %q while retention removed %s, want %q", got, acked[0], acked[1:])
	}
	if got := stored(t, s); !slices.Equal(got, acked[1:]) {
		t.Fatalf("the stream keeps %q, want %q", got, acked[1:])
	}
	found := false
	for _, l := range log.Lines() {
		found = found || (strings.HasPrefix(l, "kvstest: GetMedia: fragment "+acked[0]) && strings.Contains(l, "retention"))
		if strings.Contains(l, "corrupt") || strings.Contains(l, "could not be read") || strings.Contains(l, "reading fragment") {
			t.Errorf("a fragment removed by retention was logged as a read failure: %q", l)
		}
	}
	if !found {
		t.Errorf("no log line says GetMedia found fragment %s removed by retention: %q", acked[0], log.Lines())
	}
}
