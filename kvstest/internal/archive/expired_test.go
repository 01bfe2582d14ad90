package archive

// Tests of the archived-media calls over fragments the store cannot serve: a fragment damaged
// on disk, and one the retention sweep removes while a call reads it (driven by the server's
// clock and the store's read hook, without sleeping).

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
)

// t0 is the server time the tests start at.
var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fragmentList asks GetMediaForFragmentList for the fragments numbers of "cam" and returns
// what it served: each fragment's number, or "error <id> <number>" for an in-band error.
func fragmentList(t *testing.T, url string, numbers []string) []string {
	t.Helper()
	body, err := jsonwire.Marshal(archived.GetMediaForFragmentListInput{StreamName: "cam", Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url+"/getMediaForFragmentList", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GetMediaForFragmentList: HTTP %d", resp.StatusCode)
	}
	return mediatest.Served(t, resp.Body, -1)
}

// logged reports whether a line of log starts with prefix and contains word.
func logged(log *mediatest.Log, prefix, word string) bool {
	for _, l := range log.Lines() {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, word) {
			return true
		}
	}
	return false
}

// TestStoreReadFailure damages the middle one of three fragments on disk: GetMediaForFragmentList
// answers it with the in-band error 5000 and serves the others whole, and the log says why.
func TestStoreReadFailure(t *testing.T) {
	dir := t.TempDir()
	var log mediatest.Log
	_, url := newArchiveOn(t, time.Now, mediatest.OpenDisk(t, dir, store.DiskOptions{}), log.Logf)
	acked := put(t, url, 3)
	mediatest.DamageMiddle(t, dir)
	const internalError = 5000 // the in-band error of a fragment the service cannot read
	want := []string{acked[0], fmt.Sprintf("error %d %s", internalError, acked[1]), acked[2]}
	if got := fragmentList(t, url, acked); !slices.Equal(got, want) {
		t.Fatalf("GetMediaForFragmentList served %q, want %q", got, want)
	}
	if !logged(&log, "kvstest: GetMediaForFragmentList: reading fragment "+acked[1], "corrupt") {
		t.Errorf("no log line says why fragment %s could not be served: %q", acked[1], log.Lines())
	}
}

// expiringArchive is an archive over a disk store of one segment per fragment, with three
// fragments stored, in which sweepOn makes the retention sweep remove the oldest fragment at
// the moment a call starts reading its frames: its segment is gone when it is opened.
type expiringArchive struct {
	a       *Service
	url     string
	acked   []string
	log     mediatest.Log
	clk     *mediatest.Clock
	trigger mediatest.ReadTrigger
}

func newExpiringArchive(t *testing.T) *expiringArchive {
	t.Helper()
	x := &expiringArchive{clk: mediatest.NewClock(t0)}
	disk := mediatest.OpenDisk(t, t.TempDir(), store.DiskOptions{SegmentSize: 1, OnRead: x.trigger.OnRead})
	x.a, x.url = newArchiveOn(t, x.clk.Now, disk, x.log.Logf)
	if x.acked = put(t, x.url, 3); len(x.acked) != 3 {
		t.Fatalf("%d fragments persisted", len(x.acked))
	}
	return x
}

// sweepOnRead arms the read of the oldest fragment to run the sweep an hour and a minute later
// on the server's clock, which then goes back.
func (x *expiringArchive) sweepOnRead(t *testing.T) {
	x.trigger.Arm(x.acked[0], func() {
		x.clk.Set(t0.Add(61 * time.Minute))
		if n := x.a.cfg.Media.SweepRetention(1); n != 1 {
			t.Errorf("the sweep removed %d fragments, want the oldest", n)
		}
		x.clk.Set(t0)
	})
}

// checkExpired checks that the oldest fragment is gone from the stream and the log says
// retention removed it while op read it, never that reading it failed.
func (x *expiringArchive) checkExpired(t *testing.T, op string) {
	t.Helper()
	var kept []string
	for _, f := range x.a.cfg.State.Streams.ByName["cam"].Media.Snapshot() {
		kept = append(kept, f.Number)
	}
	if !slices.Equal(kept, x.acked[1:]) {
		t.Errorf("the stream keeps %q, want %q", kept, x.acked[1:])
	}
	if !logged(&x.log, "kvstest: "+op+": fragment "+x.acked[0], "retention") {
		t.Errorf("no log line says %s found fragment %s removed by retention: %q", op, x.acked[0], x.log.Lines())
	}
	for _, l := range x.log.Lines() {
		if strings.Contains(l, "corrupt") || strings.Contains(l, "could not be read") || strings.Contains(l, "reading fragment") {
			t.Errorf("a fragment removed by retention was logged as a read failure: %q", l)
		}
	}
}

