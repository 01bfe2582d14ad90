package archived

import (
	"fmt"
	"io"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"

	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// mp4Sink writes fragmented MP4: the init segment at the first fragment, then one moof and
// mdat per fragment. Each fragment is written when the next one arrives, as the duration of its
// last sample of each track is the distance to the next fragment's first.
type mp4Sink struct {
	w       io.Writer
	tracks  []mp4Track
	byNum   map[uint64]int
	pending *media.Fragment
	seq     uint32
	origin  time.Duration // the timestamp that is decode time 0
}

// mp4Track is one track of an MP4 export.
type mp4Track struct {
	id        uint32
	timescale uint32
	last      time.Duration // the duration of the track's last sample, for the end of the file
}

func newMP4Sink(w io.Writer, tracks []mkv.TrackEntry) (*mp4Sink, error) {
	init := mp4.CreateEmptyInit()
	s := &mp4Sink{w: w, byNum: make(map[uint64]int), origin: -1}
	for _, t := range tracks {
		var trak *mp4.TrakBox
		var last time.Duration
		switch t.CodecID {
		case mkv.CodecIDH264:
			cfg, err := mkv.ParseAVCDecoderConfig(t.CodecPrivate)
			if err != nil {
				return nil, fmt.Errorf("track %d: the H.264 configuration: %w", t.Number, err)
			}
			trak = init.AddEmptyTrack(90000, "video", "und")
			if err := trak.SetAVCDescriptor("avc1", cfg.SPS, cfg.PPS, true); err != nil {
				return nil, fmt.Errorf("track %d: %w", t.Number, err)
			}
			last = time.Second / 30
		case mkv.CodecIDAAC:
			cfg, err := mkv.ParseAudioSpecificConfig(t.CodecPrivate)
			if err != nil {
				return nil, fmt.Errorf("track %d: the AAC configuration: %w", t.Number, err)
			}
			trak = init.AddEmptyTrack(uint32(cfg.SampleRate), "audio", "und")
			if err := trak.SetAACDescriptor(cfg.ObjectType, cfg.SampleRate); err != nil {
				return nil, fmt.Errorf("track %d: %w", t.Number, err)
			}
			last = cfg.FrameDuration()
		default:
			return nil, fmt.Errorf("track %d is %s: an MP4 export takes H.264 and AAC tracks (export MKV instead)", t.Number, t.CodecID)
		}
		s.byNum[t.Number] = len(s.tracks)
		s.tracks = append(s.tracks, mp4Track{id: trak.Tkhd.TrackID, timescale: trak.Mdia.Mdhd.Timescale, last: last})
	}
	if err := init.Encode(w); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *mp4Sink) fragment(f *media.Fragment) error {
	if s.pending != nil {
		if err := s.emit(s.pending, f); err != nil {
			return err
		}
	}
	s.pending = f
	return nil
}

func (s *mp4Sink) close() error {
	if s.pending == nil {
		return nil
	}
	return s.emit(s.pending, nil)
}

// emit writes fragment f; next, when there is one, gives the end of its last samples.
func (s *mp4Sink) emit(f, next *media.Fragment) error {
	if s.origin < 0 && len(f.Frames) > 0 {
		s.origin = f.Frames[0].Timestamp
		for _, fr := range f.Frames {
			s.origin = min(s.origin, fr.Timestamp)
		}
	}
	ids := make([]uint32, len(s.tracks))
	for i, t := range s.tracks {
		ids[i] = t.id
	}
	s.seq++
	frag, err := mp4.CreateMultiTrackFragment(s.seq, ids)
	if err != nil {
		return err
	}
	for i := range s.tracks {
		t := &s.tracks[i]
		var frames []media.Frame
		for _, fr := range f.Frames {
			if idx, ok := s.byNum[fr.Track]; ok && idx == i {
				frames = append(frames, fr)
			}
		}
		for j, fr := range frames {
			dur := t.last
			switch {
			case j+1 < len(frames):
				dur = frames[j+1].Timestamp - fr.Timestamp
			case next != nil:
				for _, n := range next.Frames {
					if n.Track == fr.Track {
						dur = n.Timestamp - fr.Timestamp
						break
					}
				}
			}
			if dur <= 0 {
				dur = t.last
			}
			t.last = dur
			flags := mp4.NonSyncSampleFlags
			if fr.Keyframe {
				flags = mp4.SyncSampleFlags
			}
			sample := mp4.FullSample{Sample: mp4.NewSample(flags, uint32(units(t, dur)), uint32(len(fr.Data)), 0),
				DecodeTime: units(t, fr.Timestamp-s.origin), Data: fr.Data}
			if err := frag.AddFullSampleToTrack(sample, t.id); err != nil {
				return err
			}
		}
	}
	return frag.Encode(s.w)
}

// units converts a duration (not negative) to the track's timescale, without overflow for
// ranges of years.
func units(t *mp4Track, d time.Duration) uint64 {
	if d < 0 {
		d = 0
	}
	sec, rest := uint64(d/time.Second), uint64(d%time.Second)
	return sec*uint64(t.timescale) + rest*uint64(t.timescale)/uint64(time.Second)
}
