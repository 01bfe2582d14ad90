// The messages of a signaling connection and their JSON frames. A client sends
//
//	{"action":"SDP_OFFER|SDP_ANSWER|ICE_CANDIDATE","recipientClientId":"…",
//	 "messagePayload":"<base64 of the JSON payload>","correlationId":"…"}
//
// and receives
//
//	{"senderClientId":"…","messageType":"SDP_OFFER|…|STATUS_RESPONSE","messagePayload":"…",
//	 "statusResponse":{"correlationId":"…","errorType":"…","statusCode":"…","description":"…"}}
//
// where the payload of an SDP message is {"type":"offer|answer","sdp":"…"} and that of an ICE
// candidate {"candidate":"…","sdpMid":"…","sdpMLineIndex":0,"usernameFragment":"…"}.

package signaling

import (
	"encoding/base64"
	"fmt"
	"regexp"

	"github.com/kvsgo/sdk/internal/jsonwire"
)

// Size limits of frames and payloads. Sizes are checked before anything is decoded or
// allocated for them.
const (
	// MaxFrameSize bounds a frame received from the service: larger frames close the connection
	// (WebSocket status 1009) and are not read.
	MaxFrameSize = 64 << 10
	// MaxPayloadSize bounds the JSON payload of a message sent (before base64 encoding): the
	// limit the KVS C SDK applies to signaling messages.
	MaxPayloadSize = 10 << 10
	// maxIDLength bounds client and correlation IDs, as the service does.
	maxIDLength = 256
)

// idPattern is what the service accepts as a client or correlation ID.
var idPattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// MessageType is the kind of a signaling message.
type MessageType string

// Values of MessageType. A client sends the first three; the service sends all six.
const (
	MessageTypeSDPOffer           MessageType = "SDP_OFFER"
	MessageTypeSDPAnswer          MessageType = "SDP_ANSWER"
	MessageTypeICECandidate       MessageType = "ICE_CANDIDATE"
	MessageTypeGoAway             MessageType = "GO_AWAY"
	MessageTypeReconnectICEServer MessageType = "RECONNECT_ICE_SERVER"
	MessageTypeStatusResponse     MessageType = "STATUS_RESPONSE"
)

// Values returns every MessageType.
func (MessageType) Values() []MessageType {
	return []MessageType{MessageTypeSDPOffer, MessageTypeSDPAnswer, MessageTypeICECandidate,
		MessageTypeGoAway, MessageTypeReconnectICEServer, MessageTypeStatusResponse}
}

// sendable reports the message types a client may send.
func (t MessageType) sendable() bool {
	return t == MessageTypeSDPOffer || t == MessageTypeSDPAnswer || t == MessageTypeICECandidate
}

// SessionDescription is the payload of SDP_OFFER and SDP_ANSWER: a WebRTC session description,
// as RTCSessionDescription.toJSON() writes it.
type SessionDescription struct {
	// Type is "offer" (in SDP_OFFER), "answer" or "pranswer" (in SDP_ANSWER); when empty, the
	// type the message implies is sent.
	Type string `json:"type"`
	// SDP is the session description itself.
	SDP string `json:"sdp"`
}

// ICECandidate is the payload of ICE_CANDIDATE: a WebRTC ICE candidate, as
// RTCIceCandidate.toJSON() writes it. Its fields match pion's webrtc.ICECandidateInit, so one
// converts to the other: webrtc.ICECandidateInit(c).
type ICECandidate struct {
	// Candidate is the candidate line; empty marks the end of candidates.
	Candidate string `json:"candidate"`
	// SDPMid is the media stream identification tag of the candidate's media section.
	SDPMid *string `json:"sdpMid,omitzero"`
	// SDPMLineIndex is the index of the candidate's media section.
	SDPMLineIndex *uint16 `json:"sdpMLineIndex,omitzero"`
	// UsernameFragment is the ICE username fragment the candidate belongs to.
	UsernameFragment *string `json:"usernameFragment,omitzero"`
}

// StatusResponse is the body of a STATUS_RESPONSE: the service's report that a message sent with
// a correlation ID failed. The service sends none for messages that succeed.
type StatusResponse struct {
	// CorrelationID is the correlation ID of the failed message.
	CorrelationID string `json:"correlationId"`
	// ErrorType names the error, e.g. "InvalidArgumentException".
	ErrorType string `json:"errorType,omitzero"`
	// StatusCode is the HTTP status code matching the error, as a string ("400").
	StatusCode string `json:"statusCode,omitzero"`
	// Description explains the error.
	Description string `json:"description,omitzero"`
}

// Message is a message received on a signaling connection.
type Message struct {
	// Type says which of the fields below is set.
	Type MessageType
	// SenderClientID identifies the viewer that sent an SDP or ICE message to the master. In
	// the messages a viewer receives (they come from the master, which has no client ID) and in
	// those of the service itself it is normally empty.
	SenderClientID string
	// SessionDescription is the payload of SDP_OFFER and SDP_ANSWER.
	SessionDescription SessionDescription
	// ICECandidate is the payload of ICE_CANDIDATE.
	ICECandidate ICECandidate
	// Status is the body of STATUS_RESPONSE.
	Status StatusResponse
}

