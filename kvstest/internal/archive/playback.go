// The playback resources of HLS and DASH sessions: how a request finds its session and the
// session's fragments at the time of the request.

package archive

import (
	"net/http"
	"strings"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/pack"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/media"
)

// sessionRoute registers a playback resource of the data plane: a GET that the session token of
// its URL authorizes, instead of a signature.
func sessionRoute(path, op string, handle func(s *Service, v *sessionView)) {
	kind := hlsSession
	if strings.HasPrefix(path, dashPrefix) {
		kind = dashSession
	}
	routes = append(routes, Route{Path: path, Op: op, Method: http.MethodGet, SessionToken: true, Handle: func(s *Service, c *serve.Call) {
		if v, ok := s.openSession(c, kind); ok {
			handle(s, v)
		}
	}})
}

// sessionView is a playback request with its session, and the session's fragments now.
type sessionView struct {
	c       *serve.Call
	st      *mediaapi.Stream
	p       *playbackSession
	q       playbackQuery
	now     time.Time
	frags   []*mediaapi.Fragment // every fragment of the session so far
	first   int                  // the window shown now is frags[first:end]
	end     int
	ended   bool // no fragment will be added
	tracks  []pack.Track
	packing pack.Packaging
}

// openSession finds the session of a playback request and its fragments, or answers the
// request with the reason it cannot be served: a malformed query (InvalidArgumentException), a
// token that is forged, of the other kind, expired or of a closed session
// (NotAuthorizedException), a deleted stream (ResourceNotFoundException).
func (s *Service) openSession(c *serve.Call, kind sessionKind) (*sessionView, bool) {
	q, e := parsePlaybackQuery(c.R.URL.Query())
	if e != nil {
		c.Fail(e)
		return nil, false
	}
	claims, err := decodeSessionToken(s.cfg.State.PageKey(), q.token)
	if err != nil || claims.kind != kind {
		c.Fail(errNotAuthorized("The session token is not a valid %s session token.", kind))
		return nil, false
	}
	now := s.cfg.State.Lock()
	st, e := s.cfg.State.FindStream("", claims.arn)
	if e == nil && st.Status(now) != "ACTIVE" {
		e = apierr.StreamNotFound()
	}
	s.cfg.State.Unlock()
	switch {
	case e != nil:
		c.Fail(e)
		return nil, false
	case now.After(claims.expires):
		c.Fail(errNotAuthorized("The %s session expired at %s.", kind, claims.expires.Format(time.RFC3339)))
		return nil, false
	}
	p := s.sessions.find(st.Media, kind, claims.id)
	all := st.Media.Snapshot()
	if p == nil {
		c.Fail(errNotAuthorized("The %s session was closed: newer sessions of the stream took its place.", kind))
		return nil, false
	}
	v := &sessionView{c: c, st: st, p: p, q: q, now: now, frags: p.fragments(all), packing: pack.Packaging{API: kind.String(), G711: kind == dashSession}}
	v.first, v.end, v.ended = p.window(v.frags, now)
	if v.end == 0 {
		c.Fail(errNoFragments())
		return nil, false
	}
	if v.tracks, e = v.packing.DescribeTracks(v.frags[v.first].Tracks); e != nil {
		c.Fail(e)
		return nil, false
	}
	return v, true
}

// track returns the track the request names by TrackNumber (the first when absent).
func (v *sessionView) track() (*pack.Track, *apierr.Error) {
	if v.q.track == 0 {
		return &v.tracks[0], nil
	}
	for i := range v.tracks {
		if v.tracks[i].Number == v.q.track {
			return &v.tracks[i], nil
		}
	}
	return nil, apierr.InvalidArgument("The session has no track %d.", v.q.track)
}

// fragment returns the index of the fragment the request names by FragmentNumber, among those
// the session has shown so far.
func (v *sessionView) fragment() (int, *apierr.Error) {
	if v.q.fragment == "" {
		return 0, apierr.InvalidArgument("The FragmentNumber parameter is missing.")
	}
	for i := range v.end {
		if media.CompareFragmentNumbers(v.frags[i].Number, v.q.fragment) == 0 {
			return i, nil
		}
	}
	return 0, apierr.New(http.StatusNotFound, "ResourceNotFoundException", "The fragment %s is not part of the session.", v.q.fragment)
}

// trackOf describes the tracks of fragment f and returns the one the request names.
func (v *sessionView) trackOf(f *mediaapi.Fragment) (*pack.Track, *apierr.Error) {
	tracks, e := v.packing.DescribeTracks(f.Tracks)
	if e != nil {
		return nil, e
	}
	v.tracks = tracks
	return v.track()
}

// serveInit serves the initialization segment of the requested track, as fragment f has it.
func (v *sessionView) serveInit(f *mediaapi.Fragment) {
	t, e := v.trackOf(f)
	if e != nil {
		v.c.Fail(e)
		return
	}
	data, err := pack.InitSegment([]pack.Track{*t})
	v.send("video/mp4", data, err)
}

// send replies with a packaged resource, or with the error that packaging it met.
func (v *sessionView) send(contentType string, data []byte, err error) {
	if err != nil {
		v.c.Fail(apierr.Internal(err))
		return
	}
	v.reply(contentType, data)
}

// reply sends a playback resource.
func (v *sessionView) reply(contentType string, body []byte) {
	h := v.c.W.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache")
	v.c.W.WriteHeader(http.StatusOK)
	_, _ = v.c.W.Write(body)
}

// sessionFrames reads the frames of fragment f for a media segment of an HLS or DASH session,
// or answers the request with the error.
func (s *Service) sessionFrames(v *sessionView, f *mediaapi.Fragment) ([]mediaapi.Frame, bool) {
	frames, err := f.LoadFrames()
	if err != nil {
		v.c.Fail(s.cfg.Media.ReadError(v.c.Op, f, err))
		return nil, false
	}
	return frames, true
}
