package kvstest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// get fetches a playback URL without signing it.
func get(t *testing.T, s *kvstest.Server, u string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, s, req)
}

// mediaPlaylist fetches the media playlist a master playlist names first.
func mediaPlaylist(t *testing.T, s *kvstest.Server, master string) string {
	t.Helper()
	r := get(t, s, master)
	if r.status != http.StatusOK {
		t.Fatalf("master playlist: HTTP %d %s %s", r.status, r.code, r.message)
	}
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	base, _ := url.Parse(master)
	ref, _ := url.Parse(lines[len(lines)-1])
	r = get(t, s, base.ResolveReference(ref).String())
	if r.status != http.StatusOK {
		t.Fatalf("media playlist: HTTP %d %s %s", r.status, r.code, r.message)
	}
	return string(r.body)
}

// tags returns the values of a playlist's lines that start with tag.
func tags(playlist, tag string) []string {
	var out []string
	for _, line := range strings.Split(playlist, "\n") {
		if v, ok := strings.CutPrefix(line, tag); ok {
			out = append(out, v)
		}
	}
	return out
}

func hlsURL(t *testing.T, env *archivedEnv, in *archived.GetHLSStreamingSessionURLInput) string {
	t.Helper()
	in.StreamName = env.name
	out, err := env.client.GetHLSStreamingSessionURL(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return out.HLSStreamingSessionURL
}

func onDemandSelector(k archived.FragmentSelectorType, from, to time.Time) archived.StreamingFragmentSelector {
	return archived.StreamingFragmentSelector{FragmentSelectorType: k,
		TimestampRange: archived.StreamingTimestampRange{StartTimestamp: from, EndTimestamp: to}}
}

// TestHLSSessionTokens checks the URL shape and the refusals of tokens that cannot be used: a
// missing or forged one, one of a DASH session, an expired one, one of a session closed by
// newer ones, one of a deleted stream.
func TestHLSSessionTokens(t *testing.T) {
	clk := newClock()
	env := newArchivedEnv(t, 24, kvstest.WithClock(clk.Now), kvstest.WithArchivedLimits(kvstest.ArchivedLimits{MaxSessions: 2}))
	env.produce(t, clipStart, loadAV(t, 1))
	sel := onDemandSelector(archived.FragmentSelectorTypeProducerTimestamp, clipStart, clipStart.Add(time.Minute))
	u := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: sel, Expires: aws.Int32(300)})
	if !strings.HasPrefix(u, env.srv.ArchivedURL+"/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=") {
		t.Fatalf("URL %s", u)
	}
	refused := func(u, code string) {
		t.Helper()
		if r := get(t, env.srv, u); r.code != code {
			t.Fatalf("%s: HTTP %d %s (%s), want %s", u, r.status, r.code, r.message, code)
		}
	}
	refused(env.srv.DataURL+"/hls/v1/getHLSMasterPlaylist.m3u8", "InvalidArgumentException")
	refused(u+"x", "NotAuthorizedException")
	dash, err := env.client.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: env.name,
		PlaybackMode: archived.PlaybackModeOnDemand, DASHFragmentSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	_, dashQuery, _ := strings.Cut(dash.DASHStreamingSessionURL, "?")
	refused(env.srv.DataURL+"/hls/v1/getHLSMasterPlaylist.m3u8?"+dashQuery, "NotAuthorizedException")
	if r := get(t, env.srv, u); r.status != http.StatusOK || r.header.Get("Content-Type") != "application/vnd.apple.mpegurl" {
		t.Fatalf("master playlist: HTTP %d %s", r.status, r.header.Get("Content-Type"))
	}
	clk.Advance(301 * time.Second)
	refused(u, "NotAuthorizedException")
	clk.Advance(-301 * time.Second) // back to a time requests may be signed at
	if r := get(t, env.srv, u); r.status != http.StatusOK {
		t.Fatalf("the session before it expired: HTTP %d %s", r.status, r.code)
	}

	// The third session closes the first.
	first := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: sel})
	second := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: sel})
	hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: sel})
	refused(first, "NotAuthorizedException")
	if r := get(t, env.srv, second); r.status != http.StatusOK {
		t.Fatalf("second session: HTTP %d %s", r.status, r.code)
	}
	must[*kvs.DeleteStreamOutput](t)(env.control.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: streamARN(t, env)}))
	refused(second, "ResourceNotFoundException")
}

