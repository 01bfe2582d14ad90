// HLS playback: the master playlist, a media playlist per track (one for all tracks with
// MPEG-TS), fMP4 initialization and media segments, and TS segments, at the service's paths
// below /hls/v1/. Media times follow the session's clock (producer or server timestamps) from
// the session's origin, and never go back (see newClockTimeline).

package archive

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/pack"
)

// The paths of HLS playback.
const (
	hlsPrefix     = "/hls/v1/"
	hlsMasterPath = hlsPrefix + "getHLSMasterPlaylist.m3u8"
	hlsMediaPath  = hlsPrefix + "getHLSMediaPlaylist.m3u8"
	hlsInitPath   = hlsPrefix + "getMP4InitFragment.mp4"
	hlsMP4Path    = hlsPrefix + "getMP4MediaFragment.mp4"
	hlsTSPath     = hlsPrefix + "getTSFragment.ts"
	playlistType  = "application/vnd.apple.mpegurl"
)

func init() {
	sessionRoute(hlsMasterPath, "GetHLSMasterPlaylist", (*Service).hlsMasterPlaylist)
	sessionRoute(hlsMediaPath, "GetHLSMediaPlaylist", (*Service).hlsMediaPlaylist)
	sessionRoute(hlsInitPath, "GetMP4InitFragment", (*Service).mp4InitFragment)
	sessionRoute(hlsMP4Path, "GetMP4MediaFragment", (*Service).mp4MediaFragment)
	sessionRoute(hlsTSPath, "GetTSFragment", (*Service).tsFragment)
}

// ts reports whether the session packages MPEG-TS.
func (v *sessionView) ts() bool { return v.p.container == archived.ContainerFormatMPEGTS }

// hlsMasterPlaylist lists the media playlists: one for video with the audio as a rendition of
// it, or, with MPEG-TS, one for every track.
func (s *Service) hlsMasterPlaylist(v *sessionView) {
	token := v.q.token
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")
	main := &v.tracks[0]
	audio := ""
	if !v.ts() && len(v.tracks) > 1 {
		a := &v.tracks[1]
		if a.Video() {
			main, a = a, main
		}
		audio = `,AUDIO="audio"`
		fmt.Fprintf(&b, "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"track %d\",DEFAULT=YES,AUTOSELECT=YES,URI=\"%s?SessionToken=%s&TrackNumber=%d\"\n",
			a.Number, strings.TrimPrefix(hlsMediaPath, hlsPrefix), token, a.Number)
	}
	fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=%d,CODECS=\"%s\"", v.bandwidth(), pack.CodecsOf(v.tracks))
	if main.Video() {
		fmt.Fprintf(&b, ",RESOLUTION=%dx%d", main.Width(), main.Height())
	}
	fmt.Fprintf(&b, "%s\n%s?SessionToken=%s", audio, strings.TrimPrefix(hlsMediaPath, hlsPrefix), token)
	if !v.ts() {
		fmt.Fprintf(&b, "&TrackNumber=%d", main.Number)
	}
	b.WriteString("\n")
	v.reply(playlistType, []byte(b.String()))
}

// bandwidth estimates the peak bit rate of the session from the fragments shown.
func (v *sessionView) bandwidth() int64 {
	var peak float64
	for _, f := range v.frags[v.first:v.end] {
		if l := fragmentLength(f).Seconds(); l > 0 {
			peak = max(peak, float64(f.Size*8)/l)
		}
	}
	return int64(math.Ceil(peak)) + 1
}

// hlsMediaPlaylist lists the segments of one track (of every track with MPEG-TS) in the
// session's window, with the discontinuities its DiscontinuityMode asks for and those that a
// change of codec private data needs, a new initialization segment after each such change, and
// the fragments' start times with DisplayFragmentTimestamp ALWAYS.
func (s *Service) hlsMediaPlaylist(v *sessionView) {
	t, e := v.track()
	if e != nil {
		v.c.Fail(e)
		return
	}
	token := v.q.token
	window := v.frags[v.first:v.end]
	target := 1.0
	for _, f := range window {
		target = max(target, math.Round(fragmentLength(f).Seconds()))
	}
	seqs, breaks := v.cpdSequences(), v.discontinuities()
	prior := 0
	for i := 1; i < v.first; i++ {
		if breaks[i] {
			prior++
		}
	}
	var b strings.Builder
	version := 7
	if v.ts() {
		version = 3
	}
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:%d\n#EXT-X-DISCONTINUITY-SEQUENCE:%d\n",
		version, int(target), v.first, prior)
	if v.p.mode == archived.PlaybackModeOnDemand {
		b.WriteString("#EXT-X-PLAYLIST-TYPE:VOD\n")
	}
	b.WriteString("#EXT-X-INDEPENDENT-SEGMENTS\n")
	for i := v.first; i < v.end; i++ {
		f := v.frags[i]
		if breaks[i] && i > v.first {
			b.WriteString("#EXT-X-DISCONTINUITY\n")
		}
		if !v.ts() && (i == v.first || seqs[i] != seqs[i-1]) {
			fmt.Fprintf(&b, "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken=%s&TrackNumber=%d&SequenceNumber=%d\"\n", token, t.Number, seqs[i])
		}
		if v.p.showTime {
			fmt.Fprintf(&b, "#EXT-X-PROGRAM-DATE-TIME:%s\n", v.p.clock.start(f).UTC().Format("2006-01-02T15:04:05.000Z"))
		}
		fmt.Fprintf(&b, "#EXTINF:%.3f,\n", fragmentLength(f).Seconds())
		if v.ts() {
			fmt.Fprintf(&b, "getTSFragment.ts?FragmentNumber=%s&SessionToken=%s\n", f.Number, token)
		} else {
			fmt.Fprintf(&b, "getMP4MediaFragment.mp4?FragmentNumber=%s&SessionToken=%s&TrackNumber=%d\n", f.Number, token, t.Number)
		}
	}
	if v.ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	v.reply(playlistType, []byte(b.String()))
}

