package jspeer

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/signaling"
)

// Payloads the JS peers send, as JSON.stringify writes them. The candidates carry
// "usernameFragment":null, as browsers' RTCIceCandidate.toJSON() writes for a candidate without
// one, and members no version of the relay knows: both must reach the other side unchanged.
const (
	jsOffer      = `{"type":"offer","sdp":"v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"}`
	jsAnswer     = `{"type":"answer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}`
	jsAnswer2    = `{"type":"answer","sdp":"v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}`
	jsCandidate  = `{"candidate":"candidate:842163049 1 udp 1677729535 192.0.2.10 50000 typ srflx raddr 0.0.0.0 rport 0","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":null,"x-kvsgo-unknown":{"kept":[1,"two",null,true]}}`
	jsCandidate2 = `{"candidate":"candidate:1 1 udp 2122260223 192.0.2.20 40000 typ host","sdpMid":"1","sdpMLineIndex":1,"usernameFragment":"Ufrag","networkId":3}`
)

// Messages the Go peers send.
var (
	goOffer     = signaling.SessionDescription{Type: "offer", SDP: "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}
	goAnswer    = signaling.SessionDescription{Type: "answer", SDP: "v=0\r\no=- 8 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}
	goCandidate = signaling.ICECandidate{Candidate: "candidate:2 1 tcp 1518280447 192.0.2.30 9 typ host tcptype active",
		SDPMid: ptr("0"), SDPMLineIndex: ptr(uint16(0)), UsernameFragment: ptr("goUfrag")}
)

func ptr[T any](v T) *T { return &v }

// goPayload returns the payload JSON our client writes for m: what the JS peer must receive,
// byte for byte.
func goPayload(t *testing.T, m *signaling.OutgoingMessage) string {
	t.Helper()
	frame, err := signaling.EncodeOutgoing(m)
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ MessagePayload string }
	if err := json.Unmarshal(frame, &f); err != nil {
		t.Fatal(err)
	}
	js, err := base64.StdEncoding.DecodeString(f.MessagePayload)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// wantSDP checks a message our client received from a JS peer.
func wantSDP(t *testing.T, m *signaling.Message, typ signaling.MessageType, sender, payload string) {
	t.Helper()
	var want signaling.SessionDescription
	if err := json.Unmarshal([]byte(payload), &want); err != nil {
		t.Fatal(err)
	}
	if m.Type != typ || m.SenderClientID != sender || m.SessionDescription != want {
		t.Fatalf("received %+v, want %s from %q carrying %s", m, typ, sender, payload)
	}
}

// wantCandidate checks an ICE candidate our client received from a JS peer: the members it
// models, the null username fragment as none.
func wantCandidate(t *testing.T, m *signaling.Message, sender, payload string) {
	t.Helper()
	var want struct {
		Candidate        string  `json:"candidate"`
		SDPMid           string  `json:"sdpMid"`
		SDPMLineIndex    uint16  `json:"sdpMLineIndex"`
		UsernameFragment *string `json:"usernameFragment"`
	}
	if err := json.Unmarshal([]byte(payload), &want); err != nil {
		t.Fatal(err)
	}
	c := m.ICECandidate
	if m.Type != signaling.MessageTypeICECandidate || m.SenderClientID != sender || c.Candidate != want.Candidate ||
		c.SDPMid == nil || *c.SDPMid != want.SDPMid || c.SDPMLineIndex == nil || *c.SDPMLineIndex != want.SDPMLineIndex ||
		(c.UsernameFragment == nil) != (want.UsernameFragment == nil) ||
		(c.UsernameFragment != nil && *c.UsernameFragment != *want.UsernameFragment) {
		t.Fatalf("received %+v (candidate %+v), want an ICE candidate from %q carrying %s", m, c, sender, payload)
	}
}

// report logs the figures of a scenario: messages relayed and how long each peer took to
// connect.
func report(t *testing.T, js []*jsPeer, goPeers []*goPeer) {
	t.Helper()
	relayed := 0
	var connects []string
	for _, p := range js {
		relayed += p.received
		connects = append(connects, p.name+" "+p.connect.Round(100_000).String())
	}
	for _, p := range goPeers {
		relayed += p.received
		connects = append(connects, p.name+" "+p.connect.Round(100_000).String())
	}
	t.Logf("relayed %d messages; connected: %s", relayed, strings.Join(connects, ", "))
}

// TestSignalingWithTheJSSDK runs the official WebRTC JS SDK's SignalingClient, unchanged and
// with its default request signer, against kvslocal over wss://, with itself and with our
// signaling client in both roles.
func TestSignalingWithTheJSSDK(t *testing.T) {
	needNode(t)
	bin := buildKVSLocal(t)
	k := startKVSLocal(t, bin)

	t.Run("JS master, JS viewer", func(t *testing.T) {
		k.createChannel(t, "js-js")
		master := startJS(t, k, "js-js", "")
		viewer := startJS(t, k, "js-js", "v1")
		// A candidate sent before the offer: the master's SDK holds it until the offer.
		viewer.send(t, "iceCandidate", jsCandidate, "", "")
		viewer.send(t, "sdpOffer", jsOffer, "", "")
		master.expect(t, "sdpOffer", jsOffer, "v1")
		master.expect(t, "iceCandidate", jsCandidate, "v1")
		master.send(t, "sdpAnswer", jsAnswer, "v1", "")
		master.send(t, "iceCandidate", jsCandidate2, "v1", "")
		viewer.expect(t, "sdpAnswer", jsAnswer, "")
		viewer.expect(t, "iceCandidate", jsCandidate2, "")
		report(t, []*jsPeer{master, viewer}, nil)
	})

	t.Run("JS master, Go viewer", func(t *testing.T) {
		arn := k.createChannel(t, "js-go")
		master := startJS(t, k, "js-go", "")
		viewer := connectGo(t, k, arn, "g1")
		offer := &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: goOffer}
		candidate := &signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, ICECandidate: goCandidate}
		viewer.send(t, offer)
		viewer.send(t, candidate)
		master.expect(t, "sdpOffer", goPayload(t, offer), "g1")
		master.expect(t, "iceCandidate", goPayload(t, candidate), "g1")
		master.send(t, "sdpAnswer", jsAnswer, "g1", "")
		master.send(t, "iceCandidate", jsCandidate, "g1", "")
		wantSDP(t, viewer.next(t), signaling.MessageTypeSDPAnswer, "", jsAnswer)
		wantCandidate(t, viewer.next(t), "", jsCandidate)
		report(t, []*jsPeer{master}, []*goPeer{viewer})
	})

	t.Run("Go master, JS viewer", func(t *testing.T) {
		arn := k.createChannel(t, "go-js")
		master := connectGo(t, k, arn, "")
		viewer := startJS(t, k, "go-js", "v1")
		viewer.send(t, "sdpOffer", jsOffer, "", "")
		viewer.send(t, "iceCandidate", jsCandidate, "", "")
		wantSDP(t, master.next(t), signaling.MessageTypeSDPOffer, "v1", jsOffer)
		wantCandidate(t, master.next(t), "v1", jsCandidate)
		answer := &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "v1", SessionDescription: goAnswer}
		candidate := &signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, RecipientClientID: "v1", ICECandidate: goCandidate}
		master.send(t, answer)
		master.send(t, candidate)
		viewer.expect(t, "sdpAnswer", goPayload(t, answer), "")
		viewer.expect(t, "iceCandidate", goPayload(t, candidate), "")
		report(t, []*jsPeer{viewer}, []*goPeer{master})
	})

	t.Run("two viewers", func(t *testing.T) {
		arn := k.createChannel(t, "two")
		master := startJS(t, k, "two", "")
		js := startJS(t, k, "two", "v1")
		gov := connectGo(t, k, arn, "v2")
		offer := &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: goOffer}
		js.send(t, "sdpOffer", jsOffer, "", "")
		gov.send(t, offer)
		// The two offers come on two connections: in either order, each from its viewer.
		offers := map[string]string{}
		for range 2 {
			e := master.next(t)
			if e.Event != "sdpOffer" {
				t.Fatalf("master received %s, want an offer", e.raw)
			}
			offers[e.Sender] = e.Payload
		}
		if offers["v1"] != jsOffer || offers["v2"] != goPayload(t, offer) {
			t.Fatalf("master received the offers %v", offers)
		}
		// Each viewer gets what was sent to it, and only that: a message for the other would
		// come before the last one sent to it.
		master.send(t, "sdpAnswer", jsAnswer, "v1", "")
		master.send(t, "sdpAnswer", jsAnswer2, "v2", "")
		master.send(t, "iceCandidate", jsCandidate, "v2", "")
		master.send(t, "iceCandidate", jsCandidate2, "v1", "")
		js.expect(t, "sdpAnswer", jsAnswer, "")
		js.expect(t, "iceCandidate", jsCandidate2, "")
		wantSDP(t, gov.next(t), signaling.MessageTypeSDPAnswer, "", jsAnswer2)
		wantCandidate(t, gov.next(t), "", jsCandidate)
		report(t, []*jsPeer{master, js}, []*goPeer{gov})
	})

	t.Run("master replaced", func(t *testing.T) {
		arn := k.createChannel(t, "replaced")
		first := startJS(t, k, "replaced", "")
		second := startJS(t, k, "replaced", "")
		first.closed(t) // the relay ends the older master's connection
		viewer := startJS(t, k, "replaced", "v1")
		viewer.send(t, "sdpOffer", jsOffer, "", "")
		second.expect(t, "sdpOffer", jsOffer, "v1")
		// Our master takes the place of the JS one, and gets the viewer's next session.
		third := connectGo(t, k, arn, "")
		second.closed(t)
		viewer.send(t, "sdpOffer", jsOffer, "", "")
		viewer.send(t, "iceCandidate", jsCandidate, "", "")
		wantSDP(t, third.next(t), signaling.MessageTypeSDPOffer, "v1", jsOffer)
		wantCandidate(t, third.next(t), "v1", jsCandidate)
		answer := &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "v1", SessionDescription: goAnswer}
		third.send(t, answer)
		viewer.expect(t, "sdpAnswer", goPayload(t, answer), "")
		report(t, []*jsPeer{first, second, viewer}, []*goPeer{third})
	})

	t.Run("absent viewer", func(t *testing.T) {
		arn := k.createChannel(t, "absent")
		master := startJS(t, k, "absent", "")
		master.send(t, "sdpAnswer", jsAnswer, "ghost", "answer-to-ghost.1")
		e := master.next(t)
		if s := e.Status; e.Event != "statusResponse" || s == nil || s.CorrelationID != "answer-to-ghost.1" ||
			s.StatusCode != "400" || s.ErrorType != "InvalidArgumentException" || !strings.Contains(s.Description, "ghost") {
			t.Fatalf("master received %s, want a status response about ghost", e.raw)
		}
		// Our master sees the same as a *signaling.StatusError.
		gm := connectGo(t, k, arn, "")
		master.closed(t)
		err := gm.conn.SendAndWait(ctx, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "ghost",
			SessionDescription: goAnswer}, waitLimit)
		var se *signaling.StatusError
		if !asStatusError(err, &se) || se.StatusCode != "400" || !strings.Contains(se.Description, "ghost") {
			t.Fatalf("SendAndWait to an absent viewer: %v", err)
		}
		gm.received++
		report(t, []*jsPeer{master}, []*goPeer{gm})
	})

	t.Run("temporary credentials", func(t *testing.T) {
		// The SDK signs the session token into the presigned URL's query, as the service
		// requires; kvslocal -session-token refuses any request without that token.
		k := startKVSLocal(t, bin, "-access-key", "ASIAKVSLOCALTEMP", "-session-token", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIA==")
		arn := k.createChannel(t, "temporary")
		master := startJS(t, k, "temporary", "")
		viewer := connectGo(t, k, arn, "g1")
		offer := &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: goOffer}
		viewer.send(t, offer)
		master.expect(t, "sdpOffer", goPayload(t, offer), "g1")
		master.send(t, "sdpAnswer", jsAnswer, "g1", "")
		wantSDP(t, viewer.next(t), signaling.MessageTypeSDPAnswer, "", jsAnswer)
		report(t, []*jsPeer{master}, []*goPeer{viewer})
	})

	t.Run("one port", func(t *testing.T) {
		k := startKVSLocal(t, bin, "-one-port")
		k.createChannel(t, "one")
		master := startJS(t, k, "one", "")
		viewer := startJS(t, k, "one", "v1")
		viewer.send(t, "sdpOffer", jsOffer, "", "")
		master.expect(t, "sdpOffer", jsOffer, "v1")
		master.send(t, "sdpAnswer", jsAnswer, "v1", "")
		viewer.expect(t, "sdpAnswer", jsAnswer, "")
		report(t, []*jsPeer{master, viewer}, nil)
	})
}

func asStatusError(err error, target **signaling.StatusError) bool { return errors.As(err, target) }
