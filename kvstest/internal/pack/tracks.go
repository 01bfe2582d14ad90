// MP4 Packaging, shared by GetClip, HLS and DASH: what the tracks of stored fragments are, the
// errors the service gives for tracks it cannot package, and the MP4 sample descriptions.

package pack

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/Eyevinn/mp4ff/avc"
	"github.com/Eyevinn/mp4ff/hevc"
	"github.com/Eyevinn/mp4ff/mp4"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/mkv"
)

// Codec is a codec the packagers handle.
type Codec uint8

const (
	CodecH264 Codec = iota + 1
	CodecH265
	CodecAAC
	CodecALaw
	CodecMuLaw
)

// VideoTimescale is the MP4 timescale of video tracks.
const VideoTimescale = 90000

// Track is one track of the stored media, ready to package.
type Track struct {
	Number    uint64 // the stream's track number, which is also the MP4 track ID
	Codec     Codec
	Timescale uint32
	Entry     mkv.TrackEntry
	h264      mkv.H264Config
	h265      mkv.H265Config
	aac       mkv.AACConfig
	wave      mkv.WaveFormat
	Codecs    string // the RFC 6381 codec string of playlists and manifests
}

// Video reports whether the track is video.
func (t *Track) Video() bool { return t.Codec == CodecH264 || t.Codec == CodecH265 }

// Width returns the picture width of a video track.
func (t *Track) Width() int {
	if t.Codec == CodecH265 {
		return t.h265.Width
	}
	return t.h264.Width
}

// Height returns the picture height of a video track.
func (t *Track) Height() int {
	if t.Codec == CodecH265 {
		return t.h265.Height
	}
	return t.h264.Height
}

// The modeled errors of tracks that cannot be packaged.

// UnsupportedMedia returns an UnsupportedStreamMediaTypeException.
func UnsupportedMedia(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusBadRequest, "UnsupportedStreamMediaTypeException", format, args...)
}

// MissingCodecPrivateData returns a MissingCodecPrivateDataException.
func MissingCodecPrivateData(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusBadRequest, "MissingCodecPrivateDataException", format, args...)
}

// InvalidCodecPrivateData returns an InvalidCodecPrivateDataException.
func InvalidCodecPrivateData(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusBadRequest, "InvalidCodecPrivateDataException", format, args...)
}

// Packaging says which codecs an API packages.
type Packaging struct {
	API  string
	G711 bool // G.711 audio (GetClip and DASH; not HLS)
}

// DescribeTracks checks that the tracks of a fragment can be packaged (at most one video track
// of H.264 or H.265 and one audio track of AAC or, where allowed, G.711, each with valid Codec
// private data) and describes them.
func (p Packaging) DescribeTracks(entries []mkv.TrackEntry) ([]Track, *apierr.Error) {
	var tracks []Track
	videos, audios := 0, 0
	for _, e := range entries {
		t, err := p.Describe(e)
		if err != nil {
			return nil, err
		}
		if t.Video() {
			videos++
		} else {
			audios++
		}
		tracks = append(tracks, t)
	}
	if len(tracks) == 0 || videos > 1 || audios > 1 {
		return nil, UnsupportedMedia("%s packages one video track with at most one audio track; the stream has %d video and %d audio tracks.",
			p.API, videos, audios)
	}
	return tracks, nil
}

// Describe checks and describes one track (see DescribeTracks).
func (p Packaging) Describe(e mkv.TrackEntry) (Track, *apierr.Error) {
	t := Track{Number: e.Number, Entry: e}
	switch e.CodecID {
	case mkv.CodecIDH264:
		t.Codec, t.Timescale = CodecH264, VideoTimescale
	case mkv.CodecIDH265:
		t.Codec, t.Timescale = CodecH265, VideoTimescale
	case mkv.CodecIDAAC:
		t.Codec = CodecAAC
	case mkv.CodecIDACM:
		if !p.G711 {
			return t, UnsupportedMedia("%s does not package G.711 audio (track %d, codec ID %s).", p.API, e.Number, e.CodecID)
		}
	default:
		return t, UnsupportedMedia("%s cannot package track %d: its codec ID %q is not H.264, H.265, AAC or G.711.", p.API, e.Number, e.CodecID)
	}
	if len(e.CodecPrivate) == 0 {
		return t, MissingCodecPrivateData("Track %d (%s) has no codec private data.", e.Number, e.CodecID)
	}
	if err := t.parsePrivate(); err != nil {
		return t, InvalidCodecPrivateData("The codec private data of track %d (%s) is not valid: %v", e.Number, e.CodecID, err)
	}
	return t, nil
}

