package mkv

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"
)

// splitAccessUnits cuts an Annex-B stream of single-slice pictures into
// access units: a picture's slice plus the parameter sets and SEI before
// it. vcl says whether a NAL unit is a slice.
func splitAccessUnits(t testing.TB, stream []byte, vcl func(nalu []byte) bool) [][]byte {
	t.Helper()
	var aus [][]byte
	var cur []byte
	hasVCL := false
	err := forEachNALU(stream, func(nalu []byte) bool {
		if hasVCL { // single-slice pictures: whatever follows a slice starts the next unit

			aus = append(aus, cur)
			cur, hasVCL = nil, false
		}
		cur = append(append(cur, 0, 0, 0, 1), nalu...)
		hasVCL = vcl(nalu)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return append(aus, cur)
}

func h264VCL(n []byte) bool { t := n[0] & 0x1F; return t >= 1 && t <= 5 }
func h265VCL(n []byte) bool { return h265Type(n) < 32 }

// videoCodec gathers the helpers of one video codec for table tests.
type videoCodec struct {
	ext        string
	vcl, key   func(nalu []byte) bool
	track      func(number uint64, keyFrame []byte) (TrackEntry, error)
	fromAnnexB func(au []byte) (videoConfig, error)
	fromRecord func(record []byte) (videoConfig, error)
}

// videoConfig is what both codecs' configurations say, with the parameter
// sets rendered as JSON.
type videoConfig struct {
	Profile, Chroma, Bits uint8
	Width, Height         int
	Sets                  string
}

func h264Config(c H264Config, err error) (videoConfig, error) {
	return videoConfig{c.Profile, c.ChromaFormat, c.BitDepthLuma, c.Width, c.Height, toJSON(c)}, err
}

func h265Config(c H265Config, err error) (videoConfig, error) {
	return videoConfig{c.Profile, c.ChromaFormat, c.BitDepthLuma, c.Width, c.Height, toJSON(c)}, err
}

var (
	h264Codec = videoCodec{".h264", h264VCL, IsH264KeyFrame, H264Track,
		func(b []byte) (videoConfig, error) { return h264Config(ParseH264AnnexB(b)) },
		func(b []byte) (videoConfig, error) { return h264Config(ParseAVCDecoderConfig(b)) }}
	h265Codec = videoCodec{".h265", h265VCL, IsH265KeyFrame, H265Track,
		func(b []byte) (videoConfig, error) { return h265Config(ParseH265AnnexB(b)) },
		func(b []byte) (videoConfig, error) { return h265Config(ParseHEVCDecoderConfig(b)) }}
)

// TestDecoderConfigsMatchFFmpeg builds the decoder configuration record of
// each sample from its first key frame and compares it with the
// CodecPrivate ffmpeg 5.1 wrote for the same stream (testdata/README.md).
func TestDecoderConfigsMatchFFmpeg(t *testing.T) {
	tests := []struct {
		name  string
		codec videoCodec
		want  videoConfig // without Sets
	}{
		{"h264-high-176x144", h264Codec, videoConfig{100, 1, 8, 176, 144, ""}},
		{"h264-high10-176x144", h264Codec, videoConfig{110, 1, 10, 176, 144, ""}},
		{"h264-high422-176x100", h264Codec, videoConfig{122, 2, 10, 176, 100, ""}},
		{"h265-main10-176x144", h265Codec, videoConfig{2, 1, 10, 176, 144, ""}},
		{"h265-main422-10-176x100", h265Codec, videoConfig{4, 2, 10, 176, 100, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aus := splitAccessUnits(t, readFile(t, filepath.Join("testdata", tt.name+tt.codec.ext)), tt.codec.vcl)
			want := trackOf(t, filepath.Join("testdata", tt.name+".mkv"), 1)
			if !tt.codec.key(aus[0]) || tt.codec.key(aus[1]) {
				t.Error("key frame detection")
			}
			got, err := tt.codec.fromAnnexB(aus[0])
			if err != nil {
				t.Fatal(err)
			}
			if back, err := tt.codec.fromRecord(want.CodecPrivate); err != nil || back != got {
				t.Errorf("parsing ffmpeg's record: %v\n%+v\n%+v", err, back, got)
			}
			if got.Sets = ""; got != tt.want {
				t.Errorf("configuration %+v, want %+v", got, tt.want)
			}
			track, err := tt.codec.track(1, aus[0])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(track.CodecPrivate, want.CodecPrivate) {
				t.Errorf("record\n% X\nffmpeg\n% X", track.CodecPrivate, want.CodecPrivate)
			}
			if track.CodecID != want.CodecID || track.Video != want.Video {
				t.Errorf("track %s %+v, ffmpeg %s %+v", track.CodecID, track.Video, want.CodecID, want.Video)
			}
		})
	}
}

// TestSharedSamplesCodecs checks key frames and configurations of the
// shared 10-second samples against the ffmpeg-muxed MKV of the same
// encoding settings.
func TestSharedSamplesCodecs(t *testing.T) {
	dir := sharedDir(t, "media")
	aus := splitAccessUnits(t, readFile(t, filepath.Join(dir, "h264-320x240-30fps-10s.h264")), h264VCL)
	keys := 0
	for i, au := range aus {
		if IsH264KeyFrame(au) {
			keys++
			if i%60 != 0 {
				t.Errorf("H.264 key frame at %d", i)
			}
		}
	}
	if len(aus) != 300 || keys != 5 {
		t.Errorf("H.264: %d access units, %d key frames; want 300 and 5", len(aus), keys)
	}
	track, err := H264Track(1, aus[0])
	if err != nil {
		t.Fatal(err)
	}
	want := trackOf(t, filepath.Join(dir, "h264-aac-320x240-10s-ffmpeg.mkv"), 1)
	if !bytes.Equal(track.CodecPrivate, want.CodecPrivate) || track.Video != want.Video {
		t.Errorf("H.264 track %+v\nffmpeg %+v", track, want)
	}

	aus = splitAccessUnits(t, readFile(t, filepath.Join(dir, "h265-320x240-30fps-10s.h265")), h265VCL)
	keys = 0
	for _, au := range aus {
		if IsH265KeyFrame(au) {
			keys++
		}
	}
	if len(aus) != 300 || keys != 5 {
		t.Errorf("H.265: %d access units, %d key frames; want 300 and 5", len(aus), keys)
	}
	if track, err = H265Track(1, aus[0]); err != nil || track.Video != (VideoSettings{320, 240}) {
		t.Errorf("H.265 track %+v, %v", track.Video, err)
	}

	frames, cfg := splitADTS(t, readFile(t, filepath.Join(dir, "aac-48k-mono-10s.aac")))
	if len(frames) != 470 || cfg != (AACConfig{ObjectType: 2, SampleRate: 48000, ChannelConfig: 1}) {
		t.Errorf("AAC: %d frames (ffprobe counts 470), config %+v", len(frames), cfg)
	}
	ffAAC := trackOf(t, filepath.Join(dir, "h264-aac-320x240-10s-ffmpeg.mkv"), 2)
	// ffmpeg's AAC encoder appends an explicit "no SBR" sync extension
	// (0x2B7) that ADTS cannot carry; the two core bytes must agree.
	if asc, _ := cfg.AudioSpecificConfig(); !bytes.HasPrefix(ffAAC.CodecPrivate, asc) || len(asc) != 2 {
		t.Errorf("AudioSpecificConfig % X, ffmpeg % X", asc, ffAAC.CodecPrivate)
	}
}

// splitADTS cuts an ADTS stream into raw AAC frames, checking that every
// frame has the same configuration.
func splitADTS(t testing.TB, b []byte) ([][]byte, AACConfig) {
	t.Helper()
	var frames [][]byte
	var first AACConfig
	for len(b) > 0 {
		cfg, frame, rest, err := NextADTSFrame(b)
		if err != nil {
			t.Fatalf("ADTS frame %d: %v", len(frames), err)
		}
		if len(frames) == 0 {
			first = cfg
		} else if cfg != first {
			t.Fatalf("ADTS frame %d: config %+v, first %+v", len(frames), cfg, first)
		}
		frames = append(frames, frame)
		b = rest
	}
	return frames, first
}

func TestADTS(t *testing.T) {
	frames, cfg := splitADTS(t, readFile(t, "testdata/aac-lc-44100-stereo.aac"))
	want := trackOf(t, "testdata/aac-lc-44100-stereo.mkv", 1)
	track, err := cfg.TrackEntry(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 12 || !bytes.Equal(track.CodecPrivate, want.CodecPrivate) ||
		track.Audio.SamplingFrequency != 44100 || track.Audio.Channels != 2 || track.CodecID != CodecIDAAC {
		t.Errorf("%d frames, track %+v; ffmpeg wrote %+v", len(frames), track, want)
	}
	evs, _ := decodeAll(readFile(t, "testdata/aac-lc-44100-stereo.mkv"), ReaderOptions{})
	i := 0
	for _, ev := range evs {
		if ev.Kind == KindFrame {
			if !bytes.Equal(ev.Frame.Data, frames[i]) {
				t.Errorf("frame %d differs from what ffmpeg stored", i)
			}
			i++
		}
	}
	if d := cfg.FrameDuration(); d.Microseconds() != 23219 {
		t.Errorf("frame duration %v", d)
	}
	if tr, err := AACTrack(2, readFile(t, "testdata/aac-lc-44100-stereo.aac")); err != nil || !equalJSON(tr, track) {
		t.Errorf("AACTrack: %v", err)
	}
}

func TestADTSRejects(t *testing.T) {
	good := []byte{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x1F, 0xFC, 0xAA} // LC, 44.1 kHz, 2 ch, 8 bytes
	if _, f, rest, err := NextADTSFrame(good); err != nil || !bytes.Equal(f, []byte{0xAA}) || len(rest) != 0 {
		t.Fatalf("good frame: %x %x %v", f, rest, err)
	}
	mod := func(i int, v byte) []byte {
		b := bytes.Clone(good)
		b[i] = v
		return b
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"no sync", []byte{0x12, 0x34, 0, 0, 0, 0, 0}, "no sync word"},
		{"short", good[:5], "unexpected EOF"},
		{"layer", mod(1, 0xF3), "layer"},
		{"rate index", mod(2, 0x50|13<<2), "frequency index 13"},
		{"channel 0", mod(3, 0x00), "channel configuration 0"},
		{"two blocks", mod(6, 0xFD), "2 raw data blocks"},
		{"length below header", mod(4, 0x00), "shorter than its header"},
		{"length beyond data", good[:7], "unexpected EOF"},
	}
	for _, tt := range tests {
		_, _, rest, err := NextADTSFrame(tt.in)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.want)) || !bytes.Equal(rest, tt.in) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, _, _, err := NextADTSFrame(good[:5]); err != io.ErrUnexpectedEOF {
		t.Errorf("short header: %v", err)
	}
}

func TestAudioSpecificConfig(t *testing.T) {
	tests := []struct {
		cfg  AACConfig
		want []byte
	}{
		{AACConfig{2, 48000, 1}, []byte{0x11, 0x88}},
		{AACConfig{2, 44100, 2}, []byte{0x12, 0x10}},
		{AACConfig{2, 22000, 2}, []byte{0x17, 0x80, 0x2A, 0xF8, 0x10}}, // explicit 24-bit rate
		{AACConfig{1, 48000, 2}, []byte{0x09, 0x90}},                   // AAC Main, which ADTS can carry
	}
	for _, tt := range tests {
		got, err := tt.cfg.AudioSpecificConfig()
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("%+v: % X, want % X (%v)", tt.cfg, got, tt.want, err)
		}
		if back, err := ParseAudioSpecificConfig(got); err != nil || back != tt.cfg {
			t.Errorf("parse % X: %+v, %v", got, back, err)
		}
	}
	for _, bad := range []AACConfig{{0, 48000, 1}, {2, 48000, 0}, {2, 0, 1}, {2, 48000, 8}} {
		if _, err := bad.AudioSpecificConfig(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := ParseAudioSpecificConfig([]byte{0x11}); err == nil {
		t.Error("one-byte AudioSpecificConfig parsed")
	}
	// HE-AAC with explicit hierarchical signalling: SBR, 22.05 kHz core,
	// stereo, 44.1 kHz extension, AAC-LC core.
	var w bitWriter
	for _, f := range [][2]uint64{{5, 5}, {7, 4}, {2, 4}, {4, 4}, {2, 5}} {
		w.write(f[0], uint(f[1]))
	}
	if c, err := ParseAudioSpecificConfig(w.bytes()); err != nil || c != (AACConfig{5, 22050, 2}) {
		t.Errorf("HE-AAC: %+v %v", c, err)
	}
	if c, err := ParseAudioSpecificConfig([]byte{0xF8, 0x20, 0x88}); err != nil || c.ObjectType != 33 {
		t.Errorf("escaped object type: %+v %v", c, err)
	}
}

func TestG711AndPCM(t *testing.T) {
	mu, err := G711Track(3, WaveFormatMuLaw, 8000, 1)
	if err != nil {
		t.Fatal(err)
	}
	// What ffmpeg 5.1's Matroska muxer writes for pcm_mulaw, 8 kHz mono.
	want := []byte{7, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x40, 0x1F, 0, 0, 1, 0, 8, 0, 0, 0}
	if mu.CodecID != CodecIDACM || !bytes.Equal(mu.CodecPrivate, want) || mu.Audio != (AudioSettings{8000, 1, 8}) {
		t.Errorf("µ-law track %+v", mu)
	}
	a, err := G711Track(3, WaveFormatALaw, 16000, 2)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := ParseWaveFormat(a.CodecPrivate)
	if err != nil || wf != (WaveFormat{FormatTag: 6, Channels: 2, SampleRate: 16000, AvgBytesPerSec: 32000, BlockAlign: 2, BitsPerSample: 8}) {
		t.Errorf("A-law WAVEFORMATEX %+v %v", wf, err)
	}
	for _, bad := range []func() (TrackEntry, error){
		func() (TrackEntry, error) { return G711Track(1, WaveFormatPCM, 8000, 1) },
		func() (TrackEntry, error) { return G711Track(1, WaveFormatALaw, 0, 1) },
		func() (TrackEntry, error) { return G711Track(1, WaveFormatALaw, 8000, 0) },
		func() (TrackEntry, error) { return PCMTrack(1, 48000, 2, 12, false) },
		func() (TrackEntry, error) { return PCMTrack(1, -1, 2, 16, false) },
	} {
		if _, err := bad(); !errors.Is(err, ErrInvalid) {
			t.Errorf("accepted: %v", err)
		}
	}
	p, err := PCMTrack(2, 48000, 2, 16, true)
	if err != nil || p.CodecID != CodecIDPCMBig || p.Audio != (AudioSettings{48000, 2, 16}) || p.CodecPrivate != nil {
		t.Errorf("PCM track %+v %v", p, err)
	}
	if _, err := ParseWaveFormat(want[:15]); err == nil {
		t.Error("15-byte WAVEFORMATEX parsed")
	}
	if _, err := ParseWaveFormat(append(want[:16:16], 5, 0, 1)); err == nil {
		t.Error("cbSize overrun accepted")
	}
}

func TestAnnexBConversion(t *testing.T) {
	tests := []struct {
		name       string
		annexB, lp []byte
	}{
		{"4-byte start codes", []byte{0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3},
			[]byte{0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x68, 3}},
		{"3-byte start codes", []byte{0, 0, 1, 0x65, 9, 0, 0, 1, 0x41, 8, 7},
			[]byte{0, 0, 0, 2, 0x65, 9, 0, 0, 0, 3, 0x41, 8, 7}},
		{"trailing zeros and empty units", []byte{0, 0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0x65, 0, 0, 3, 1, 0, 0},
			[]byte{0, 0, 0, 2, 0x09, 0xF0, 0, 0, 0, 5, 0x65, 0, 0, 3, 1}},
	}
	for _, tt := range tests {
		got, err := AppendLengthPrefixed([]byte{0xEE}, tt.annexB)
		if err != nil || !bytes.Equal(got, append([]byte{0xEE}, tt.lp...)) {
			t.Errorf("%s: % X, %v", tt.name, got, err)
		}
		back, err := AppendAnnexB(nil, tt.lp)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := AppendLengthPrefixed(nil, back)
		if !bytes.Equal(again, tt.lp) {
			t.Errorf("%s: round trip % X", tt.name, again)
		}
	}
	if _, err := AppendLengthPrefixed(nil, []byte{0x67, 1, 2}); err != ErrNotAnnexB {
		t.Errorf("no start code: %v", err)
	}
	for _, bad := range [][]byte{{0, 0, 0}, {0, 0, 0, 5, 1, 2}} {
		if got, err := AppendAnnexB([]byte{1}, bad); err == nil || !bytes.Equal(got, []byte{1}) {
			t.Errorf("% X: %v % X", bad, err, got)
		}
	}
	src := bytes.Repeat([]byte{0, 0, 0, 1, 0x41, 5, 6, 7}, 50)
	dst := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { _, _ = AppendLengthPrefixed(dst, src) }); n != 0 {
		t.Errorf("AppendLengthPrefixed: %v allocations", n)
	}
}

func TestVideoConfigRejects(t *testing.T) {
	if _, err := ParseH264AnnexB([]byte{0, 0, 1, 0x65, 1}); err == nil {
		t.Error("H.264 without parameter sets")
	}
	if _, err := ParseH264AnnexB([]byte{0, 0, 1, 0x67, 0xFF, 0, 1, 0, 0, 1, 0x68, 1}); err == nil {
		t.Error("garbage SPS")
	}
	if _, err := H265Track(1, []byte{0, 0, 1, 0x40, 1, 0x0C}); err == nil {
		t.Error("H.265 with a VPS only")
	}
	if _, err := (H264Config{}).DecoderConfig(); err == nil {
		t.Error("empty H.264 config")
	}
	for _, rec := range [][]byte{nil, {2, 0, 0, 0, 0xFF, 0xE1}, {1, 100, 0, 30, 0xFC, 0xE1, 0, 1}, {1, 100, 0, 30, 0xFF, 0xE1, 0, 9, 0x67}} {
		if _, err := ParseAVCDecoderConfig(rec); err == nil {
			t.Errorf("record % X parsed", rec)
		}
	}
	if _, err := ParseHEVCDecoderConfig([]byte{1, 2, 3}); err == nil {
		t.Error("short HEVC record parsed")
	}
}
