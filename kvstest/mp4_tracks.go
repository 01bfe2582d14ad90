// MP4 packaging, shared by GetClip, HLS and DASH: what the tracks of stored fragments are, the
// errors the service gives for tracks it cannot package, and the MP4 sample descriptions.

package kvstest

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

// codec is a codec the packagers handle.
type codec uint8

const (
	codecH264 codec = iota + 1
	codecH265
	codecAAC
	codecALaw
	codecMuLaw
)

// videoTimescale is the MP4 timescale of video tracks.
const videoTimescale = 90000

// mediaTrack is one track of the stored media, ready to package.
type mediaTrack struct {
	number    uint64 // the stream's track number, which is also the MP4 track ID
	codec     codec
	timescale uint32
	entry     mkv.TrackEntry
	h264      mkv.H264Config
	h265      mkv.H265Config
	aac       mkv.AACConfig
	wave      mkv.WaveFormat
	codecs    string // the RFC 6381 codec string of playlists and manifests
}

func (t *mediaTrack) video() bool { return t.codec == codecH264 || t.codec == codecH265 }

// width and height return the picture size of a video track.
func (t *mediaTrack) width() int {
	if t.codec == codecH265 {
		return t.h265.Width
	}
	return t.h264.Width
}

func (t *mediaTrack) height() int {
	if t.codec == codecH265 {
		return t.h265.Height
	}
	return t.h264.Height
}

// The modeled errors of tracks that cannot be packaged.
func errUnsupportedMedia(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusBadRequest, "UnsupportedStreamMediaTypeException", format, args...)
}

func errMissingCodecPrivateData(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusBadRequest, "MissingCodecPrivateDataException", format, args...)
}

func errInvalidCodecPrivateData(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusBadRequest, "InvalidCodecPrivateDataException", format, args...)
}

// packaging says which codecs an API packages.
type packaging struct {
	api  string
	g711 bool // G.711 audio (GetClip and DASH; not HLS)
}

// describeTracks checks that the tracks of a fragment can be packaged (at most one video track
// of H.264 or H.265 and one audio track of AAC or, where allowed, G.711, each with valid codec
// private data) and describes them.
func (p packaging) describeTracks(entries []mkv.TrackEntry) ([]mediaTrack, *apierr.Error) {
	var tracks []mediaTrack
	videos, audios := 0, 0
	for _, e := range entries {
		t, err := p.describe(e)
		if err != nil {
			return nil, err
		}
		if t.video() {
			videos++
		} else {
			audios++
		}
		tracks = append(tracks, t)
	}
	if len(tracks) == 0 || videos > 1 || audios > 1 {
		return nil, errUnsupportedMedia("%s packages one video track with at most one audio track; the stream has %d video and %d audio tracks.",
			p.api, videos, audios)
	}
	return tracks, nil
}

func (p packaging) describe(e mkv.TrackEntry) (mediaTrack, *apierr.Error) {
	t := mediaTrack{number: e.Number, entry: e}
	switch e.CodecID {
	case mkv.CodecIDH264:
		t.codec, t.timescale = codecH264, videoTimescale
	case mkv.CodecIDH265:
		t.codec, t.timescale = codecH265, videoTimescale
	case mkv.CodecIDAAC:
		t.codec = codecAAC
	case mkv.CodecIDACM:
		if !p.g711 {
			return t, errUnsupportedMedia("%s does not package G.711 audio (track %d, codec ID %s).", p.api, e.Number, e.CodecID)
		}
	default:
		return t, errUnsupportedMedia("%s cannot package track %d: its codec ID %q is not H.264, H.265, AAC or G.711.", p.api, e.Number, e.CodecID)
	}
	if len(e.CodecPrivate) == 0 {
		return t, errMissingCodecPrivateData("Track %d (%s) has no codec private data.", e.Number, e.CodecID)
	}
	if err := t.parsePrivate(); err != nil {
		return t, errInvalidCodecPrivateData("The codec private data of track %d (%s) is not valid: %v", e.Number, e.CodecID, err)
	}
	return t, nil
}