// TestRetentionRemovesListedFragmentBeingRead: GetMediaForFragmentList that named a fragment
// the sweep removes while it is read answers 4000 (Requested fragment is not found) for it, as
// the service does for a fragment not kept, and serves the others; ListFragments no longer
// lists it.
func TestRetentionRemovesListedFragmentBeingRead(t *testing.T) {
	x := newExpiringArchive(t)
	x.sweepOnRead(t)
	want := append([]string{fmt.Sprintf("error %d %s", mediaapi.FragmentNotFound, x.acked[0])}, x.acked[1:]...)
	if got := fragmentList(t, x.url, x.acked); !slices.Equal(got, want) {
		t.Fatalf("GetMediaForFragmentList served %q while retention removed %s, want %q", got, x.acked[0], want)
	}
	x.checkExpired(t, "GetMediaForFragmentList")
	var out archived.ListFragmentsOutput
	sel := archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: t0.Add(-time.Minute), EndTimestamp: t0.Add(time.Minute)}}
	if code := call(t, x.url, "/listFragments", archived.ListFragmentsInput{StreamName: "cam", FragmentSelector: sel}, &out); code != http.StatusOK {
		t.Fatalf("ListFragments: HTTP %d", code)
	}
	var listed []string
	for _, f := range out.Fragments {
		listed = append(listed, f.FragmentNumber)
	}
	slices.SortFunc(listed, media.CompareFragmentNumbers)
	if !slices.Equal(listed, x.acked[1:]) {
		t.Fatalf("ListFragments lists %q, want %q", listed, x.acked[1:])
	}
}

// TestRetentionRemovesFragmentBeingServed: HLS and DASH media segments, GetClip and GetImages,
// reading a fragment the sweep removes at that moment, answer ResourceNotFoundException (HTTP
// 404), the service's answer for a fragment past retention, not an internal failure.
func TestRetentionRemovesFragmentBeingServed(t *testing.T) {
	producer := archived.TimestampRange{StartTimestamp: time.UnixMilli(mediatest.Start), EndTimestamp: time.UnixMilli(mediatest.Start + 2500)}
	for _, c := range []struct {
		name, op string
		request  func(t *testing.T, x *expiringArchive) *http.Request
	}{
		{"HLS", "GetMP4MediaFragment", func(t *testing.T, x *expiringArchive) *http.Request {
			var out archived.GetHLSStreamingSessionURLOutput
			if code := call(t, x.url, "/getHLSStreamingSessionURL", archived.GetHLSStreamingSessionURLInput{StreamName: "cam"}, &out); code != http.StatusOK {
				t.Fatalf("GetHLSStreamingSessionURL: HTTP %d", code)
			}
			return sessionResource(t, out.HLSStreamingSessionURL, "getMP4MediaFragment.mp4", "FragmentNumber", x.acked[0])
		}},
		{"DASH", "GetMP4MediaFragment", func(t *testing.T, x *expiringArchive) *http.Request {
			var out archived.GetDASHStreamingSessionURLOutput
			if code := call(t, x.url, "/getDASHStreamingSessionURL", archived.GetDASHStreamingSessionURLInput{StreamName: "cam"}, &out); code != http.StatusOK {
				t.Fatalf("GetDASHStreamingSessionURL: HTTP %d", code)
			}
			return sessionResource(t, out.DASHStreamingSessionURL, "getMP4MediaFragment.mp4", "SequenceNumber", "0")
		}},
		{"GetClip", "GetClip", func(t *testing.T, x *expiringArchive) *http.Request {
			return postRequest(t, x.url+"/getClip", archived.GetClipInput{StreamName: "cam", ClipFragmentSelector: archived.FragmentSelector{
				FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp, TimestampRange: producer}})
		}},
		{"GetImages", "GetImages", func(t *testing.T, x *expiringArchive) *http.Request {
			return postRequest(t, x.url+"/getImages", archived.GetImagesInput{StreamName: "cam", ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
				StartTimestamp: producer.StartTimestamp, EndTimestamp: producer.EndTimestamp, Format: archived.ImageFormatJPEG})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := newExpiringArchive(t)
			req := c.request(t, x)
			x.sweepOnRead(t)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			code, _, _ := strings.Cut(resp.Header.Get(apierr.ErrorTypeHeader), ":") // the code, then its namespace
			if resp.StatusCode != http.StatusNotFound || code != "ResourceNotFoundException" {
				t.Fatalf("%s of a fragment retention removed while it was read: HTTP %d %q, want 404 ResourceNotFoundException",
					c.op, resp.StatusCode, code)
			}
			x.checkExpired(t, c.op)
		})
	}
}

// sessionResource returns the GET of the playback resource name of the session whose URL is
// sessionURL, for track 1, with the query parameter key set to value.
func sessionResource(t *testing.T, sessionURL, name, key, value string) *http.Request {
	t.Helper()
	u, err := url.Parse(sessionURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = path.Join(path.Dir(u.Path), name)
	q := u.Query()
	q.Set("TrackNumber", "1")
	q.Set(key, value)
	u.RawQuery = q.Encode()
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// postRequest returns the POST of in, as JSON, to url.
func postRequest(t *testing.T, url string, in any) *http.Request {
	t.Helper()
	body, err := jsonwire.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}
