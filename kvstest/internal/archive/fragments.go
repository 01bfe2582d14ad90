// Archived media: listing stored fragments and serving their media, read from what PutMedia
// stored (internal/mediaapi). The other archived-media operations are in clip.go, hls.go, dash.go,
// sessions.go and images.go.

package archive

import (
	"math/rand/v2"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

func init() {
	route("/listFragments", "ListFragments", http.MethodPost, (*Service).listFragments)
	route("/getMediaForFragmentList", "GetMediaForFragmentList", http.MethodPost, (*Service).getMediaForFragmentList)
}

// The page sizes of ListFragments.
const (
	defaultListFragments = 100
	maxListFragments     = 1000
)

// archivedStream decodes the input of an archived-media call (a pointer to an input struct with
// StreamName and StreamARN members) and finds its ACTIVE stream. Retention is required by the
// operations that package media (NoDataRetentionException).
func archivedStream(s *Service, c *serve.Call, in any, needRetention bool) (*mediaapi.Stream, time.Time, bool) {
	if !c.Decode(in) {
		return nil, time.Time{}, false
	}
	v := reflect.ValueOf(in).Elem()
	now := s.cfg.State.Lock()
	st, e := s.cfg.State.FindStream(v.FieldByName("StreamName").String(), v.FieldByName("StreamARN").String())
	if e == nil && st.Status(now) != "ACTIVE" {
		e = apierr.StreamNotFound()
	}
	if e == nil && needRetention && st.Retention == 0 {
		e = apierr.NoDataRetention("The stream %s keeps no data (a retention of 0 hours); the operation needs stored media.", st.Name)
	}
	s.cfg.State.Unlock()
	if e != nil {
		c.Fail(e)
		return nil, time.Time{}, false
	}
	return st, now, true
}

// clock is the timestamps of stored fragments a selector reads: the producer's or the server's.
type clock bool

const (
	serverClock   clock = false
	producerClock clock = true
)

func clockOf(t archived.FragmentSelectorType) clock {
	return clock(t == archived.FragmentSelectorTypeProducerTimestamp)
}

// start returns the start of f on the clock.
func (k clock) start(f *mediaapi.Fragment) time.Time {
	if k == producerClock {
		return f.ProducerTimestamp
	}
	return f.ServerTimestamp
}

// inRange returns the fragments that start within [from, to] on clock k, in their order.
func inRange(frags []*mediaapi.Fragment, k clock, from, to time.Time) []*mediaapi.Fragment {
	var out []*mediaapi.Fragment
	for _, f := range frags {
		if t := k.start(f); !t.Before(from) && !t.After(to) {
			out = append(out, f)
		}
	}
	return out
}

// byStart orders fragments by their start on clock k, then by number.
func byStart(frags []*mediaapi.Fragment, k clock) {
	slices.SortStableFunc(frags, func(a, b *mediaapi.Fragment) int {
		if c := k.start(a).Compare(k.start(b)); c != 0 {
			return c
		}
		return media.CompareFragmentNumbers(a.Number, b.Number)
	})
}

// dedupeProducer keeps one fragment per producer timestamp, the oldest or the newest ingested,
// in the order of frags.
func dedupeProducer(frags []*mediaapi.Fragment, keepNewest bool) []*mediaapi.Fragment {
	chosen := map[int64]*mediaapi.Fragment{}
	for _, f := range frags {
		key := f.ProducerTimestamp.UnixMilli()
		if cur, ok := chosen[key]; !ok || keepNewest == (media.CompareFragmentNumbers(f.Number, cur.Number) > 0) {
			chosen[key] = f
		}
	}
	out := frags[:0:0]
	for _, f := range frags {
		if chosen[f.ProducerTimestamp.UnixMilli()] == f {
			out = append(out, f)
		}
	}
	return out
}

// fragmentLength is the playback length of a fragment: that of its first video track (or of its
// longest track when it has no video).
func fragmentLength(f *mediaapi.Fragment) time.Duration {
	play, _ := trackLengths(f)
	return play
}

// fragmentSpan is the time a fragment covers: that of its longest track. Audio may run a few
// milliseconds past the video.
func fragmentSpan(f *mediaapi.Fragment) time.Duration {
	_, longest := trackLengths(f)
	return longest
}

// trackLengths returns the length of the first video track of f (of its longest track when it
// has no video) and of its longest track, from the fragment's start (its cluster timecode, or
// the track's first frame when that is earlier) to the end of the track's last frame, each
// frame lasting as long as the track's mean frame interval.
func trackLengths(f *mediaapi.Fragment) (play, longest time.Duration) {
	var video time.Duration
	haveVideo := false
	for i, t := range f.Tracks {
		ts := f.Stats.Track(i)
		first, last, n := ts.First, ts.Last, ts.Frames
		length := mkv.Timestamp(last-min(first, f.Timecode), f.TimecodeScale)
		if n > 1 {
			length += mkv.Timestamp(last-first, f.TimecodeScale) / time.Duration(n-1)
		}
		if t.Type == mkv.TrackVideo && !haveVideo {
			video, haveVideo = length, true
		}
		longest = max(longest, length)
	}
	if haveVideo {
		return video, longest
	}
	return longest, longest
}

// listFragments answers ListFragments: the kept fragments whose start on the selector's clock
// falls in its range, paged by fragment number. Each page is shuffled, as the service promises
// no order.
func (s *Service) listFragments(c *serve.Call) {
	in := new(archived.ListFragmentsInput)
	st, _, ok := archivedStream(s, c, in, false)
	if !ok {
		return
	}
	sel, after, e := s.fragmentListing(in)
	if e != nil {
		c.Fail(e)
		return
	}
	r := sel.TimestampRange
	matched := inRange(st.Media.Snapshot(), clockOf(sel.FragmentSelectorType), r.StartTimestamp, r.EndTimestamp)
	start := 0
	if after != "" {
		start = mediaapi.IndexAfter(matched, after)
	}
	limit := defaultListFragments
	if in.MaxResults != nil {
		limit = int(min(*in.MaxResults, maxListFragments))
	}
	page := matched[start:min(len(matched), start+limit)]
	out := &archived.ListFragmentsOutput{Fragments: make([]archived.Fragment, 0, len(page))}
	for _, f := range page {
		out.Fragments = append(out.Fragments, archived.Fragment{
			FragmentNumber: f.Number, FragmentSizeInBytes: mediaapi.DocumentSize(f), ProducerTimestamp: f.ProducerTimestamp,
			ServerTimestamp: f.ServerTimestamp, FragmentLengthInMilliseconds: fragmentLength(f).Milliseconds(),
		})
	}
	rand.Shuffle(len(out.Fragments), func(i, j int) { out.Fragments[i], out.Fragments[j] = out.Fragments[j], out.Fragments[i] })
	if start+limit < len(matched) {
		out.NextToken = s.cfg.State.PageToken("ListFragments", encodeListing(sel, page[len(page)-1].Number))
	}
	c.Reply(out)
}

// fragmentListing returns the selector of a ListFragments call and the number after which its
// page starts: from its NextToken (which carries both) or from its FragmentSelector.
func (s *Service) fragmentListing(in *archived.ListFragmentsInput) (archived.FragmentSelector, string, *apierr.Error) {
	if in.NextToken == "" {
		if in.FragmentSelector == (archived.FragmentSelector{}) {
			return archived.FragmentSelector{}, "", apierr.InvalidArgument("FragmentSelector is required when there is no NextToken.")
		}
		return in.FragmentSelector, "", nil
	}
	last, e := s.cfg.State.ResumeAfter("ListFragments", in.NextToken)
	if e != nil {
		return archived.FragmentSelector{}, "", e
	}
	sel, after, ok := decodeListing(last)
	if !ok {
		return archived.FragmentSelector{}, "", apierr.InvalidArgument("The NextToken %q is not valid.", in.NextToken)
	}
	return sel, after, nil
}

// encodeListing and decodeListing carry a listing's selector and its last fragment number in a
// page token: "type start end number", times in Unix milliseconds.
func encodeListing(sel archived.FragmentSelector, last string) string {
	r := sel.TimestampRange
	return strings.Join([]string{string(sel.FragmentSelectorType), strconv.FormatInt(r.StartTimestamp.UnixMilli(), 10),
		strconv.FormatInt(r.EndTimestamp.UnixMilli(), 10), last}, " ")
}

func decodeListing(s string) (archived.FragmentSelector, string, bool) {
	parts := strings.Split(s, " ")
	if len(parts) != 4 {
		return archived.FragmentSelector{}, "", false
	}
	from, err1 := strconv.ParseInt(parts[1], 10, 64)
	to, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return archived.FragmentSelector{}, "", false
	}
	return archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorType(parts[0]),
		TimestampRange: archived.TimestampRange{StartTimestamp: time.UnixMilli(from).UTC(), EndTimestamp: time.UnixMilli(to).UTC()}}, parts[3], true
}