// parsePrivate reads the codec private data and sets the timescale and codec string.
func (t *mediaTrack) parsePrivate() error {
	var err error
	cpd := t.entry.CodecPrivate
	switch t.codec {
	case codecH264:
		if t.h264, err = mkv.ParseAVCDecoderConfig(cpd); err == nil {
			var sps *avc.SPS
			if sps, err = avc.ParseSPSNALUnit(t.h264.SPS[0], false); err == nil {
				t.codecs = avc.CodecString("avc1", sps)
			}
		}
	case codecH265:
		if t.h265, err = mkv.ParseHEVCDecoderConfig(cpd); err == nil {
			var sps *hevc.SPS
			if sps, err = hevc.ParseSPSNALUnit(t.h265.SPS[0]); err == nil {
				t.codecs = hevc.CodecString("hvc1", sps)
			}
		}
	case codecAAC:
		if t.aac, err = mkv.ParseAudioSpecificConfig(cpd); err == nil {
			t.timescale, t.codecs = uint32(t.aac.SampleRate), fmt.Sprintf("mp4a.40.%d", t.aac.ObjectType)
		}
	default:
		if t.wave, err = mkv.ParseWaveFormat(cpd); err != nil {
			break
		}
		switch t.wave.FormatTag {
		case mkv.WaveFormatALaw:
			t.codec, t.codecs = codecALaw, "alaw"
		case mkv.WaveFormatMuLaw:
			t.codec, t.codecs = codecMuLaw, "ulaw"
		default:
			return fmt.Errorf("WAVE format tag %d is not G.711", t.wave.FormatTag)
		}
		t.timescale = t.wave.SampleRate
	}
	if err == nil && t.timescale == 0 {
		err = fmt.Errorf("a sampling rate of 0")
	}
	return err
}

// sameTracks reports whether two fragments have the same tracks with the same codec private
// data, as packaging one range needs.
func sameTracks(a, b []mkv.TrackEntry) bool {
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

// codecsOf joins the codec strings of tracks for a playlist's CODECS attribute.
func codecsOf(tracks []mediaTrack) string {
	var c []string
	for _, t := range tracks {
		c = append(c, t.codecs)
	}
	return strings.Join(c, ",")
}

// addTrak adds the track, with its sample description, to moov. Fragmented files (init) get a
// trex for it too.
func (t *mediaTrack) addTrak(moov *mp4.MoovBox, fragmented bool) (*mp4.TrakBox, error) {
	kind := "audio"
	if t.video() {
		kind = "video"
	}
	trak := mp4.CreateEmptyTrak(uint32(t.number), t.timescale, kind, "und")
	moov.AddChild(trak)
	moov.Mvhd.NextTrackID = max(moov.Mvhd.NextTrackID, uint32(t.number)+1)
	if fragmented {
		moov.Mvex.AddChild(mp4.CreateTrex(uint32(t.number)))
	}
	var err error
	switch t.codec {
	case codecH264:
		err = trak.SetAVCDescriptor("avc1", t.h264.SPS, t.h264.PPS, true)
	case codecH265:
		err = trak.SetHEVCDescriptor("hvc1", t.h265.VPS, t.h265.SPS, t.h265.PPS, nil, true)
	case codecAAC:
		esds := mp4.CreateEsdsBox(t.entry.CodecPrivate)
		trak.Mdia.Minf.Stbl.Stsd.AddChild(mp4.CreateAudioSampleEntryBox("mp4a", uint16(max(1, t.aac.Channels())), 16,
			uint16(min(t.aac.SampleRate, 65535)), esds))
	default:
		trak.Mdia.Minf.Stbl.Stsd.AddChild(mp4.CreateAudioSampleEntryBox(t.codecs, t.wave.Channels, 16,
			uint16(min(t.wave.SampleRate, 65535)), nil))
	}
	return trak, err
}
