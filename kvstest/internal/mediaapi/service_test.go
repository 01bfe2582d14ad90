package mediaapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/kvstest/internal/state"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// newState returns a state on clock with one stream, "cam", that keeps data for retention hours.
func newState(t *testing.T, clock func() time.Time, retention int32) *State {
	t.Helper()
	st := state.New(state.Config[*Media]{Region: "us-east-1", AccountID: "123456789012", Clock: clock, NewMedia: NewMedia})
	now := st.Lock()
	_, e := st.CreateStream(now, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: retention})
	st.Unlock()
	if e != nil {
		t.Fatal(e)
	}
	return st
}

// newService returns a Service with one stream, "cam", that keeps data (when retention > 0),
// served at the returned URL: POST /putMedia and /getMedia. The state and store are cfg's when
// set, else newState on real time and a memory store.
func newService(t *testing.T, retention int32, cfg Config) (*Service, string) {
	t.Helper()
	if cfg.State == nil {
		cfg.State = newState(t, time.Now, retention)
	}
	if cfg.Store == nil {
		cfg.Store = store.NewMemory()
	}
	cfg.Limits = Limits{PutMediaCallsPerSecond: 5, GetMediaCallsPerSecond: 5, PutMediaConnections: 1, GetMediaConnections: 3,
		MaxFragmentSize: 1 << 20, MaxFragmentDuration: 20 * time.Second, MaxFragmentMetadata: 10, IdleAckInterval: 3 * time.Second,
		IdleTimeout: 30 * time.Second, MaxConnectionDuration: time.Minute, GetMediaIdle: 50 * time.Millisecond, GetMediaMaxDuration: time.Minute}
	s := New(cfg)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &serve.Call{W: w, R: r}
		switch r.URL.Path {
		case "/putMedia":
			c.Op = "PutMedia"
			s.PutMedia(c)
		case "/getMedia":
			c.Op = "GetMedia"
			body, _ := io.ReadAll(r.Body)
			c.Body = body
			s.GetMedia(c)
		}
	}))
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// getMediaNumbers reads "cam" by GetMedia from EARLIEST at url until the response ends, and
// returns the fragments served ("error <id> <number>" for an in-band error), each checked to
// have its two frames.
func getMediaNumbers(t *testing.T, url string) []string {
	t.Helper()
	in, _ := json.Marshal(media.GetMediaInput{StreamName: "cam", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	resp, err := http.Post(url+"/getMedia", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return mediatest.Served(t, resp.Body, -1)
}

// TestPutThenGet stores three fragments with PutMedia and reads them back with GetMedia from
// EARLIEST: each is acknowledged BUFFERING, RECEIVED and PERSISTED, recorded as a connection,
// and served with its frames, in order.
func TestPutThenGet(t *testing.T) {
	s, url := newService(t, 1, Config{})
	acks := mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 3))
	persisted := mediatest.Numbers(acks, media.AckEventPersisted)
	if len(persisted) != 3 || len(mediatest.Numbers(acks, media.AckEventReceived)) != 3 || len(mediatest.Numbers(acks, media.AckEventBuffering)) != 3 {
		t.Fatalf("acknowledgements %+v, want three of each kind", acks)
	}
	if conns := s.Connections(); len(conns) != 1 || conns[0].StreamName != "cam" || len(conns[0].Acks) != len(acks) {
		t.Errorf("connection records %+v", conns)
	}

	if got := getMediaNumbers(t, url); !slices.Equal(got, persisted) {
		t.Fatalf("GetMedia served %v, want %v", got, persisted)
	}
	for _, f := range s.cfg.State.Streams.ByName["cam"].Media.Snapshot() {
		if f.Frames != nil || f.Stats.Frames != 2 || DocumentSize(f) <= f.Stats.BlockBytes {
			t.Errorf("stored fragment %s: %d frames in memory, stats %+v", f.Number, len(f.Frames), f.Stats)
		}
	}
}

// TestNoRetentionKeepsNothing: a stream without retention gets RECEIVED but not PERSISTED, and
// keeps no fragment.
func TestNoRetentionKeepsNothing(t *testing.T) {
	s, url := newService(t, 0, Config{})
	acks := mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 2))
	if n := len(mediatest.Numbers(acks, media.AckEventReceived)); n != 2 || len(mediatest.Numbers(acks, media.AckEventPersisted)) != 0 {
		t.Fatalf("acknowledgements %+v, want two RECEIVED and no PERSISTED", acks)
	}
	if frags := s.cfg.State.Streams.ByName["cam"].Media.Snapshot(); len(frags) != 0 {
		t.Fatalf("%d fragments kept", len(frags))
	}
}

// TestInjectedErrorAck: the fault hook's ERROR acknowledgement answers the fragment after the
// ones it lets through, and ends the response.
func TestInjectedErrorAck(t *testing.T) {
	_, url := newService(t, 1, Config{NextPutFault: func() PutFault { return PutFault{ErrorAckID: 5000, ErrorAfterFragments: 1} }})
	acks := mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 3))
	last := acks[len(acks)-1]
	if len(mediatest.Numbers(acks, media.AckEventPersisted)) != 1 || last.EventType != media.AckEventError || last.ErrorID != 5000 {
		t.Fatalf("acknowledgements %+v, want one PERSISTED then ERROR 5000", acks)
	}
}

// TestMarkedFragments: a fragment with event tags calls Config.Marked, whose work is done
// before the fragment's PERSISTED acknowledgement.
func TestMarkedFragments(t *testing.T) {
	done := make(chan string, 4)
	var mu sync.Mutex
	var got []Events
	_, url := newService(t, 1, Config{Marked: func(st *Stream, f *Fragment, ev Events) func() {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev)
		return func() { done <- f.Number }
	}})
	tag := mkv.Tag{SimpleTags: []mkv.SimpleTag{{Name: eventNotificationTag}, {Name: "camera", String: "front"}}}
	acks := mediatest.Put(t, url+"/putMedia", "cam", mediatest.Stream(t, 2, tag))
	persisted := mediatest.Numbers(acks, media.AckEventPersisted)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !got[0].Notify || got[0].NotifyPayload["camera"] != "front" || got[0].Images {
		t.Fatalf("Marked saw %+v", got)
	}
	for _, n := range persisted {
		select {
		case d := <-done:
			if d != n {
				t.Errorf("marked work for %s, want %s", d, n)
			}
		default:
			t.Errorf("PERSISTED %s acknowledged before its marked work ran", n)
		}
	}
}

// TestGetMediaOfMissingStream answers ResourceNotFoundException.
func TestGetMediaOfMissingStream(t *testing.T) {
	_, url := newService(t, 1, Config{})
	in, _ := json.Marshal(media.GetMediaInput{StreamName: "other", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}})
	resp, err := http.Post(url+"/getMedia", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HTTP %d, want 404", resp.StatusCode)
	}
}
