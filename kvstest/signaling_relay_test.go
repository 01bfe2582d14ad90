package kvstest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/coder/websocket"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

func TestSignalingRoutesBetweenMasterAndViewers(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	master := e.connect(t, "")
	v1, v2 := e.connect(t, "v1"), e.connect(t, "v2")

	for _, v := range []*signaling.Conn{v1, v2} {
		if err := v.SendSDPOffer(ctx, "", testOffer); err != nil {
			t.Fatal(err)
		}
	}
	from := map[string]bool{}
	for range 2 {
		m := recv(t, master)
		if m.Type != signaling.MessageTypeSDPOffer || m.SessionDescription != testOffer {
			t.Fatalf("master received %+v", m)
		}
		from[m.SenderClientID] = true
	}
	if !from["v1"] || !from["v2"] {
		t.Fatalf("offers from %v, want v1 and v2", from)
	}
	if err := master.SendSDPAnswer(ctx, "v2", testAnswer); err != nil {
		t.Fatal(err)
	}
	if err := master.SendICECandidate(ctx, "v1", testCandidate("m1")); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, v2); m.Type != signaling.MessageTypeSDPAnswer || m.SessionDescription != testAnswer || m.SenderClientID != "" {
		t.Errorf("v2 received %+v", m)
	}
	// v1 holds the candidate back until the master's SDP reaches it (the client's early ICE
	// buffering), so it must get both, in the order that lets it apply them.
	if err := master.SendSDPAnswer(ctx, "v1", testAnswer); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, v1); m.Type != signaling.MessageTypeSDPAnswer {
		t.Errorf("v1 received %+v", m)
	}
	if m := recv(t, v1); m.Type != signaling.MessageTypeICECandidate || m.ICECandidate.Candidate != testCandidate("m1").Candidate {
		t.Errorf("v1 received %+v", m)
	}

	// A viewer's message goes to the master whatever recipient it names.
	raw := e.dial(t, "v3")
	raw.sendMessage(t, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, RecipientClientID: "v1", SessionDescription: testOffer})
	if m := recv(t, master); m.Type != signaling.MessageTypeSDPOffer || m.SenderClientID != "v3" {
		t.Errorf("master received %+v, want v3's offer", m)
	}
	if master, viewers := e.s.SignalingPeers(e.arn); !master || fmt.Sprint(viewers) != "[v1 v2 v3]" {
		t.Errorf("SignalingPeers = %v %v", master, viewers)
	}
}

func TestSignalingTakesTenViewers(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	raws := map[string]*rawPeer{}
	for i := range 10 {
		id := fmt.Sprintf("v%d", i)
		raws[id] = e.dial(t, id)
	}
	_, err := e.client.Connect(ctx, e.input("v10"))
	var limit *signaling.ClientLimitExceededException
	if !errors.As(err, &limit) || httpStatus(err) != http.StatusBadRequest {
		t.Fatalf("eleventh viewer: %v, want ClientLimitExceededException (HTTP 400)", err)
	}

	// A viewer reconnecting with its client ID replaces its connection, even at the limit.
	again := e.dial(t, "v3")
	wantClose(t, raws["v3"], websocket.StatusPolicyViolation, "replaced by a newer connection")
	master := e.connect(t, "")
	again.sendMessage(t, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: testOffer})
	if m := recv(t, master); m.SenderClientID != "v3" {
		t.Errorf("master received %+v", m)
	}

	// Once a viewer leaves there is room again.
	raws["v0"].close()
	eventually(t, "v0 gone", func() bool { _, v := e.s.SignalingPeers(e.arn); return len(v) == 9 })
	e.connect(t, "v10")
}

func TestSignalingNewMasterReplacesTheOld(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	old := e.dial(t, "")
	viewer := e.connect(t, "v1")
	current := e.dial(t, "")
	wantClose(t, old, websocket.StatusPolicyViolation, "replaced by a newer connection")
	if err := viewer.SendSDPOffer(ctx, "", testOffer); err != nil {
		t.Fatal(err)
	}
	if m := current.next(t); m.Type != signaling.MessageTypeSDPOffer || m.SenderClientID != "v1" {
		t.Errorf("new master received %+v", m)
	}
}

