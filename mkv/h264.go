package mkv

import (
	"errors"
	"fmt"

	"github.com/Eyevinn/mp4ff/avc"
)

// CodecIDH264 is the Matroska codec ID of H.264 / AVC video.
const CodecIDH264 = "V_MPEG4/ISO/AVC"

// H.264 NAL unit types used here.
const (
	h264NALIDR = 5
	h264NALSPS = 7
	h264NALPPS = 8
)

// IsH264KeyFrame reports whether an Annex-B access unit holds an IDR
// slice (NAL unit type 5), the H.264 random access point KVS fragments
// start with.
func IsH264KeyFrame(annexB []byte) bool {
	found := false
	_ = forEachNALU(annexB, func(nalu []byte) bool {
		found = nalu[0]&0x1F == h264NALIDR
		return !found
	})
	return found
}

// H264Config is an H.264 decoder configuration: the parameter sets and
// what the first SPS says. SPS and PPS hold NAL units without start codes
// or length prefixes, as mp4ff's avc package and its
// InitSegment/SetAVCDescriptor take them.
type H264Config struct {
	SPS [][]byte // sequence parameter sets
	PPS [][]byte // picture parameter sets
	// Profile (profile_idc), Constraints (the constraint_set flags byte)
	// and Level (level_idc) of the first SPS.
	Profile, Constraints, Level uint8
	// ChromaFormat is chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2,
	// 3 4:4:4.
	ChromaFormat uint8
	// BitDepthLuma and BitDepthChroma are sample bit depths (8, 10...).
	BitDepthLuma, BitDepthChroma uint8
	// Width and Height are the displayed size after cropping, in pixels.
	Width, Height int
}

// ParseH264AnnexB finds the SPS and PPS NAL units of an Annex-B access
// unit, normally the first key frame of a stream, and parses the first
// SPS. The parameter sets are copied.
func ParseH264AnnexB(annexB []byte) (H264Config, error) {
	var sps, pps [][]byte
	err := forEachNALU(annexB, func(nalu []byte) bool {
		switch nalu[0] & 0x1F {
		case h264NALSPS:
			sps = append(sps, clone(nalu))
		case h264NALPPS:
			pps = append(pps, clone(nalu))
		}
		return true
	})
	if err != nil {
		return H264Config{}, err
	}
	return newH264Config(sps, pps)
}

// ParseAVCDecoderConfig parses an AVCDecoderConfigurationRecord (the
// CodecPrivate of a V_MPEG4/ISO/AVC track, or an MP4 avcC box's payload)
// with 4-byte NAL unit lengths.
func ParseAVCDecoderConfig(record []byte) (H264Config, error) {
	fail := func(err error) (H264Config, error) {
		return H264Config{}, fmt.Errorf("mkv: AVCDecoderConfigurationRecord: %w", err)
	}
	if len(record) < 7 {
		return fail(fmt.Errorf("%d bytes, want at least 7", len(record)))
	}
	if record[0] != 1 {
		return fail(fmt.Errorf("configurationVersion %d", record[0]))
	}
	if record[4]&3 != 3 {
		return fail(fmt.Errorf("NAL unit length size %d, only 4 is supported", record[4]&3+1))
	}
	sps, rest, err := readParamSetArray(record[6:], int(record[5]&0x1F))
	if err != nil {
		return fail(err)
	}
	if len(rest) == 0 {
		return fail(errors.New("PPS count missing"))
	}
	pps, _, err := readParamSetArray(rest[1:], int(rest[0]))
	if err != nil {
		return fail(err)
	}
	return newH264Config(sps, pps)
}

func newH264Config(sps, pps [][]byte) (H264Config, error) {
	c := H264Config{SPS: sps, PPS: pps}
	if len(sps) == 0 || len(pps) == 0 {
		return c, fmt.Errorf("mkv: H.264 needs an SPS and a PPS, found %d and %d", len(sps), len(pps))
	}
	s, err := avc.ParseSPSNALUnit(sps[0], false)
	if err != nil {
		return c, fmt.Errorf("mkv: H.264 SPS: %w", err)
	}
	if s.BitDepthLumaMinus8 > 6 || s.BitDepthChromaMinus8 > 6 || s.ChromaFormatIDC > 3 {
		return c, errors.New("mkv: H.264 SPS: bit depth or chroma format out of range")
	}
	if s.Width > 1<<16 || s.Height > 1<<16 {
		return c, fmt.Errorf("mkv: H.264 SPS: picture size %dx%d out of range", s.Width, s.Height)
	}
	c.Profile, c.Constraints, c.Level = uint8(s.Profile), uint8(s.ProfileCompatibility), uint8(s.Level)
	c.ChromaFormat = s.ChromaFormatIDC
	c.BitDepthLuma, c.BitDepthChroma = uint8(s.BitDepthLumaMinus8+8), uint8(s.BitDepthChromaMinus8+8)
	c.Width, c.Height = int(s.Width), int(s.Height)
	return c, nil
}

// DecoderConfig returns the AVCDecoderConfigurationRecord (ISO/IEC
// 14496-15) with 4-byte NAL unit lengths, including the chroma format and
// bit depth fields that the High profiles (100, 110, 122, 144) require.
// The profile, level and formats come from parsing SPS[0], so only SPS and
// PPS need to be set.
func (c H264Config) DecoderConfig() ([]byte, error) {
	c, err := newH264Config(c.SPS, c.PPS)
	if err != nil {
		return nil, err
	}
	b := []byte{1, c.Profile, c.Constraints, c.Level, 0xFF}
	b, err = appendParamSetArray(b, c.SPS, 5)
	if err == nil {
		b, err = appendParamSetArray(b, c.PPS, 8)
	}
	if err != nil {
		return nil, err
	}
	switch c.Profile {
	case 100, 110, 122, 144:
		b = append(b, 0xFC|c.ChromaFormat, 0xF8|(c.BitDepthLuma-8), 0xF8|(c.BitDepthChroma-8), 0)
	}
	return b, nil
}

// TrackEntry describes a video track with this configuration.
func (c H264Config) TrackEntry(number uint64) (TrackEntry, error) {
	return videoTrack(number, CodecIDH264, c.DecoderConfig, c.Width, c.Height)
}

// videoTrack describes a video track whose CodecPrivate comes from record.
func videoTrack(number uint64, codecID string, record func() ([]byte, error), width, height int) (TrackEntry, error) {
	cp, err := record()
	if err != nil {
		return TrackEntry{}, err
	}
	return TrackEntry{
		Number:       number,
		Type:         TrackVideo,
		CodecID:      codecID,
		CodecPrivate: cp,
		Video:        VideoSettings{PixelWidth: uint64(width), PixelHeight: uint64(height)},
	}, nil
}

// H264Track describes an H.264 video track from the stream's first key
// frame alone (an Annex-B access unit carrying SPS and PPS).
func H264Track(number uint64, keyFrame []byte) (TrackEntry, error) {
	c, err := ParseH264AnnexB(keyFrame)
	if err != nil {
		return TrackEntry{}, err
	}
	return c.TrackEntry(number)
}
