package media

import (
	"errors"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/mkv"
)

// Codec is the coding of a Producer track.
type Codec string

// Codecs a Producer takes.
const (
	CodecH264      Codec = "H264"
	CodecH265      Codec = "H265"
	CodecAAC       Codec = "AAC"
	CodecG711ALaw  Codec = "G711A"
	CodecG711MuLaw Codec = "G711U"
	CodecPCM       Codec = "PCM" // signed little-endian integer samples
)

// InputFormat is how the frames given to a Producer are packaged.
type InputFormat uint8

// Input formats.
const (
	// FormatAuto detects the format of each frame: Annex-B start codes or 4-byte length
	// prefixes for video, an ADTS sync word or a raw frame for AAC.
	FormatAuto InputFormat = iota
	// FormatAnnexB is an H.264/H.265 byte stream access unit (start codes before NAL units).
	FormatAnnexB
	// FormatLengthPrefixed is an access unit of NAL units with 4-byte big-endian lengths, as in
	// MP4 and Matroska.
	FormatLengthPrefixed
	// FormatADTS is AAC with ADTS headers; a frame may hold several ADTS frames.
	FormatADTS
	// FormatRaw is a raw AAC frame, or G.711/PCM samples.
	FormatRaw
)

// TrackConfig describes one track of a Producer.
type TrackConfig struct {
	// Number is the track number frames refer to; 1, 2, 3 by position when zero.
	Number uint64
	// Codec is the track's coding.
	Codec Codec
	// Format is how frames are packaged; detected per frame when FormatAuto.
	Format InputFormat
	// Name is an optional label.
	Name string
	// CodecPrivate is the decoder configuration (AVCDecoderConfigurationRecord,
	// HEVCDecoderConfigurationRecord, AudioSpecificConfig, WAVEFORMATEX). When empty it is built
	// from the stream: from the parameter sets of the first key frame for H.264/H.265, from the
	// first ADTS header for AAC, from SampleRate and Channels for G.711, PCM and raw AAC.
	CodecPrivate []byte
	// SampleRate and Channels describe audio: needed for raw AAC without CodecPrivate; 8000 Hz
	// mono by default for G.711; required for PCM.
	SampleRate, Channels int
	// BitDepth is the sample size of PCM: 16 by default.
	BitDepth int
}

// track is a configured track: its entry once known, and how its frames are converted.
type track struct {
	cfg   TrackConfig
	index int // its position in ProducerConfig.Tracks
	entry mkv.TrackEntry
	ready bool // entry is complete and can go in the header
	video bool
	aac   mkv.AACConfig
}

