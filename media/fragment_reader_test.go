package media

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/mkv"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var captureNames = []string{
	"output_get_media.mkv", "output_get_media_sparse_fragments.mkv", "test_mixed_tags.mkv",
	"empty-mkv-with-tags.mkv", "test_tags_empty_cluster.mkv",
}

func readCapture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(wiretest.SharedDir(t), "kvs-captures", name))
	if err != nil {
		wiretest.Skip(t, "capture %s: %v", name, err)
	}
	return data
}

func readAll(t testing.TB, r io.Reader) []*Fragment {
	t.Helper()
	fr := NewFragmentReader(r)
	var out []*Fragment
	for {
		f, err := fr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("fragment %d: %v", len(out), err)
		}
		out = append(out, f)
	}
}

// TestCapturesGolden decodes every real capture into one summary line per fragment and compares
// with the golden files (go test -run TestCapturesGolden -update rewrites them).
func TestCapturesGolden(t *testing.T) {
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			for _, f := range readAll(t, bytes.NewReader(readCapture(t, name))) {
				line, _ := json.Marshal(f.Summary())
				buf.Write(append(line, '\n'))
			}
			golden := filepath.Join("testdata", "captures", strings.TrimSuffix(name, ".mkv")+".jsonl")
			if *update {
				_ = os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := wiretest.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("summaries differ from %s:\n%s", golden, diff)
			}
		})
	}
}

// TestGetMediaCapture checks values read by hand from the bytes of a real GetMedia response.
func TestGetMediaCapture(t *testing.T) {
	frags := readAll(t, bytes.NewReader(readCapture(t, "output_get_media.mkv")))
	if len(frags) != 5 {
		t.Fatalf("%d fragments, want 5", len(frags))
	}
	f := frags[0]
	want := struct {
		number, token     string
		server, producer  time.Time
		behind            int64
		frames, timecode  int64
		firstKey, lastKey bool
	}{
		"91343852333181432392682062607743920146159169392", "91343852333181432392682062607743920146159169392",
		time.UnixMilli(1511852109126).UTC(), time.UnixMilli(1511852108513).UTC(), 15858, 60, 0, true, false,
	}
	got := struct {
		number, token     string
		server, producer  time.Time
		behind            int64
		frames, timecode  int64
		firstKey, lastKey bool
	}{f.FragmentNumber, f.ContinuationToken, f.ServerTimestamp, f.ProducerTimestamp, f.MillisBehindNow,
		int64(len(f.Frames)), f.Timecode, f.Frames[0].Keyframe, f.Frames[59].Keyframe}
	if got != want {
		t.Errorf("fragment 0 = %+v\nwant         %+v", got, want)
	}
	if len(f.Tracks) != 1 || f.Tracks[0].CodecID != mkv.CodecIDH264 || len(f.Tracks[0].CodecPrivate) != 54 {
		t.Errorf("tracks %+v", f.Tracks)
	}
	if v, ok := f.Tag("ENCODER"); !ok || v != "Lavf57.71.100" {
		t.Errorf("producer tag ENCODER = %q, %v", v, ok)
	}
	if frags[1].FragmentNumber != "91343852333181432397633822764885441725874549018" || frags[1].Timecode != 2000 || frags[1].MillisBehindNow != 14155 {
		t.Errorf("fragment 1 = %s at %d, %d ms behind", frags[1].FragmentNumber, frags[1].Timecode, frags[1].MillisBehindNow)
	}
	// Frame times follow the producer timestamp and the block offsets.
	for i, fr := range f.Frames {
		if wantTS := f.ProducerTimestamp.Add(fr.Timestamp); !f.FrameTime(fr).Equal(wantTS) {
			t.Fatalf("frame %d at %v, want %v", i, f.FrameTime(fr), wantTS)
		}
	}
	for i := 1; i < 5; i++ {
		if CompareFragmentNumbers(frags[i-1].FragmentNumber, frags[i].FragmentNumber) >= 0 {
			t.Errorf("fragment numbers out of order at %d", i)
		}
	}
}

