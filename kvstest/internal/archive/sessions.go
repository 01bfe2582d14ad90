// HLS and DASH streaming sessions: GetHLSStreamingSessionURL and GetDASHStreamingSessionURL
// create them, and the playback resources (hls.go, dash.go) find them by the session token in
// their URL. A stream keeps at most MaxSessions sessions of each kind; a new one closes the
// oldest. Sessions expire after their Expires seconds on the server's clock.

package archive

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/pack"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
)

func init() {
	route("/getHLSStreamingSessionURL", "GetHLSStreamingSessionURL", http.MethodPost, (*Service).getHLSStreamingSessionURL)
	route("/getDASHStreamingSessionURL", "GetDASHStreamingSessionURL", http.MethodPost, (*Service).getDASHStreamingSessionURL)
}

// sessionKind is HLS or DASH.
type sessionKind uint8

const (
	hlsSession sessionKind = iota
	dashSession
)

func (k sessionKind) String() string { return [...]string{"HLS", "DASH"}[k] }

// The defaults of sessions, and how recent a fragment must be for a LIVE session.
const (
	defaultSessionExpiry   = 300 * time.Second
	defaultLiveFragments   = 5
	defaultOnDemandResults = 1000
	liveWindow             = 30 * time.Second
	timelineMargin         = 10 * time.Second // media times start this long after a session's origin
)

// playbackSession is one HLS or DASH session.
type playbackSession struct {
	id        string
	kind      sessionKind
	created   time.Time
	expires   time.Time
	mode      archived.PlaybackMode
	clock     clock
	from, to  time.Time // the range; to is zero when open
	max       int       // fragments per playlist or manifest
	firstLive string    // LIVE: the number of the first fragment the session plays
	origin    time.Time // time zero of the HLS media timeline
	container archived.ContainerFormat
	breaks    archived.DiscontinuityMode
	showTime  bool // HLS EXT-X-PROGRAM-DATE-TIME, DASH kvs:ts
	showNum   bool // DASH kvs:fn
}

// sessionTable holds a stream's active sessions of each kind, oldest first. It is guarded by
// sessionTables.mu.
type sessionTable struct {
	active [2][]*playbackSession
}

// sessionTables holds the session tables of the streams, by the stream's media (a stream
// created again under the same name has other media, and so none of the old stream's sessions).
type sessionTables struct {
	mu       sync.Mutex
	byStream map[*mediaapi.Media]*sessionTable
}

// add records session p of the stream whose media is m, closing the oldest of its kind beyond
// limit, and forgets the tables whose sessions have all expired (those of deleted streams too).
func (ts *sessionTables) add(m *mediaapi.Media, p *playbackSession, limit int) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.byStream == nil {
		ts.byStream = map[*mediaapi.Media]*sessionTable{}
	}
	for key, t := range ts.byStream {
		if key != m && t.expired(p.created) {
			delete(ts.byStream, key)
		}
	}
	t := ts.byStream[m]
	if t == nil {
		t = &sessionTable{}
		ts.byStream[m] = t
	}
	t.add(p, limit)
}

// find returns the active session id of kind k of the stream whose media is m.
func (ts *sessionTables) find(m *mediaapi.Media, k sessionKind, id string) *playbackSession {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t := ts.byStream[m]; t != nil {
		return t.find(k, id)
	}
	return nil
}

// expired reports whether every session of t has expired at now.
func (t *sessionTable) expired(now time.Time) bool {
	for _, list := range t.active {
		for _, p := range list {
			if !now.After(p.expires) {
				return false
			}
		}
	}
	return true
}

// add records p, forgets the sessions that expired, and closes the oldest beyond limit.
func (t *sessionTable) add(p *playbackSession, limit int) {
	var list []*playbackSession
	for _, q := range t.active[p.kind] {
		if !p.created.After(q.expires) {
			list = append(list, q)
		}
	}
	list = append(list, p)
	if n := len(list) - limit; n > 0 {
		list = list[n:]
	}
	t.active[p.kind] = list
}

