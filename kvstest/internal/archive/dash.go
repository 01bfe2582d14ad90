// DASH playback: the manifest (MPD), and fMP4 initialization and media segments per track, at
// the service's paths below /dash/v1/. Players handle gaps in a DASH timeline badly, so the
// manifest lays the session's fragments end to end, as the service says it adjusts its timeline;
// the real start times are given with DisplayFragmentTimestamp ALWAYS.

package archive

import (
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/pack"
)

// The paths of DASH playback.
const (
	dashPrefix       = "/dash/v1/"
	dashManifestPath = dashPrefix + "getDASHManifest.mpd"
	dashInitPath     = dashPrefix + "getMP4InitFragment.mp4"
	dashMediaPath    = dashPrefix + "getMP4MediaFragment.mp4"
	// dashNamespace is the namespace of the kvs:fn and kvs:ts attributes.
	dashNamespace = "https://kinesisvideo.amazonaws.com/ns/dash"
)

func init() {
	sessionRoute(dashManifestPath, "GetDASHManifest", (*Service).dashManifest)
	sessionRoute(dashInitPath, "GetMP4InitFragment", (*Service).dashInitFragment)
	sessionRoute(dashMediaPath, "GetMP4MediaFragment", (*Service).dashMediaFragment)
}

// dashManifest serves the MPD of the session's window: static for ON_DEMAND, dynamic (reloaded
// by players) otherwise, with an adaptation set per track whose segments are numbered by their
// place in the session.
func (s *Service) dashManifest(v *sessionView) {
	tl := newTimeline(v.frags[:v.end], v.p.clock)
	total := tl.ends[v.end-1]
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:kvs="%s" profiles="urn:mpeg:dash:profile:isoff-live:2011" minBufferTime="PT2S"`, dashNamespace)
	if v.p.mode == archived.PlaybackModeOnDemand {
		fmt.Fprintf(&b, ` type="static" mediaPresentationDuration="PT%.3fS">`+"\n", total.Seconds())
	} else {
		// The live edge is the end of the window: it became available as the request came.
		fmt.Fprintf(&b, ` type="dynamic" availabilityStartTime="%s" publishTime="%s" minimumUpdatePeriod="PT1S" timeShiftBufferDepth="PT%.3fS">`+"\n",
			v.now.Add(-total).UTC().Format(mpdTime), v.now.UTC().Format(mpdTime), (total - tl.starts[v.first]).Seconds())
	}
	b.WriteString(`  <Period id="0" start="PT0S">` + "\n")
	for i := range v.tracks {
		v.adaptationSet(&b, &v.tracks[i], tl)
	}
	b.WriteString("  </Period>\n</MPD>\n")
	v.reply("application/dash+xml", []byte(b.String()))
}

const mpdTime = "2006-01-02T15:04:05.000Z"

// adaptationSet writes the adaptation set of one track.
func (v *sessionView) adaptationSet(b *strings.Builder, t *pack.Track, tl timeline) {
	kind := "audio"
	if t.Video() {
		kind = "video"
	}
	fmt.Fprintf(b, `    <AdaptationSet id="%d" contentType="%s" mimeType="%s/mp4" segmentAlignment="true" startWithSAP="1">`+"\n", t.Number, kind, kind)
	fmt.Fprintf(b, `      <Representation id="%d" codecs="%s" bandwidth="%d"`, t.Number, t.Codecs, v.bandwidth())
	if t.Video() {
		fmt.Fprintf(b, ` width="%d" height="%d"`, t.Width(), t.Height())
	} else {
		fmt.Fprintf(b, ` audioSamplingRate="%d"`, t.Timescale)
	}
	query := html.EscapeString(fmt.Sprintf("SessionToken=%s&TrackNumber=%d", v.q.token, t.Number))
	fmt.Fprintf(b, ">\n        <SegmentTemplate timescale=\"%d\" initialization=\"getMP4InitFragment.mp4?%s\" media=\"getMP4MediaFragment.mp4?%s&amp;SequenceNumber=$Number$\" startNumber=\"%d\">\n          <SegmentTimeline>\n",
		t.Timescale, query, query, v.first)
	for i := v.first; i < v.end; i++ {
		start := t.Units(tl.starts[i])
		fmt.Fprintf(b, `            <S t="%d" d="%d"`, start, t.Units(tl.ends[i])-start)
		if v.p.showNum {
			fmt.Fprintf(b, ` kvs:fn="%s"`, v.frags[i].Number)
		}
		if v.p.showTime {
			fmt.Fprintf(b, ` kvs:ts="%d"`, v.p.clock.start(v.frags[i]).UnixMilli())
		}
		b.WriteString("/>\n")
	}
	b.WriteString("          </SegmentTimeline>\n        </SegmentTemplate>\n      </Representation>\n    </AdaptationSet>\n")
}

// dashInitFragment serves the initialization segment of a track: the session's codec private
// data, which does not change within a DASH session.
func (s *Service) dashInitFragment(v *sessionView) { v.serveInit(v.frags[0]) }

// dashMediaFragment serves the media segment numbered SequenceNumber of a track. A fragment
// whose tracks or codec private data differ from the session's first fails, as the service's
// DASH sessions do.
func (s *Service) dashMediaFragment(v *sessionView) {
	i := v.q.sequence
	if i < 0 || i >= v.end {
		v.c.Fail(apierr.New(http.StatusNotFound, "ResourceNotFoundException", "The session has no fragment numbered %d.", i))
		return
	}
	if !pack.SameTracks(v.frags[0].Tracks, v.frags[i].Tracks) {
		v.c.Fail(pack.InvalidCodecPrivateData("Fragment %s does not have the codec private data the DASH session started with.", v.frags[i].Number))
		return
	}
	t, e := v.track()
	if e != nil {
		v.c.Fail(e)
		return
	}
	frames, ok := s.sessionFrames(v, v.frags[i])
	if !ok {
		return
	}
	tl := newTimeline(v.frags[:i+1], v.p.clock)
	data, err := pack.MediaSegment(uint32(i+1), t, tl.samples(i, frames, t))
	v.send("video/mp4", data, err)
}
