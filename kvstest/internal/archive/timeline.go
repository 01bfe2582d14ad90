// The media timeline of archived playback: where the fragments of a clip or session sit, and
// their frames as samples on it.

package archive

import (
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/pack"
)

// trackSamples returns the samples of track t in fragment f (whose frames are frames), timed on
// clock k from origin.
func trackSamples(f *mediaapi.Fragment, frames []mediaapi.Frame, t *pack.Track, k clock, origin time.Time) []pack.Sample {
	return pack.Samples(t, frames, f.Timecode, f.TimecodeScale, k.start(f).Sub(origin))
}

// timeline places fragments on a media timeline from time 0, in their order, so that media
// times never go back: players drop what does.
type timeline struct {
	frags  []*mediaapi.Fragment
	starts []time.Duration
	ends   []time.Duration
	k      clock
}

// newTimeline lays fragments end to end, each starting where the one before ended (by
// fragmentLength: the video's), so that gaps and overlaps between fragments disappear. Clips
// and DASH manifests, which cannot show discontinuities, use it.
func newTimeline(frags []*mediaapi.Fragment, k clock) timeline {
	return placeFragments(frags, k, fragmentLength, func(*mediaapi.Fragment) time.Duration { return 0 })
}

// newClockTimeline places each fragment at its start on clock k, measured from origin, or where
// the one before ended (by fragmentSpan: its longest track's) when that is later. HLS uses it:
// a gap stays a gap, and a fragment that overlaps the one before (as fragments received faster
// than real time do on the server's clock) is moved after it, the discontinuity the playlist
// marks there telling players so.
func newClockTimeline(frags []*mediaapi.Fragment, k clock, origin time.Time) timeline {
	return placeFragments(frags, k, fragmentSpan, func(f *mediaapi.Fragment) time.Duration { return k.start(f).Sub(origin) })
}

// placeFragments starts each fragment at the later of the end of the one before and at(it); a
// fragment lasts length(it).
func placeFragments(frags []*mediaapi.Fragment, k clock, length, at func(*mediaapi.Fragment) time.Duration) timeline {
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
func (tl timeline) samples(i int, frames []mediaapi.Frame, t *pack.Track) []pack.Sample {
	f := tl.frags[i]
	return trackSamples(f, frames, t, tl.k, tl.k.start(f).Add(-tl.starts[i]))
}