func TestSignalingReportsUndeliverableMessages(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	master := e.connect(t, "")
	err := master.SendAndWait(ctx, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "ghost",
		SessionDescription: testAnswer}, waitLimit)
	var se *signaling.StatusError
	if !errors.As(err, &se) || se.ErrorCode() != "InvalidArgumentException" || se.StatusCode != "400" ||
		!strings.Contains(se.Description, "ghost is not connected") {
		t.Fatalf("SendAndWait = %v, want a status response", err)
	}

	master.Close() // or it would take its place back from the raw master
	raw := e.dial(t, "")
	for _, tc := range []struct{ frame, want string }{
		{`{"action":"SDP_ANSWER","recipientClientId":"ghost","messagePayload":"` + sdpPayload(t, signaling.MessageTypeSDPAnswer, testAnswer) + `","correlationId":"c1"}`, "ghost is not connected"},
		{`{"action":"SDP_ANSWER","messagePayload":"` + sdpPayload(t, signaling.MessageTypeSDPAnswer, testAnswer) + `","correlationId":"c2"}`, "must name its recipient"},
		{`{"action":"SDP_ANSWER","recipientClientId":"v","messagePayload":"%%%","correlationId":"c3"}`, "not base64"},
		{`{"action":"HELLO","correlationId":"c4"}`, `unknown action "HELLO"`},
		{`{"action":"ICE_CANDIDATE","recipientClientId":"v","messagePayload":"` + bigCandidate(t) + `","correlationId":"c5"}`, "exceeds"},
	} {
		raw.send(t, tc.frame)
		m := raw.next(t)
		if m.Type != signaling.MessageTypeStatusResponse || !strings.Contains(m.Status.Description, tc.want) || m.Status.StatusCode != "400" {
			t.Errorf("%s: got %+v, want a status response about %q", tc.frame, m, tc.want)
		}
	}
	// Without a usable correlation ID a failure goes unreported.
	raw.send(t, `{"action":"SDP_ANSWER","recipientClientId":"ghost","messagePayload":"`+sdpPayload(t, signaling.MessageTypeSDPAnswer, testAnswer)+`"}`)
	raw.send(t, `{"action":"HELLO","correlationId":"not valid!"}`)
	raw.send(t, `not json`)
	raw.quiet(t, 100*time.Millisecond)
}

// bigCandidate returns the base64 of an ICE candidate payload larger than a message may carry.
func bigCandidate(t *testing.T) string {
	t.Helper()
	return base64.StdEncoding.EncodeToString([]byte(`{"candidate":"` + strings.Repeat("a", signaling.MaxPayloadSize) + `"}`))
}

func TestSignalingKeepsMessagesForAnAbsentMaster(t *testing.T) {
	clk := newClock()
	ttl := int32(5)
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{MessageTtlSeconds: &ttl}, kvstest.WithClock(clk.Now))
	viewer := e.dial(t, "v1")
	send := func(m *signaling.OutgoingMessage) { viewer.sendMessage(t, m) }
	send(&signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, ICECandidate: testCandidate("stale")})
	time.Sleep(50 * time.Millisecond)
	clk.Advance(6 * time.Second) // the first candidate expires
	first := testOffer
	first.SDP += "a=first\r\n"
	send(&signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: first})
	send(&signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, ICECandidate: testCandidate("c1")})
	send(&signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: testOffer}) // replaces the first offer
	send(&signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, ICECandidate: testCandidate("c2")})
	time.Sleep(50 * time.Millisecond)

	master := e.dial(t, "")
	var got []string
	for range 3 {
		m := master.next(t)
		if m.SenderClientID != "v1" {
			t.Errorf("sender %q, want v1", m.SenderClientID)
		}
		switch {
		case m.Type == signaling.MessageTypeSDPOffer && strings.Contains(m.SessionDescription.SDP, "a=first"):
			got = append(got, "first offer")
		case m.Type == signaling.MessageTypeSDPOffer:
			got = append(got, "offer")
		default:
			got = append(got, strings.Fields(m.ICECandidate.Candidate)[0])
		}
	}
	if want := "[candidate:c1 offer candidate:c2]"; fmt.Sprint(got) != want {
		t.Errorf("master received %q, want %q", got, want)
	}
	master.quiet(t, 50*time.Millisecond)
}