func newTrack(cfg TrackConfig, position int) (*track, error) {
	if cfg.Number == 0 {
		cfg.Number = uint64(position + 1)
	}
	t := &track{cfg: cfg, index: position}
	var err error
	switch cfg.Codec {
	case CodecH264, CodecH265:
		t.video = true
		if len(cfg.CodecPrivate) > 0 {
			err = t.describeVideo(nil, cfg.CodecPrivate)
		}
	case CodecAAC:
		switch {
		case len(cfg.CodecPrivate) > 0:
			t.aac, err = mkv.ParseAudioSpecificConfig(cfg.CodecPrivate)
			if err == nil {
				t.entry, err = t.aac.TrackEntry(cfg.Number)
				t.entry.CodecPrivate = cfg.CodecPrivate
			}
		case cfg.SampleRate > 0 && cfg.Channels > 0:
			t.aac = mkv.AACConfig{ObjectType: 2, SampleRate: cfg.SampleRate, ChannelConfig: uint8(cfg.Channels)}
			t.entry, err = t.aac.TrackEntry(cfg.Number)
		case cfg.Format == FormatRaw:
			err = errors.New("raw AAC needs CodecPrivate, or SampleRate and Channels")
		}
	case CodecG711ALaw, CodecG711MuLaw:
		tag := mkv.WaveFormatALaw
		if cfg.Codec == CodecG711MuLaw {
			tag = mkv.WaveFormatMuLaw
		}
		t.entry, err = mkv.G711Track(cfg.Number, tag, orDefault(cfg.SampleRate, 8000), orDefault(cfg.Channels, 1))
	case CodecPCM:
		if cfg.SampleRate <= 0 || cfg.Channels <= 0 {
			err = errors.New("PCM needs SampleRate and Channels")
		} else {
			t.entry, err = mkv.PCMTrack(cfg.Number, cfg.SampleRate, cfg.Channels, orDefault(cfg.BitDepth, 16), false)
		}
	default:
		err = fmt.Errorf("unknown codec %q", cfg.Codec)
	}
	if err != nil {
		return nil, fmt.Errorf("media: track %d (%s): %w", cfg.Number, cfg.Codec, err)
	}
	t.ready = len(t.entry.CodecID) > 0
	if t.ready {
		t.entry.Name = cfg.Name
		if len(cfg.CodecPrivate) > 0 {
			t.entry.CodecPrivate = cfg.CodecPrivate
		}
	}
	return t, nil
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// describeVideo builds the video track entry from an Annex-B key frame or a decoder
// configuration record.
func (t *track) describeVideo(annexB, record []byte) error {
	var entry mkv.TrackEntry
	var err error
	switch {
	case t.cfg.Codec == CodecH264 && record != nil:
		var c mkv.H264Config
		if c, err = mkv.ParseAVCDecoderConfig(record); err == nil {
			entry, err = c.TrackEntry(t.cfg.Number)
		}
	case t.cfg.Codec == CodecH264:
		entry, err = mkv.H264Track(t.cfg.Number, annexB)
	case record != nil:
		var c mkv.H265Config
		if c, err = mkv.ParseHEVCDecoderConfig(record); err == nil {
			entry, err = c.TrackEntry(t.cfg.Number)
		}
	default:
		entry, err = mkv.H265Track(t.cfg.Number, annexB)
	}
	if err != nil {
		return err
	}
	if record != nil {
		entry.CodecPrivate = record
	}
	entry.Name = t.cfg.Name
	t.entry, t.ready = entry, true
	return nil
}

// isAnnexB reports whether data starts with a start code.
func isAnnexB(data []byte) bool {
	return len(data) >= 3 && data[0] == 0 && data[1] == 0 && (data[2] == 1 || len(data) >= 4 && data[2] == 0 && data[3] == 1)
}

// adapter converts the frames of the tracks into what Matroska blocks hold, reusing its
// buffers so that a frame costs no allocation in the steady state.
type adapter struct {
	annexB []byte // scratch: a length-prefixed key frame converted to describe its track
	out    []byte // an Annex-B frame converted to length prefixes
}

// convertVideo returns the frame as length-prefixed NAL units and whether it is a key frame
// (as flagged, or as its NAL units say). Length-prefixed input is returned as it is, checked
// and scanned in place; Annex-B input is converted into the adapter's buffer. Either way the
// result is valid until the next call. It describes the track from the first key frame when
// needed.
func (a *adapter) convertVideo(t *track, data []byte, keyframe bool) ([]byte, bool, error) {
	h265 := t.cfg.Codec == CodecH265
	if t.cfg.Format == FormatAnnexB || t.cfg.Format == FormatAuto && isAnnexB(data) {
		if h265 {
			keyframe = keyframe || mkv.IsH265KeyFrame(data)
		} else {
			keyframe = keyframe || mkv.IsH264KeyFrame(data)
		}
		if err := a.describe(t, keyframe, data); err != nil {
			return nil, false, err
		}
		var err error
		a.out, err = mkv.AppendLengthPrefixed(a.out[:0], data)
		return a.out, keyframe, err
	}
	key, err := scanLengthPrefixed(data, h265)
	if err != nil {
		return nil, false, err
	}
	keyframe = keyframe || key
	if !t.ready && keyframe {
		if a.annexB, err = mkv.AppendAnnexB(a.annexB[:0], data); err != nil {
			return nil, false, err
		}
		if err := a.describe(t, true, a.annexB); err != nil {
			return nil, false, err
		}
	}
	return data, keyframe, nil
}

// describe builds the track's entry from its first key frame (Annex-B) when it has none.
func (a *adapter) describe(t *track, keyframe bool, annexB []byte) error {
	if t.ready || !keyframe {
		return nil
	}
	if err := t.describeVideo(annexB, nil); err != nil {
		return fmt.Errorf("describing the track from its first key frame: %w", err)
	}
	return nil
}

// scanLengthPrefixed checks that NAL units with 4-byte lengths fill data exactly and reports
// whether one of them is a key picture: an IDR slice for H.264, an IRAP picture for H.265.
func scanLengthPrefixed(data []byte, h265 bool) (key bool, err error) {
	for b := data; len(b) > 0; {
		if len(b) < 4 {
			return false, fmt.Errorf("%d trailing bytes cannot hold a NAL unit length", len(b))
		}
		n := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
		if n > uint64(len(b)-4) {
			return false, fmt.Errorf("NAL unit length %d overruns the %d bytes left", n, len(b)-4)
		}
		if n > 0 {
			if h265 {
				typ := b[4] >> 1 & 0x3F
				key = key || typ >= 16 && typ <= 23
			} else {
				key = key || b[4]&0x1F == 5
			}
		}
		b = b[4+n:]
	}
	return key, nil
}

// splitAudio calls emit for each audio frame in data: the raw frames of ADTS input (several
// may come at once, each a frame duration after the previous), or data itself.
func (a *adapter) splitAudio(t *track, data []byte, emit func(frame []byte, offset time.Duration) error) error {
	adts := t.cfg.Codec == CodecAAC && (t.cfg.Format == FormatADTS || t.cfg.Format == FormatAuto && len(data) > 1 && data[0] == 0xFF && data[1]&0xF0 == 0xF0)
	if !adts {
		if t.cfg.Codec == CodecAAC && !t.ready {
			return errors.New("a raw AAC frame came before the track was described (give CodecPrivate, or SampleRate and Channels)")
		}
		return emit(data, 0)
	}
	var offset time.Duration
	for len(data) > 0 {
		cfg, frame, rest, err := mkv.NextADTSFrame(data)
		if err != nil {
			return err
		}
		if !t.ready {
			if t.entry, err = cfg.TrackEntry(t.cfg.Number); err != nil {
				return err
			}
			t.entry.Name, t.aac, t.ready = t.cfg.Name, cfg, true
		}
		if err := emit(frame, offset); err != nil {
			return err
		}
		offset += cfg.FrameDuration()
		data = rest
	}
	return nil
}