// TestChunksMatchFragments reads every capture both ways and checks they agree frame by frame.
func TestChunksMatchFragments(t *testing.T) {
	for _, name := range captureNames {
		data := readCapture(t, name)
		whole := readAll(t, bytes.NewReader(data))
		fr := NewFragmentReader(bytes.NewReader(data))
		var n, frame int
		for {
			c, err := fr.ReadChunk()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			switch c.Kind {
			case ChunkFragmentStart:
				frame = 0
			case ChunkFrame:
				w := whole[n].Frames[frame]
				if c.Frame.Track != w.Track || c.Frame.Timestamp != w.Timestamp || !c.Fragment.FrameTime(c.Frame).Equal(whole[n].FrameTime(w)) || !bytes.Equal(c.Frame.Data, w.Data) || c.Frame.Keyframe != w.Keyframe {
					t.Fatalf("%s: fragment %d frame %d differs", name, n, frame)
				}
				frame++
			case ChunkFragmentEnd:
				if frame != len(whole[n].Frames) || c.Fragment.FragmentNumber != whole[n].FragmentNumber || c.Fragment.ContinuationToken != whole[n].ContinuationToken {
					t.Fatalf("%s: fragment %d: %d frames, %s", name, n, frame, c.Fragment.FragmentNumber)
				}
				n++
			}
		}
		if n != len(whole) {
			t.Errorf("%s: %d fragments by chunks, %d whole", name, n, len(whole))
		}
	}
}

// TestChunksArriveBeforeTheFragmentEnds feeds a capture through a pipe, stopping before the
// trailing tags of the first fragment: every frame must be readable without them.
func TestChunksArriveBeforeTheFragmentEnds(t *testing.T) {
	data := readCapture(t, "output_get_media.mkv")
	whole := readAll(t, bytes.NewReader(data))
	// Cut where the first trailing Tags element starts (its ID precedes the tag name).
	cut := bytes.LastIndex(data[:bytes.Index(data, []byte(TagMillisBehindNow))], []byte{0x12, 0x54, 0xc3, 0x67})
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write(data[:cut]) }() // the rest never comes until the pipe closes
	defer pw.Close()
	fr := NewFragmentReader(pr)
	frames := 0
	for frames < len(whole[0].Frames) {
		c, err := fr.ReadChunk()
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind == ChunkFrame {
			frames++
		}
	}
	if whole[0].ContinuationToken == "" {
		t.Fatal("capture has no token")
	}
}

