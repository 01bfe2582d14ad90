package group

import (
	"context"
	"slices"
	"testing"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

func TestStreamsList(t *testing.T) {
	srv, err := kvstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	control := kvs.NewFromConfig(srv.Config())
	for name, site := range map[string]string{"cam-1": "a", "cam-2": "b", "cam-3": "a", "door-1": "a"} {
		if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: 1,
			Tags: map[string]string{"site": site}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		s    Streams
		want []string
	}{
		{Streams{Names: []string{"x", "b", "x"}}, []string{"b", "x"}},
		{Streams{}, []string{"cam-1", "cam-2", "cam-3", "door-1"}},
		{Streams{Prefix: "cam-"}, []string{"cam-1", "cam-2", "cam-3"}},
		{Streams{Prefix: "cam-", Tags: map[string]string{"site": "a"}}, []string{"cam-1", "cam-3"}},
		{Streams{Tags: map[string]string{"site": "a", "floor": "2"}}, nil},
	} {
		got, err := tc.s.list(ctx, control)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%+v lists %q, %v; want %q", tc.s, got, err, tc.want)
		}
	}
	if _, err := (Streams{Prefix: "cam-"}).list(ctx, nil); err == nil {
		t.Error("a prefix without a control-plane client is accepted")
	}
}
