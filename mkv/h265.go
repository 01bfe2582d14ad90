package mkv

import (
	"bytes"
	"fmt"

	"github.com/Eyevinn/mp4ff/hevc"
)

// CodecIDH265 is the Matroska codec ID of H.265 / HEVC video.
const CodecIDH265 = "V_MPEGH/ISO/HEVC"

// H.265 NAL unit types used here.
const (
	h265NALIRAPFirst = 16 // BLA_W_LP
	h265NALIRAPLast  = 23 // last reserved IRAP type
	h265NALVPS       = 32
	h265NALSPS       = 33
	h265NALPPS       = 34
)

func h265Type(nalu []byte) byte { return nalu[0] >> 1 & 0x3F }

// IsH265KeyFrame reports whether an Annex-B access unit holds an IRAP
// picture (NAL unit types 16 to 23: BLA, IDR, CRA), a random access point.
func IsH265KeyFrame(annexB []byte) bool {
	found := false
	_ = forEachNALU(annexB, func(nalu []byte) bool {
		t := h265Type(nalu)
		found = t >= h265NALIRAPFirst && t <= h265NALIRAPLast
		return !found
	})
	return found
}

// H265Config is an H.265 decoder configuration: the parameter sets and
// what the first SPS says. VPS, SPS and PPS hold NAL units without start
// codes or length prefixes, as mp4ff's hevc package and its
// InitSegment/SetHEVCDescriptor take them.
type H265Config struct {
	VPS [][]byte // video parameter sets
	SPS [][]byte // sequence parameter sets
	PPS [][]byte // picture parameter sets
	// Profile is general_profile_idc (1 Main, 2 Main 10, 4 range
	// extensions...), Level is general_level_idc (30 times the level).
	Profile, Level uint8
	// ChromaFormat is chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2,
	// 3 4:4:4.
	ChromaFormat uint8
	// BitDepthLuma and BitDepthChroma are sample bit depths (8, 10...).
	BitDepthLuma, BitDepthChroma uint8
	// Width and Height are the displayed size after the conformance
	// window, in pixels.
	Width, Height int
}

// ParseH265AnnexB finds the VPS, SPS and PPS NAL units of an Annex-B
// access unit, normally the first key frame of a stream, and parses the
// first SPS. The parameter sets are copied.
func ParseH265AnnexB(annexB []byte) (H265Config, error) {
	var vps, sps, pps [][]byte
	err := forEachNALU(annexB, func(nalu []byte) bool {
		if len(nalu) < 2 {
			return true
		}
		switch h265Type(nalu) {
		case h265NALVPS:
			vps = append(vps, clone(nalu))
		case h265NALSPS:
			sps = append(sps, clone(nalu))
		case h265NALPPS:
			pps = append(pps, clone(nalu))
		}
		return true
	})
	if err != nil {
		return H265Config{}, err
	}
	c, _, err := newH265Config(vps, sps, pps)
	return c, err
}

// ParseHEVCDecoderConfig parses an HEVCDecoderConfigurationRecord (the
// CodecPrivate of a V_MPEGH/ISO/HEVC track, or an MP4 hvcC box's payload).
func ParseHEVCDecoderConfig(record []byte) (H265Config, error) {
	rec, err := hevc.DecodeHEVCDecConfRec(record)
	if err != nil {
		return H265Config{}, fmt.Errorf("mkv: HEVCDecoderConfigurationRecord: %w", err)
	}
	if rec.LengthSizeMinusOne != 3 {
		return H265Config{}, fmt.Errorf("mkv: HEVCDecoderConfigurationRecord: NAL unit length size %d, only 4 is supported", rec.LengthSizeMinusOne+1)
	}
	sets := func(t hevc.NaluType) (out [][]byte) {
		for _, n := range rec.GetNalusForType(t) {
			out = append(out, clone(n))
		}
		return out
	}
	c, _, err := newH265Config(sets(hevc.NALU_VPS), sets(hevc.NALU_SPS), sets(hevc.NALU_PPS))
	return c, err
}

