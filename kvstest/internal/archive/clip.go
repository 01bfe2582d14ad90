// GetClip: the stored fragments of a time range as one progressive MP4 file.

package archive

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/pack"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/mkv"
)

func init() {
	route("/getClip", "GetClip", http.MethodPost, (*Service).getClip)
}

var clipPackaging = pack.Packaging{API: "GetClip", G711: true}

// getClip answers GetClip: the fragments that start in the range (one per producer timestamp,
// the oldest ingested), cut after ClipMaxFragments fragments or ClipMaxBytes bytes of media,
// laid end to end in an MP4 file.
func (s *Service) getClip(c *serve.Call) {
	in := new(archived.GetClipInput)
	st, now, ok := archivedStream(s, c, in, true)
	if !ok {
		return
	}
	sel := in.ClipFragmentSelector
	r := sel.TimestampRange
	k := clockOf(sel.FragmentSelectorType)
	if e := checkRange(r.StartTimestamp, r.EndTimestamp, k, now); e != nil {
		c.Fail(e)
		return
	}
	frags := dedupeProducer(inRange(st.Media.Snapshot(), k, r.StartTimestamp, r.EndTimestamp), false)
	byStart(frags, k)
	if len(frags) == 0 {
		c.Fail(errNoFragments())
		return
	}
	frags = s.clipCut(frags)
	tracks, e := clipPackaging.DescribeTracks(frags[0].Tracks)
	if e != nil {
		c.Fail(e)
		return
	}
	tl := newTimeline(frags, k)
	samplesOf := func(i int) ([][]pack.Sample, *apierr.Error) {
		f := frags[i]
		frames, err := f.LoadFrames()
		if err != nil {
			return nil, s.cfg.Media.ReadError("GetClip", f, err)
		}
		if e := checkFragment(clipPackaging, tracks, f, frames); e != nil {
			return nil, e
		}
		out := make([][]pack.Sample, len(tracks))
		for j := range tracks {
			out[j] = tl.samples(i, frames, &tracks[j])
		}
		return out, nil
	}
	// The file is laid out from the samples' times and sizes, and their data read again, a
	// fragment at a time, as it is written.
	chunks := make([][][]pack.Sample, len(frags))
	for i := range frags {
		if chunks[i], e = samplesOf(i); e != nil {
			c.Fail(e)
			return
		}
		for _, track := range chunks[i] {
			for k := range track {
				track[k].Data = nil
			}
		}
	}
	mp4, err := pack.NewProgressiveMP4(tracks, chunks)
	if err != nil {
		c.Fail(apierr.Internal(err))
		return
	}
	h := c.W.Header()
	h.Set("Content-Type", "video/mp4")
	h.Set("Content-Length", strconv.FormatInt(mp4.Size(), 10))
	c.W.WriteHeader(http.StatusOK)
	err = mp4.Write(c.W, func(i int) ([][]pack.Sample, error) {
		chunk, e := samplesOf(i)
		if e != nil {
			return nil, e
		}
		return chunk, nil
	})
	if err != nil {
		// The headers are out: the connection is dropped, so that the file is not taken for whole.
		s.logf("kvstest: GetClip: the clip was cut after its headers: %v", err)
		panic(http.ErrAbortHandler)
	}
}

// clipCut keeps the fragments a clip holds: the first ClipMaxFragments, and no more media than
// ClipMaxBytes (always at least one fragment).
func (s *Service) clipCut(frags []*mediaapi.Fragment) []*mediaapi.Fragment {
	lim := s.cfg.Limits
	var size int64
	for i, f := range frags {
		size += f.Size
		if i >= lim.ClipMaxFragments || (i > 0 && size > lim.ClipMaxBytes) {
			return frags[:i]
		}
	}
	return frags
}

// checkFragment checks that fragment f has the tracks described (the same codec private data)
// and frames (its frames) they can parse.
func checkFragment(p pack.Packaging, tracks []pack.Track, f *mediaapi.Fragment, frames []mediaapi.Frame) *apierr.Error {
	first := make([]mkv.TrackEntry, len(tracks))
	for i := range tracks {
		first[i] = tracks[i].Entry
	}
	if !pack.SameTracks(first, f.Tracks) {
		if len(f.Tracks) != len(first) {
			return pack.UnsupportedMedia("The tracks change within the requested media (fragment %s); %s needs the same tracks throughout.", f.Number, p.API)
		}
		return pack.InvalidCodecPrivateData("The codec private data changes within the requested media (fragment %s); %s needs the same throughout.", f.Number, p.API)
	}
	for _, fr := range frames {
		for i := range tracks {
			if tracks[i].Number == fr.Track && !tracks[i].ValidFrame(fr.Data) {
				return apierr.New(http.StatusBadRequest, "InvalidMediaFrameException",
					"A frame of track %d in fragment %s cannot be parsed as %s.", fr.Track, f.Number, tracks[i].Entry.CodecID)
			}
		}
	}
	return nil
}

// checkRange applies the rules of a range of fragment start times: the end after the start and
// within 24 hours of it, and, on the server's clock, not in the future.
func checkRange(start, end time.Time, k clock, now time.Time) *apierr.Error {
	switch {
	case !end.After(start):
		return apierr.InvalidArgument("EndTimestamp must be later than StartTimestamp.")
	case end.Sub(start) > archived.MaxSessionRange:
		return apierr.InvalidArgument("EndTimestamp must be within 24 hours of StartTimestamp.")
	case k == serverClock && end.After(now):
		return apierr.InvalidArgument("EndTimestamp must be in the past when FragmentSelectorType is SERVER_TIMESTAMP.")
	}
	return nil
}

// errNoFragments is the answer to a range without fragments.
func errNoFragments() *apierr.Error {
	return apierr.New(http.StatusNotFound, "ResourceNotFoundException", "No fragments were found in the requested time range.")
}
