package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kvsgo/sdk/mkv"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const streamA = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/a/1"

// fragment makes a fragment numbered n with frames frames of size bytes.
func fragment(n, frames, size int) *Fragment {
	f := &Fragment{
		Number:            fmt.Sprintf("91343852333%018d%018d", 1700000000000+n, n),
		ServerTimestamp:   time.UnixMilli(1700000000000 + int64(n)*2000).UTC(),
		ProducerTimestamp: time.UnixMilli(1600000000000 + int64(n)*2000).UTC(),
		Timecode:          int64(n) * 2000,
		TimecodeScale:     mkv.DefaultTimecodeScale,
		Info:              mkv.Info{TimecodeScale: mkv.DefaultTimecodeScale, SegmentUID: []byte("0123456789abcdef"), MuxingApp: "m", WritingApp: "w"},
		Tracks:            []mkv.TrackEntry{{Number: 1, UID: 7, Type: mkv.TrackVideo, CodecID: "V_MPEG4/ISO/AVC", CodecPrivate: []byte{1, 2, 3}, Video: mkv.VideoSettings{PixelWidth: 640, PixelHeight: 480}}},
		Tags:              []mkv.SimpleTag{{Name: "k", String: "v"}, {Name: "b", Binary: []byte{}}},
	}
	for i := range frames {
		data := bytes.Repeat([]byte{byte(n + i)}, size+i)
		f.Frames = append(f.Frames, Frame{Track: 1, Timecode: f.Timecode + int64(i)*33, Keyframe: i == 0, Data: data})
		f.Size += int64(len(data))
	}
	return f
}

// loadAll returns the fragments of stream with their frames, in number order.
func loadAll(s MediaStore, stream string) ([]*Fragment, error) {
	index, err := s.Index(stream)
	if err != nil {
		return nil, err
	}
	frags := make([]*Fragment, len(index))
	for i := range index {
		for fr, err := range s.Frames(stream, index[i].Number) {
			if err != nil {
				return nil, err
			}
			index[i].Frames = append(index[i].Frames, fr)
		}
		frags[i] = &index[i]
	}
	return frags, nil
}

func openDisk(t *testing.T, dir string, opts DiskOptions) *Disk {
	t.Helper()
	opts.Logf = t.Logf
	d, err := OpenDisk(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestContract runs the same operations against both stores.
func TestContract(t *testing.T) {
	stores := map[string]func(t *testing.T) MediaStore{
		"memory": func(*testing.T) MediaStore { return NewMemory() },
		"disk":   func(t *testing.T) MediaStore { return openDisk(t, t.TempDir(), DiskOptions{SegmentSize: 4096}) },
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			var want []*Fragment
			for n := range 10 {
				f := fragment(n, 5, 300)
				if err := s.Put(streamA, f); err != nil {
					t.Fatal(err)
				}
				want = append(want, f)
			}
			got, err := loadAll(s, streamA)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("Load (-put +loaded):\n%s", diff)
			}
			if err := s.Remove(streamA, want[0].Number, want[1].Number, "1"); err != nil {
				t.Fatal(err)
			}
			index, err := s.Index(streamA)
			if err != nil {
				t.Fatal(err)
			}
			if len(index) != 8 || index[0].Number != want[2].Number || index[0].Frames != nil {
				t.Fatalf("after Remove the index is %d fragments from %s", len(index), index[0].Number)
			}
			if err := s.SaveState([]byte("state 1")); err != nil {
				t.Fatal(err)
			}
			if st, err := s.State(); err != nil || string(st) != "state 1" {
				t.Fatalf("State = %q, %v", st, err)
			}
			if streams, err := s.Streams(); err != nil || !cmp.Equal(streams, []string{streamA}) {
				t.Fatalf("Streams = %q, %v", streams, err)
			}
			for _, err := range s.Frames(streamA, want[0].Number) {
				if err == nil {
					t.Fatal("a removed fragment's frames were read")
				}
			}
			if err := s.Drop(streamA); err != nil {
				t.Fatal(err)
			}
			if index, err := s.Index(streamA); err != nil || len(index) != 0 {
				t.Fatalf("after Drop the index is %d fragments, %v", len(index), err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := s.Put(streamA, fragment(20, 1, 1)); !errors.Is(err, ErrClosed) {
				t.Fatalf("Put after Close: %v, want ErrClosed", err)
			}
		})
	}
}

func TestDiskReopen(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, DiskOptions{SegmentSize: 2048})
	var want []*Fragment
	for n := range 12 {
		f := fragment(n, 3, 500)
		if err := d.Put(streamA, f); err != nil {
			t.Fatal(err)
		}
		want = append(want, f)
	}
	if err := d.SaveState([]byte(`{"streams":1}`)); err != nil {
		t.Fatal(err)
	}
	// Retention removes the oldest fragments: their segments go once empty.
	if err := d.Remove(streamA, want[0].Number, want[1].Number, want[2].Number); err != nil {
		t.Fatal(err)
	}
	want = want[3:]
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d = openDisk(t, dir, DiskOptions{SegmentSize: 2048})
	defer d.Close()
	got, err := loadAll(d, streamA)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after reopening (-put +loaded):\n%s", diff)
	}
	if st, _ := d.State(); string(st) != `{"streams":1}` {
		t.Fatalf("State after reopening = %q", st)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "media", streamDir(streamA), "*.seg"))
	if len(segs) >= 12 {
		t.Fatalf("%d segments left after removing fragments", len(segs))
	}
	// Appending continues after a reopen.
	f := fragment(30, 2, 10)
	if err := d.Put(streamA, f); err != nil {
		t.Fatal(err)
	}
	if got, _ := loadAll(d, streamA); len(got) != len(want)+1 || !cmp.Equal(got[len(got)-1], f) {
		t.Fatalf("the fragment put after reopening is not loaded back")
	}
}