func streamARN(t *testing.T, env *archivedEnv) string {
	t.Helper()
	return must[*kvs.DescribeStreamOutput](t)(env.control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: env.name})).StreamInfo.StreamARN
}

// TestHLSSessionRules checks the refusals of session requests: ranges the modes do not take
// (sent raw, past the client's own checks), a LIVE session without recent fragments, a stream
// without retention.
func TestHLSSessionRules(t *testing.T) {
	clk := newClock()
	env := newArchivedEnv(t, 24, kvstest.WithClock(clk.Now))
	env.produce(t, clipStart, loadAV(t, 1))
	for _, body := range []string{
		`{"StreamName":"camera","PlaybackMode":"LIVE","HLSFragmentSelector":{"TimestampRange":{"StartTimestamp":1}}}`,
		`{"StreamName":"camera","PlaybackMode":"ON_DEMAND","HLSFragmentSelector":{"TimestampRange":{"StartTimestamp":1}}}`,
		`{"StreamName":"camera","PlaybackMode":"LIVE_REPLAY"}`,
		`{"StreamName":"camera","Expires":299}`,
		`{"StreamName":"camera","MaxMediaPlaylistFragmentResults":5001}`,
		`{"StreamName":"camera","ContainerFormat":"MP3"}`,
	} {
		if r := postData(t, env.srv, "/getHLSStreamingSessionURL", body); r.code != "InvalidArgumentException" {
			t.Errorf("%s: HTTP %d %s", body, r.status, r.code)
		}
	}
	if _, err := env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name}); err != nil {
		t.Fatalf("LIVE session right after the media: %v", err)
	}
	clk.Advance(31 * time.Second)
	_, err := env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name,
		PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: onDemandSelector(archived.FragmentSelectorTypeProducerTimestamp,
			clipStart.Add(time.Hour), clipStart.Add(2*time.Hour))})
	wantCode(t, err, "ResourceNotFoundException")
	must[*kvs.UpdateDataRetentionOutput](t)(env.control.UpdateDataRetention(ctx, mustRetentionDecrease(t, env)))
	_, err = env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name})
	wantCode(t, err, "NoDataRetentionException")
}

// TestHLSLiveWindow follows a LIVE session: the newest fragments up to the maximum, a media
// sequence (counted from the session's first fragment) that moves with them, fragments added as
// they arrive, and no end.
func TestHLSLiveWindow(t *testing.T) {
	clk := newClock()
	env := newArchivedEnv(t, 24, kvstest.WithClock(clk.Now))
	sample := loadAV(t, 1)
	env.produce(t, clipStart, sample)
	u := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{MaxMediaPlaylistFragmentResults: aws.Int64(3)})
	p := mediaPlaylist(t, env.srv, u)
	if got := tags(p, "#EXT-X-MEDIA-SEQUENCE:"); len(tags(p, "#EXTINF:")) != 3 || got[0] != "0" || strings.Contains(p, "#EXT-X-ENDLIST") {
		t.Fatalf("LIVE playlist:\n%s", p)
	}
	clk.Advance(10 * time.Second)
	env.produce(t, clipStart.Add(10027*time.Millisecond), sample)
	p = mediaPlaylist(t, env.srv, u)
	if got := tags(p, "#EXT-X-MEDIA-SEQUENCE:"); len(tags(p, "#EXTINF:")) != 3 || got[0] != "5" {
		t.Fatalf("LIVE playlist after 5 more fragments:\n%s", p)
	}
	// On the server's clock every fragment is a discontinuity (they arrived faster than real time).
	if n := strings.Count(p, "#EXT-X-DISCONTINUITY\n"); n != 2 {
		t.Fatalf("%d discontinuities in a window of 3 with server timestamps:\n%s", n, p)
	}
}