func newH265Config(vps, sps, pps [][]byte) (H265Config, *hevc.SPS, error) {
	c := H265Config{VPS: vps, SPS: sps, PPS: pps}
	if len(vps) == 0 || len(sps) == 0 || len(pps) == 0 {
		return c, nil, fmt.Errorf("mkv: H.265 needs a VPS, an SPS and a PPS, found %d, %d and %d", len(vps), len(sps), len(pps))
	}
	s, err := hevc.ParseSPSNALUnit(sps[0])
	if err != nil {
		return c, nil, fmt.Errorf("mkv: H.265 SPS: %w", err)
	}
	if s.BitDepthLumaMinus8 > 8 || s.BitDepthChromaMinus8 > 8 || s.ChromaFormatIDC > 3 {
		return c, nil, fmt.Errorf("mkv: H.265 SPS: bit depth or chroma format out of range")
	}
	w, h := s.ImageSize()
	if w > 1<<16 || h > 1<<16 {
		return c, nil, fmt.Errorf("mkv: H.265 SPS: picture size %dx%d out of range", w, h)
	}
	ptl := s.ProfileTierLevel
	c.Profile, c.Level = ptl.GeneralProfileIDC, ptl.GeneralLevelIDC
	c.ChromaFormat = s.ChromaFormatIDC
	c.BitDepthLuma, c.BitDepthChroma = s.BitDepthLumaMinus8+8, s.BitDepthChromaMinus8+8
	c.Width, c.Height = int(w), int(h)
	return c, s, nil
}

// DecoderConfig returns the HEVCDecoderConfigurationRecord (ISO/IEC
// 14496-15) with 4-byte NAL unit lengths, built from parsing SPS[0] (so
// only the parameter sets need to be set): profile, tier, level and
// constraint flags, chroma format, bit depths and temporal layering. The
// arrays are not marked complete, since streams may repeat parameter sets
// in band.
func (c H265Config) DecoderConfig() ([]byte, error) {
	c, s, err := newH265Config(c.VPS, c.SPS, c.PPS)
	if err != nil {
		return nil, err
	}
	for _, set := range [][][]byte{c.VPS, c.SPS, c.PPS} {
		if err := checkParamSets(set, 16); err != nil {
			return nil, err
		}
	}
	ptl := s.ProfileTierLevel
	nested := byte(0)
	if s.TemporalIDNestingFlag {
		nested = 1
	}
	rec := hevc.DecConfRec{
		ConfigurationVersion:             1,
		GeneralProfileSpace:              ptl.GeneralProfileSpace,
		GeneralTierFlag:                  ptl.GeneralTierFlag,
		GeneralProfileIDC:                ptl.GeneralProfileIDC,
		GeneralProfileCompatibilityFlags: ptl.GeneralProfileCompatibilityFlags,
		GeneralConstraintIndicatorFlags:  ptl.GeneralConstraintIndicatorFlags,
		GeneralLevelIDC:                  ptl.GeneralLevelIDC,
		ChromaFormatIDC:                  s.ChromaFormatIDC,
		BitDepthLumaMinus8:               s.BitDepthLumaMinus8,
		BitDepthChromaMinus8:             s.BitDepthChromaMinus8,
		NumTemporalLayers:                s.MaxSubLayersMinus1 + 1,
		TemporalIDNested:                 nested,
		LengthSizeMinusOne:               3,
		NaluArrays: []hevc.NaluArray{
			hevc.NewNaluArray(false, hevc.NALU_VPS, c.VPS),
			hevc.NewNaluArray(false, hevc.NALU_SPS, c.SPS),
			hevc.NewNaluArray(false, hevc.NALU_PPS, c.PPS),
		},
	}
	var buf bytes.Buffer
	if err := rec.Encode(&buf); err != nil {
		return nil, fmt.Errorf("mkv: HEVCDecoderConfigurationRecord: %w", err)
	}
	return buf.Bytes(), nil
}

// TrackEntry describes a video track with this configuration.
func (c H265Config) TrackEntry(number uint64) (TrackEntry, error) {
	return videoTrack(number, CodecIDH265, c.DecoderConfig, c.Width, c.Height)
}

// H265Track describes an H.265 video track from the stream's first key
// frame alone (an Annex-B access unit carrying VPS, SPS and PPS).
func H265Track(number uint64, keyFrame []byte) (TrackEntry, error) {
	c, err := ParseH265AnnexB(keyFrame)
	if err != nil {
		return TrackEntry{}, err
	}
	return c.TrackEntry(number)
}