// find returns the active session id of kind k.
func (t *sessionTable) find(k sessionKind, id string) *playbackSession {
	for _, p := range t.active[k] {
		if p.id == id {
			return p
		}
	}
	return nil
}

// sessionRequest is what the two session operations have in common.
type sessionRequest struct {
	kind      sessionKind
	mode      archived.PlaybackMode
	selector  archived.StreamingFragmentSelector
	expires   *int32
	max       *int64
	packaging pack.Packaging
	options   func(*playbackSession) // sets the options of one kind only
}

func (s *Service) getHLSStreamingSessionURL(c *serve.Call) {
	in := new(archived.GetHLSStreamingSessionURLInput)
	st, now, ok := archivedStream(s, c, in, true)
	if !ok {
		return
	}
	p, e := s.newSession(st, now, sessionRequest{kind: hlsSession, mode: in.PlaybackMode, selector: in.HLSFragmentSelector,
		expires: in.Expires, max: in.MaxMediaPlaylistFragmentResults, packaging: pack.Packaging{API: "HLS"},
		options: func(p *playbackSession) {
			p.container, p.breaks, p.showTime = in.ContainerFormat, in.DiscontinuityMode, in.DisplayFragmentTimestamp == archived.DisplayAlways
			if p.container == "" {
				p.container = archived.ContainerFormatFragmentedMP4
			}
			if p.breaks == "" {
				p.breaks = archived.DiscontinuityModeAlways
				if p.clock == producerClock {
					p.breaks = archived.DiscontinuityModeNever
				}
			}
		}})
	if e != nil {
		c.Fail(e)
		return
	}
	c.Reply(&archived.GetHLSStreamingSessionURLOutput{HLSStreamingSessionURL: s.sessionURL(st, p, hlsMasterPath)})
}

func (s *Service) getDASHStreamingSessionURL(c *serve.Call) {
	in := new(archived.GetDASHStreamingSessionURLInput)
	st, now, ok := archivedStream(s, c, in, true)
	if !ok {
		return
	}
	p, e := s.newSession(st, now, sessionRequest{kind: dashSession, mode: in.PlaybackMode, selector: in.DASHFragmentSelector,
		expires: in.Expires, max: in.MaxManifestFragmentResults, packaging: pack.Packaging{API: "DASH", G711: true},
		options: func(p *playbackSession) {
			p.showTime, p.showNum = in.DisplayFragmentTimestamp == archived.DisplayAlways, in.DisplayFragmentNumber == archived.DisplayAlways
		}})
	if e != nil {
		c.Fail(e)
		return
	}
	c.Reply(&archived.GetDASHStreamingSessionURLOutput{DASHStreamingSessionURL: s.sessionURL(st, p, dashManifestPath)})
}

// newSession checks a session request against the stream's media and records the session.
func (s *Service) newSession(st *mediaapi.Stream, now time.Time, r sessionRequest) (*playbackSession, *apierr.Error) {
	p := &playbackSession{id: newSessionID(), kind: r.kind, created: now, mode: r.mode,
		clock: clockOf(r.selector.FragmentSelectorType), from: r.selector.TimestampRange.StartTimestamp,
		to: r.selector.TimestampRange.EndTimestamp}
	if p.mode == "" {
		p.mode = archived.PlaybackModeLive
	}
	expires := defaultSessionExpiry
	if r.expires != nil {
		expires = time.Duration(*r.expires) * time.Second
	}
	p.expires = now.Add(expires)
	p.max = defaultLiveFragments
	if p.mode == archived.PlaybackModeOnDemand {
		p.max = defaultOnDemandResults
	}
	if r.max != nil {
		p.max = int(*r.max)
	}
	if e := p.checkRange(now); e != nil {
		return nil, e
	}
	all := st.Media.Snapshot()
	if p.mode == archived.PlaybackModeLive {
		if len(all) == 0 || now.Sub(all[len(all)-1].ServerTimestamp) > liveWindow {
			return nil, apierr.New(http.StatusNotFound, "ResourceNotFoundException",
				"The stream has no fragment from the last %v to start a LIVE session with.", liveWindow)
		}
		p.firstLive = all[max(0, len(all)-p.max)].Number
	}
	frags := p.fragments(all)
	if len(frags) == 0 {
		return nil, errNoFragments()
	}
	if _, e := r.packaging.DescribeTracks(frags[0].Tracks); e != nil {
		return nil, e
	}
	p.origin = p.clock.start(frags[0]).Add(-timelineMargin)
	r.options(p)
	s.sessions.add(st.Media, p, s.cfg.Limits.MaxSessions)
	return p, nil
}

