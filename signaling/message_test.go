package signaling_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/signaling"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestOutgoingFramesMatchTheJavaScriptSDK checks the frames against what the KVS WebRTC SDK for
// JavaScript sends: {action, messagePayload: base64(JSON.stringify(payload)), recipientClientId,
// correlationId}, without the members that are not set.
func TestOutgoingFramesMatchTheJavaScriptSDK(t *testing.T) {
	mid, idx, frag := "0", uint16(0), "abcd"
	tests := []struct {
		name string
		in   signaling.OutgoingMessage
		want map[string]any
	}{
		{"viewer offer", signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: offer},
			map[string]any{"action": "SDP_OFFER", "messagePayload": b64(`{"type":"offer","sdp":"` + jsonEscape(offer.SDP) + `"}`)}},
		{"master answer with correlation", signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "viewer-1",
			SessionDescription: signaling.SessionDescription{SDP: "v=0"}, CorrelationID: "c.1"},
			map[string]any{"action": "SDP_ANSWER", "recipientClientId": "viewer-1", "correlationId": "c.1",
				"messagePayload": b64(`{"type":"answer","sdp":"v=0"}`)}},
		{"candidate", signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, RecipientClientID: "v",
			ICECandidate: signaling.ICECandidate{Candidate: "candidate:1 1 udp 1 192.0.2.1 9 typ host", SDPMid: &mid, SDPMLineIndex: &idx, UsernameFragment: &frag}},
			map[string]any{"action": "ICE_CANDIDATE", "recipientClientId": "v",
				"messagePayload": b64(`{"candidate":"candidate:1 1 udp 1 192.0.2.1 9 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abcd"}`)}},
		{"end of candidates", signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate},
			map[string]any{"action": "ICE_CANDIDATE", "messagePayload": b64(`{"candidate":""}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frame, err := signaling.EncodeOutgoing(&tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(frame, &got); err != nil {
				t.Fatal(err)
			}
			if diff := wiretest.Diff(tt.want, got); diff != "" {
				t.Errorf("frame %s differs:\n%s", frame, diff)
			}
			back, err := signaling.DecodeOutgoing(frame)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.in
			if want.Type != signaling.MessageTypeICECandidate && want.SessionDescription.Type == "" {
				want.SessionDescription.Type = "answer"
			}
			if diff := wiretest.Diff(&want, back); diff != "" {
				t.Errorf("round trip (want: sent, got: decoded):\n%s", diff)
			}
		})
	}
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// TestDecodeMessageReadsServiceEvents decodes events in the documented shape, including a
// payload without base64 padding and members the protocol may add later.
func TestDecodeMessageReadsServiceEvents(t *testing.T) {
	idx := uint16(1)
	mid := "1"
	tests := []struct {
		frame string
		want  signaling.Message
	}{
		{`{"senderClientId":"viewer-1","messageType":"SDP_OFFER","messagePayload":"` + b64(`{"type":"offer","sdp":"v=0"}`) + `"}`,
			signaling.Message{Type: signaling.MessageTypeSDPOffer, SenderClientID: "viewer-1", SessionDescription: signaling.SessionDescription{Type: "offer", SDP: "v=0"}}},
		{`{"messageType":"SDP_ANSWER","messagePayload":"` + strings.TrimRight(b64(`{"sdp":"v=0"}`), "=") + `","future":{"x":1}}`,
			signaling.Message{Type: signaling.MessageTypeSDPAnswer, SessionDescription: signaling.SessionDescription{Type: "answer", SDP: "v=0"}}},
		{`{"messageType":"ICE_CANDIDATE","senderClientId":"v","messagePayload":"` + b64(`{"candidate":"candidate:2","sdpMid":"1","sdpMLineIndex":1,"usernameFragment":null}`) + `"}`,
			signaling.Message{Type: signaling.MessageTypeICECandidate, SenderClientID: "v", ICECandidate: signaling.ICECandidate{Candidate: "candidate:2", SDPMid: &mid, SDPMLineIndex: &idx}}},
		{`{"messageType":"STATUS_RESPONSE","statusResponse":{"correlationId":"c1","errorType":"InvalidArgumentException","statusCode":"400","description":"d"}}`,
			signaling.Message{Type: signaling.MessageTypeStatusResponse, Status: signaling.StatusResponse{CorrelationID: "c1", ErrorType: "InvalidArgumentException", StatusCode: "400", Description: "d"}}},
		{`{"messageType":"GO_AWAY"}`, signaling.Message{Type: signaling.MessageTypeGoAway}},
		{`{"messageType":"RECONNECT_ICE_SERVER","messagePayload":"anything"}`, signaling.Message{Type: signaling.MessageTypeReconnectICEServer}},
	}
	for _, tt := range tests {
		got, err := signaling.DecodeMessage([]byte(tt.frame))
		if err != nil {
			t.Errorf("%s: %v", tt.frame, err)
			continue
		}
		if diff := wiretest.Diff(&tt.want, got); diff != "" {
			t.Errorf("%s:\n%s", tt.frame, diff)
		}
	}
}

func TestDecodeMessageRejectsMalformedFrames(t *testing.T) {
	tests := map[string]string{
		``:                            "empty frame",
		`{`:                           "malformed frame",
		`[]`:                          "malformed frame",
		`{"messagePayload":"x"}`:      "frame without a messageType",
		`{"messageType":"PING"}`:      `unknown message type "PING"`,
		`{"messageType":"SDP_OFFER"}`: "SDP_OFFER without a payload",
		`{"messageType":"SDP_OFFER","messagePayload":"*"}`:                                            "SDP_OFFER payload is not base64",
		`{"messageType":"SDP_OFFER","messagePayload":"` + b64(`{"type":"offer"}`) + `"}`:              "SDP_OFFER without an SDP",
		`{"messageType":"SDP_ANSWER","messagePayload":"` + b64(`{"type":"offer","sdp":"v=0"}`) + `"}`: `SDP_ANSWER carries a session description of type "offer"`,
		`{"messageType":"ICE_CANDIDATE","messagePayload":"` + b64(`{"sdpMLineIndex":-1}`) + `"}`:      "malformed ICE candidate",
		`{"messageType":"ICE_CANDIDATE","messagePayload":"` + b64(`"candidate"`) + `"}`:               "malformed ICE candidate",
		`{"messageType":"STATUS_RESPONSE"}`:                                                           "STATUS_RESPONSE without a correlation ID",
		`{"messageType":"GO_AWAY","senderClientId":"a b"}`:                                            "sender client ID",
		strings.Repeat(" ", signaling.MaxFrameSize+1):                                                 "exceeds 65536",
	}
	for frame, want := range tests {
		_, err := signaling.DecodeMessage([]byte(frame))
		var fe *signaling.FrameError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%.60q: err = %v, want a FrameError containing %q", frame, err, want)
		}
	}
}

func TestEncodeOutgoingChecksMessages(t *testing.T) {
	tests := []struct {
		m    signaling.OutgoingMessage
		want string
	}{
		{signaling.OutgoingMessage{Type: signaling.MessageTypeStatusResponse}, `cannot send a message of type "STATUS_RESPONSE"`},
		{signaling.OutgoingMessage{}, `cannot send a message of type ""`},
		{signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer}, "SDP_OFFER without an SDP"},
		{signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: answer}, `SDP_OFFER carries a session description of type "answer"`},
		{signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: signaling.SessionDescription{SDP: strings.Repeat("a", signaling.MaxPayloadSize)}}, "exceeds 10240"},
		{signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, CorrelationID: "no spaces"}, "correlation ID"},
		{signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, CorrelationID: strings.Repeat("a", 257)}, "more than 256"},
		{signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate, RecipientClientID: "ü"}, "recipient client ID"},
	}
	for _, tt := range tests {
		_, err := signaling.EncodeOutgoing(&tt.m)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.m.Type, err, tt.want)
		}
	}
}

func TestEncodeMessageRoundTrips(t *testing.T) {
	idx := uint16(3)
	for _, m := range []signaling.Message{
		{Type: signaling.MessageTypeSDPOffer, SenderClientID: "v", SessionDescription: offer},
		{Type: signaling.MessageTypeICECandidate, SenderClientID: "v", ICECandidate: signaling.ICECandidate{Candidate: "c", SDPMLineIndex: &idx}},
		{Type: signaling.MessageTypeStatusResponse, Status: signaling.StatusResponse{CorrelationID: "c", Description: "d"}},
		{Type: signaling.MessageTypeGoAway},
		{Type: signaling.MessageTypeReconnectICEServer},
	} {
		frame, err := signaling.EncodeMessage(&m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := signaling.DecodeMessage(frame)
		if err != nil {
			t.Fatalf("%s: %v", frame, err)
		}
		if diff := wiretest.Diff(&m, back); diff != "" {
			t.Errorf("%s (want: sent, got: decoded):\n%s", frame, diff)
		}
	}
	if _, err := signaling.EncodeMessage(&signaling.Message{Type: signaling.MessageTypeStatusResponse}); err == nil {
		t.Error("a STATUS_RESPONSE without a correlation ID was encoded")
	}
	if _, err := signaling.EncodeMessage(&signaling.Message{Type: "X"}); err == nil {
		t.Error("an unknown type was encoded")
	}
}

// FuzzDecodeMessage checks that no frame panics the decoder, that what decodes is a known type
// carrying what its type needs, and that it survives re-encoding unchanged.
func FuzzDecodeMessage(f *testing.F) {
	for _, seed := range []string{
		`{"senderClientId":"viewer-1","messageType":"SDP_OFFER","messagePayload":"` + b64(`{"type":"offer","sdp":"v=0\r\n"}`) + `"}`,
		`{"messageType":"ICE_CANDIDATE","senderClientId":"v","messagePayload":"` + b64(`{"candidate":"candidate:2","sdpMid":"1","sdpMLineIndex":1}`) + `"}`,
		`{"messageType":"STATUS_RESPONSE","statusResponse":{"correlationId":"c1","errorType":"E","statusCode":"400","description":"d"}}`,
		`{"messageType":"GO_AWAY"}`, `{"messageType":"RECONNECT_ICE_SERVER"}`, `{"messageType":"SDP_ANSWER","messagePayload":"e30"}`,
		`{"messageType":"SDP_OFFER","messagePayload":"%%"}`, `{`, ``, `null`, `{"messageType":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		m, err := signaling.DecodeMessage(frame)
		if err != nil {
			var fe *signaling.FrameError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FrameError", err)
			}
			return
		}
		switch m.Type {
		case signaling.MessageTypeSDPOffer, signaling.MessageTypeSDPAnswer:
			if m.SessionDescription.SDP == "" || m.SessionDescription.Type == "" {
				t.Fatalf("%q decoded to an empty description", frame)
			}
		case signaling.MessageTypeStatusResponse:
			if m.Status.CorrelationID == "" {
				t.Fatalf("%q decoded to a status without a correlation ID", frame)
			}
		case signaling.MessageTypeICECandidate, signaling.MessageTypeGoAway, signaling.MessageTypeReconnectICEServer:
		default:
			t.Fatalf("%q decoded to type %q", frame, m.Type)
		}
		again, err := signaling.EncodeMessage(m)
		if err != nil {
			if strings.Contains(err.Error(), "exceeds") {
				return // a received payload may be larger than we send
			}
			t.Fatalf("re-encoding %+v: %v", m, err)
		}
		back, err := signaling.DecodeMessage(again)
		if err != nil {
			t.Fatalf("decoding re-encoded %s: %v", again, err)
		}
		if diff := wiretest.Diff(m, back); diff != "" {
			t.Fatalf("round trip of %q changed the message:\n%s", frame, diff)
		}
	})
}

// FuzzDecodeOutgoing does the same for the frames clients send (the relay side of the codec).
func FuzzDecodeOutgoing(f *testing.F) {
	for _, seed := range []string{
		`{"action":"SDP_OFFER","messagePayload":"` + b64(`{"type":"offer","sdp":"v=0"}`) + `"}`,
		`{"action":"ICE_CANDIDATE","recipientClientId":"v","correlationId":"c","messagePayload":"` + b64(`{"candidate":"c"}`) + `"}`,
		`{"action":"GO_AWAY","messagePayload":"e30="}`, `{"action":"SDP_ANSWER"}`, `{}`, `x`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		m, err := signaling.DecodeOutgoing(frame)
		if err != nil {
			return
		}
		again, err := signaling.EncodeOutgoing(m)
		if err != nil {
			if strings.Contains(err.Error(), "exceeds") {
				return
			}
			t.Fatalf("re-encoding %+v: %v", m, err)
		}
		back, err := signaling.DecodeOutgoing(again)
		if err != nil {
			t.Fatalf("decoding re-encoded %s: %v", again, err)
		}
		if diff := wiretest.Diff(m, back); diff != "" {
			t.Fatalf("round trip of %q changed the message:\n%s", frame, diff)
		}
	})
}
