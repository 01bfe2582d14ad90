package mkv

import (
	"bytes"
	"errors"
	"testing"
)

var testUID = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

// testTracks are the three tracks of the golden stream.
func testTracks() []TrackEntry {
	return []TrackEntry{
		{Number: 1, UID: 0x1111, Type: TrackVideo, Name: "camera", CodecID: CodecIDH264,
			CodecPrivate: []byte{1, 0x4D, 0x40, 0x1E, 0xFF, 0xE0, 0}, DefaultDuration: 33_333_333,
			Video: VideoSettings{PixelWidth: 1280, PixelHeight: 720}},
		{Number: 2, UID: 0x2222, Type: TrackAudio, CodecID: CodecIDAAC, CodecPrivate: []byte{0x11, 0x88},
			Audio: AudioSettings{SamplingFrequency: 48000, Channels: 1}},
		{Number: 3, Type: TrackAudio, CodecID: CodecIDACM,
			Audio: AudioSettings{SamplingFrequency: 8000, Channels: 1, BitDepth: 8}},
	}
}

func testInfo() Info {
	return Info{SegmentUID: testUID, Title: "golden"}
}

func TestAppendSimpleBlockBytes(t *testing.T) {
	got, err := AppendSimpleBlock(nil, 1000, Frame{Track: 2, Timecode: 1033, Keyframe: true, Discardable: true, Data: []byte("ab")})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0xA3, 0x86, 0x82, 0x00, 0x21, 0x81, 'a', 'b'}
	if !bytes.Equal(got, want) {
		t.Errorf("% X, want % X", got, want)
	}
	got, _ = AppendSimpleBlock(nil, 40000, Frame{Track: 200, Timecode: 40000 - 32768, Invisible: true})
	want = []byte{0xA3, 0x85, 0x40, 0xC8, 0x80, 0x00, 0x08}
	if !bytes.Equal(got, want) {
		t.Errorf("% X, want % X", got, want)
	}
}

func TestAppendSimpleBlockHeaderThenData(t *testing.T) {
	data := bytes.Repeat([]byte{7}, 300) // a two-byte element size
	f := Frame{Track: 1, Timecode: 990, Keyframe: true}
	head, err := AppendSimpleBlockHeader([]byte{9}, 1000, f, len(data))
	if err != nil {
		t.Fatal(err)
	}
	f.Data = data
	whole, _ := AppendSimpleBlock([]byte{9}, 1000, f)
	if got := append(head, data...); !bytes.Equal(got, whole) {
		t.Errorf("header then data % X, want % X", got[:8], whole[:8])
	}
	if _, err := AppendSimpleBlockHeader(nil, 0, Frame{Track: 1, Timecode: 40000}, 1); !errors.Is(err, ErrTimecodeRange) {
		t.Errorf("frame out of the cluster's range: %v", err)
	}
}

func TestAppendSimpleBlockTimecodeRange(t *testing.T) {
	tests := []struct {
		cluster, frame int64
		ok             bool
	}{
		{0, 32767, true},
		{0, 32768, false},
		{40000, 40000 - 32768, true},
		{40000, 40000 - 32769, false},
		{5, -1, true},
		{1 << 62, -1 << 63, false}, // the difference wraps around int64
		{-1, 0, false},
	}
	for _, tt := range tests {
		dst := []byte{9}
		got, err := AppendSimpleBlock(dst, tt.cluster, Frame{Track: 1, Timecode: tt.frame, Data: []byte{1}})
		if tt.ok != (err == nil) {
			t.Errorf("cluster %d frame %d: err %v", tt.cluster, tt.frame, err)
		}
		if err != nil && !bytes.Equal(got, dst) {
			t.Errorf("cluster %d frame %d: dst changed on error", tt.cluster, tt.frame)
		}
		if err != nil && tt.cluster >= 0 && !errors.Is(err, ErrTimecodeRange) {
			t.Errorf("error %v does not wrap ErrTimecodeRange", err)
		}
	}
}

