package mkv

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func newTestWriter(t *testing.T, w io.Writer, known bool) *Writer {
	t.Helper()
	mw, err := NewWriter(w, WriterOptions{Info: testInfo(), Tracks: testTracks(), KnownSizeClusters: known})
	if err != nil {
		t.Fatal(err)
	}
	return mw
}

// writeFragments writes two fragments through the Writer.
func writeFragments(t *testing.T, w *Writer) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for c, ctc := range []int64{0, 2000} {
		must(w.WriteTags([]Tag{{SimpleTags: []SimpleTag{{Name: "FRAG", String: string(rune('a' + c))}}}}))
		must(w.StartCluster(ctc))
		for i := range 4 {
			must(w.WriteFrame(Frame{Track: 1, Timecode: ctc + int64(i*33), Keyframe: i == 0, Data: []byte{byte(i), 1, 2}}))
		}
	}
	must(w.EndFragment())
	must(w.Close())
}

func TestWriterMatchesAppend(t *testing.T) {
	var buf bytes.Buffer
	writeFragments(t, newTestWriter(t, &buf, false))

	want := streamHeader(t)
	for c, ctc := range []int64{0, 2000} {
		want, _ = AppendTags(want, []Tag{{SimpleTags: []SimpleTag{{Name: "FRAG", String: string(rune('a' + c))}}}})
		want, _ = AppendClusterStart(want, ctc, UnknownSize)
		for i := range 4 {
			want, _ = AppendSimpleBlock(want, ctc, Frame{Track: 1, Timecode: ctc + int64(i*33), Keyframe: i == 0, Data: []byte{byte(i), 1, 2}})
		}
	}
	want = AppendEndOfFragment(want)
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("Writer output (%d bytes) differs from the Append functions (%d bytes)", buf.Len(), len(want))
	}
}

func TestWriterKnownSizeClusters(t *testing.T) {
	var known, unknown bytes.Buffer
	writeFragments(t, newTestWriter(t, &known, true))
	writeFragments(t, newTestWriter(t, &unknown, false))
	a, err := decodeAll(known.Bytes(), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := decodeAll(unknown.Bytes(), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d events with known sizes, %d with unknown", len(a), len(b))
	}
	sizes := 0
	for i := range a {
		a[i].Offset, b[i].Offset = 0, 0
		if a[i].Kind == KindClusterStart {
			if want := map[int64]int64{0: 3 + 4*9, 2000: 4 + 4*9}[a[i].Cluster.Timecode]; a[i].Cluster.Size != want {
				t.Errorf("known cluster size %d", a[i].Cluster.Size)
			}
			sizes++
			a[i].Cluster.Size, b[i].Cluster.Size = 0, 0
		}
		if a[i].Kind == KindClusterEnd {
			a[i].Cluster.Size, b[i].Cluster.Size = 0, 0
		}
	}
	if sizes != 2 || !equalJSON(a, b) {
		t.Errorf("known-size stream decodes differently:\n%s\nvs\n%s", toJSON(a), toJSON(b))
	}
}

func TestWriterResetResendsHeader(t *testing.T) {
	var first, second bytes.Buffer
	w := newTestWriter(t, &first, false)
	if err := w.StartCluster(0); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrame(Frame{Track: 1, Keyframe: true, Data: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	w.Reset(&second)
	if err := w.WriteFrame(Frame{Track: 1, Data: []byte{2}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("frame after Reset without a cluster: %v", err)
	}
	if err := w.StartCluster(5000); err != nil {
		t.Fatal(err)
	}
	hdr := first.Bytes()[:bytes.Index(first.Bytes(), []byte{0x1F, 0x43, 0xB6, 0x75})]
	if !bytes.HasPrefix(second.Bytes(), hdr) || second.Len() != len(hdr)+9 {
		t.Errorf("after Reset: % X, want the %d-byte header then a cluster start", second.Bytes(), len(hdr))
	}
}

func TestWriterRejects(t *testing.T) {
	var buf bytes.Buffer
	w := newTestWriter(t, &buf, false)
	if err := w.WriteFrame(Frame{Track: 1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("frame outside a cluster: %v", err)
	}
	if err := w.StartCluster(-5); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative cluster timecode: %v", err)
	}
	if err := w.StartCluster(100); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrame(Frame{Track: 9, Timecode: 100}); !errors.Is(err, ErrInvalid) {
		t.Errorf("undeclared track: %v", err)
	}
	if err := w.WriteFrame(Frame{Track: 1, Timecode: 100 + 40000}); !errors.Is(err, ErrTimecodeRange) {
		t.Errorf("timecode overflow: %v", err)
	}
	if err := w.WriteFrame(Frame{Track: 1, Timecode: 150}); err != nil {
		t.Errorf("a valid frame after argument errors: %v", err)
	}
	if _, err := NewWriter(&buf, WriterOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("NewWriter without tracks: %v", err)
	}
}

type failWriter struct{ n int }

var errDisk = errors.New("disk full")

func (f *failWriter) Write(b []byte) (int, error) {
	if f.n == 0 {
		return 0, errDisk
	}
	f.n--
	return len(b), nil
}

func TestWriterErrorsAreSticky(t *testing.T) {
	w := newTestWriter(t, &failWriter{n: 2}, false) // header and cluster start succeed
	if err := w.StartCluster(0); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrame(Frame{Track: 1, Data: []byte{1}}); err != errDisk {
		t.Fatalf("first failing write: %v", err)
	}
	if err := w.WriteTags([]Tag{{SimpleTags: []SimpleTag{{Name: "x"}}}}); err != errDisk {
		t.Errorf("later write: %v, want the sticky error", err)
	}
	if err := w.Close(); err != errDisk {
		t.Errorf("Close: %v", err)
	}
}

func TestWriterClose(t *testing.T) {
	var buf bytes.Buffer
	w := newTestWriter(t, &buf, false)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), streamHeader(t)) {
		t.Errorf("Close of an empty stream wrote % X", buf.Bytes())
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.StartCluster(0); err != ErrClosed {
		t.Errorf("write after Close: %v", err)
	}
}

func TestWriterFrameDoesNotAllocate(t *testing.T) {
	w := newTestWriter(t, io.Discard, false)
	if err := w.StartCluster(0); err != nil {
		t.Fatal(err)
	}
	payload := make([]byte, 3000)
	allocs := testing.AllocsPerRun(200, func() {
		if err := w.WriteFrame(Frame{Track: 1, Timecode: 10, Data: payload}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per frame, want 0", allocs)
	}
}
