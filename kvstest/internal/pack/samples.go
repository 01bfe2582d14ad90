// Samples: the frames of a stored fragment as the timed samples of one track, shared by the MP4
// and MPEG-TS packagers.

package pack

import (
	"encoding/binary"
	"math"
	"slices"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/mkv"
)

// Sample is one frame of a track, timed in the track's timescale from a timeline's origin.
type Sample struct {
	DTS  int64  // decoding time
	Dur  uint32 // time until the next sample
	CTO  int32  // presentation time minus decoding time, never negative
	Sync bool   // a key frame
	Data []byte // length-prefixed NAL units for video, a raw frame for audio
	Size int    // the length of Data, kept when a progressive MP4 drops the data until it writes it
}

// PTS returns the presentation time of the sample.
func (s Sample) PTS() int64 { return s.DTS + int64(s.CTO) }

// Units converts a duration to the track's timescale, rounding.
func (t *Track) Units(d time.Duration) int64 {
	return int64(math.Round(d.Seconds() * float64(t.Timescale)))
}

// Samples returns the samples of track t among frames, the frames of one fragment whose
// cluster timecode is timecode, in units of scale nanoseconds; start is the media time of that
// timecode.
// Matroska stores presentation times in decoding order: decoding times are the presentation
// times sorted, moved earlier as much as reordering needs. Each sample lasts until the next;
// the last lasts as long as the one before it (a whole frame for audio).
func Samples(t *Track, frames []store.Frame, timecode int64, scale uint64, start time.Duration) []Sample {
	var out []Sample
	for _, fr := range frames {
		if fr.Track != t.Number {
			continue
		}
		pts := t.Units(start + mkv.Timestamp(fr.Timecode-timecode, scale))
		out = append(out, Sample{DTS: pts, Sync: fr.Keyframe || !t.Video(), Data: fr.Data, Size: len(fr.Data)})
	}
	if len(out) == 0 {
		return nil
	}
	if t.Video() {
		decodeOrder(out)
	} else {
		t.audioTiming(out)
	}
	return out
}

// decodeOrder sets the decoding times, composition offsets and durations of video samples
// whose dts holds their presentation time.
func decodeOrder(s []Sample) {
	pts := make([]int64, len(s))
	for i := range s {
		pts[i] = s[i].DTS
	}
	sorted := slices.Clone(pts)
	slices.Sort(sorted)
	var shift int64
	for i := range s {
		shift = max(shift, sorted[i]-pts[i])
	}
	for i := range s {
		s[i].DTS = sorted[i] - shift
		s[i].CTO = int32(pts[i] - s[i].DTS)
	}
	for i := 0; i+1 < len(s); i++ {
		s[i].Dur = uint32(s[i+1].DTS - s[i].DTS)
	}
	last := &s[len(s)-1]
	switch {
	case len(s) > 1:
		last.Dur = s[len(s)-2].Dur
	default:
		last.Dur = VideoTimescale / 30
	}
}

// audioTiming gives audio samples the duration of their content (1024 samples per AAC frame,
// one per byte and channel of G.711) and makes contiguous frames follow each other exactly, the
// stored millisecond times being rounded.
func (t *Track) audioTiming(s []Sample) {
	tolerance := int64(t.Timescale / 100) // 10 ms
	for i := range s {
		switch t.Codec {
		case CodecAAC:
			s[i].Dur = mkv.AACSamplesPerFrame
		default:
			s[i].Dur = uint32(s[i].Size / max(1, int(t.wave.Channels)))
		}
		if i > 0 {
			if end := s[i-1].DTS + int64(s[i-1].Dur); abs(s[i].DTS-end) <= tolerance {
				s[i].DTS = end
			}
		}
	}
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// Span returns the time the samples cover, in the track's timescale.
func Span(s []Sample) int64 {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1].DTS + int64(s[len(s)-1].Dur) - s[0].DTS
}

// ValidFrame reports whether a video frame is a sequence of NAL units with 4-byte lengths, as
// the tracks' codec private data announces; audio frames are not inspected.
func (t *Track) ValidFrame(data []byte) bool {
	if !t.Video() {
		return len(data) > 0
	}
	for len(data) > 0 {
		if len(data) < 4 {
			return false
		}
		n := binary.BigEndian.Uint32(data)
		if n == 0 || uint64(n) > uint64(len(data)-4) {
			return false
		}
		data = data[4+n:]
	}
	return true
}
