package pack

import (
	"bytes"
	"testing"

	"github.com/kvsgo/sdk/mkv"
)

var clip = Packaging{API: "GetClip", G711: true}

func TestDecodeOrderWithBFrames(t *testing.T) {
	// I0 P3 B1 B2 in decoding order, 3000 ticks apart when shown.
	s := []Sample{{DTS: 0}, {DTS: 9000}, {DTS: 3000}, {DTS: 6000}}
	decodeOrder(s)
	wantDTS := []int64{-3000, 0, 3000, 6000}
	for i, x := range s {
		if x.DTS != wantDTS[i] || x.CTO < 0 || x.PTS() != []int64{0, 9000, 3000, 6000}[i] || x.Dur != 3000 {
			t.Fatalf("sample %d: %+v", i, x)
		}
	}
}

func TestDescribeTracksErrors(t *testing.T) {
	avc := mkv.TrackEntry{Number: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}
	wave := mkv.WaveFormat{FormatTag: mkv.WaveFormatALaw, Channels: 1, SampleRate: 8000, AvgBytesPerSec: 8000, BlockAlign: 1, BitsPerSample: 8}
	alaw := mkv.TrackEntry{Number: 2, Type: mkv.TrackAudio, CodecID: mkv.CodecIDACM, CodecPrivate: wave.Marshal()}
	for _, tc := range []struct {
		name   string
		p      Packaging
		tracks []mkv.TrackEntry
		code   string
	}{
		{"no codec private data", clip, []mkv.TrackEntry{avc}, "MissingCodecPrivateDataException"},
		{"bad codec private data", clip, []mkv.TrackEntry{withCPD(avc, []byte{1, 2, 3})}, "InvalidCodecPrivateDataException"},
		{"VP8", clip, []mkv.TrackEntry{{Number: 1, CodecID: "V_VP8", CodecPrivate: []byte{1}}}, "UnsupportedStreamMediaTypeException"},
		{"G.711 in HLS", Packaging{API: "HLS"}, []mkv.TrackEntry{alaw}, "UnsupportedStreamMediaTypeException"},
		{"two audio tracks", clip, []mkv.TrackEntry{alaw, alaw}, "UnsupportedStreamMediaTypeException"},
		{"no tracks", clip, nil, "UnsupportedStreamMediaTypeException"},
	} {
		if _, e := tc.p.DescribeTracks(tc.tracks); e == nil || e.Code != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, e, tc.code)
		}
	}
	if tracks, e := clip.DescribeTracks([]mkv.TrackEntry{alaw}); e != nil || tracks[0].Codecs != "alaw" || tracks[0].Timescale != 8000 {
		t.Errorf("G.711 clip track: %+v, %v", tracks, e)
	}
}

func withCPD(e mkv.TrackEntry, cpd []byte) mkv.TrackEntry {
	e.CodecPrivate = cpd
	return e
}

func TestTSPackets(t *testing.T) {
	m := &tsMuxer{continuity: map[uint16]uint8{}}
	m.tables([]Track{{Codec: CodecH264}, {Codec: CodecAAC}}, 0)
	m.packets(0x100, bytes.Repeat([]byte{0xAB}, 400), true, []byte{0x10, 1, 2, 3, 4, 5, 6})
	if len(m.out)%tsPacketSize != 0 || len(m.out)/tsPacketSize != 5 {
		t.Fatalf("%d bytes", len(m.out))
	}
	for i := 0; i < len(m.out); i += tsPacketSize {
		if m.out[i] != 0x47 {
			t.Fatalf("packet at %d has no sync byte", i)
		}
	}
	// The sections end their packets (adaptation-field stuffing comes first); the CRC of a
	// section, its CRC included, is zero.
	pat := m.out[tsPacketSize-16 : tsPacketSize]
	if crc32MPEG(pat) != 0 {
		t.Fatalf("PAT %x: CRC residue %x", pat, crc32MPEG(pat))
	}
	if pmt := m.out[2*tsPacketSize-26 : 2*tsPacketSize]; crc32MPEG(pmt) != 0 {
		t.Fatalf("PMT %x: CRC residue %x", pmt, crc32MPEG(pmt))
	}
}