func TestSignalingRefusesBadHandshakes(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	creds := e.s.Credentials()
	signed := func(query map[string]string, at time.Time, secret string) string {
		q := map[string][]string{}
		for k, v := range query {
			q[k] = []string{v}
		}
		c := creds
		c.SecretAccessKey = secret
		u, err := signaling.PresignURL(ctx, e.s.SignalingWebSocketURL, q, c, e.s.Region, at)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	master := map[string]string{signaling.QueryChannelARN: e.arn}
	viewer := func(id string) map[string]string {
		return map[string]string{signaling.QueryChannelARN: e.arn, signaling.QueryClientID: id}
	}
	missing := strings.Replace(e.arn, "door", "gone", 1)
	for _, tc := range []struct {
		name   string
		url    string
		status int
		code   string
	}{
		{"expired", signed(master, time.Now().Add(-300*time.Second), creds.SecretAccessKey), 403, "InvalidSignatureException"},
		{"wrong secret", signed(master, time.Now(), "wrong"), 403, "InvalidSignatureException"},
		{"changed after signing", signed(master, time.Now(), creds.SecretAccessKey) + "&X-Amz-ClientId=intruder", 403, "InvalidSignatureException"},
		{"unsigned", e.s.SignalingWebSocketURL + "/?X-Amz-ChannelARN=" + e.arn, 403, "MissingAuthenticationTokenException"},
		{"no channel", signed(map[string]string{}, time.Now(), creds.SecretAccessKey), 400, "InvalidArgumentException"},
		{"bad ARN", signed(map[string]string{signaling.QueryChannelARN: "arn:door"}, time.Now(), creds.SecretAccessKey), 400, "InvalidArgumentException"},
		{"unknown channel", signed(map[string]string{signaling.QueryChannelARN: missing}, time.Now(), creds.SecretAccessKey), 404, "ResourceNotFoundException"},
		{"empty client ID", signed(viewer(""), time.Now(), creds.SecretAccessKey), 400, "InvalidArgumentException"},
		{"reserved client ID", signed(viewer("aws_me"), time.Now(), creds.SecretAccessKey), 400, "InvalidArgumentException"},
		{"bad client ID", signed(viewer("bad!id"), time.Now(), creds.SecretAccessKey), 400, "InvalidArgumentException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, resp, err := dialURL(tc.url, e.s.Client())
			if err == nil {
				p.close()
				t.Fatal("the handshake succeeded")
			}
			if resp == nil || resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), tc.code) {
				t.Fatalf("%v, want HTTP %d %s", resp, tc.status, tc.code)
			}
		})
	}
	// The signaling client sees the modeled error.
	_, err := e.client.Connect(ctx, &signaling.ConnectInput{ChannelARN: missing, Role: signaling.RoleMaster})
	var nf *signaling.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("Connect to a missing channel: %v", err)
	}
}

