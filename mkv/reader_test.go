package mkv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func withCRC(id uint32, children ...[]byte) []byte {
	body := join(children...)
	crc := binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(body))
	return el(id, el(idCRC32, crc), body)
}

func TestReaderStructures(t *testing.T) {
	tags := func(name string) []byte {
		return el(idTags, el(idTag, el(idSimpleTag, str(idTagName, name), str(idTagString, "v"))))
	}
	info := el(idInfo, u(idTimecodeScale, 1000))
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"known sizes", join(ebmlHead, el(idSegment, info, el(idCluster, u(idTimecode, 10), sblock(5, 0x80, 0xAA)))),
			"Doc Info(1000) C(10) F1@15k:aa /C /Doc"},
		{"unknown cluster ended by cluster", join(ebmlHead, unk(idSegment,
			unk(idCluster, u(idTimecode, 0), sblock(0, 0x80, 1), sblock(33, 0, 2)),
			unk(idCluster, u(idTimecode, 100), sblock(-3, 0, 3)))),
			"Doc C(0) F1@0k:01 F1@33:02 /C C(100) F1@97:03 /C /Doc"},
		{"documents back to back", join(ebmlHead, unk(idSegment, tags("A"), unk(idCluster, u(idTimecode, 1))),
			ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 2)), tags("B"))),
			"Doc Tags(B:A) C(1) /C /Doc Doc C(2) /C Tags(A:B) /Doc"},
		{"eight-octet sizes", join(wide(idEBML, str(idDocType, "matroska"), wide(idEBMLMaxSizeLength, []byte{8})),
			wide(idSegment, wide(idInfo, wide(idTimecodeScale, []byte{0x03, 0xE8})), wide(idCluster, wide(idTimecode, []byte{7}),
				wide(idSimpleBlock, []byte{0x81, 0, 1, 0x80, 0xEE})))),
			"Doc Info(1000) C(7) F1@8k:ee /C /Doc"},
		{"skipped elements", join(el(idVoid, []byte{0, 0}), ebmlHead, unk(idSegment,
			el(idSeekHead, []byte{1, 2, 3}), el(idVoid), el(0x4321, []byte{9}), el(idChapters, []byte{1}),
			el(idAttachments, []byte{2}), withCRC(idInfo, u(idTimecodeScale, 5000)),
			unk(idCluster, el(idVoid), el(idCRC32, []byte{1, 2, 3, 4}), u(0xA7, 0), u(idTimecode, 4), el(0x4321), sblock(1, 0x80, 5)),
			el(idCues, []byte{3}))),
			"Doc Info(5000) C(4) F1@5k:05 /C /Doc"},
		{"block groups", join(ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 50),
			el(idBlockGroup, el(idBlock, []byte{0x82, 0, 0, 0x08, 1}), u(idBlockDuration, 40)),
			el(idBlockGroup, u(idReferenceBlock, 0xFF), el(idBlock, []byte{0x82, 0, 40, 0, 2}))))),
			"Doc C(50) F2@50k:01 F2@90:02 /C /Doc"},
		{"xiph lacing", join(ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 0),
			el(idSimpleBlock, []byte{0x81, 0, 0, 0x82, 2, 1, 2}, []byte{0xA}, []byte{0xB, 0xB}, []byte{0xC, 0xC, 0xC})))),
			"Doc C(0) F1@0k:0a F1@0k:0b0b F1@0k:0c0c0c /C /Doc"},
		{"xiph lacing of 255 bytes", join(ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 0),
			el(idSimpleBlock, []byte{0x81, 0, 0, 0x02, 1, 255, 0}, bytes.Repeat([]byte{1}, 255), []byte{2})))),
			"Doc C(0) F1@0:" + strings.Repeat("01", 255) + " F1@0:02 /C /Doc"},
		{"EBML lacing", join(ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 0),
			// sizes 3, 3+1=4, 4-2=2, then the rest (1)
			el(idSimpleBlock, []byte{0x81, 0, 0, 0x06, 3, 0x83, 0xC0, 0xBD}, []byte{1, 1, 1, 2, 2, 2, 2, 3, 3, 4})))),
			"Doc C(0) F1@0:010101 F1@0:02020202 F1@0:0303 F1@0:04 /C /Doc"},
		{"fixed lacing", join(ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 0),
			el(idSimpleBlock, []byte{0x81, 0, 0, 0x84, 1, 7, 7, 8, 8})))),
			"Doc C(0) F1@0k:0707 F1@0k:0808 /C /Doc"},
		{"unknown cluster inside known segment", join(ebmlHead, el(idSegment, unk(idCluster, u(idTimecode, 3), sblock(0, 0, 1))),
			ebmlHead, el(idSegment)),
			"Doc C(3) F1@3:01 /C /Doc Doc /Doc"},
		{"unknown cluster ended by tags in known segment", join(ebmlHead, el(idSegment,
			unk(idCluster, u(idTimecode, 3), sblock(0, 0, 1)), tags("T"), unk(idCluster, u(idTimecode, 9)))),
			"Doc C(3) F1@3:01 /C Tags(A:T) C(9) /C /Doc"},
		{"tags before info", join(ebmlHead, unk(idSegment, tags("P"), info, el(idTracks, el(idTrackEntry, u(idTrackNumber, 1))))),
			"Doc Tags(B:P) Info(1000) Tracks(1) /Doc"},
		{"header without segment", join(ebmlHead, ebmlHead), "Doc /Doc Doc /Doc"},
		{"empty input", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decodeAll(tt.in, ReaderOptions{})
			if err != nil {
				t.Fatalf("error %v after %s", err, summary(evs))
			}
			if got := summary(evs); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	seg := func(children ...[]byte) []byte { return join(ebmlHead, unk(idSegment, children...)) }
	cluster := func(children ...[]byte) []byte {
		return seg(unk(idCluster, append([][]byte{u(idTimecode, 0)}, children...)...))
	}
	tests := []struct {
		name   string
		in     []byte
		target error
		msg    string
	}{
		{"garbage", []byte("hello world"), nil, "expected an EBML header"},
		{"zero octet", []byte{0, 0, 0}, nil, "invalid element ID"},
		{"truncated header", ebmlHead[:6], io.ErrUnexpectedEOF, ""},
		{"truncated element head", []byte{0x1A, 0x45}, io.ErrUnexpectedEOF, ""},
		{"truncated block", cluster(sblock(0, 0, 1, 2, 3))[:len(cluster(sblock(0, 0, 1, 2, 3)))-1], io.ErrUnexpectedEOF, ""},
		{"truncated known cluster", seg(el(idCluster, u(idTimecode, 0), sblock(0, 0, 1)))[:len(ebmlHead)+5+3], io.ErrUnexpectedEOF, ""},
		{"no segment", join(ebmlHead, el(idInfo)), nil, "expected a Segment"},
		{"read version", join(el(idEBML, u(idEBMLReadVersion, 2)), unk(idSegment)), nil, "EBMLReadVersion 2"},
		{"size length", join(el(idEBML, u(idEBMLMaxSizeLength, 9)), unk(idSegment)), nil, "EBMLMaxSizeLength 9"},
		{"unknown-size info", seg(unk(idInfo)), nil, "unknown size is allowed only"},
		{"child overruns", seg(el(idInfo, []byte{0x2A, 0xD7, 0xB1, 0x88, 1})), nil, "overrun its parent"},
		{"element overruns segment", join(ebmlHead, appendHead(nil, idSegment, 2), el(idVoid, []byte{1, 2})), nil, "overruns its parent"},
		{"block before timecode", seg(unk(idCluster, sblock(0, 0, 1))), nil, "before the Cluster's Timecode"},
		{"block outside a cluster", seg(sblock(0, 0, 1)), nil, "SimpleBlock (0xA3): outside a Cluster"},
		{"cluster without timecode", seg(unk(idCluster)), nil, "Cluster has no Timecode"},
		{"second timecode", cluster(u(idTimecode, 1)), nil, "second Timecode"},
		{"level 1 inside known cluster", seg(el(idCluster, u(idTimecode, 0), el(idTags))), nil, "Tags inside a Cluster of known size"},
		{"header inside known segment", join(ebmlHead, el(idSegment, ebmlHead)), nil, "inside a Segment of known size"},
		{"track 0", cluster(el(idSimpleBlock, []byte{0x80, 0, 0, 0})), nil, "track number 0"},
		{"short block", cluster(el(idSimpleBlock, []byte{0x81, 0})), nil, "block header truncated"},
		{"xiph overrun", cluster(el(idSimpleBlock, []byte{0x81, 0, 0, 0x02, 1, 9, 1})), nil, "Xiph lace sizes exceed"},
		{"xiph truncated", cluster(el(idSimpleBlock, []byte{0x81, 0, 0, 0x02, 1, 255})), nil, "Xiph lace sizes truncated"},
		{"ebml lace negative", cluster(el(idSimpleBlock, []byte{0x81, 0, 0, 0x06, 2, 0x81, 0x80, 1, 2, 3})), nil, "EBML lace size -"},
		{"fixed uneven", cluster(el(idSimpleBlock, []byte{0x81, 0, 0, 0x04, 1, 1, 2, 3})), nil, "do not split into 2"},
		{"lace count missing", cluster(el(idSimpleBlock, []byte{0x81, 0, 0, 0x04})), nil, "without a frame count"},
		{"group without block", cluster(el(idBlockGroup, u(idBlockDuration, 1))), nil, "BlockGroup without a Block"},
		{"two blocks", cluster(el(idBlockGroup, el(idBlock, []byte{0x81, 0, 0, 0}), el(idBlock, []byte{0x81, 0, 0, 0}))), nil, "second Block"},
		{"crc mismatch", seg(el(idInfo, el(idCRC32, []byte{1, 2, 3, 4}), u(idTimecodeScale, 1))), ErrCRC, ""},
		{"zero timecode scale", seg(el(idInfo, u(idTimecodeScale, 0))), nil, "TimecodeScale is zero"},
		{"track without number", seg(el(idTracks, el(idTrackEntry, str(idCodecID, "x")))), nil, "without a TrackNumber"},
		{"simple tag without name", seg(el(idTags, el(idTag, el(idSimpleTag, str(idTagString, "x"))))), nil, "without a TagName"},
		{"nine-byte integer", seg(el(idInfo, el(idTimecodeScale, make([]byte, 9)))), nil, "unsigned integer of 9 bytes"},
		{"float of 3 bytes", seg(el(idInfo, el(idDuration, make([]byte, 3)))), nil, "float of 3 bytes"},
		{"segment without header", unk(idSegment), nil, "expected an EBML header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAll(tt.in, ReaderOptions{})
			se := wantSyntaxError(t, err, tt.target)
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if se.Offset < 0 || se.Offset > int64(len(tt.in)) {
				t.Errorf("offset %d outside the input", se.Offset)
			}
		})
	}
}