// OutgoingMessage is a message to send on a signaling connection.
type OutgoingMessage struct {
	// Type is MessageTypeSDPOffer, MessageTypeSDPAnswer or MessageTypeICECandidate.
	Type MessageType
	// RecipientClientID names the viewer a master sends to. The master must set it; a viewer must
	// not (its messages always go to the master).
	RecipientClientID string
	// SessionDescription is the payload of SDP_OFFER and SDP_ANSWER.
	SessionDescription SessionDescription
	// ICECandidate is the payload of ICE_CANDIDATE.
	ICECandidate ICECandidate
	// CorrelationID, when set, asks the service to report a failure to deliver the message with
	// a STATUS_RESPONSE carrying this ID. 1 to 256 of a-z, A-Z, 0-9, '_', '.', '-'.
	CorrelationID string
}

// clientFrame is the JSON a client sends.
type clientFrame struct {
	Action            MessageType `json:"action"`
	RecipientClientID string      `json:"recipientClientId,omitzero"`
	MessagePayload    string      `json:"messagePayload"`
	CorrelationID     string      `json:"correlationId,omitzero"`
}

// serviceFrame is the JSON the service sends.
type serviceFrame struct {
	SenderClientID string          `json:"senderClientId,omitzero"`
	MessageType    MessageType     `json:"messageType"`
	MessagePayload string          `json:"messagePayload,omitzero"`
	StatusResponse *StatusResponse `json:"statusResponse,omitzero"`
}

