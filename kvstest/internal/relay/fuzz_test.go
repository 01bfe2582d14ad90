package relay

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/kvsgo/sdk/signaling"
)

// FuzzSignalingRelay sends any frame from the master or a viewer through a channel's relay and
// checks what comes out: at most one frame, which the signaling client can decode; a status
// response only to the sender and only with the correlation ID the frame carried; a relayed
// message only to the other side, with the content DecodeOutgoing read and the right sender;
// an answer for a SendAlexaOfferToMaster call only from the master.
func FuzzSignalingRelay(f *testing.F) {
	mid, idx := "0", uint16(0)
	for _, m := range []*signaling.OutgoingMessage{
		{Type: signaling.MessageTypeSDPOffer, SessionDescription: signaling.SessionDescription{SDP: "v=0"}, CorrelationID: "c1"},
		{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "v", SessionDescription: signaling.SessionDescription{SDP: "v=0"}},
		{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "alexa", SessionDescription: signaling.SessionDescription{SDP: "v=0"}},
		{Type: signaling.MessageTypeICECandidate, RecipientClientID: "gone", CorrelationID: "c.2",
			ICECandidate: signaling.ICECandidate{Candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", SDPMid: &mid, SDPMLineIndex: &idx}},
	} {
		frame, err := signaling.EncodeOutgoing(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(frame, true)
		f.Add(frame, false)
	}
	for _, s := range []string{``, `{}`, `null`, `{"action":"SDP_OFFER","correlationId":"x"}`, `{"correlationId":"bad id"}`,
		`{"action":"ICE_CANDIDATE","messagePayload":"e30=","correlationId":"y"}`, `[1,2]`} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, frame []byte, fromViewer bool) {
		r := New(time.Now, func() time.Time { return time.Now().Add(time.Minute) })
		master, viewer := NewPeer(""), NewPeer("v")
		for _, p := range []*Peer{master, viewer} {
			if e := r.Join(p); e != nil {
				t.Fatal(e)
			}
		}
		alexa := make(chan string, 1)
		r.alexa["alexa"] = alexa
		from, other := master, viewer
		if fromViewer {
			from, other = viewer, master
		}
		r.Handle(from, frame)

		in, inErr := signaling.DecodeOutgoing(frame)
		var out []*signaling.Message
		for _, p := range []*Peer{master, viewer} {
			for len(p.out) > 0 {
				sent := <-p.out
				m, err := signaling.DecodeMessage(sent)
				if err != nil {
					t.Fatalf("the relay sent %q, which does not decode: %v", sent, err)
				}
				out = append(out, m)
				switch {
				case m.Type == signaling.MessageTypeStatusResponse:
					if p != from || m.Status.CorrelationID == "" || !carries(frame, m.Status.CorrelationID) {
						t.Fatalf("status response %+v to %s for %q", m.Status, p.Role(), frame)
					}
				case p != other || inErr != nil:
					t.Fatalf("%s received %+v for %q (decoded: %v)", p.Role(), m, frame, inErr)
				case m.SessionDescription != in.SessionDescription || m.Type != in.Type:
					t.Fatalf("relayed %+v for %+v", m, in)
				case fromViewer && m.SenderClientID != "v", !fromViewer && m.SenderClientID != "":
					t.Fatalf("sender %q from %s", m.SenderClientID, from.Role())
				}
			}
		}
		if len(out) > 1 {
			t.Fatalf("%d frames out for one in", len(out))
		}
		if len(alexa) > 0 && (fromViewer || inErr != nil || in.Type != signaling.MessageTypeSDPAnswer) {
			t.Fatalf("an answer reached SendAlexaOfferToMaster from %s: %q", from.Role(), frame)
		}
	})
}

// carries reports whether a frame carries a correlation ID, written plainly or with JSON escapes.
func carries(frame []byte, id string) bool {
	var f struct {
		CorrelationID string `json:"correlationId"`
	}
	return bytes.Contains(frame, []byte(id)) || json.Unmarshal(frame, &f) == nil && f.CorrelationID == id
}