func TestReaderLimits(t *testing.T) {
	seg := func(children ...[]byte) []byte { return join(ebmlHead, unk(idSegment, children...)) }
	simpleTags := func(n int) []byte {
		var sts [][]byte
		for range n {
			sts = append(sts, el(idSimpleTag, str(idTagName, "n")))
		}
		return seg(el(idTags, el(idTag, sts...)))
	}
	nested := el(idSimpleTag, str(idTagName, "leaf"))
	for range maxTagDepth {
		nested = el(idSimpleTag, str(idTagName, "n"), nested)
	}
	var entries [][]byte
	for i := range 3 {
		entries = append(entries, el(idTrackEntry, u(idTrackNumber, uint64(i+1))))
	}
	huge := join(ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 0)),
		[]byte{0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0})) // a 2^56-16 byte block
	lim := Limits{MaxElementSize: 100, MaxCodecPrivate: 4, MaxTagName: 3, MaxTags: 2, MaxTracks: 2}
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"element", seg(el(idInfo, el(idTitle, make([]byte, 100)))), "bytes, limit 100"},
		{"huge block", huge, "limit 100"},
		{"codec private", seg(el(idTracks, el(idTrackEntry, u(idTrackNumber, 1), el(idCodecPrivate, make([]byte, 5))))), "5 bytes, limit 4"},
		{"tag name", seg(el(idTags, el(idTag, el(idSimpleTag, str(idTagName, "long"))))), "4 bytes, limit 3"},
		{"tags", simpleTags(3), "more than 2 SimpleTags"},
		{"tracks", seg(el(idTracks, entries...)), "more than 2 TrackEntries"},
		{"nesting", seg(el(idTags, el(idTag, nested))), "nested deeper than 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lim
			if tt.name == "nesting" {
				l = Limits{}
			}
			_, err := decodeAll(tt.in, ReaderOptions{Limits: l})
			wantSyntaxError(t, err, ErrTooLarge)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
	if _, err := decodeAll(simpleTags(2), ReaderOptions{Limits: lim}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := decodeAll(huge, ReaderOptions{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge block with default limits: %v", err)
	}
}

// TestReaderTruncatedEverywhere cuts the golden stream and a known-size
// variant at every byte: decoding never panics, and either ends cleanly
// (the cut fell between elements of an unknown-size parent) with the
// events of the full stream as a prefix, or fails with a SyntaxError.
func TestReaderTruncatedEverywhere(t *testing.T) {
	var known bytes.Buffer
	writeFragments(t, newTestWriter(t, &known, true))
	for _, full := range [][]byte{goldenStream(t), known.Bytes()} {
		all, err := decodeAll(full, ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		clean := 0
		for n := range len(full) {
			evs, err := decodeAll(full[:n], ReaderOptions{})
			if err != nil {
				wantSyntaxError(t, err, nil)
				continue
			}
			clean++
			content := 0
			for _, ev := range evs {
				if ev.Kind != KindClusterEnd && ev.Kind != KindDocumentEnd {
					if summary([]Event{ev}) != summary([]Event{all[content+countEnds(all, content)]}) {
						t.Fatalf("cut at %d: event %s is not in the full stream", n, summary([]Event{ev}))
					}
					content++
				}
			}
		}
		if clean == 0 {
			t.Error("no cut decoded cleanly")
		}
	}
}

// countEnds counts the end events among the first content+ends events,
// so that all[content+ends] is the content-th non-end event.
func countEnds(all []Event, content int) int {
	ends, seen := 0, 0
	for _, ev := range all {
		if ev.Kind == KindClusterEnd || ev.Kind == KindDocumentEnd {
			ends++
			continue
		}
		if seen == content {
			break
		}
		seen++
	}
	return ends
}

// stingyReader hands out at most avail bytes and fails the test when the
// decoder asks for more than it was given.
type stingyReader struct {
	t     *testing.T
	data  []byte
	avail int
}

func (s *stingyReader) Read(p []byte) (int, error) {
	if s.avail == 0 {
		s.t.Fatal("the Reader asked for bytes beyond the element it was decoding")
	}
	n := copy(p, s.data[:s.avail])
	s.data, s.avail = s.data[n:], s.avail-n
	return n, nil
}

// TestReaderLive gives the Reader a stream one element at a time and
// checks that each event comes out without reading past its element.
func TestReaderLive(t *testing.T) {
	parts := [][]byte{
		ebmlHead, appendHead(nil, idSegment, UnknownSize),
		el(idInfo, u(idTimecodeScale, 1_000_000)),
		appendHead(nil, idCluster, UnknownSize), u(idTimecode, 500),
		sblock(0, 0x80, 1, 2, 3),
		sblock(40, 0, 4),
	}
	want := []string{"Doc", "", "Info(1000000)", "", "C(500)", "F1@500k:010203", "F1@540:04"}
	src := &stingyReader{t: t, data: join(parts...)}
	r := NewReader(src)
	for i, p := range parts {
		src.avail += len(p)
		if want[i] == "" {
			continue
		}
		ev, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if got := summary([]Event{ev}); got != want[i] {
			t.Fatalf("after part %d: %s, want %s", i, got, want[i])
		}
	}
}

func TestReaderOffsets(t *testing.T) {
	stream := goldenStream(t)
	evs, err := decodeAll(stream, ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		var id []byte
		switch ev.Kind {
		case KindDocumentStart:
			id = []byte{0x1A, 0x45, 0xDF, 0xA3}
		case KindInfo:
			id = []byte{0x15, 0x49, 0xA9, 0x66}
		case KindTracks:
			id = []byte{0x16, 0x54, 0xAE, 0x6B}
		case KindTags:
			id = []byte{0x12, 0x54, 0xC3, 0x67}
		case KindClusterStart:
			id = []byte{0x1F, 0x43, 0xB6, 0x75}
		case KindFrame:
			id = []byte{0xA3}
		default:
			continue
		}
		if !bytes.HasPrefix(stream[ev.Offset:], id) {
			t.Errorf("%v at offset %d starts with % X", ev.Kind, ev.Offset, stream[ev.Offset:ev.Offset+4])
		}
	}
	if last := evs[len(evs)-1]; last.Kind != KindDocumentEnd || last.Offset != int64(len(stream)) {
		t.Errorf("last event %v at %d, want DocumentEnd at %d", last.Kind, last.Offset, len(stream))
	}
}

func TestReaderAnyChunking(t *testing.T) {
	stream := goldenStream(t)
	want, err := decodeAll(stream, ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	readers := map[string]io.Reader{
		"one byte": iotest.OneByteReader(bytes.NewReader(stream)),
		"half":     iotest.HalfReader(bytes.NewReader(stream)),
		"data+EOF": iotest.DataErrReader(bytes.NewReader(stream)),
	}
	for name, src := range readers {
		got, err := decodeFrom(NewReader(src))
		if err != nil || !equalJSON(got, want) {
			t.Errorf("%s: err %v, events differ: %v", name, err, summary(got))
		}
	}
}

func TestReaderPassesIOErrors(t *testing.T) {
	boom := errors.New("connection reset")
	stream := goldenStream(t)
	r := NewReader(io.MultiReader(bytes.NewReader(stream[:300]), iotest.ErrReader(boom)))
	var err error
	for err == nil {
		_, err = r.Next()
	}
	if err != boom {
		t.Fatalf("error %v, want the reader's own", err)
	}
	if _, err2 := r.Next(); err2 != boom {
		t.Errorf("error not sticky: %v", err2)
	}
}

func TestReaderReset(t *testing.T) {
	stream := goldenStream(t)
	r := NewReader(bytes.NewReader([]byte("junk")))
	if _, err := r.Next(); err == nil {
		t.Fatal("junk decoded")
	}
	r.Reset(bytes.NewReader(stream))
	evs, err := decodeFrom(r)
	if err != nil || len(evs) != 22 || r.Offset() != int64(len(stream)) {
		t.Errorf("after Reset: %d events, offset %d, err %v", len(evs), r.Offset(), err)
	}
}

func TestReaderTimecodeScale(t *testing.T) {
	in := join(ebmlHead, unk(idSegment, el(idInfo, u(idTimecodeScale, 100_000)), unk(idCluster, u(idTimecode, 20), sblock(5, 0, 1))))
	r := NewReader(bytes.NewReader(in))
	for {
		ev, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == KindFrame {
			if r.TimecodeScale() != 100_000 || Timestamp(ev.Frame.Timecode, r.TimecodeScale()) != 2500_000 {
				t.Errorf("scale %d, timestamp %v", r.TimecodeScale(), Timestamp(ev.Frame.Timecode, r.TimecodeScale()))
			}
			return
		}
	}
}

// TestReaderSteadyStateDoesNotAllocate reads frames of a long cluster
// and counts allocations per frame after the buffer has warmed up.
func TestReaderSteadyStateDoesNotAllocate(t *testing.T) {
	w := []byte(nil)
	w = append(w, streamHeader(t)...)
	w, _ = AppendClusterStart(w, 0, UnknownSize)
	payload := make([]byte, 2000)
	for i := range 2000 {
		w, _ = AppendSimpleBlock(w, 0, Frame{Track: 1, Timecode: int64(i % 30000), Data: payload})
	}
	r := NewReader(bytes.NewReader(w))
	for {
		ev, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == KindFrame {
			break
		}
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if ev, err := r.Next(); err != nil || ev.Kind != KindFrame {
			t.Fatalf("%v %v", ev.Kind, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per frame, want 0", allocs)
	}
}
