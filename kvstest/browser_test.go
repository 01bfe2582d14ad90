package kvstest_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

func TestCORSPreflightIsAnsweredOnEveryEndpoint(t *testing.T) {
	s := start(t)
	for name, base := range map[string]string{"control": s.URL, "data": s.DataURL, "signaling": s.SignalingURL} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodOptions, base+"/listFragments", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Origin", "http://127.0.0.1:4567")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-amz-date,x-amz-content-sha256")
			r := send(t, s, req)
			if r.status != http.StatusNoContent {
				t.Fatalf("preflight: HTTP %d %s", r.status, r.body)
			}
			for h, want := range map[string]string{
				"Access-Control-Allow-Origin":  "*",
				"Access-Control-Allow-Headers": "authorization,content-type,x-amz-date,x-amz-content-sha256",
				"Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
			} {
				if got := r.header.Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
		})
	}

	// The request that follows is authenticated as always, and its answer readable by the page.
	req := newRequest(t, s.URL, "/listStreams", "{}")
	req.Header.Set("Origin", "http://127.0.0.1:4567")
	sign(t, req, s.Credentials(), s.Region, time.Now(), "{}")
	r := send(t, s, req)
	if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Amzn-Errortype") {
		t.Errorf("signed request from a page: HTTP %d, headers %v", r.status, r.header)
	}
	req = newRequest(t, s.URL, "/listStreams", "{}")
	req.Header.Set("Origin", "http://127.0.0.1:4567")
	if r := send(t, s, req); r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("unsigned request from a page: HTTP %d %s, headers %v; want a readable 403", r.status, r.code, r.header)
	}

	// OPTIONS without a preflight's headers is no preflight: the endpoint refuses it as an API call.
	req, _ = http.NewRequest(http.MethodOptions, s.URL+"/listStreams", nil)
	if r := send(t, s, req); r.status != http.StatusForbidden {
		t.Errorf("OPTIONS without Origin: HTTP %d, want 403", r.status)
	}
}

func TestWithConsoleServesBrowsersAtTheControlPlane(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "console %s %s", r.Method, r.URL.Path) })
	with := start(t, kvstest.WithConsole(page))
	without := start(t)
	cases := []struct {
		s            *kvstest.Server
		method, path string
		status       int
		body         string
	}{
		{with, http.MethodGet, "/", 200, "console GET /"},
		{with, http.MethodHead, "/", 200, ""},
		{with, http.MethodGet, "/console/app.js", 200, "console GET /console/app.js"},
		{with, http.MethodPost, "/", 403, ""},              // the API, unsigned
		{with, http.MethodGet, "/describeStream", 403, ""}, // not the console's
		{with, http.MethodGet, "/consoles", 403, ""},
		{without, http.MethodGet, "/", 403, ""},
		{without, http.MethodGet, "/console/app.js", 403, ""},
	}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, c.s.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || c.body != "" && string(body) != c.body {
			t.Errorf("%s %s (console %v): HTTP %d %q, want %d %q", c.method, c.path, c.s == with, resp.StatusCode, body, c.status, c.body)
		}
	}
	// The console is only on the control plane.
	resp, err := with.Client().Get(with.DataURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Error("the data endpoint serves the console")
	}
}

func TestDescribeSignalingChannelActivity(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	type activity struct {
		MasterConnected bool
		ViewerClientIds []string
		MessagesRelayed int64
		MessagesHeld    int
	}
	describe := func() activity {
		t.Helper()
		var a activity
		post(t, e.s, "/emulator/describeSignalingChannelActivity", `{"ChannelARN":"`+e.arn+`"}`).decode(t, &a)
		return a
	}
	if a := describe(); a.MasterConnected || len(a.ViewerClientIds) != 0 || a.MessagesRelayed != 0 {
		t.Errorf("before any connection: %+v", a)
	}

	viewer := e.connect(t, "v1")
	offer := signaling.SessionDescription{Type: "offer", SDP: "v=0\r\n"}
	if err := viewer.SendSDPOffer(ctx, "", offer); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the offer held for the master", func() bool { return describe().MessagesHeld == 1 })
	master := e.connect(t, "")
	if _, err := master.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := master.SendSDPAnswer(ctx, "v1", signaling.SessionDescription{Type: "answer", SDP: "v=0\r\n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := viewer.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	a := describe()
	if !a.MasterConnected || !slices.Equal(a.ViewerClientIds, []string{"v1"}) || a.MessagesRelayed != 2 || a.MessagesHeld != 0 {
		t.Errorf("after an offer and an answer: %+v, want the master, viewer v1, 2 relayed, none held", a)
	}

	// Signed like the APIs, and the channel must exist.
	req := newRequest(t, e.s.URL, "/emulator/describeSignalingChannelActivity", `{"ChannelARN":"`+e.arn+`"}`)
	if r := send(t, e.s, req); r.status != http.StatusForbidden {
		t.Errorf("unsigned: HTTP %d %s, want 403", r.status, r.code)
	}
	gone := strings.Replace(e.arn, "/door/", "/gone/", 1)
	if r := post(t, e.s, "/emulator/describeSignalingChannelActivity", `{"ChannelARN":"`+gone+`"}`); r.code != "ResourceNotFoundException" {
		t.Errorf("unknown channel: HTTP %d %s", r.status, r.code)
	}
	if r := post(t, e.s, "/emulator/describeSignalingChannelActivity", `{}`); r.code != "InvalidArgumentException" {
		t.Errorf("no ARN: HTTP %d %s", r.status, r.code)
	}
}