// getMediaForFragmentList answers GetMediaForFragmentList: the document of each listed
// fragment, in the order listed, in the format of GetMedia with the fragment-list tags; a
// fragment that is not kept comes as a document carrying its number and the error.
func (s *Service) getMediaForFragmentList(c *serve.Call) {
	in := new(archived.GetMediaForFragmentListInput)
	st, _, ok := archivedStream(s, c, in, false)
	if !ok {
		return
	}
	frags := st.Media.Snapshot()
	out := mediaapi.NewWriter(c.W, 0, 0)
	c.W.Header().Set("Content-Type", "video/webm")
	c.W.WriteHeader(http.StatusOK)
	var buf []byte
	for _, n := range in.Fragments {
		i := mediaapi.IndexOf(frags, n)
		if i < 0 {
			out.Send(mediaapi.AppendErrorDocument(buf[:0], mediaapi.FragmentListTags, n, mediaapi.FragmentNotFound, "Requested fragment is not found"))
			continue
		}
		f := frags[i]
		var more bool
		buf, more = s.cfg.Media.WriteStored("GetMediaForFragmentList", out, f, mediaapi.AppendDocumentStart(buf[:0], f, mediaapi.FragmentListTags), 0, true, mediaapi.FragmentListTags, nil)
		if !more || c.R.Context().Err() != nil {
			break
		}
	}
	out.Finish()
}
