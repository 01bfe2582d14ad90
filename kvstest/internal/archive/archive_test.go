package archive

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/kvstest/internal/state"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
)

// newArchive returns an archive Service over a media API with one stream, "cam", that keeps
// data, both served at the returned URL: POST /putMedia and every route of Routes.
func newArchive(t *testing.T) (*Service, string) {
	t.Helper()
	return newArchiveOn(t, time.Now, store.NewMemory(), nil)
}

// newArchiveOn is newArchive with the server's clock, the media store and the log of both
// services.
func newArchiveOn(t *testing.T, clock func() time.Time, ms store.MediaStore, logf func(string, ...any)) (*Service, string) {
	t.Helper()
	st := state.New(state.Config[*mediaapi.Media]{Region: "us-east-1", AccountID: "123456789012", Clock: clock, NewMedia: mediaapi.NewMedia})
	now := st.Lock()
	_, e := st.CreateStream(now, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1})
	st.Unlock()
	if e != nil {
		t.Fatal(e)
	}
	m := mediaapi.New(mediaapi.Config{State: st, Store: ms, Logf: logf, Limits: mediaapi.Limits{
		PutMediaCallsPerSecond: 5, PutMediaConnections: 1, MaxFragmentSize: 1 << 20, MaxFragmentDuration: 20 * time.Second,
		MaxFragmentMetadata: 10, IdleAckInterval: 3 * time.Second, IdleTimeout: 30 * time.Second, MaxConnectionDuration: time.Minute}})
	a := New(Config{State: st, Media: m, Logf: logf, Limits: Limits{ClipMaxFragments: 200, ClipMaxBytes: 100 << 20, MaxSessions: 2}})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /putMedia", func(w http.ResponseWriter, r *http.Request) { m.PutMedia(&serve.Call{Op: "PutMedia", W: w, R: r}) })
	for _, rt := range Routes() {
		mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			rt.Handle(a, &serve.Call{Op: rt.Op, W: w, R: r, Body: body})
		})
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	st.Endpoints.Archived = ts.URL
	return a, ts.URL
}

// put stores n fragments of mediatest.Stream in "cam" and returns their numbers.
func put(t *testing.T, url string, n int) []string {
	t.Helper()
	return mediatest.Numbers(mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, n)), media.AckEventPersisted)
}

func call(t *testing.T, url, path string, in, out any) int {
	t.Helper()
	body, err := jsonwire.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && out != nil {
		data, _ := io.ReadAll(resp.Body)
		if err := jsonwire.Unmarshal(data, out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// TestListFragmentsPages lists the stored fragments by producer time, two a page: every one
// is listed once, with its size and length, and the last page has no NextToken.
func TestListFragmentsPages(t *testing.T) {
	_, url := newArchive(t)
	stored := put(t, url, 5)
	sel := archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: time.UnixMilli(1_700_000_000_000), EndTimestamp: time.UnixMilli(1_700_000_010_000)}}
	max := int64(2)
	in := archived.ListFragmentsInput{StreamName: "cam", FragmentSelector: sel, MaxResults: &max}
	var listed []string
	for pages := 1; ; pages++ {
		var out archived.ListFragmentsOutput
		if code := call(t, url, "/listFragments", in, &out); code != http.StatusOK {
			t.Fatalf("ListFragments: HTTP %d", code)
		}
		for _, f := range out.Fragments {
			if f.FragmentSizeInBytes <= 0 || f.FragmentLengthInMilliseconds != 1000 {
				t.Errorf("fragment %s: size %d, length %d ms", f.FragmentNumber, f.FragmentSizeInBytes, f.FragmentLengthInMilliseconds)
			}
			listed = append(listed, f.FragmentNumber)
		}
		if out.NextToken == "" {
			if pages != 3 {
				t.Errorf("%d pages, want 3", pages)
			}
			break
		}
		in = archived.ListFragmentsInput{StreamName: "cam", NextToken: out.NextToken, MaxResults: &max}
	}
	slices.SortFunc(listed, media.CompareFragmentNumbers)
	if !slices.Equal(listed, stored) {
		t.Fatalf("listed %v, want %v", listed, stored)
	}
}

// TestSessionsCloseTheOldest: with MaxSessions 2, a third HLS session closes the first, whose
// master playlist is then refused with NotAuthorizedException; the others play.
func TestSessionsCloseTheOldest(t *testing.T) {
	_, url := newArchive(t)
	put(t, url, 2)
	var urls []string
	for range 3 {
		var out archived.GetHLSStreamingSessionURLOutput
		if code := call(t, url, "/getHLSStreamingSessionURL", archived.GetHLSStreamingSessionURLInput{StreamName: "cam"}, &out); code != http.StatusOK {
			t.Fatalf("GetHLSStreamingSessionURL: HTTP %d", code)
		}
		urls = append(urls, out.HLSStreamingSessionURL)
	}
	for i, u := range urls {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusOK
		if i == 0 {
			want = http.StatusUnauthorized
		}
		if resp.StatusCode != want {
			t.Errorf("session %d: HTTP %d, want %d", i, resp.StatusCode, want)
		}
	}
}

// TestSessionTablesForgetExpiredStreams: adding a session forgets the tables of other streams
// whose sessions have all expired, and keeps those with a live session.
func TestSessionTablesForgetExpiredStreams(t *testing.T) {
	var ts sessionTables
	oldStream, liveStream, newStream := mediaapi.NewMedia(), mediaapi.NewMedia(), mediaapi.NewMedia()
	t0 := time.UnixMilli(1e12)
	old := &playbackSession{id: "a", kind: hlsSession, created: t0, expires: t0.Add(time.Minute)}
	live := &playbackSession{id: "b", kind: dashSession, created: t0, expires: t0.Add(time.Hour)}
	ts.add(oldStream, old, 10)
	ts.add(liveStream, live, 10)
	later := &playbackSession{id: "c", kind: hlsSession, created: t0.Add(10 * time.Minute), expires: t0.Add(20 * time.Minute)}
	ts.add(newStream, later, 10)
	if _, kept := ts.byStream[oldStream]; kept {
		t.Error("the table of a stream whose sessions all expired is kept")
	}
	if ts.find(liveStream, dashSession, "b") != live || ts.find(newStream, hlsSession, "c") != later {
		t.Error("a live session was lost")
	}
	if ts.find(liveStream, hlsSession, "b") != nil {
		t.Error("a DASH session was found as HLS")
	}
}
