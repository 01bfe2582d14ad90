package jspeer

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/signaling"
)

// TestFramesMatchTheJSSDK compares, without a network, the frames our signaling package writes
// with those the WebRTC JS SDK's SignalingClient writes for the same messages, and checks that
// the SDK reads the frames the service sends as our package (and so kvstest) encodes them.
func TestFramesMatchTheJSSDK(t *testing.T) {
	node := needNode(t)
	type send struct {
		Role          string `json:"role"`
		Op            string `json:"op"`
		Payload       string `json:"payload"`
		Recipient     string `json:"recipient,omitempty"`
		CorrelationID string `json:"correlationId,omitempty"`
	}
	type receive struct {
		Role  string `json:"role"`
		Frame string `json:"frame"`
	}
	outgoing := []*signaling.OutgoingMessage{
		{Type: signaling.MessageTypeSDPOffer, SessionDescription: goOffer},
		{Type: signaling.MessageTypeICECandidate, ICECandidate: goCandidate, CorrelationID: "c-1"},
		{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "viewer-1", SessionDescription: goAnswer},
		{Type: signaling.MessageTypeICECandidate, RecipientClientID: "viewer-1", CorrelationID: "c.2",
			ICECandidate: signaling.ICECandidate{Candidate: "", SDPMid: ptr("0"), SDPMLineIndex: ptr(uint16(0))}},
	}
	ops := map[signaling.MessageType]string{signaling.MessageTypeSDPOffer: "sdpOffer", signaling.MessageTypeSDPAnswer: "sdpAnswer",
		signaling.MessageTypeICECandidate: "iceCandidate"}
	var input struct {
		Send    []send    `json:"send"`
		Receive []receive `json:"receive"`
	}
	for _, m := range outgoing {
		role := "VIEWER"
		if m.RecipientClientID != "" {
			role = "MASTER"
		}
		input.Send = append(input.Send, send{Role: role, Op: ops[m.Type], Payload: goPayload(t, m),
			Recipient: m.RecipientClientID, CorrelationID: m.CorrelationID})
	}
	status := signaling.StatusResponse{CorrelationID: "c-1", ErrorType: "InvalidArgumentException", StatusCode: "400",
		Description: "The recipient viewer-9 is not connected to the channel."}
	incoming := []struct {
		role string
		m    *signaling.Message
		want string // the event the SDK emits, "" for none
	}{
		{"MASTER", &signaling.Message{Type: signaling.MessageTypeSDPOffer, SenderClientID: "viewer-1", SessionDescription: goOffer}, "sdpOffer"},
		{"MASTER", &signaling.Message{Type: signaling.MessageTypeICECandidate, SenderClientID: "viewer-1", ICECandidate: goCandidate}, "iceCandidate"},
		{"VIEWER", &signaling.Message{Type: signaling.MessageTypeSDPAnswer, SessionDescription: goAnswer}, "sdpAnswer"},
		{"VIEWER", &signaling.Message{Type: signaling.MessageTypeICECandidate, ICECandidate: goCandidate}, "iceCandidate"},
		{"VIEWER", &signaling.Message{Type: signaling.MessageTypeStatusResponse, Status: status}, "statusResponse"},
		{"MASTER", &signaling.Message{Type: signaling.MessageTypeGoAway}, ""},
		{"VIEWER", &signaling.Message{Type: signaling.MessageTypeReconnectICEServer}, ""},
	}
	for _, in := range incoming {
		frame, err := signaling.EncodeMessage(in.m)
		if err != nil {
			t.Fatal(err)
		}
		input.Receive = append(input.Receive, receive{Role: in.role, Frame: string(frame)})
	}
	data, err := json.Marshal(&input)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "frames.js")
	cmd.Dir = "testdata"
	cmd.Stdin = strings.NewReader(string(data))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("frames.js: %v\n%s", err, stderr.String())
	}
	var got struct {
		Sent     []string    `json:"sent"`
		Received [][]jsEvent `json:"received"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got.Sent) != len(outgoing) || len(got.Received) != len(incoming) {
		t.Fatalf("frames.js printed %s: %v", out, err)
	}

	// What the SDK sends: the same members with the same values (the base64 payload included),
	// whatever their order.
	for i, m := range outgoing {
		ours, err := signaling.EncodeOutgoing(m)
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string]any
		if json.Unmarshal(ours, &a) != nil || json.Unmarshal([]byte(got.Sent[i]), &b) != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s:\n  ours   %s\n  JS SDK %s", m.Type, ours, got.Sent[i])
		}
	}
	// What the SDK reads: each frame gives the event it should, with the payload as encoded.
	for i, in := range incoming {
		events := got.Received[i]
		if in.want == "" {
			if len(events) != 0 {
				t.Errorf("%s: the SDK emitted %+v", in.m.Type, events)
			}
			continue
		}
		if len(events) != 1 || events[0].Event != in.want {
			t.Errorf("%s: the SDK emitted %+v, want one %s", in.m.Type, events, in.want)
			continue
		}
		e := events[0]
		switch in.m.Type {
		case signaling.MessageTypeStatusResponse:
			if e.Status == nil || *e.Status != (jsStatus{status.CorrelationID, status.ErrorType, status.StatusCode, status.Description}) {
				t.Errorf("STATUS_RESPONSE: the SDK emitted %+v", e.Status)
			}
		default:
			want := goPayload(t, &signaling.OutgoingMessage{Type: in.m.Type, SessionDescription: in.m.SessionDescription, ICECandidate: in.m.ICECandidate})
			if e.Payload != want || e.Sender != in.m.SenderClientID {
				t.Errorf("%s: the SDK emitted payload %s from %q, want %s from %q", in.m.Type, e.Payload, e.Sender, want, in.m.SenderClientID)
			}
		}
	}
}
