package kvstest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
)

// quickGetMedia ends a GetMedia response soon after the last stored fragment: the tests read
// streams whose fragments are all stored before.
func quickGetMedia() Option {
	return WithMediaLimits(MediaLimits{GetMediaIdle: 100 * time.Millisecond})
}

// logRecorder returns an option that records the server's log lines, and what it recorded.
func logRecorder() (Option, func() []string) {
	var mu sync.Mutex
	var logs []string
	return WithLogf(func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logs = append(logs, fmt.Sprintf(format, args...))
		}), func() []string {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(logs)
		}
}

// TestStoredFramesLeaveMemory: once stored, a fragment's frames are no longer held by the
// server (with either store) and are served from the store.
func TestStoredFramesLeaveMemory(t *testing.T) {
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprintf("disk=%v", disk), func(t *testing.T) {
			opts := []Option{quickGetMedia()}
			if disk {
				opts = append(opts, WithDataDir(t.TempDir()))
			}
			s := NewServer(opts...)
			defer s.Close()
			control := kvs.NewFromConfig(s.Config())
			if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
				t.Fatal(err)
			}
			acked := persisted(putAll(t, s, "cam", mkvBody(t, 1_700_000_000_000, 3)))
			s.state.Mu.Lock()
			st := s.state.Streams.ByName["cam"]
			s.state.Unlock()
			frags := st.Media.Snapshot()
			if len(frags) != 3 || len(acked) != 3 {
				t.Fatalf("%d fragments kept, %d persisted", len(frags), len(acked))
			}
			for _, f := range frags {
				if f.Frames != nil || f.Stats.Frames != 2 || f.Stats.BlockBytes == 0 {
					t.Fatalf("fragment %s holds %d frames in memory; its stats %+v", f.Number, len(f.Frames), f.Stats)
				}
			}
			got := getMediaNumbers(t, s, "cam")
			if strings.Join(got, " ") != strings.Join(acked, " ") {
				t.Fatalf("GetMedia served %v, want %v", got, acked)
			}
		})
	}
}

// getMediaNumbers reads the stream by GetMedia from EARLIEST and returns the fragments served
// (with "error <id> <number>" for an in-band error), each checked to have its two frames.
func getMediaNumbers(t *testing.T, s *Server, name string) []string {
	t.Helper()
	control := kvs.NewFromConfig(s.Config())
	mc := media.New(media.Options{Options: control.Options(), Control: control})
	out, err := mc.GetMedia(context.Background(), &media.GetMediaInput{StreamName: name,
		StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Payload.Close()
	r := media.NewFragmentReader(out.Payload)
	var got []string
	for {
		f, err := r.Next()
		var se *media.StreamError
		switch {
		case errors.As(err, &se):
			got = append(got, fmt.Sprintf("error %d %s", se.ID, se.FragmentNumber))
			continue
		case err != nil:
			return got
		case len(f.Frames) != 2:
			t.Fatalf("fragment %s served with %d frames", f.FragmentNumber, len(f.Frames))
		}
		got = append(got, f.FragmentNumber)
	}
}

// fragmentListNumbers reads fragments numbers of stream name by GetMediaForFragmentList and
// returns what it served: each fragment's number, or "error ID number" for an in-band error.
func fragmentListNumbers(t *testing.T, s *Server, name string, numbers []string) []string {
	t.Helper()
	control := kvs.NewFromConfig(s.Config())
	ac := archived.New(archived.Options{Options: control.Options(), Control: control})
	out, err := ac.GetMediaForFragmentList(context.Background(), &archived.GetMediaForFragmentListInput{StreamName: name, Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for f, err := range out.Fragments() {
		var se *media.StreamError
		switch {
		case errors.As(err, &se):
			got = append(got, fmt.Sprintf("error %d %s", se.ID, se.FragmentNumber))
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, f.FragmentNumber)
		}
	}
	return got
}

// TestStoreReadFailure damages a stored fragment's bytes on disk, while the server runs or while
// it is stopped: the restarted server reads no frame to start, so it finds the damage only when
// it serves the fragment, like the running one. The calls that serve it answer with the
// service's error for it (an in-band error document in GetMedia and GetMediaForFragmentList,
// which go on with the next fragments), the log says why, and the other fragments are served
// whole.
func TestStoreReadFailure(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(map[bool]string{false: "running", true: "restarted"}[restart], func(t *testing.T) {
			testStoreReadFailure(t, restart)
		})
	}
}

func testStoreReadFailure(t *testing.T, restart bool) {
	dir := t.TempDir()
	logged, logs := logRecorder()
	var reads atomic.Int32
	counted := func(o *options) {
		o.diskHook = func(d *store.DiskOptions) { d.OnRead = func(string, string) { reads.Add(1) } }
	}
	s := NewServer(WithDataDir(dir), quickGetMedia(), logged, counted)
	defer func() { s.Close() }()
	control := kvs.NewFromConfig(s.Config())
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	acked := persisted(putAll(t, s, "cam", mkvBody(t, 1_700_000_000_000, 3)))
	if restart {
		s.Close()
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "media", "*", "*.seg"))
	if len(segs) != 1 || len(acked) != 3 {
		t.Fatalf("%d segments, %d fragments persisted", len(segs), len(acked))
	}
	b, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff // in the middle fragment
	if err := os.WriteFile(segs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if restart {
		reads.Store(0)
		s = NewServer(WithDataDir(dir), quickGetMedia(), logged, counted)
		if got := listed(t, s, "cam"); strings.Join(got, "|") != strings.Join(acked, "|") {
			t.Fatalf("the restarted server lists %q, want %q", got, acked)
		}
		if n := reads.Load(); n != 0 {
			t.Fatalf("restarting and listing read the frames of %d fragments", n)
		}
	}

	const internalError = 5000 // the in-band error of a fragment the service cannot read
	want := []string{acked[0], fmt.Sprintf("error %d %s", internalError, acked[1]), acked[2]}
	if got := getMediaNumbers(t, s, "cam"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("GetMedia served %q, want %q", got, want)
	}
	if got := fragmentListNumbers(t, s, "cam", acked); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("GetMediaForFragmentList served %q, want %q", got, want)
	}
	for _, op := range []string{"GetMedia", "GetMediaForFragmentList"} {
		found := false
		for _, l := range logs() {
			found = found || (strings.HasPrefix(l, "kvstest: "+op+": reading fragment "+acked[1]) && strings.Contains(l, "corrupt"))
		}
		if !found {
			t.Errorf("no log line says why %s could not serve fragment %s: %q", op, acked[1], logs())
		}
	}
}
