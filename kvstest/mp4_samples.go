// Samples: the frames of a stored fragment as the timed samples of one track, shared by the MP4
// and MPEG-TS packagers.

package kvstest

import (
	"encoding/binary"
	"math"
	"slices"
	"time"

	"github.com/kvsgo/sdk/mkv"
)

// sample is one frame of a track, timed in the track's timescale from a timeline's origin.
type sample struct {
	dts  int64  // decoding time
	dur  uint32 // time until the next sample
	cto  int32  // presentation time minus decoding time, never negative
	sync bool   // a key frame
	data []byte // length-prefixed NAL units for video, a raw frame for audio
	size int    // the length of data, kept when a progressive MP4 drops the data until it writes it
}

// pts returns the presentation time of the sample.
func (s sample) pts() int64 { return s.dts + int64(s.cto) }

// units converts a duration to the track's timescale, rounding.
func (t *mediaTrack) units(d time.Duration) int64 {
	return int64(math.Round(d.Seconds() * float64(t.timescale)))
}

// trackSamples returns the samples of track t in fragment f (whose frames are frames), timed on
// clock k from origin.
// Matroska stores presentation times in decoding order: decoding times are the presentation
// times sorted, moved earlier as much as reordering needs. Each sample lasts until the next;
// the last lasts as long as the one before it (a whole frame for audio).
func trackSamples(f *storedFragment, frames []storedFrame, t *mediaTrack, k clock, origin time.Time) []sample {
	base := k.start(f).Sub(origin)
	var out []sample
	for _, fr := range frames {
		if fr.Track != t.number {
			continue
		}
		pts := t.units(base + mkv.Timestamp(fr.Timecode-f.Timecode, f.TimecodeScale))
		out = append(out, sample{dts: pts, sync: fr.Keyframe || !t.video(), data: fr.Data, size: len(fr.Data)})
	}
	if len(out) == 0 {
		return nil
	}
	if t.video() {
		decodeOrder(out)
	} else {
		t.audioTiming(out)
	}
	return out
}

// decodeOrder sets the decoding times, composition offsets and durations of video samples
// whose dts holds their presentation time.
func decodeOrder(s []sample) {
	pts := make([]int64, len(s))
	for i := range s {
		pts[i] = s[i].dts
	}
	sorted := slices.Clone(pts)
	slices.Sort(sorted)
	var shift int64
	for i := range s {
		shift = max(shift, sorted[i]-pts[i])
	}
	for i := range s {
		s[i].dts = sorted[i] - shift
		s[i].cto = int32(pts[i] - s[i].dts)
	}
	for i := 0; i+1 < len(s); i++ {
		s[i].dur = uint32(s[i+1].dts - s[i].dts)
	}
	last := &s[len(s)-1]
	switch {
	case len(s) > 1:
		last.dur = s[len(s)-2].dur
	default:
		last.dur = videoTimescale / 30
	}
}

// audioTiming gives audio samples the duration of their content (1024 samples per AAC frame,
// one per byte and channel of G.711) and makes contiguous frames follow each other exactly, the
// stored millisecond times being rounded.
func (t *mediaTrack) audioTiming(s []sample) {
	tolerance := int64(t.timescale / 100) // 10 ms
	for i := range s {
		switch t.codec {
		case codecAAC:
			s[i].dur = mkv.AACSamplesPerFrame
		default:
			s[i].dur = uint32(s[i].size / max(1, int(t.wave.Channels)))
		}
		if i > 0 {
			if end := s[i-1].dts + int64(s[i-1].dur); abs(s[i].dts-end) <= tolerance {
				s[i].dts = end
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

// timeline places fragments on a media timeline from time 0, in their order, so that media
// times never go back: players drop what does.
type timeline struct {
	frags  []*storedFragment
	starts []time.Duration
	ends   []time.Duration
	k      clock
}

// newTimeline lays fragments end to end, each starting where the one before ended (by
// fragmentLength: the video's), so that gaps and overlaps between fragments disappear. Clips
// and DASH manifests, which cannot show discontinuities, use it.
func newTimeline(frags []*storedFragment, k clock) timeline {
	return placeFragments(frags, k, fragmentLength, func(*storedFragment) time.Duration { return 0 })
}

// newClockTimeline places each fragment at its start on clock k, measured from origin, or where
// the one before ended (by fragmentSpan: its longest track's) when that is later. HLS uses it:
// a gap stays a gap, and a fragment that overlaps the one before (as fragments received faster
// than real time do on the server's clock) is moved after it, the discontinuity the playlist
// marks there telling players so.
func newClockTimeline(frags []*storedFragment, k clock, origin time.Time) timeline {
	return placeFragments(frags, k, fragmentSpan, func(f *storedFragment) time.Duration { return k.start(f).Sub(origin) })
}

// placeFragments starts each fragment at the later of the end of the one before and at(it); a
// fragment lasts length(it).
func placeFragments(frags []*storedFragment, k clock, length, at func(*storedFragment) time.Duration) timeline {
	tl := timeline{frags: frags, starts: make([]time.Duration, len(frags)), ends: make([]time.Duration, len(frags)), k: k}
	var end time.Duration
	for i, f := range frags {
		tl.starts[i] = max(end, at(f))
		end = tl.starts[i] + length(f)
		tl.ends[i] = end
	}
	return tl
}

// samples returns the samples of track t in fragment i (whose frames are frames), timed on the
// timeline.
func (tl timeline) samples(i int, frames []storedFrame, t *mediaTrack) []sample {
	f := tl.frags[i]
	return trackSamples(f, frames, t, tl.k, tl.k.start(f).Add(-tl.starts[i]))
}

// span returns the time the samples cover, in the track's timescale.
func span(s []sample) int64 {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1].dts + int64(s[len(s)-1].dur) - s[0].dts
}

// validFrame reports whether a video frame is a sequence of NAL units with 4-byte lengths, as
// the tracks' codec private data announces; audio frames are not inspected.
func (t *mediaTrack) validFrame(data []byte) bool {
	if !t.video() {
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
