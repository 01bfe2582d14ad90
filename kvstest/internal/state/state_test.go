package state

import (
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// newTestState returns a state whose streams carry a number as their media.
func newTestState() *State[int] {
	return New(Config[int]{Region: "us-west-2", AccountID: "123456789012", Clock: time.Now, NewMedia: func() int { return 7 }})
}

// TestStreamSignals checks what data-plane handlers watch: a stream's changed and deleted
// signals.
func TestStreamSignals(t *testing.T) {
	s := newTestState()
	var st *Stream[int]
	run := func(fn func(now time.Time) *apierr.Error) {
		now := s.Lock()
		defer s.Unlock()
		if e := fn(now); e != nil {
			t.Fatal(e)
		}
	}
	run(func(now time.Time) *apierr.Error {
		out, e := s.CreateStream(now, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1})
		if e == nil {
			st = s.Streams.ByARN[out.StreamARN]
		}
		return e
	})
	changed, deleted, gen := st.Changed, st.Deleted, st.Generation
	run(func(now time.Time) *apierr.Error {
		_, e := s.UpdateDataRetention(now, &kvs.UpdateDataRetentionInput{StreamName: "s", CurrentVersion: st.Version,
			Operation: kvs.UpdateDataRetentionOperationIncreaseDataRetention, DataRetentionChangeInHours: 2})
		return e
	})
	select {
	case <-changed:
	default:
		t.Fatal("changed not closed by UpdateDataRetention")
	}
	if st.Generation != gen+1 || st.Retention != 3 {
		t.Errorf("generation %d → %d, retention %d", gen, st.Generation, st.Retention)
	}
	select {
	case <-deleted:
		t.Fatal("deleted closed early")
	default:
	}
	run(func(now time.Time) *apierr.Error {
		_, e := s.DeleteStream(now, &kvs.DeleteStreamInput{StreamARN: st.ARN})
		return e
	})
	select {
	case <-deleted:
	default:
		t.Fatal("deleted not closed by DeleteStream")
	}
}

// TestListPages checks that a listing pages with tokens that resume after the last name of a
// page, even when streams are added meanwhile, and that a token of another operation is refused.
func TestListPages(t *testing.T) {
	s := newTestState()
	now := s.Lock()
	defer s.Unlock()
	for _, name := range []string{"c", "a", "b"} {
		out, e := s.CreateStream(now, &kvs.CreateStreamInput{StreamName: name})
		if e != nil {
			t.Fatal(e)
		}
		if st := s.Streams.ByARN[out.StreamARN]; st.Media != 7 || !strings.HasPrefix(st.ARN, "arn:aws:kinesisvideo:us-west-2:123456789012:stream/"+name+"/") {
			t.Fatalf("stream %q: ARN %s, media %d", name, st.ARN, st.Media)
		}
	}
	limit := int32(2)
	first, e := s.ListStreams(now, &kvs.ListStreamsInput{MaxResults: &limit})
	if e != nil || len(first.StreamInfoList) != 2 || first.StreamInfoList[0].StreamName != "a" || first.NextToken == "" {
		t.Fatalf("first page %+v, %v", first, e)
	}
	if _, e := s.CreateStream(now, &kvs.CreateStreamInput{StreamName: "aa"}); e != nil {
		t.Fatal(e)
	}
	rest, e := s.ListStreams(now, &kvs.ListStreamsInput{NextToken: first.NextToken})
	if e != nil || len(rest.StreamInfoList) != 1 || rest.StreamInfoList[0].StreamName != "c" || rest.NextToken != "" {
		t.Fatalf("second page %+v, %v", rest, e)
	}
	if _, e := s.ListSignalingChannels(now, &kvs.ListSignalingChannelsInput{NextToken: first.NextToken}); e == nil || e.Code != "InvalidArgumentException" {
		t.Errorf("a ListStreams token for ListSignalingChannels: %v", e)
	}
}