// TestSignalingIdleAndAgeLimits drives the idle and age limits of signaling connections with a
// fake clock: each step is an event (a timer armed, a ping answered), never a real-time budget.
func TestSignalingIdleAndAgeLimits(t *testing.T) {
	const idle, age = 150 * time.Millisecond, 600 * time.Millisecond
	clk := newFakeLimitClock()
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{},
		kvstest.WithSignalingLimits(kvstest.SignalingLimits{IdleTimeout: idle, MaxConnectionAge: age}), kvstest.WithLimitClock(clk))

	// A connection on which the client sends nothing ends at the idle timeout.
	t0 := clk.Now()
	silent := e.dial(t, "silent")
	clk.waitArmed(t, t0.Add(idle))
	clk.Advance(idle)
	wantClose(t, silent, websocket.StatusGoingAway, "idle timeout")

	// Pings count as activity: pinged every 100 ms, only the age limit ends this one. Each time
	// the idle timer fires it is armed again for what is left of the timeout after the last ping.
	t1 := clk.Now()
	pinging := e.dial(t, "pinging")
	clk.waitArmed(t, t1.Add(idle))
	clk.waitArmed(t, t1.Add(age))
	ping := func() {
		t.Helper()
		pctx, cancel := context.WithTimeout(ctx, waitLimit)
		defer cancel()
		if err := pinging.ws.Ping(pctx); err != nil { // answered once the server has noted it
			t.Fatalf("ping: %v", err)
		}
	}
	clk.Advance(100 * time.Millisecond)
	ping()
	for at := 200 * time.Millisecond; at < age; at += 100 * time.Millisecond {
		clk.Advance(100 * time.Millisecond)
		clk.waitArmed(t, t1.Add(at+idle-100*time.Millisecond)) // the last ping was 100 ms ago
		ping()
	}
	clk.Advance(100 * time.Millisecond)
	wantClose(t, pinging, websocket.StatusGoingAway, "maximum connection age")

	// The signaling client reconnects after the age limit and keeps its messages flowing.
	t2 := clk.Now()
	master := e.connect(t, "")
	viewer := signalingClient(e.s)
	conn, err := viewer.Connect(ctx, e.input("v1"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	clk.waitArmedN(t, t2.Add(age), 2) // the master's and the viewer's
	clk.Advance(age)
	eventually(t, "reconnected after the maximum age", func() bool { return conn.Stats().Connects >= 2 })
	if err := conn.SendSDPOffer(ctx, "", testOffer); err != nil {
		t.Fatal(err)
	}
	for {
		m := recv(t, master)
		if m.Type == signaling.MessageTypeSDPOffer && m.SenderClientID == "v1" {
			break
		}
	}
}

func TestSignalingGoAwayAndReconnectICEServer(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithSignalingLimits(kvstest.SignalingLimits{GoAwayGrace: 200 * time.Millisecond}))
	master := e.dial(t, "")
	viewer := e.dial(t, "v1")

	if err := e.s.SendReconnectICEServer(e.arn, "v1"); err != nil {
		t.Fatal(err)
	}
	if m := viewer.next(t); m.Type != signaling.MessageTypeReconnectICEServer {
		t.Errorf("viewer received %+v", m)
	}
	if err := e.s.SendGoAway(e.arn, ""); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if m := master.next(t); m.Type != signaling.MessageTypeGoAway {
		t.Errorf("master received %+v", m)
	}
	// The relay keeps relaying on a connection it sent GO_AWAY on, until the grace period ends.
	viewer.sendMessage(t, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: testOffer})
	if m := master.next(t); m.Type != signaling.MessageTypeSDPOffer {
		t.Errorf("master received %+v", m)
	}
	master.sendMessage(t, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "v1", SessionDescription: testAnswer})
	if m := viewer.next(t); m.Type != signaling.MessageTypeSDPAnswer {
		t.Errorf("viewer received %+v", m)
	}
	wantClose(t, master, websocket.StatusGoingAway, "GO_AWAY not followed")
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("closed %v after GO_AWAY, before the grace period", d)
	}
	viewer.quiet(t, 50*time.Millisecond) // the viewer's connection is untouched

	for _, err := range []error{e.s.SendGoAway(e.arn, "nobody"), e.s.SendReconnectICEServer(e.arn, ""),
		e.s.DropSignalingConnection("arn:aws:kinesisvideo:us-east-1:123456789012:channel/none/1", "")} {
		if err == nil || !strings.Contains(err.Error(), "connected to the signaling channel") {
			t.Errorf("to a client not connected: %v", err)
		}
	}
}

