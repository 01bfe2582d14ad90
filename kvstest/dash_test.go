package kvstest_test

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/archived"
)

// mpd is the part of a DASH manifest the tests read.
type mpd struct {
	Type   string `xml:"type,attr"`
	Period struct {
		Sets []struct {
			ContentType    string `xml:"contentType,attr"`
			Representation struct {
				Codecs   string `xml:"codecs,attr"`
				Template struct {
					Timescale   int    `xml:"timescale,attr"`
					Media       string `xml:"media,attr"`
					StartNumber int    `xml:"startNumber,attr"`
					Timeline    []struct {
						T  int64  `xml:"t,attr"`
						D  int64  `xml:"d,attr"`
						FN string `xml:"https://kinesisvideo.amazonaws.com/ns/dash fn,attr"`
						TS string `xml:"https://kinesisvideo.amazonaws.com/ns/dash ts,attr"`
					} `xml:"SegmentTimeline>S"`
				} `xml:"SegmentTemplate"`
			} `xml:"Representation"`
		} `xml:"AdaptationSet"`
	} `xml:"Period"`
}

func dashManifest(t *testing.T, env *archivedEnv, in *archived.GetDASHStreamingSessionURLInput) (string, mpd) {
	t.Helper()
	in.StreamName = env.name
	out, err := env.client.GetDASHStreamingSessionURL(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	u := out.DASHStreamingSessionURL
	if !strings.HasPrefix(u, env.srv.ArchivedURL+"/dash/v1/getDASHManifest.mpd?SessionToken=") {
		t.Fatalf("URL %s", u)
	}
	r := get(t, env.srv, u)
	var m mpd
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/dash+xml" || xml.Unmarshal(r.body, &m) != nil {
		t.Fatalf("manifest: HTTP %d %s %s\n%s", r.status, r.code, r.header.Get("Content-Type"), r.body)
	}
	return u, m
}

// TestDASHManifest checks an ON_DEMAND manifest: static, an adaptation set per track, a
// timeline without gaps across a 10-second gap in the media, the fragment numbers and
// timestamps asked for; then that a fragment whose codec private data changed is refused.
func TestDASHManifest(t *testing.T) {
	sample := loadAV(t, 1)
	env := newArchivedEnv(t, 24)
	env.produce(t, clipStart, sample)
	env.produce(t, clipStart.Add(20*time.Second), sample)
	frags := mustFragments(t, env, clipStart)
	u, m := dashManifest(t, env, &archived.GetDASHStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand,
		DisplayFragmentNumber: archived.DisplayAlways, DisplayFragmentTimestamp: archived.DisplayAlways,
		DASHFragmentSelector: onDemandSelector(archived.FragmentSelectorTypeProducerTimestamp, clipStart, clipStart.Add(time.Minute))})
	sets := m.Period.Sets
	if m.Type != "static" || len(sets) != 2 || sets[0].ContentType != "video" || sets[1].ContentType != "audio" ||
		!strings.HasPrefix(sets[0].Representation.Codecs, "avc1.") || sets[1].Representation.Codecs != "mp4a.40.2" {
		t.Fatalf("manifest %+v", m)
	}
	video := sets[0].Representation.Template
	var next int64
	// The fragments last 2 s, the first 21 ms more: it starts with the audio before the key frame.
	for i, s := range video.Timeline {
		if s.T != next || s.D < 179000 || s.D > 182000 || s.FN != frags[i].FragmentNumber ||
			s.TS != strconv.FormatInt(frags[i].ProducerTimestamp.UnixMilli(), 10) {
			t.Fatalf("S %d: %+v (next t %d)", i, s, next)
		}
		next = s.T + s.D
	}
	if len(video.Timeline) != 10 || video.Timescale != 90000 || video.StartNumber != 0 || !strings.Contains(video.Media, "$Number$") {
		t.Fatalf("video timeline %+v", video)
	}
	if got, want := decodedFrames(t, u), stored(frags); got["video"] != want["video"] || got["audio"] != want["audio"] {
		t.Fatalf("ffmpeg decoded %v across the gap, want %v", got, want)
	}

	env.produce(t, clipStart.Add(40*time.Second), changedCPD(t, sample))
	u, _ = dashManifest(t, env, &archived.GetDASHStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand,
		DASHFragmentSelector: onDemandSelector(archived.FragmentSelectorTypeProducerTimestamp, clipStart, clipStart.Add(time.Minute))})
	base := strings.Replace(u, "getDASHManifest.mpd", "getMP4MediaFragment.mp4", 1) + "&TrackNumber=1&SequenceNumber="
	if r := get(t, env.srv, base+"9"); r.status != http.StatusOK || r.header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("fragment 9: HTTP %d %s", r.status, r.code)
	}
	for seq, code := range map[string]string{"10": "InvalidCodecPrivateDataException", "99": "ResourceNotFoundException", "x": "InvalidArgumentException"} {
		if r := get(t, env.srv, base+seq); r.code != code {
			t.Fatalf("fragment %s: HTTP %d %s, want %s", seq, r.status, r.code, code)
		}
	}
}

// TestDASHLive checks a LIVE manifest: dynamic, the newest fragments only.
func TestDASHLive(t *testing.T) {
	env := newArchivedEnv(t, 24)
	env.produce(t, clipStart, loadAV(t, 1))
	_, m := dashManifest(t, env, &archived.GetDASHStreamingSessionURLInput{MaxManifestFragmentResults: aws.Int64(2)})
	if video := m.Period.Sets[0].Representation.Template; m.Type != "dynamic" || len(video.Timeline) != 2 || video.StartNumber != 0 {
		t.Fatalf("LIVE manifest %+v", m)
	}
}