// checkRange applies the rules of the session's mode to its range.
func (p *playbackSession) checkRange(now time.Time) *apierr.Error {
	hasRange := !p.from.IsZero() || !p.to.IsZero()
	switch {
	case p.mode == archived.PlaybackModeLive && hasRange:
		return apierr.InvalidArgument("A TimestampRange cannot be given when PlaybackMode is LIVE.")
	case p.mode == archived.PlaybackModeOnDemand && (p.from.IsZero() || p.to.IsZero()):
		return apierr.InvalidArgument("PlaybackMode ON_DEMAND needs a TimestampRange with StartTimestamp and EndTimestamp.")
	case p.mode == archived.PlaybackModeLiveReplay && p.from.IsZero():
		return apierr.InvalidArgument("PlaybackMode LIVE_REPLAY needs a TimestampRange with a StartTimestamp.")
	case !p.to.IsZero():
		return checkRange(p.from, p.to, p.clock, now)
	}
	return nil
}

// fragments returns every fragment the session plays, from those stored, in playback order:
// the range's fragments by start time, or for LIVE the fragments from the first it played in
// the order they arrived. With producer timestamps, one fragment per timestamp is kept: the
// newest.
func (p *playbackSession) fragments(all []*mediaapi.Fragment) []*mediaapi.Fragment {
	var frags []*mediaapi.Fragment
	if p.mode == archived.PlaybackModeLive {
		frags = all[max(0, mediaapi.IndexOf(all, p.firstLive)):]
	} else {
		to := p.to
		if to.IsZero() {
			to = time.Unix(1<<40, 0)
		}
		frags = inRange(all, p.clock, p.from, to)
	}
	if p.clock == producerClock {
		frags = dedupeProducer(frags, true)
	}
	if p.mode != archived.PlaybackModeLive {
		byStart(frags, p.clock)
	}
	return frags
}

// window returns the part of frags a playlist or manifest shows at now, as indexes: the
// fragments [first, end) of the session, and whether no fragment will be added. ON_DEMAND shows
// the oldest max; LIVE the newest max; LIVE_REPLAY the newest max of those whose turn has come,
// one more each time the one before has had the time to play.
func (p *playbackSession) window(frags []*mediaapi.Fragment, now time.Time) (first, end int, ended bool) {
	switch p.mode {
	case archived.PlaybackModeOnDemand:
		return 0, min(len(frags), p.max), true
	case archived.PlaybackModeLiveReplay:
		elapsed := now.Sub(p.created)
		end = min(1, len(frags))
		for played := time.Duration(0); end < len(frags); end++ {
			played += fragmentLength(frags[end-1])
			if played > elapsed {
				break
			}
		}
		return max(0, end-p.max), end, !p.to.IsZero() && end == len(frags)
	}
	return max(0, len(frags)-p.max), len(frags), false
}

// newSessionID returns a random session ID.
func newSessionID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sessionURL returns the URL of a session's root resource (the master playlist or manifest).
func (s *Service) sessionURL(st *mediaapi.Stream, p *playbackSession, path string) string {
	return s.cfg.State.Endpoints.Archived + path + "?SessionToken=" + url.QueryEscape(s.sessionToken(p, st.ARN))
}
