package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestHLSURL creates HLS sessions of the sample, live (the default), on-demand (implied by
// --from) in MPEG-TS and live-replay, and reads their playlists from the emulator: the master
// playlist names a media playlist that lists the 5 fragments (live and on demand) or the first
// one (live-replay, which adds the others as they play).
func TestHLSURL(t *testing.T) {
	cfg, frags := archivedSample(t)
	from := flagTime(frags[0].ProducerTimestamp)
	for _, tc := range []struct {
		args     []string
		segment  string // the extension of the media segments
		segments int
	}{
		{nil, ".mp4", 5},
		{[]string{"--clock", "producer", "--from", from, "--to", "+1m", "--container", "ts", "--expires", "1h"}, ".ts", 5},
		{[]string{"--mode", "live-replay", "--clock", "producer", "--from", from}, ".mp4", 1},
	} {
		master := sessionURLOf(t, cfg, "hls-url", tc.args, "/hls/v1/getHLSMasterPlaylist.m3u8")
		playlist := httpGet(t, master)
		if !strings.HasPrefix(playlist, "#EXTM3U\n") || !strings.Contains(playlist, "#EXT-X-STREAM-INF:") || !strings.Contains(playlist, "RESOLUTION=320x240") {
			t.Errorf("%q: master playlist:\n%s", tc.args, playlist)
			continue
		}
		media := httpGet(t, resolve(t, master, videoPlaylist(playlist)))
		if n := strings.Count(media, "#EXTINF:"); !strings.HasPrefix(media, "#EXTM3U\n") || n != tc.segments || !strings.Contains(media, tc.segment+"?") {
			t.Errorf("%q: the media playlist lists %d segments, want %d %s ones:\n%s", tc.args, n, tc.segments, tc.segment, media)
		}
	}
}

// TestDASHURL creates DASH sessions of the sample, on-demand and live, and reads their
// manifests from the emulator: an MPD of the 320x240 video and the audio, 10 s long on demand.
func TestDASHURL(t *testing.T) {
	cfg, frags := archivedSample(t)
	from := flagTime(frags[0].ProducerTimestamp)
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--mode", "on-demand", "--clock", "producer", "--from", from, "--to", "+10s"}, `type="static" mediaPresentationDuration="PT10.0`},
		{[]string{"--mode", "live"}, `type="dynamic"`},
	} {
		manifest := httpGet(t, sessionURLOf(t, cfg, "dash-url", tc.args, "/dash/v1/getDASHManifest.mpd"))
		for _, want := range []string{"<MPD ", tc.says, `contentType="video"`, `width="320" height="240"`, `contentType="audio"`, "<SegmentTimeline>"} {
			if !strings.Contains(manifest, want) {
				t.Errorf("%q: the manifest lacks %q:\n%s", tc.args, want, manifest)
			}
		}
	}
}

// TestSessionURLErrors asks for sessions the service refuses: of a stream that does not exist
// and of a range without fragments, with status 1 and the reason.
func TestSessionURLErrors(t *testing.T) {
	cfg, _ := archivedSample(t)
	inv := invocation{cfg: cfg}
	kvsRun(t, inv, "hls-url", "--stream", "nope").mustFail(t, 1, `kvs hls-url: stream "nope" does not exist in us-east-1`)
	kvsRun(t, inv, "dash-url", "--stream", "nope", "--from", "-1m").mustFail(t, 1, `kvs dash-url: stream "nope" does not exist in us-east-1`)
	kvsRun(t, inv, "hls-url", "--stream", "s", "--from", "-3h", "--to", "-2h").mustFail(t, 1,
		`kvs hls-url: getting an HLS session URL of stream "s": GetHLSStreamingSessionURL: ResourceNotFoundException: `)
	kvsRun(t, inv, "dash-url", "--stream", "s", "--from", "-3h", "--to", "-2h").mustFail(t, 1,
		`kvs dash-url: getting a DASH session URL of stream "s": GetDASHStreamingSessionURL: ResourceNotFoundException: `)
}

// sessionURLOf runs hls-url or dash-url on stream "s" and returns the URL it printed, checking
// that it is the only line, with the path and a session token.
func sessionURLOf(t *testing.T, cfg *aws.Config, command string, args []string, path string) string {
	t.Helper()
	r := kvsRun(t, invocation{cfg: cfg}, append([]string{command, "--stream", "s"}, args...)...).mustSucceed(t)
	u, err := url.Parse(strings.TrimSuffix(r.stdout, "\n"))
	if err != nil || strings.Count(r.stdout, "\n") != 1 || u.Path != path || u.Query().Get("SessionToken") == "" || r.stderr != "" {
		t.Fatalf("kvs %s %q printed %q (%v), stderr %q; want the URL of %s with a session token", command, args, r.stdout, err, r.stderr, path)
	}
	return u.String()
}

// httpGet gets a session's playlist or manifest, which needs no signature.
func httpGet(t *testing.T, u string) string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v\n%s", u, resp.Status, err, body)
	}
	return string(body)
}

// videoPlaylist returns the URI of the variant stream of an HLS master playlist: the line after
// #EXT-X-STREAM-INF.
func videoPlaylist(master string) string {
	lines := strings.Split(master, "\n")
	for i, line := range lines[:len(lines)-1] {
		if strings.HasPrefix(line, "#EXT-X-STREAM-INF:") {
			return lines[i+1]
		}
	}
	return ""
}

// resolve resolves a URI of a playlist against the playlist's URL.
func resolve(t *testing.T, base, ref string) string {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	return b.ResolveReference(r).String()
}
