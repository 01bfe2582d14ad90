package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// frameSource is the input of kvs put: its tracks, then its frames in stream order, with
// timestamps counted from the first frame.
type frameSource interface {
	// Tracks describes the producer tracks the frames belong to.
	Tracks() []media.TrackConfig
	// Next returns the next frame, or io.EOF at the end. The frame's data is valid until the next
	// call.
	Next() (media.Frame, error)
}

// Input formats of kvs put.
const (
	formatAuto = "auto"
	formatMKV  = "mkv"
	formatH264 = "h264"
	formatH265 = "h265"
)

// openSource reads the start of the input and returns the source of its frames: MKV (format
// mkv, or auto when the input starts with an EBML header), or an H.264/H.265 Annex-B elementary
// stream timed at fps frames per second.
func openSource(r io.Reader, format string, fps float64) (frameSource, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if format == formatAuto {
		head, err := br.Peek(4)
		switch {
		case len(head) == 0 && err != nil:
			return nil, fmt.Errorf("the input is empty")
		case bytes.Equal(head, ebmlMagic):
			format = formatMKV
		case bytes.HasPrefix(head, []byte{0, 0, 1}) || bytes.HasPrefix(head, []byte{0, 0, 0, 1}):
			return nil, usagef("the input looks like a raw H.264 or H.265 stream: give --format h264 or --format h265, and --fps")
		default:
			return nil, fmt.Errorf("the input is not Matroska (it does not start with an EBML header); for a raw H.264 or H.265 stream give --format and --fps")
		}
	}
	switch format {
	case formatMKV:
		return newMKVSource(br)
	case formatH264, formatH265:
		codec := media.CodecH264
		if format == formatH265 {
			codec = media.CodecH265
		}
		return newAnnexBSource(br, codec, fps)
	}
	return nil, usagef("--format %q: want auto, mkv, h264 or h265", format)
}

// annexBSource reads the access units of a raw elementary stream, one frame each, at a fixed
// frame rate.
type annexBSource struct {
	r     *media.AccessUnitReader
	codec media.Codec
	fps   float64
	n     int
}

func newAnnexBSource(r io.Reader, codec media.Codec, fps float64) (*annexBSource, error) {
	if fps <= 0 {
		return nil, usagef("--fps is required with --format %s: a raw stream carries no timestamps", strings.ToLower(string(codec)))
	}
	ar, err := media.NewAccessUnitReader(r, codec)
	if err != nil {
		return nil, err
	}
	return &annexBSource{r: ar, codec: codec, fps: fps}, nil
}

func (s *annexBSource) Tracks() []media.TrackConfig {
	return []media.TrackConfig{{Number: 1, Codec: s.codec, Format: media.FormatAnnexB}}
}

func (s *annexBSource) Next() (media.Frame, error) {
	au, key, err := s.r.Next()
	if err != nil {
		return media.Frame{}, err
	}
	at := time.Duration(float64(s.n) * float64(time.Second) / s.fps)
	s.n++
	return media.Frame{Track: 1, Timestamp: at, Keyframe: key, Data: au}, nil
}

// mkvSource reads the frames of a Matroska stream: a file, ffmpeg's or GStreamer's live output,
// or GetMedia output (several documents with the same tracks).
type mkvSource struct {
	r      *mkv.Reader
	tracks []media.TrackConfig
	ids    []string // the codec IDs of the tracks, to check later documents against
	state  map[uint64]*mkvTrackState
	origin int64 // the first frame's timecode, the zero of the timestamps
	seen   bool  // a frame was read, so origin is set
}

// mkvTrackState follows one track to time the frames of a laced block, which share its
// timecode.
type mkvTrackState struct {
	frameDuration time.Duration // the duration of one frame, when known
	lastTimecode  int64
	lastAt        time.Duration
	started       bool
}

// newMKVSource reads the input up to its Tracks element.
func newMKVSource(r io.Reader) (*mkvSource, error) {
	s := &mkvSource{r: mkv.NewReader(r), state: map[uint64]*mkvTrackState{}}
	for {
		ev, err := s.r.Next()
		if err == io.EOF {
			return nil, errors.New("the MKV input ended before its Tracks element")
		}
		if err != nil {
			return nil, fmt.Errorf("reading the MKV input: %w", err)
		}
		switch ev.Kind {
		case mkv.KindTracks:
			if err := s.setTracks(ev.Tracks); err != nil {
				return nil, err
			}
			return s, nil
		case mkv.KindClusterStart, mkv.KindFrame:
			return nil, errors.New("the MKV input has a cluster before its Tracks element")
		}
	}
}

// setTracks maps the MKV tracks to producer tracks.
func (s *mkvSource) setTracks(entries []mkv.TrackEntry) error {
	if len(entries) == 0 || len(entries) > mkv.MaxTracks {
		return fmt.Errorf("the MKV input has %d tracks; Kinesis Video Streams takes 1 to %d", len(entries), mkv.MaxTracks)
	}
	for _, t := range entries {
		cfg, frameDuration, err := producerTrack(t)
		if err != nil {
			return fmt.Errorf("MKV track %d: %w", t.Number, err)
		}
		s.tracks = append(s.tracks, cfg)
		s.ids = append(s.ids, t.CodecID)
		s.state[t.Number] = &mkvTrackState{frameDuration: frameDuration}
	}
	return nil
}

