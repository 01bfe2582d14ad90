package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
	bolt "go.etcd.io/bbolt"
)

// TestDiskStatsSurviveReopen checks that Put sets a fragment's Stats, that Index returns them
// after a reopen, and that neither the reopen nor Index reads a frame.
func TestDiskStatsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, DiskOptions{SegmentSize: 4096})
	var want []Stats
	for n := range 6 {
		f := fragment(n, 4, 300)
		if err := d.Put(streamA, f); err != nil {
			t.Fatal(err)
		}
		if f.Stats.Frames != 4 || f.Stats.Last != f.Timecode+3*33 {
			t.Fatalf("Put set the stats %+v", f.Stats)
		}
		want = append(want, f.Stats)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int32
	d = openDisk(t, dir, DiskOptions{OnRead: func(string, string) { reads.Add(1) }})
	defer d.Close()
	index, err := d.Index(streamA)
	if err != nil {
		t.Fatal(err)
	}
	if len(index) != len(want) {
		t.Fatalf("%d fragments after reopening, want %d", len(index), len(want))
	}
	for i, f := range index {
		if diff := wiretest.Diff(want[i], f.Stats); diff != "" {
			t.Fatalf("fragment %d's stats after reopening (want: put, got: index):\n%s", i, diff)
		}
	}
	if n := reads.Load(); n != 0 {
		t.Fatalf("reopening and Index read frames %d times", n)
	}
	for _, err := range d.Frames(streamA, index[0].Number) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("the hook counted %d reads of one fragment", n)
	}
}

// TestDiskUpgradesOldRecords rewrites index records as a version without Stats wrote them:
// opening reads their frames once, logs it, and adds the stats; a damaged fragment among them
// is dropped with a log line; the next opening reads nothing.
func TestDiskUpgradesOldRecords(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, DiskOptions{})
	var want []Stats
	for n := range 3 {
		f := fragment(n, 3, 200)
		if err := d.Put(streamA, f); err != nil {
			t.Fatal(err)
		}
		want = append(want, f.Stats)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	// Strip the stats and the format, as the older version wrote them; break the last CRC.
	db, err := bolt.Open(filepath.Join(dir, DatabaseFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var damaged string
	err = db.Update(func(tx *bolt.Tx) error {
		frags := fragsBucket(tx, streamA)
		var keys [][]byte
		_ = frags.ForEach(func(k, _ []byte) error { keys = append(keys, k); return nil })
		for i, k := range keys {
			var m map[string]any
			if err := json.Unmarshal(frags.Get(k), &m); err != nil {
				return err
			}
			delete(m, "Stats")
			delete(m, "Format")
			if i == len(keys)-1 {
				m["CRC"], damaged = 1, string(k)
			}
			v, _ := json.Marshal(m)
			if err := frags.Put(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int32
	var logs []string
	opts := DiskOptions{OnRead: func(string, string) { reads.Add(1) },
		Logf: func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }}
	d, err = OpenDisk(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 3 {
		t.Fatalf("opening read %d fragments of the older format, want 3", n)
	}
	joined := strings.Join(logs, "\n")
	if !strings.Contains(joined, "3 index entries") || !strings.Contains(joined, damaged+" of "+streamA+" is damaged") {
		t.Fatalf("the log does not tell of the upgrade and the damaged fragment:\n%s", joined)
	}
	index, err := d.Index(streamA)
	if err != nil {
		t.Fatal(err)
	}
	if len(index) != 2 {
		t.Fatalf("%d fragments after the upgrade, want 2 (the damaged one dropped)", len(index))
	}
	for i, f := range index {
		if diff := wiretest.Diff(want[i], f.Stats); diff != "" {
			t.Fatalf("fragment %d's upgraded stats:\n%s", i, diff)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	reads.Store(0)
	d = openDisk(t, dir, DiskOptions{OnRead: opts.OnRead})
	defer d.Close()
	if n := reads.Load(); n != 0 {
		t.Fatalf("opening the upgraded store read %d fragments", n)
	}
}

// TestFramesOfRemovedFragment checks that reading a fragment the store no longer has fails with
// ErrNotFound, in both stores, and for Disk also when the segment went after the index lookup.
func TestFramesOfRemovedFragment(t *testing.T) {
	for _, name := range []string{"memory", "disk"} {
		t.Run(name, func(t *testing.T) {
			var s MediaStore = NewMemory()
			if name == "disk" {
				s = openDisk(t, t.TempDir(), DiskOptions{SegmentSize: 1})
			}
			defer s.Close()
			a, b := fragment(1, 2, 10), fragment(2, 2, 10)
			for _, f := range []*Fragment{a, b} {
				if err := s.Put(streamA, f); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Remove(streamA, a.Number); err != nil {
				t.Fatal(err)
			}
			for _, err := range s.Frames(streamA, a.Number) {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("reading a removed fragment: %v, want ErrNotFound", err)
				}
			}
			d, ok := s.(*Disk)
			if !ok {
				return
			}
			// The segment goes between the index lookup and the read (a retention sweep
			// removing b, and a later fragment starting a new segment).
			d.opts.OnRead = func(stream, number string) {
				d.opts.OnRead = nil
				if err := d.Put(streamA, fragment(3, 1, 10)); err != nil {
					t.Error(err)
				}
				if err := d.Remove(streamA, number); err != nil {
					t.Error(err)
				}
			}
			var got error
			for _, err := range d.Frames(streamA, b.Number) {
				got = err
			}
			if !errors.Is(got, ErrNotFound) {
				t.Fatalf("reading a fragment removed during the read: %v, want ErrNotFound", got)
			}
		})
	}
}