// parsePrivate reads the codec private data and sets the timescale and codec string.
func (t *Track) parsePrivate() error {
	var err error
	cpd := t.Entry.CodecPrivate
	switch t.Codec {
	case CodecH264:
		if t.h264, err = mkv.ParseAVCDecoderConfig(cpd); err == nil {
			var sps *avc.SPS
			if sps, err = avc.ParseSPSNALUnit(t.h264.SPS[0], false); err == nil {
				t.Codecs = avc.CodecString("avc1", sps)
			}
		}
	case CodecH265:
		if t.h265, err = mkv.ParseHEVCDecoderConfig(cpd); err == nil {
			var sps *hevc.SPS
			if sps, err = hevc.ParseSPSNALUnit(t.h265.SPS[0]); err == nil {
				t.Codecs = hevc.CodecString("hvc1", sps)
			}
		}
	case CodecAAC:
		if t.aac, err = mkv.ParseAudioSpecificConfig(cpd); err == nil {
			t.Timescale, t.Codecs = uint32(t.aac.SampleRate), fmt.Sprintf("mp4a.40.%d", t.aac.ObjectType)
		}
	default:
		if t.wave, err = mkv.ParseWaveFormat(cpd); err != nil {
			break
		}
		switch t.wave.FormatTag {
		case mkv.WaveFormatALaw:
			t.Codec, t.Codecs = CodecALaw, "alaw"
		case mkv.WaveFormatMuLaw:
			t.Codec, t.Codecs = CodecMuLaw, "ulaw"
		default:
			return fmt.Errorf("WAVE format tag %d is not G.711", t.wave.FormatTag)
		}
		t.Timescale = t.wave.SampleRate
	}
	if err == nil && t.Timescale == 0 {
		err = fmt.Errorf("a sampling rate of 0")
	}
	return err
}

// SameTracks reports whether two fragments have the same tracks with the same codec private
// data, as packaging one range needs.
func SameTracks(a, b []mkv.TrackEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Number != b[i].Number || a[i].CodecID != b[i].CodecID || !bytes.Equal(a[i].CodecPrivate, b[i].CodecPrivate) {
			return false
		}
	}
	return true
}

// CodecsOf joins the codec strings of tracks for a playlist's CODECS attribute.
func CodecsOf(tracks []Track) string {
	var c []string
	for _, t := range tracks {
		c = append(c, t.Codecs)
	}
	return strings.Join(c, ",")
}

// addTrak adds the track, with its sample description, to moov. Fragmented files (init) get a
// trex for it too.
func (t *Track) addTrak(moov *mp4.MoovBox, fragmented bool) (*mp4.TrakBox, error) {
	kind := "audio"
	if t.Video() {
		kind = "video"
	}
	trak := mp4.CreateEmptyTrak(uint32(t.Number), t.Timescale, kind, "und")
	moov.AddChild(trak)
	moov.Mvhd.NextTrackID = max(moov.Mvhd.NextTrackID, uint32(t.Number)+1)
	if fragmented {
		moov.Mvex.AddChild(mp4.CreateTrex(uint32(t.Number)))
	}
	var err error
	switch t.Codec {
	case CodecH264:
		err = trak.SetAVCDescriptor("avc1", t.h264.SPS, t.h264.PPS, true)
	case CodecH265:
		err = trak.SetHEVCDescriptor("hvc1", t.h265.VPS, t.h265.SPS, t.h265.PPS, nil, true)
	case CodecAAC:
		esds := mp4.CreateEsdsBox(t.Entry.CodecPrivate)
		trak.Mdia.Minf.Stbl.Stsd.AddChild(mp4.CreateAudioSampleEntryBox("mp4a", uint16(max(1, t.aac.Channels())), 16,
			uint16(min(t.aac.SampleRate, 65535)), esds))
	default:
		trak.Mdia.Minf.Stbl.Stsd.AddChild(mp4.CreateAudioSampleEntryBox(t.Codecs, t.wave.Channels, 16,
			uint16(min(t.wave.SampleRate, 65535)), nil))
	}
	return trak, err
}