// TestHLSLiveReplay starts a LIVE_REPLAY session at the first fragment: a fragment is added
// each time the one before has had the time to play (2021 ms for the first, which starts with
// the audio before the first key frame, 2 s for the others), and the playlist ends after the
// last fragment of the range.
func TestHLSLiveReplay(t *testing.T) {
	clk := newClock()
	env := newArchivedEnv(t, 24, kvstest.WithClock(clk.Now))
	env.produce(t, clipStart, loadAV(t, 1))
	u := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeLiveReplay,
		HLSFragmentSelector: onDemandSelector(archived.FragmentSelectorTypeProducerTimestamp, clipStart, clipStart.Add(time.Minute))})
	for _, step := range []struct {
		advance time.Duration
		want    int
		ended   bool
	}{{0, 1, false}, {2020 * time.Millisecond, 1, false}, {2 * time.Millisecond, 2, false}, {5 * time.Second, 4, false}, {3 * time.Second, 5, true}} {
		clk.Advance(step.advance)
		p := mediaPlaylist(t, env.srv, u)
		if n := len(tags(p, "#EXTINF:")); n != step.want || strings.Contains(p, "#EXT-X-ENDLIST") != step.ended {
			t.Fatalf("after %v more: %d fragments (want %d), ended %v:\n%s", step.advance, n, step.want, step.ended, p)
		}
	}
}

// TestHLSPlaylistOptions checks discontinuity modes, program dates and, across a change of
// codec private data, a new initialization segment that ffmpeg follows to decode every frame.
func TestHLSPlaylistOptions(t *testing.T) {
	sample := loadAV(t, 1)
	env := newArchivedEnv(t, 24)
	env.produce(t, clipStart, sample)
	env.produce(t, clipStart.Add(20*time.Second), changedCPD(t, sample)) // a 10 s gap, new codec private data
	frags := mustFragments(t, env, clipStart)
	sel := onDemandSelector(archived.FragmentSelectorTypeProducerTimestamp, clipStart, clipStart.Add(time.Minute))
	session := func(mode archived.DiscontinuityMode) string {
		return mediaPlaylist(t, env.srv, hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand,
			HLSFragmentSelector: sel, DiscontinuityMode: mode, DisplayFragmentTimestamp: archived.DisplayAlways}))
	}
	for _, tc := range []struct {
		mode archived.DiscontinuityMode
		want int
	}{{"", 1}, {archived.DiscontinuityModeNever, 1}, {archived.DiscontinuityModeOnDiscontinuity, 1}, {archived.DiscontinuityModeAlways, 9}} {
		p := session(tc.mode)
		if n := strings.Count(p, "#EXT-X-DISCONTINUITY\n"); n != tc.want {
			t.Errorf("DiscontinuityMode %q: %d discontinuities, want %d:\n%s", tc.mode, n, tc.want, p)
		}
	}
	p := session("")
	maps, dates := tags(p, "#EXT-X-MAP:URI="), tags(p, "#EXT-X-PROGRAM-DATE-TIME:")
	if len(maps) != 2 || !strings.HasSuffix(maps[1], "&SequenceNumber=1\"") || len(dates) != 10 ||
		dates[5] != frags[5].ProducerTimestamp.Format("2006-01-02T15:04:05.000Z") || !strings.Contains(p, "#EXT-X-PLAYLIST-TYPE:VOD") {
		t.Fatalf("playlist:\n%s", p)
	}
	u := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: sel})
	if got, want := decodedFrames(t, u), stored(frags); got["video"] != want["video"] || got["audio"] != want["audio"] {
		t.Fatalf("ffmpeg decoded %v across the change, want %v", got, want)
	}
}
