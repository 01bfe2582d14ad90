package kvstest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/store"
)

// TestRetentionRemovesFragmentBeingRead runs the retention sweep, on the server's clock, at the
// moment a call starts reading a stored fragment's frames (the store's read hook), so that the
// fragment's segment is gone when it is opened. The fragment is treated as expired, as the
// service documents, never as an internal failure: GetMedia from EARLIEST goes on with the
// next fragments, GetMediaForFragmentList that named it answers 4000 (Requested fragment is not
// found) for it, and the log says retention removed it.
func TestRetentionRemovesFragmentBeingRead(t *testing.T) {
	clk := &offsetClock{}
	logged, logs := logRecorder()
	var mu sync.Mutex
	var s *Server
	target := "" // the fragment whose read triggers the sweep
	s = NewServer(WithClock(clk.Now), WithDataDir(t.TempDir()), quickGetMedia(), logged, func(o *options) {
		o.diskHook = func(d *store.DiskOptions) {
			d.SegmentSize = 1 // a segment per fragment: removing one removes its segment
			d.OnRead = func(_, number string) {
				mu.Lock()
				hit := number == target
				if hit {
					target = ""
				}
				mu.Unlock()
				if !hit {
					return
				}
				clk.Set(61 * time.Minute)
				if n := s.media.SweepRetention(1); n != 1 {
					t.Errorf("the sweep removed %d fragments, want the oldest", n)
				}
				clk.Set(0)
			}
		}
	})
	defer s.Close()
	control := kvs.NewFromConfig(s.Config())
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	acked := persisted(putAll(t, s, "cam", mkvBody(t, 1_700_000_000_000, 3)))
	if len(acked) != 3 {
		t.Fatalf("%d fragments persisted", len(acked))
	}
	arm := func(n string) {
		mu.Lock()
		defer mu.Unlock()
		target = n
	}

	arm(acked[0])
	if got, want := getMediaNumbers(t, s, "cam"), acked[1:]; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("GetMedia served %q while retention removed %s, want %q", got, acked[0], want)
	}

	arm(acked[1])
	want := []string{fmt.Sprintf("error %d %s", mediaapi.FragmentNotFound, acked[1]), acked[2]}
	if got := fragmentListNumbers(t, s, "cam", acked[1:]); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("GetMediaForFragmentList served %q while retention removed %s, want %q", got, acked[1], want)
	}
	if got := listed(t, s, "cam"); len(got) != 1 || got[0] != acked[2] {
		t.Fatalf("the stream keeps %q, want only %s", got, acked[2])
	}
	for i, op := range []string{"GetMedia", "GetMediaForFragmentList"} {
		found := false
		for _, l := range logs() {
			found = found || (strings.HasPrefix(l, "kvstest: "+op+": fragment "+acked[i]) && strings.Contains(l, "retention"))
			if strings.Contains(l, "corrupt") || strings.Contains(l, "could not be read") {
				t.Errorf("a fragment removed by retention was logged as a read failure: %q", l)
			}
		}
		if !found {
			t.Errorf("no log line says %s found fragment %s removed by retention: %q", op, acked[i], logs())
		}
	}
}