func TestAppendClusterStart(t *testing.T) {
	got, _ := AppendClusterStart(nil, 0, UnknownSize)
	want := []byte{0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x81, 0x00}
	if !bytes.Equal(got, want) {
		t.Errorf("unknown size: % X, want % X", got, want)
	}
	got, _ = AppendClusterStart(nil, 70000, 100)
	want = []byte{0x1F, 0x43, 0xB6, 0x75, 0xE9, 0xE7, 0x83, 0x01, 0x11, 0x70} // 5 + 100 bytes
	if !bytes.Equal(got, want) {
		t.Errorf("known size: % X, want % X", got, want)
	}
	if _, err := AppendClusterStart(nil, -1, UnknownSize); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative timecode: %v", err)
	}
}

func TestAppendEndOfFragment(t *testing.T) {
	got := AppendEndOfFragment(nil)
	evs, err := decodeAll(append(streamHeader(t), got...), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-2] // before DocumentEnd
	if last.Kind != KindTags || len(last.Tags) != 1 || len(last.Tags[0].SimpleTags) != 1 {
		t.Fatalf("decoded %+v", last)
	}
	if st := last.Tags[0].SimpleTags[0]; st.Name != EndOfFragmentTagName || st.String != "" || st.Binary != nil {
		t.Errorf("simple tag %+v", st)
	}
	// Tags{Tag{Targets{}, SimpleTag{TagName, TagString ""}}}
	want := []byte{0x12, 0x54, 0xC3, 0x67, 0xAF, 0x73, 0x73, 0xAC, 0x63, 0xC0, 0x80, 0x67, 0xC8, 0xA6, 0x45, 0xA3, 0xA0}
	want = append(want, EndOfFragmentTagName...)
	want = append(want, 0x44, 0x87, 0x80)
	if !bytes.Equal(got, want) {
		t.Errorf("% X\nwant % X", got, want)
	}
}