// cpdSequences numbers the codec private data of each fragment of the session: the number grows
// each time the tracks or their codec private data change from one fragment to the next.
func (v *sessionView) cpdSequences() []int {
	seqs := make([]int, v.end)
	for i := 1; i < v.end; i++ {
		seqs[i] = seqs[i-1]
		if !pack.SameTracks(v.frags[i-1].Tracks, v.frags[i].Tracks) {
			seqs[i]++
		}
	}
	return seqs
}

// maxGap is the largest gap or overlap between fragments that ON_DISCONTINUITY lets pass.
const maxGap = 50 * time.Millisecond

// discontinuities says before which fragments of the session a discontinuity is marked: every
// one for ALWAYS, those after a gap or overlap of more than 50 ms for ON_DISCONTINUITY, and
// wherever the codec private data changes.
func (v *sessionView) discontinuities() []bool {
	breaks := make([]bool, v.end)
	for i := 1; i < v.end; i++ {
		prev, f := v.frags[i-1], v.frags[i]
		gap := v.p.clock.start(f).Sub(v.p.clock.start(prev).Add(fragmentLength(prev)))
		breaks[i] = v.p.breaks == archived.DiscontinuityModeAlways ||
			v.p.breaks == archived.DiscontinuityModeOnDiscontinuity && (gap > maxGap || gap < -maxGap) ||
			!pack.SameTracks(prev.Tracks, f.Tracks)
	}
	return breaks
}

// mp4InitFragment serves the initialization segment of a track, for the codec private data
// numbered SequenceNumber (0 by default).
func (s *Service) mp4InitFragment(v *sessionView) {
	if v.ts() {
		v.c.Fail(apierr.InvalidArgument("The session packages MPEG-TS, which has no initialization fragment."))
		return
	}
	seq := max(0, v.q.sequence)
	seqs := v.cpdSequences()
	i := 0
	for i < len(seqs) && seqs[i] != seq {
		i++
	}
	if i == len(seqs) {
		v.c.Fail(apierr.InvalidArgument("The session has no codec private data numbered %d.", seq))
		return
	}
	v.serveInit(v.frags[i])
}

// mp4MediaFragment serves the media segment of one track of one fragment.
func (s *Service) mp4MediaFragment(v *sessionView) {
	i, ok := v.containerFragment(false)
	if !ok {
		return
	}
	f := v.frags[i]
	t, e := v.trackOf(f)
	if e != nil {
		v.c.Fail(e)
		return
	}
	frames, ok := s.sessionFrames(v, f)
	if !ok {
		return
	}
	data, err := pack.MediaSegment(uint32(i+1), t, newClockTimeline(v.frags[:i+1], v.p.clock, v.p.origin).samples(i, frames, t))
	v.send("video/mp4", data, err)
}

// containerFragment returns the index of the fragment a media-fragment request names, or
// answers the request with why it cannot be served: the session packages the other container
// (MPEG-TS when ts is false, fMP4 when it is true), or has no such fragment.
func (v *sessionView) containerFragment(ts bool) (int, bool) {
	if v.ts() != ts {
		v.c.Fail(apierr.InvalidArgument("The session packages %s; this resource serves %s.", v.p.container,
			map[bool]archived.ContainerFormat{false: archived.ContainerFormatFragmentedMP4, true: archived.ContainerFormatMPEGTS}[ts]))
		return 0, false
	}
	i, e := v.fragment()
	if e != nil {
		v.c.Fail(e)
		return 0, false
	}
	return i, true
}

// tsFragment serves the MPEG-TS segment of one fragment, with all its tracks.
func (s *Service) tsFragment(v *sessionView) {
	i, ok := v.containerFragment(true)
	if !ok {
		return
	}
	f := v.frags[i]
	tracks, e := v.packing.DescribeTracks(f.Tracks)
	if e != nil {
		v.c.Fail(e)
		return
	}
	frames, ok := s.sessionFrames(v, f)
	if !ok {
		return
	}
	tl := newClockTimeline(v.frags[:i+1], v.p.clock, v.p.origin)
	samples := make([][]pack.Sample, len(tracks))
	for j := range tracks {
		samples[j] = tl.samples(i, frames, &tracks[j])
	}
	v.reply("video/mp2t", pack.TSSegment(tracks, samples))
}