// TestDiskTornTail cuts a segment inside a fragment written without its index entry (a crash
// between the fsync of the frames and the commit) and after garbage, and checks that opening
// truncates the tail and keeps every indexed fragment.
func TestDiskTornTail(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, DiskOptions{})
	var want []*Fragment
	for n := range 3 {
		f := fragment(n, 4, 100)
		if err := d.Put(streamA, f); err != nil {
			t.Fatal(err)
		}
		want = append(want, f)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	seg := filepath.Join(dir, "media", streamDir(streamA), segmentName(1))
	before, err := os.Stat(seg)
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.OpenFile(seg, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := writeFrames(file, fragment(3, 4, 100).Frames[:2]); err != nil {
		t.Fatal(err)
	}
	file.Close()
	// A segment created and never indexed.
	if err := os.WriteFile(filepath.Join(dir, "media", streamDir(streamA), segmentName(2)), []byte("torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	d = openDisk(t, dir, DiskOptions{})
	defer d.Close()
	after, err := os.Stat(seg)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() != before.Size() {
		t.Fatalf("the segment is %d bytes after opening, %d before the torn write", after.Size(), before.Size())
	}
	if _, err := os.Stat(filepath.Join(dir, "media", streamDir(streamA), segmentName(2))); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the unindexed segment is still there: %v", err)
	}
	got, err := loadAll(d, streamA)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after the torn tail (-put +loaded):\n%s", diff)
	}
}

// TestDiskCorruptSegment checks that a fragment whose bytes changed is refused, not served.
func TestDiskCorruptSegment(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, DiskOptions{})
	defer d.Close()
	f := fragment(1, 2, 64)
	if err := d.Put(streamA, f); err != nil {
		t.Fatal(err)
	}
	seg := filepath.Join(dir, "media", streamDir(streamA), segmentName(1))
	b, _ := os.ReadFile(seg)
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(seg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadAll(d, streamA); !errors.Is(err, errCorrupt) {
		t.Fatalf("loading a changed fragment: %v, want a corrupt-fragment error", err)
	}
}

func TestDiskLocked(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, DiskOptions{})
	defer d.Close()
	if _, err := OpenDisk(dir, DiskOptions{}); err == nil {
		t.Fatal("a second store opened the same directory")
	}
}

// TestDiskWriteFails checks that a failing write keeps nothing of the fragment and that the
// store keeps working once writes succeed again.
func TestDiskWriteFails(t *testing.T) {
	dir := t.TempDir()
	fail := true
	d := openDisk(t, dir, DiskOptions{BeforeSync: func(string, string) error {
		if fail {
			return errors.New("no space left on device")
		}
		return nil
	}})
	defer d.Close()
	ok1, bad, ok2 := fragment(1, 2, 50), fragment(2, 2, 50), fragment(3, 2, 50)
	fail = false
	if err := d.Put(streamA, ok1); err != nil {
		t.Fatal(err)
	}
	fail = true
	if err := d.Put(streamA, bad); err == nil {
		t.Fatal("Put succeeded while writes fail")
	}
	fail = false
	if err := d.Put(streamA, ok2); err != nil {
		t.Fatal(err)
	}
	got, err := loadAll(d, streamA)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*Fragment{ok1, ok2}, got); diff != "" {
		t.Fatalf("after a failed write (-want +got):\n%s", diff)
	}
}

func FuzzFrameReader(f *testing.F) {
	var buf bytes.Buffer
	_, crc, _ := writeFrames(&buf, fragment(1, 3, 20).Frames)
	f.Add(buf.Bytes(), crc)
	f.Add([]byte{1, 2, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}, uint32(0))
	f.Fuzz(func(t *testing.T, b []byte, crc uint32) {
		fr := newFrameReader(bytes.NewReader(b), int64(len(b)), crc)
		var frames []Frame
		for range len(b) + 1 {
			frame, err := fr.next()
			if err != nil {
				break
			}
			frames = append(frames, frame)
		}
		var again bytes.Buffer
		if _, sum, err := writeFrames(&again, frames); err == nil && sum == crc && !bytes.Equal(again.Bytes(), b) && fr.left == 0 {
			// Varints have more than one encoding; a different re-encoding is fine as long as
			// it decodes to the same frames.
			fr2 := newFrameReader(bytes.NewReader(again.Bytes()), int64(again.Len()), sum)
			for _, want := range frames {
				got, err := fr2.next()
				if err != nil || !cmp.Equal(got, want) {
					t.Fatalf("re-encoded frames decode differently: %v", err)
				}
			}
		}
	})
}
