// What the serving code needs of a fragment's frames without reading them, computed once from
// the frames when the fragment is stored and kept in its index record.

package store

import "github.com/kvsgo/sdk/mkv"

// Stats are the figures of a fragment's frames: their number and time span, overall and per
// track, and their size as SimpleBlocks. Put computes them from the frames; Index returns them,
// so that a restarted server knows its fragments without reading their frames.
type Stats struct {
	Frames      int          // frames in the fragment
	First, Last int64        // the earliest and latest frame timecode, in TimecodeScale units
	Tracks      []TrackStats // by index in the fragment's Tracks; nil when Frames is 0
	BlockBytes  int64        // the frames as SimpleBlock elements of a Matroska document
}

// TrackStats are the figures of one track's frames in a fragment.
type TrackStats struct {
	Frames      int   // the track's frames in the fragment
	First, Last int64 // their earliest and latest timecode, in TimecodeScale units
}

// Add counts frame fr of a fragment whose tracks are tracks.
func (st *Stats) Add(tracks []mkv.TrackEntry, fr Frame) {
	if st.Frames == 0 {
		st.First, st.Last, st.Tracks = fr.Timecode, fr.Timecode, make([]TrackStats, len(tracks))
	}
	st.Frames++
	st.First, st.Last = min(st.First, fr.Timecode), max(st.Last, fr.Timecode)
	for i, t := range tracks {
		if t.Number != fr.Track {
			continue
		}
		ts := &st.Tracks[i]
		if ts.Frames == 0 {
			ts.First, ts.Last = fr.Timecode, fr.Timecode
		}
		ts.Frames++
		ts.First, ts.Last = min(ts.First, fr.Timecode), max(ts.Last, fr.Timecode)
	}
	body := int64(len(fr.Data)) + 4 // track number, relative timecode, flags
	st.BlockBytes += 1 + ebmlSizeLength(body) + body
}

// Track returns the figures of the i-th track of the fragment (zero for a track without frames).
func (st *Stats) Track(i int) TrackStats {
	if i >= 0 && i < len(st.Tracks) {
		return st.Tracks[i]
	}
	return TrackStats{}
}

// statsOf computes f's Stats from its frames.
func statsOf(f *Fragment) Stats {
	var st Stats
	for _, fr := range f.Frames {
		st.Add(f.Tracks, fr)
	}
	return st
}

// ebmlSizeLength is the length of the EBML size of an element of n bytes.
func ebmlSizeLength(n int64) int64 {
	l := int64(1)
	for n >= 1<<(7*l)-1 && l < 8 {
		l++
	}
	return l
}