// producerTrack maps one MKV track entry to a producer track, and says how long one of its
// frames lasts when that is known (audio).
func producerTrack(t mkv.TrackEntry) (media.TrackConfig, time.Duration, error) {
	cfg := media.TrackConfig{Number: t.Number, Name: t.Name, CodecPrivate: t.CodecPrivate}
	frameDuration := time.Duration(t.DefaultDuration)
	switch {
	case t.CodecID == mkv.CodecIDH264:
		cfg.Codec, cfg.Format = media.CodecH264, media.FormatLengthPrefixed
		return cfg, 0, nil
	case t.CodecID == mkv.CodecIDH265:
		cfg.Codec, cfg.Format = media.CodecH265, media.FormatLengthPrefixed
		return cfg, 0, nil
	case strings.HasPrefix(t.CodecID, mkv.CodecIDAAC):
		cfg.Codec, cfg.Format = media.CodecAAC, media.FormatRaw
		cfg.SampleRate, cfg.Channels = int(t.Audio.SamplingFrequency), int(t.Audio.Channels)
		if len(t.CodecPrivate) > 0 {
			asc, err := mkv.ParseAudioSpecificConfig(t.CodecPrivate)
			if err != nil {
				return cfg, 0, fmt.Errorf("AAC CodecPrivate: %w", err)
			}
			frameDuration = asc.FrameDuration()
		}
		return cfg, frameDuration, nil
	case t.CodecID == mkv.CodecIDACM:
		w, err := mkv.ParseWaveFormat(t.CodecPrivate)
		if err != nil {
			return cfg, 0, fmt.Errorf("%s CodecPrivate: %w", mkv.CodecIDACM, err)
		}
		switch w.FormatTag {
		case mkv.WaveFormatALaw:
			cfg.Codec = media.CodecG711ALaw
		case mkv.WaveFormatMuLaw:
			cfg.Codec = media.CodecG711MuLaw
		default:
			return cfg, 0, fmt.Errorf("%s with WAVE format %d is not supported (G.711 A-law is 6, µ-law 7)", mkv.CodecIDACM, w.FormatTag)
		}
		cfg.Format, cfg.SampleRate, cfg.Channels = media.FormatRaw, int(w.SampleRate), int(w.Channels)
		return cfg, frameDuration, nil
	case t.CodecID == mkv.CodecIDPCMLittle:
		cfg.Codec, cfg.Format, cfg.CodecPrivate = media.CodecPCM, media.FormatRaw, nil
		cfg.SampleRate, cfg.Channels, cfg.BitDepth = int(t.Audio.SamplingFrequency), int(t.Audio.Channels), int(t.Audio.BitDepth)
		return cfg, frameDuration, nil
	}
	return cfg, 0, fmt.Errorf("codec %s is not supported: kvs put takes H.264, H.265, AAC, G.711 and little-endian PCM "+
		"(with ffmpeg: -c:v libx264 -c:a aac, or -an to leave the audio out)", t.CodecID)
}

func (s *mkvSource) Tracks() []media.TrackConfig { return s.tracks }

func (s *mkvSource) Next() (media.Frame, error) {
	for {
		ev, err := s.r.Next()
		if err == io.EOF {
			return media.Frame{}, io.EOF
		}
		if err != nil {
			return media.Frame{}, fmt.Errorf("reading the MKV input: %w", err)
		}
		switch ev.Kind {
		case mkv.KindTracks:
			if err := s.checkTracks(ev.Tracks); err != nil {
				return media.Frame{}, err
			}
		case mkv.KindFrame:
			return s.frame(ev.Frame)
		}
	}
}

// frame converts an MKV frame: its timecode becomes the time since the first frame. The frames
// of a laced block share the block's timecode; they are spaced by the track's frame duration.
func (s *mkvSource) frame(f mkv.Frame) (media.Frame, error) {
	st := s.state[f.Track]
	if st == nil {
		return media.Frame{}, fmt.Errorf("the MKV input has a frame of track %d, which its Tracks element does not declare", f.Track)
	}
	if !s.seen {
		s.origin, s.seen = f.Timecode, true
	}
	at := mkv.Timestamp(f.Timecode-s.origin, s.r.TimecodeScale())
	if st.started && f.Timecode == st.lastTimecode && st.frameDuration > 0 {
		at = st.lastAt + st.frameDuration
	}
	st.lastTimecode, st.lastAt, st.started = f.Timecode, at, true
	return media.Frame{Track: f.Track, Timestamp: at, Keyframe: f.Keyframe, Data: f.Data}, nil
}

// checkTracks accepts the Tracks element of a later document (GetMedia output has one per
// fragment) when it declares the same tracks.
func (s *mkvSource) checkTracks(entries []mkv.TrackEntry) error {
	same := len(entries) == len(s.tracks)
	for i := 0; same && i < len(entries); i++ {
		same = entries[i].Number == s.tracks[i].Number && entries[i].CodecID == s.ids[i]
	}
	if !same {
		return errors.New("the MKV input changes its tracks midway; a stream's tracks must stay the same")
	}
	return nil
}
