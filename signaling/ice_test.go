package signaling_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/signaling"
)

func TestSTUNURL(t *testing.T) {
	tests := []struct {
		region          string
		fips, dualStack bool
		want            string
	}{
		{"us-west-2", false, false, "stun:stun.kinesisvideo.us-west-2.amazonaws.com:443"},
		{"us-west-2", false, true, "stun:stun.kinesisvideo.us-west-2.api.aws:443"},
		{"us-gov-east-1", true, false, "stuns:stun.kinesisvideo-fips.us-gov-east-1.amazonaws.com:443"},
		{"us-gov-east-1", true, true, "stuns:stun.kinesisvideo-fips.us-gov-east-1.api.aws:443"},
		{"cn-north-1", false, false, "stun:stun.kinesisvideo.cn-north-1.amazonaws.com.cn:443"},
		{"cn-north-1", false, true, "stun:stun.kinesisvideo.cn-north-1.api.amazonwebservices.com.cn:443"},
		{"eu-central-1", false, false, "stun:stun.kinesisvideo.eu-central-1.amazonaws.com:443"},
	}
	for _, tt := range tests {
		got, err := signaling.STUNURL(tt.region, tt.fips, tt.dualStack)
		if err != nil || got != tt.want {
			t.Errorf("STUNURL(%s, fips=%v, dualStack=%v) = %q, %v; want %q", tt.region, tt.fips, tt.dualStack, got, err, tt.want)
		}
	}
	for _, region := range []string{"", "us west 2", "evil.example.com/"} {
		if got, err := signaling.STUNURL(region, false, false); err == nil {
			t.Errorf("STUNURL(%q) = %q, want an error", region, got)
		}
	}
}

func TestRTCIceServers(t *testing.T) {
	fs := newFakeService(t)
	ctx := context.Background()
	turn := signaling.RTCIceServer{
		URLs: []string{"turn:1-2-3-4.t-1.kinesisvideo.us-west-2.amazonaws.com:443?transport=udp",
			"turns:1-2-3-4.t-1.kinesisvideo.us-west-2.amazonaws.com:443?transport=tcp"},
		Username: "user-1", Credential: "pass-1", TTL: 300 * time.Second,
	}
	got, err := fs.client().RTCIceServers(ctx, &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN, ClientId: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []signaling.RTCIceServer{{URLs: []string{"stun:stun.kinesisvideo.us-west-2.amazonaws.com:443"}}, turn}
	if diff := wiretest.Diff(want, got); diff != "" {
		t.Errorf("RTCIceServers:\n%s", diff)
	}

	// Options.STUNURL replaces or removes the STUN server.
	got, err = fs.client(func(o *signaling.Options) { o.STUNURL = signaling.NoSTUN }).RTCIceServers(ctx, &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN})
	if err != nil || len(got) != 1 || got[0].Username != "user-2" {
		t.Errorf("with NoSTUN: %+v, %v", got, err)
	}
	got, err = fs.client(func(o *signaling.Options) { o.STUNURL = "stun:127.0.0.1:3478" }).RTCIceServers(ctx, &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN})
	if err != nil || got[0].URLs[0] != "stun:127.0.0.1:3478" {
		t.Errorf("with a STUN URL: %+v, %v", got, err)
	}

	fs.mu.Lock()
	defer fs.mu.Unlock()
	if body := fs.iceBodies[0]; body["Service"] != "TURN" || body["ClientId"] != "v1" || body["ChannelARN"] != testChannelARN {
		t.Errorf("request body %v", body)
	}
	if _, ok := fs.iceBodies[1]["ClientId"]; ok {
		t.Errorf("a master's request names a client: %v", fs.iceBodies[1])
	}
	// The viewer's request went to the VIEWER endpoint, the master's to the MASTER endpoint, each
	// looked up once.
	if diff := wiretest.Diff([]signaling.Role{signaling.RoleViewer, signaling.RoleMaster, signaling.RoleMaster}, fs.lookups); diff != "" {
		t.Errorf("endpoint lookups:\n%s", diff)
	}
}

func TestRTCIceServersNeedsAValidRegion(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client(func(o *signaling.Options) { o.Region = "not a region" })
	if _, err := c.RTCIceServers(context.Background(), &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN}); err == nil ||
		!strings.Contains(err.Error(), "no STUN URL") {
		t.Errorf("err = %v", err)
	}
}