func TestSignalingDropAndDelete(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	master := e.dial(t, "")
	if err := e.s.DropSignalingConnection(e.arn, ""); err != nil {
		t.Fatal(err)
	}
	if err := master.closed(t); websocket.CloseStatus(err) != -1 {
		t.Errorf("dropped connection ended with %v, want no close frame", err)
	}
	eventually(t, "master gone", func() bool { m, _ := e.s.SignalingPeers(e.arn); return !m })

	viewer := e.dial(t, "v1")
	if _, err := client(e.s).DeleteSignalingChannel(ctx, &kvs.DeleteSignalingChannelInput{ChannelARN: e.arn}); err != nil {
		t.Fatal(err)
	}
	wantClose(t, viewer, websocket.StatusGoingAway, "channel deleted")
	_, err := e.client.Connect(ctx, e.input("v1"))
	var nf *signaling.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("Connect after deletion: %v", err)
	}
}

func TestSignalingFaultInjectionByRole(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	e.s.FailNext("ConnectAsViewer", 1, kvstest.Error{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "injected"})
	e.s.Throttle("ConnectAsMaster", 1)
	_, err := e.client.Connect(ctx, e.input("v1"))
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ServiceUnavailable" || httpStatus(err) != 503 {
		t.Errorf("viewer: %v", err)
	}
	_, err = e.client.Connect(ctx, e.input(""))
	if !errors.As(err, &api) || api.ErrorCode() != "ClientLimitExceededException" {
		t.Errorf("master: %v", err)
	}
	e.connect(t, "")
	e.connect(t, "v1")
	if m, v := e.s.Calls("ConnectAsMaster"), e.s.Calls("ConnectAsViewer"); m != 2 || v != 2 {
		t.Errorf("calls: %d ConnectAsMaster, %d ConnectAsViewer; want 2 and 2", m, v)
	}
}

func TestSignalingOverTLS(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithTLS())
	if !strings.HasPrefix(e.s.SignalingWebSocketURL, "wss://") {
		t.Fatalf("SignalingWebSocketURL = %s", e.s.SignalingWebSocketURL)
	}
	master := e.connect(t, "")
	viewer := e.connect(t, "v1")
	if err := viewer.SendSDPOffer(ctx, "", testOffer); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, master); m.Type != signaling.MessageTypeSDPOffer || m.SenderClientID != "v1" {
		t.Errorf("master received %+v", m)
	}
}

// TestSignalingRelaysPayloadsAsSent checks that the relay passes messagePayload on exactly as the
// sender wrote it: members it does not know, nulls, and the sender's own JSON spacing survive.
func TestSignalingRelaysPayloadsAsSent(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{})
	master := e.dial(t, "")
	viewer := e.dial(t, "v1")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	candidate := b64(`{"candidate":"candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":null,"x-vendor":{"a":[1,2]}}`)
	offer := b64(`{ "type" : "offer", "sdp" : "v=0\r\n", "x-extra": true }`)
	answer := b64(`{"type":"answer","sdp":"v=0\r\n","extra":null}`)

	for _, tc := range []struct {
		from, to *rawPeer
		frame    string
		want     map[string]string
	}{
		{viewer, master, `{"action":"SDP_OFFER","messagePayload":"` + offer + `"}`,
			map[string]string{"senderClientId": "v1", "messageType": "SDP_OFFER", "messagePayload": offer}},
		{viewer, master, `{"action":"ICE_CANDIDATE","recipientClientId":"ignored","messagePayload":"` + candidate + `"}`,
			map[string]string{"senderClientId": "v1", "messageType": "ICE_CANDIDATE", "messagePayload": candidate}},
		{master, viewer, `{"action":"SDP_ANSWER","recipientClientId":"v1","messagePayload":"` + answer + `","correlationId":"c"}`,
			map[string]string{"messageType": "SDP_ANSWER", "messagePayload": answer}},
		{master, viewer, `{"action":"ICE_CANDIDATE","recipientClientId":"v1","messagePayload":"` + candidate + `"}`,
			map[string]string{"messageType": "ICE_CANDIDATE", "messagePayload": candidate}},
	} {
		tc.from.send(t, tc.frame)
		var got map[string]string
		f := tc.to.nextFrame(t)
		if err := json.Unmarshal(f, &got); err != nil {
			t.Fatalf("%s: the relay sent %s: %v", tc.frame, f, err)
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("%s: the relay sent %s, want %v", tc.frame, f, tc.want)
		}
	}
}