func TestInBandErrors(t *testing.T) {
	doc := func(tags ...mkv.SimpleTag) []byte {
		b, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
		if err != nil {
			t.Fatal(err)
		}
		b, err = mkv.AppendTags(b, []mkv.Tag{{SimpleTags: tags}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	stream := append(doc(mkv.SimpleTag{Name: TagErrorCode, String: "FRAGMENT_NOT_FOUND"}, mkv.SimpleTag{Name: TagErrorID, String: "3000"}),
		doc(mkv.SimpleTag{Name: TagFragmentNumber, String: "42"}, mkv.SimpleTag{Name: TagExceptionErrorCode, String: "4000"},
			mkv.SimpleTag{Name: TagExceptionMessage, String: "Requested fragment is not found"},
			mkv.SimpleTag{Name: TagServerSideTimestamp, String: "1700000000.250"}, mkv.SimpleTag{Name: TagProducerSideTimestamp, String: "1700000000.125"})...)
	fr := NewFragmentReader(bytes.NewReader(stream))
	f, err := fr.Next()
	var se *StreamError
	if !errors.As(err, &se) || se.ID != 3000 || se.Code != "FRAGMENT_NOT_FOUND" || f == nil {
		t.Fatalf("first: %v, %+v", err, se)
	}
	f, err = fr.Next() // reading goes on after an in-band error
	if !errors.As(err, &se) || se.ID != 4000 || se.Message != "Requested fragment is not found" {
		t.Fatalf("second: %v", err)
	}
	if f.FragmentNumber != "42" || !f.ServerTimestamp.Equal(time.UnixMilli(1700000000250)) || !f.ProducerTimestamp.Equal(time.UnixMilli(1700000000125)) {
		t.Errorf("fragment-list names: %+v", f)
	}
	if !strings.Contains(se.Error(), "4000") || !strings.Contains(se.Error(), "fragment 42") {
		t.Errorf("message %q", se.Error())
	}
	if _, err := fr.Next(); err != io.EOF {
		t.Errorf("end: %v", err)
	}
}

// TestTruncatedStream cuts a capture inside its third fragment: Next returns the readable part
// of that fragment (whole frames) with the SyntaxError, which is sticky.
func TestTruncatedStream(t *testing.T) {
	data := readCapture(t, "output_get_media.mkv")
	whole := readAll(t, bytes.NewReader(data))
	fr := NewFragmentReader(bytes.NewReader(data[:len(data)/2]))
	var f *Fragment
	var err error
	n := 0
	for ; err == nil; n++ {
		f, err = fr.Next()
	}
	var se *mkv.SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want a SyntaxError of unexpected EOF", err)
	}
	w := whole[n-1]
	if f == nil || f.FragmentNumber != w.FragmentNumber || len(f.Frames) == 0 || len(f.Frames) >= len(w.Frames) {
		t.Fatalf("fragment %d cut short: %+v, want part of %s", n-1, f, w.FragmentNumber)
	}
	for i, fr := range f.Frames {
		if !bytes.Equal(fr.Data, w.Frames[i].Data) {
			t.Fatalf("frame %d differs", i)
		}
	}
	if again, errAgain := fr.Next(); errAgain != err || again != nil {
		t.Errorf("error not sticky: %v, %v", again, errAgain)
	}
}

// TestReuseBuffers reads a capture with ReuseBuffers: each fragment is the same as without,
// until the next call.
func TestReuseBuffers(t *testing.T) {
	data := readCapture(t, "output_get_media.mkv")
	whole := readAll(t, bytes.NewReader(data))
	fr := NewFragmentReader(bytes.NewReader(data), func(o *FragmentReaderOptions) { o.ReuseBuffers = true })
	for i := range 2 * len(whole) {
		if i == len(whole) {
			fr.Reset(bytes.NewReader(data)) // the buffers serve the second pass too
		}
		f, err := fr.Next()
		if err != nil {
			t.Fatal(err)
		}
		w := whole[i%len(whole)]
		if f.FragmentNumber != w.FragmentNumber || len(f.Frames) != len(w.Frames) {
			t.Fatalf("fragment %d: %s with %d frames", i, f.FragmentNumber, len(f.Frames))
		}
		for j := range w.Frames {
			if !bytes.Equal(f.Frames[j].Data, w.Frames[j].Data) || f.Frames[j].Timestamp != w.Frames[j].Timestamp {
				t.Fatalf("fragment %d frame %d differs", i, j)
			}
		}
	}
	if _, err := fr.Next(); err != io.EOF {
		t.Errorf("end: %v", err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		fr.Reset(bytes.NewReader(data))
		for {
			if _, err := fr.Next(); err != nil {
				break
			}
		}
	})
	if perFragment := allocs / float64(len(whole)); perFragment > 60 {
		t.Errorf("%.0f allocations per fragment with ReuseBuffers, want only its metadata's", perFragment)
	}
}

func FuzzFragmentReader(f *testing.F) {
	for _, name := range []string{"test_mixed_tags.mkv", "empty-mkv-with-tags.mkv", "test_tags_empty_cluster.mkv"} {
		if data, err := wiretest.ReadShared(filepath.Join("kvs-captures", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte{0x1a, 0x45, 0xdf, 0xa3, 0x80})
	f.Add(tinyFrames(f, 200)) // many tiny frames: over MaxFragmentFrames below
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := NewFragmentReader(bytes.NewReader(data), func(o *FragmentReaderOptions) {
			o.Limits.MaxElementSize, o.MaxFragmentFrames = 1<<20, 100
		})
		for range 10000 {
			f, err := fr.Next()
			if err != nil {
				var se *StreamError
				if errors.As(err, &se) && f != nil {
					continue
				}
				return
			}
			f.Summary()
		}
	})
}

// tinyFrames is one KVS-style fragment document of n one-byte frames.
func tinyFrames(t testing.TB, n int) []byte {
	t.Helper()
	b, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = mkv.AppendTags(b, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: TagFragmentNumber, String: "7"}}}}); err != nil {
		t.Fatal(err)
	}
	if b, err = mkv.AppendClusterStart(b, 0, mkv.UnknownSize); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if b, err = mkv.AppendSimpleBlock(b, 0, mkv.Frame{Track: 1, Timecode: int64(i % 30000), Data: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// TestFragmentBounds checks that Next bounds a fragment's frames and their overhead, so that a
// fragment of tiny frames cannot take memory out of proportion to its bytes (issue 18: 9.5 M
// one-byte frames took 2.29 GB).
func TestFragmentBounds(t *testing.T) {
	tests := []struct {
		name    string
		frames  int
		opts    FragmentReaderOptions
		tooMany bool
	}{
		{"within the frame bound", 10, FragmentReaderOptions{MaxFragmentFrames: 10}, false},
		{"one frame over the frame bound", 11, FragmentReaderOptions{MaxFragmentFrames: 10}, true},
		{"overhead counts against the byte bound", 10, FragmentReaderOptions{Limits: mkv.Limits{MaxElementSize: 9 * (FrameOverhead + 1)}}, true},
		{"overhead within the byte bound", 9, FragmentReaderOptions{Limits: mkv.Limits{MaxElementSize: 9 * (FrameOverhead + 1)}}, false},
		{"default frame bound", DefaultMaxFragmentFrames + 1, FragmentReaderOptions{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewFragmentReader(bytes.NewReader(tinyFrames(t, tt.frames)), func(o *FragmentReaderOptions) { *o = tt.opts }).Next()
			if tt.tooMany {
				var se *mkv.SyntaxError
				if !errors.As(err, &se) || !errors.Is(err, mkv.ErrTooLarge) || !strings.Contains(err.Error(), `fragment "7"`) {
					t.Fatalf("err = %v, want a SyntaxError wrapping ErrTooLarge naming the fragment", err)
				}
				return
			}
			if err != nil || len(f.Frames) != tt.frames {
				t.Fatalf("%v, %d frames", err, len(f.Frames))
			}
			for i, fr := range f.Frames {
				if len(fr.Data) != 1 || fr.Data[0] != byte(i) {
					t.Fatalf("frame %d = %v", i, fr.Data)
				}
			}
		})
	}
}

// TestFragmentMemoryFollowsInput reads a fragment of a million one-byte frames (7 MB) and checks
// that the reader allocates no more than its frame bound implies (the frames slice, doubled on
// the way) plus the input's size before refusing it.
func TestFragmentMemoryFollowsInput(t *testing.T) {
	data := tinyFrames(t, 1<<20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := NewFragmentReader(bytes.NewReader(data)).Next()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, mkv.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(len(data))+uint64(5*FrameOverhead*DefaultMaxFragmentFrames/2); got > limit {
		t.Errorf("allocated %d bytes for %d bytes of input, want at most %d", got, len(data), limit)
	}
}

// TestFragmentEndsAtItsTrailingTags feeds the first document of a capture, up to the end of its
// trailing tags, through a pipe that stays open: Next must return the fragment without waiting
// for the next document.
func TestFragmentEndsAtItsTrailingTags(t *testing.T) {
	data := readCapture(t, "output_get_media.mkv")
	ebml := []byte{0x1a, 0x45, 0xdf, 0xa3}
	second := bytes.Index(data[4:], ebml) + 4
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write(data[:second]) }()
	defer pw.Close()
	f, err := NewFragmentReader(pr).Next()
	if err != nil {
		t.Fatal(err)
	}
	if f.ContinuationToken == "" || len(f.Frames) != 60 {
		t.Errorf("fragment %s: token %q, %d frames", f.FragmentNumber, f.ContinuationToken, len(f.Frames))
	}
}