// FrameError reports a frame that cannot be decoded, or a message that cannot be encoded.
type FrameError struct {
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error says what is wrong with the frame.
func (e *FrameError) Error() string {
	if e.Err != nil {
		return "signaling: " + e.Reason + ": " + e.Err.Error()
	}
	return "signaling: " + e.Reason
}

// Unwrap returns the underlying error.
func (e *FrameError) Unwrap() error { return e.Err }

func frameErr(err error, format string, args ...any) error {
	return &FrameError{Reason: fmt.Sprintf(format, args...), Err: err}
}

// checkID validates a client or correlation ID.
func checkID(what, id string) error {
	switch {
	case len(id) > maxIDLength:
		return frameErr(nil, "%s is %d bytes long, more than %d", what, len(id), maxIDLength)
	case !idPattern.MatchString(id):
		return frameErr(nil, "%s %q has characters other than a-z, A-Z, 0-9, '_', '.', '-'", what, id)
	}
	return nil
}

// EncodeOutgoing returns the frame that sends m. It checks the message type, the IDs and the
// payload size.
func EncodeOutgoing(m *OutgoingMessage) ([]byte, error) {
	if m == nil {
		return nil, frameErr(nil, "nil message")
	}
	if !m.Type.sendable() {
		return nil, frameErr(nil, "cannot send a message of type %q (only SDP_OFFER, SDP_ANSWER and ICE_CANDIDATE)", m.Type)
	}
	if m.RecipientClientID != "" {
		if err := checkID("recipient client ID", m.RecipientClientID); err != nil {
			return nil, err
		}
	}
	if m.CorrelationID != "" {
		if err := checkID("correlation ID", m.CorrelationID); err != nil {
			return nil, err
		}
	}
	payload, err := encodePayload(m.Type, &m.SessionDescription, &m.ICECandidate)
	if err != nil {
		return nil, err
	}
	return jsonwire.Marshal(&clientFrame{Action: m.Type, RecipientClientID: m.RecipientClientID,
		MessagePayload: payload, CorrelationID: m.CorrelationID})
}

// DecodeOutgoing parses a frame a client sent: the service side of EncodeOutgoing.
func DecodeOutgoing(frame []byte) (*OutgoingMessage, error) {
	if err := checkFrame(frame); err != nil {
		return nil, err
	}
	var f clientFrame
	if err := jsonwire.Unmarshal(frame, &f); err != nil {
		return nil, frameErr(err, "malformed frame")
	}
	if !f.Action.sendable() {
		return nil, frameErr(nil, "unknown action %q", f.Action)
	}
	m := &OutgoingMessage{Type: f.Action, RecipientClientID: f.RecipientClientID, CorrelationID: f.CorrelationID}
	for _, id := range []struct{ what, v string }{{"recipient client ID", m.RecipientClientID}, {"correlation ID", m.CorrelationID}} {
		if id.v != "" {
			if err := checkID(id.what, id.v); err != nil {
				return nil, err
			}
		}
	}
	if err := decodePayload(f.Action, f.MessagePayload, &m.SessionDescription, &m.ICECandidate); err != nil {
		return nil, err
	}
	return m, nil
}

// EncodeMessage returns the frame the service sends to deliver m: the service side of
// DecodeMessage.
func EncodeMessage(m *Message) ([]byte, error) {
	if m == nil {
		return nil, frameErr(nil, "nil message")
	}
	f := serviceFrame{SenderClientID: m.SenderClientID, MessageType: m.Type}
	switch m.Type {
	case MessageTypeSDPOffer, MessageTypeSDPAnswer, MessageTypeICECandidate:
		p, err := encodePayload(m.Type, &m.SessionDescription, &m.ICECandidate)
		if err != nil {
			return nil, err
		}
		f.MessagePayload = p
	case MessageTypeStatusResponse:
		if m.Status.CorrelationID == "" {
			return nil, frameErr(nil, "a STATUS_RESPONSE needs a correlation ID")
		}
		f.StatusResponse = &m.Status
	case MessageTypeGoAway, MessageTypeReconnectICEServer:
	default:
		return nil, frameErr(nil, "unknown message type %q", m.Type)
	}
	return jsonwire.Marshal(&f)
}

// DecodeMessage parses a frame received from the service. It fails with a *FrameError on a frame
// larger than MaxFrameSize, malformed JSON, an unknown message type, a payload that is not
// base64 of the JSON its type calls for, an SDP without a description, and a STATUS_RESPONSE
// without a correlation ID.
func DecodeMessage(frame []byte) (*Message, error) {
	if err := checkFrame(frame); err != nil {
		return nil, err
	}
	var f serviceFrame
	if err := jsonwire.Unmarshal(frame, &f); err != nil {
		return nil, frameErr(err, "malformed frame")
	}
	m := &Message{Type: f.MessageType, SenderClientID: f.SenderClientID}
	if m.SenderClientID != "" {
		if err := checkID("sender client ID", m.SenderClientID); err != nil {
			return nil, err
		}
	}
	switch f.MessageType {
	case MessageTypeSDPOffer, MessageTypeSDPAnswer, MessageTypeICECandidate:
		if err := decodePayload(f.MessageType, f.MessagePayload, &m.SessionDescription, &m.ICECandidate); err != nil {
			return nil, err
		}
	case MessageTypeStatusResponse:
		if f.StatusResponse == nil || f.StatusResponse.CorrelationID == "" {
			return nil, frameErr(nil, "STATUS_RESPONSE without a correlation ID")
		}
		m.Status = *f.StatusResponse
	case MessageTypeGoAway, MessageTypeReconnectICEServer:
	case "":
		return nil, frameErr(nil, "frame without a messageType")
	default:
		return nil, frameErr(nil, "unknown message type %q", f.MessageType)
	}
	return m, nil
}

func checkFrame(frame []byte) error {
	switch {
	case len(frame) == 0:
		return frameErr(nil, "empty frame")
	case len(frame) > MaxFrameSize:
		return frameErr(nil, "frame of %d bytes exceeds %d", len(frame), MaxFrameSize)
	}
	return nil
}

// encodePayload returns the base64 payload of an SDP or ICE message.
func encodePayload(t MessageType, sd *SessionDescription, c *ICECandidate) (string, error) {
	var js []byte
	var err error
	if t == MessageTypeICECandidate {
		js, err = jsonwire.Marshal(c)
	} else {
		d := *sd
		if d.Type == "" {
			d.Type = defaultSDPType[t]
		}
		if err := checkSDPType(t, d.Type); err != nil {
			return "", err
		}
		if d.SDP == "" {
			return "", frameErr(nil, "%s without an SDP", t)
		}
		js, err = jsonwire.Marshal(&d)
	}
	if err != nil {
		return "", frameErr(err, "encoding the %s payload", t)
	}
	if len(js) > MaxPayloadSize {
		return "", frameErr(nil, "%s payload of %d bytes exceeds %d", t, len(js), MaxPayloadSize)
	}
	return base64.StdEncoding.EncodeToString(js), nil
}

// decodePayload parses the base64 payload of an SDP or ICE message into sd or c.
func decodePayload(t MessageType, payload string, sd *SessionDescription, c *ICECandidate) error {
	if payload == "" {
		return frameErr(nil, "%s without a payload", t)
	}
	js, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		// Tolerate senders that leave out the padding.
		if js, err = base64.RawStdEncoding.DecodeString(payload); err != nil {
			return frameErr(err, "%s payload is not base64", t)
		}
	}
	if t == MessageTypeICECandidate {
		if err := jsonwire.Unmarshal(js, c); err != nil {
			return frameErr(err, "malformed ICE candidate")
		}
		return nil
	}
	if err := jsonwire.Unmarshal(js, sd); err != nil {
		return frameErr(err, "malformed session description")
	}
	if sd.SDP == "" {
		return frameErr(nil, "%s without an SDP", t)
	}
	if sd.Type == "" {
		sd.Type = defaultSDPType[t]
	}
	return checkSDPType(t, sd.Type)
}

// defaultSDPType is the session description type a message type implies.
var defaultSDPType = map[MessageType]string{MessageTypeSDPOffer: "offer", MessageTypeSDPAnswer: "answer"}

// checkSDPType checks that a session description's type fits the message carrying it.
func checkSDPType(t MessageType, sdpType string) error {
	ok := sdpType == "offer"
	if t == MessageTypeSDPAnswer {
		ok = sdpType == "answer" || sdpType == "pranswer"
	}
	if !ok {
		return frameErr(nil, "%s carries a session description of type %q", t, sdpType)
	}
	return nil
}