func streamHeader(t testing.TB) []byte {
	t.Helper()
	h, err := AppendHeader(nil, testInfo(), testTracks())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestAppendHeaderRejects(t *testing.T) {
	tr := func(mod func(*TrackEntry)) []TrackEntry {
		ts := testTracks()
		mod(&ts[0])
		return ts
	}
	tests := []struct {
		name   string
		info   Info
		tracks []TrackEntry
	}{
		{"no tracks", Info{}, nil},
		{"four tracks", Info{}, append(testTracks(), TrackEntry{Number: 4, Type: TrackVideo, CodecID: "x"})},
		{"track number 0", Info{}, tr(func(t *TrackEntry) { t.Number = 0 })},
		{"duplicate number", Info{}, tr(func(t *TrackEntry) { t.Number = 2 })},
		{"no type", Info{}, tr(func(t *TrackEntry) { t.Type = 0 })},
		{"no codec", Info{}, tr(func(t *TrackEntry) { t.CodecID = "" })},
		{"bad uid length", Info{SegmentUID: []byte{1}}, testTracks()},
	}
	for _, tt := range tests {
		dst := []byte{1, 2}
		got, err := AppendHeader(dst, tt.info, tt.tracks)
		if !errors.Is(err, ErrInvalid) || !bytes.Equal(got, dst) {
			t.Errorf("%s: err %v, dst % X", tt.name, err, got)
		}
	}
}

func TestAppendTagsRejects(t *testing.T) {
	deep := SimpleTag{Name: "leaf"}
	for range maxTagDepth {
		deep = SimpleTag{Name: "n", Nested: []SimpleTag{deep}}
	}
	tests := []struct {
		name string
		tags []Tag
	}{
		{"no tag", nil},
		{"no simple tag", []Tag{{}}},
		{"empty name", []Tag{{SimpleTags: []SimpleTag{{String: "v"}}}}},
		{"empty nested name", []Tag{{SimpleTags: []SimpleTag{{Name: "a", Nested: []SimpleTag{{}}}}}}},
		{"too deep", []Tag{{SimpleTags: []SimpleTag{deep}}}},
	}
	for _, tt := range tests {
		got, err := AppendTags([]byte{5}, tt.tags)
		if !errors.Is(err, ErrInvalid) || !bytes.Equal(got, []byte{5}) {
			t.Errorf("%s: err %v, dst % X", tt.name, err, got)
		}
	}
}

// goldenStream is what the golden file holds: the three-track header,
// fragment metadata, two clusters and an end-of-fragment marker.
func goldenStream(t testing.TB) []byte {
	b := streamHeader(t)
	b, err := AppendTags(b, []Tag{{SimpleTags: []SimpleTag{
		{Name: "CAMERA", String: "front", Language: "eng"},
		{Name: "BLOB", Binary: []byte{0, 1, 2}, Nested: []SimpleTag{{Name: "PART", String: "1"}}},
	}, Targets: Targets{TypeValue: 50, Type: "MOVIE", TrackUIDs: []uint64{0x1111}}}})
	if err != nil {
		t.Fatal(err)
	}
	for c, ctc := range []int64{0, 2000} {
		b, _ = AppendClusterStart(b, ctc, UnknownSize)
		for i := range 3 {
			f := Frame{Track: 1, Timecode: ctc + int64(i*33), Keyframe: i == 0, Data: bytes.Repeat([]byte{byte(c*10 + i)}, 10+i)}
			if b, err = AppendSimpleBlock(b, ctc, f); err != nil {
				t.Fatal(err)
			}
			f = Frame{Track: 2, Timecode: ctc + int64(i*21), Keyframe: true, Data: []byte{0x21, byte(i)}}
			if b, err = AppendSimpleBlock(b, ctc, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	return AppendEndOfFragment(b)
}

func TestGoldenStream(t *testing.T) {
	golden(t, "stream.mkv", goldenStream(t))
}

// TestGoldenStreamDecodes reads the golden stream back field by field.
func TestGoldenStreamDecodes(t *testing.T) {
	evs, err := decodeAll(goldenStream(t), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := ""
	for _, ev := range evs {
		kinds += ev.Kind.String()[:2] + " "
	}
	const want = "Do In Tr Ta Cl Fr Fr Fr Fr Fr Fr Cl Cl Fr Fr Fr Fr Fr Fr Cl Ta Do "
	if kinds != want {
		t.Fatalf("events %s\nwant   %s", kinds, want)
	}
	if h := evs[0].Header; h.DocType != "matroska" || h.DocTypeVersion != 2 || h.MaxSizeLength != 8 {
		t.Errorf("header %+v", h)
	}
	info := evs[1].Info
	if info.TimecodeScale != DefaultTimecodeScale || !bytes.Equal(info.SegmentUID, testUID) ||
		info.Title != "golden" || info.MuxingApp != AppName || info.WritingApp != AppName {
		t.Errorf("info %+v", info)
	}
	tracks := evs[2].Tracks
	want3 := testTracks()
	want3[2].UID = 3 // a zero UID becomes the track number
	if !equalJSON(tracks, want3) {
		t.Errorf("tracks\n%s\nwant\n%s", toJSON(tracks), toJSON(want3))
	}
	tags := evs[3].Tags
	if evs[3].TagsPosition != BeforeCluster || tags[0].Targets.TypeValue != 50 || tags[0].Targets.Type != "MOVIE" ||
		len(tags[0].Targets.TrackUIDs) != 1 || tags[0].SimpleTags[0].Language != "eng" ||
		!bytes.Equal(tags[0].SimpleTags[1].Binary, []byte{0, 1, 2}) || tags[0].SimpleTags[1].Nested[0].String != "1" {
		t.Errorf("tags %s", toJSON(tags))
	}
	f := evs[13].Frame // second cluster, first video frame
	if f.Track != 1 || f.Timecode != 2000 || !f.Keyframe || len(f.Data) != 10 || f.Data[0] != 10 {
		t.Errorf("frame %+v", f)
	}
	if f := evs[9].Frame; f.Track != 1 || f.Timecode != 66 || f.Keyframe {
		t.Errorf("frame %+v", f)
	}
	if evs[20].TagsPosition != AfterCluster || evs[20].Tags[0].SimpleTags[0].Name != EndOfFragmentTagName {
		t.Errorf("end of fragment %+v", evs[20])
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	info, tracks := testInfo(), testTracks()
	tags := []Tag{{SimpleTags: []SimpleTag{{Name: "A", String: "b", Nested: []SimpleTag{{Name: "C", Binary: []byte{1}}}}}}}
	payload := make([]byte, 5000)
	dst := make([]byte, 0, 64<<10)
	allocs := testing.AllocsPerRun(100, func() {
		b, _ := AppendHeader(dst, info, tracks)
		b, _ = AppendTags(b, tags)
		b, _ = AppendClusterStart(b, 123456, UnknownSize)
		b, _ = AppendSimpleBlock(b, 123456, Frame{Track: 1, Timecode: 123490, Keyframe: true, Data: payload})
		_ = AppendEndOfFragment(b)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}
