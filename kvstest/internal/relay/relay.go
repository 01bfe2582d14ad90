// Package relay is the signaling relay of a channel: who is connected (one master, up to ten
// viewers), where each message a client sends goes, what happens to messages nobody can receive
// yet, and the SendAlexaOfferToMaster calls waiting for the master's answer; and the serving of
// one WebSocket connection within the connection limits (Serve).
//
// Routing follows the WebSocket API reference of Kinesis Video Streams with WebRTC: a viewer's
// messages go to the master whatever recipientClientId they name, and reach it with
// senderClientId set to the viewer's client ID; the master's go to the viewer its
// recipientClientId names, without a sender. A failure is reported to the sender with a
// STATUS_RESPONSE, only when its message carried a correlationId. Messages for the master sent
// while no master is connected are kept for the channel's MessageTtlSeconds and delivered, in
// order, when one connects; a newer SDP offer or answer from the same viewer replaces one still
// waiting, as the reference says of outstanding offers and answers.
package relay

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/signaling"
)

// Limits of a channel's relay.
const (
	// maxViewers is how many viewers a channel takes at once; the service refuses more with
	// ClientLimitExceededException.
	maxViewers = 10
	// maxQueuedFrames bounds the frames waiting to be written to one client; a message that
	// finds the queue full is undeliverable.
	maxQueuedFrames = 1024
	// maxHeldMessages bounds the messages kept for an absent master; the oldest go first.
	maxHeldMessages = 1024
)

// Relay is the signaling state of one channel. Its lock is taken after the control plane's lock
// is released, never while holding it; HoldUntil takes that lock, so it is called before r.mu is
// locked.
type Relay struct {
	// HoldUntil returns when a message for the master, sent now, expires: now plus the channel's
	// MessageTtlSeconds at this moment, on the server's clock.
	HoldUntil func() time.Time
	// Now returns the server's time.
	Now func() time.Time

	mu      sync.Mutex
	master  *Peer
	viewers map[string]*Peer
	held    []heldMessage
	alexa   map[string]chan string // answers awaited by SendAlexaOfferToMaster, by sender client ID
	relayed int64                  // messages of clients delivered to another client (Activity)
}

// New returns the relay of a channel, with the server's clock now and holdUntil (see Relay).
func New(now, holdUntil func() time.Time) *Relay {
	return &Relay{Now: now, HoldUntil: holdUntil, viewers: map[string]*Peer{}, alexa: map[string]chan string{}}
}

// heldMessage is a message for the master kept until one connects.
type heldMessage struct {
	sender  string
	typ     signaling.MessageType
	frame   []byte
	expires time.Time
}

// Peer is one connection of a master or a viewer as the relay sees it. The connection's
// handler (Serve) writes the frames of out and closes the connection when ended is
// closed.
type Peer struct {
	id     string      // the viewer's client ID; "" for the master
	out    chan []byte // frames waiting to be written to the client
	goAway chan struct{}

	endOnce sync.Once
	ended   chan struct{} // closed by end; cause is set before
	cause   EndCause
}

// EndCause says why the relay ends a connection.
type EndCause int

const (
	EndClientGone     EndCause = iota // the client closed the connection, or it failed
	EndReplaced                       // a newer connection took the peer's place
	EndDropped                        // a test dropped it (Server.DropSignalingConnection)
	EndIdle                           // the client sent nothing for SignalingLimits.IdleTimeout
	EndAged                           // it was open for SignalingLimits.MaxConnectionAge
	EndGoAwayIgnored                  // the client kept it SignalingLimits.GoAwayGrace after GO_AWAY
	EndChannelDeleted                 // the channel was deleted
	EndServerClosed                   // the Server was closed
)

// String says why, in words.
func (c EndCause) String() string {
	return [...]string{"closed by the client", "replaced by a newer connection", "dropped", "idle timeout",
		"maximum connection age", "GO_AWAY not followed", "channel deleted", "server closed"}[c]
}

// NewPeer returns the peer of a new connection: a viewer's client ID, or "" for the master.
func NewPeer(id string) *Peer {
	return &Peer{id: id, out: make(chan []byte, maxQueuedFrames), goAway: make(chan struct{}, 1), ended: make(chan struct{})}
}

// Role names the peer's role for messages.
func (p *Peer) Role() string {
	if p.id == "" {
		return "MASTER"
	}
	return "VIEWER " + p.id
}

// End asks the connection's handler to close the connection; the first cause wins.
func (p *Peer) End(c EndCause) {
	p.endOnce.Do(func() {
		p.cause = c
		close(p.ended)
	})
}

// Enqueue queues a frame for the client and reports whether there was room.
func (p *Peer) Enqueue(frame []byte) bool {
	select {
	case p.out <- frame:
		return true
	default:
		return false
	}
}

// Join registers a connection, replacing the one the peer had (a master replaces the master, a
// viewer the connection with its client ID), and gives a new master the messages kept for it.
// An eleventh viewer is refused.
func (r *Relay) Join(p *Peer) *apierr.Error {
	now := r.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.id != "" {
		old := r.viewers[p.id]
		if old == nil && len(r.viewers) >= maxViewers {
			return apierr.New(http.StatusBadRequest, "ClientLimitExceededException",
				"The channel already has %d viewers connected, the most it allows.", maxViewers)
		}
		if old != nil {
			old.End(EndReplaced)
		}
		r.viewers[p.id] = p
		return nil
	}
	if r.master != nil {
		r.master.End(EndReplaced)
	}
	r.master = p
	for _, h := range r.held {
		if now.Before(h.expires) && p.Enqueue(h.frame) {
			r.relayed++
		}
	}
	r.held = nil
	return nil
}

// Leave unregisters a connection, unless a newer one has taken its place.
func (r *Relay) Leave(p *Peer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.id == "" && r.master == p {
		r.master = nil
	} else if p.id != "" && r.viewers[p.id] == p {
		delete(r.viewers, p.id)
	}
}

// Find returns the connection of a viewer, or of the master when clientID is "".
func (r *Relay) Find(clientID string) *Peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	if clientID == "" {
		return r.master
	}
	return r.viewers[clientID]
}

// Handle routes a frame a client sent.
func (r *Relay) Handle(from *Peer, frame []byte) {
	m, err := signaling.DecodeOutgoing(frame)
	if err != nil {
		r.refuse(from, lenientFields(frame).CorrelationID, "The message cannot be read: "+err.Error())
		return
	}
	// The payload goes on as the sender wrote it: members the relay does not know, and nulls,
	// reach the recipient.
	ev := relayedFrame{MessageType: m.Type, MessagePayload: lenientFields(frame).MessagePayload}
	if n := base64.StdEncoding.EncodedLen(signaling.MaxPayloadSize); len(ev.MessagePayload) > n {
		r.refuse(from, m.CorrelationID, fmt.Sprintf("The messagePayload of %d characters exceeds %d.", len(ev.MessagePayload), n))
		return
	}
	if from.id != "" {
		ev.SenderClientID = from.id // whatever the viewer named as recipient, the master gets it
	} else if m.RecipientClientID == "" {
		r.refuse(from, m.CorrelationID, "A message from the MASTER must name its recipient (recipientClientId).")
		return
	}
	out, err := jsonwire.Marshal(&ev)
	if err != nil {
		r.refuse(from, m.CorrelationID, "The message cannot be delivered: "+err.Error())
		return
	}
	var expires time.Time
	if from.id != "" {
		expires = r.HoldUntil()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if from.id != "" {
		if r.master == nil {
			r.hold(heldMessage{sender: from.id, typ: m.Type, frame: out, expires: expires})
			return
		}
		if !r.master.Enqueue(out) {
			r.refuseLocked(from, m.CorrelationID, "The MASTER is not reading its messages.")
			return
		}
		r.relayed++
		return
	}
	if w, ok := r.alexa[m.RecipientClientID]; ok && m.Type == signaling.MessageTypeSDPAnswer {
		delete(r.alexa, m.RecipientClientID)
		w <- lenientFields(frame).MessagePayload
		return
	}
	if to := r.viewers[m.RecipientClientID]; to == nil || !to.Enqueue(out) {
		r.refuseLocked(from, m.CorrelationID, "The recipient "+m.RecipientClientID+" is not connected to the channel.")
		return
	}
	r.relayed++
}

// hold keeps a message for the master. A newer SDP offer or answer from a viewer replaces the
// one of the same type it sent before, if that is still waiting.
func (r *Relay) hold(h heldMessage) {
	if h.typ != signaling.MessageTypeICECandidate {
		kept := r.held[:0]
		for _, old := range r.held {
			if old.sender != h.sender || old.typ != h.typ {
				kept = append(kept, old)
			}
		}
		r.held = kept
	}
	if len(r.held) >= maxHeldMessages {
		r.held = r.held[1:]
	}
	r.held = append(r.held, h)
}

// refuse reports a message that cannot be delivered to its sender, when the message carried a
// correlation ID.
func (r *Relay) refuse(from *Peer, correlationID, description string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuseLocked(from, correlationID, description)
}

func (r *Relay) refuseLocked(from *Peer, correlationID, description string) {
	if correlationID == "" {
		return
	}
	frame, err := signaling.EncodeMessage(&signaling.Message{Type: signaling.MessageTypeStatusResponse, Status: signaling.StatusResponse{
		CorrelationID: correlationID, ErrorType: "InvalidArgumentException", StatusCode: "400", Description: description}})
	if err == nil {
		from.Enqueue(frame)
	}
}

// relayedFrame is the frame that delivers a client's message: its payload exactly as the client
// sent it, so that the recipient decodes what the sender encoded.
type relayedFrame struct {
	SenderClientID string                `json:"senderClientId,omitzero"`
	MessageType    signaling.MessageType `json:"messageType"`
	MessagePayload string                `json:"messagePayload"`
}

// Frame returns the frame that delivers a message of type typ from sender (a viewer's client
// ID, or "" for the master) with payload as it was sent.
func Frame(sender string, typ signaling.MessageType, payload string) ([]byte, error) {
	return jsonwire.Marshal(&relayedFrame{SenderClientID: sender, MessageType: typ, MessagePayload: payload})
}

// rawFields are the members of a client frame the relay reads without decoding the message:
// the correlation ID of a frame DecodeOutgoing refuses, and the payload of an answer passed on
// as it was sent.
type rawFields struct {
	CorrelationID  string `json:"correlationId" validate:"max=256,pattern=name"`
	MessagePayload string `json:"messagePayload"`
}

// lenientFields reads the raw fields of a frame; the correlation ID is dropped unless it is one
// the service would accept.
func lenientFields(frame []byte) rawFields {
	var f rawFields
	if jsonwire.Unmarshal(frame, &f) != nil {
		return rawFields{}
	}
	if validate.Struct(&f) != nil {
		f.CorrelationID = ""
	}
	return f
}

// OfferFromAlexa delivers an SDP offer of SendAlexaOfferToMaster to the master, or keeps it for
// the master until expires, and returns the channel on which the master's answer to sender
// arrives. A newer offer from the same sender takes over the wait: the older one's channel is
// closed.
func (r *Relay) OfferFromAlexa(sender string, frame []byte, expires time.Time) chan string {
	answer := make(chan string, 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.alexa[sender]; ok {
		close(old)
	}
	r.alexa[sender] = answer
	if r.master == nil || !r.master.Enqueue(frame) {
		r.hold(heldMessage{sender: sender, typ: signaling.MessageTypeSDPOffer, frame: frame, expires: expires})
	}
	return answer
}

// StopWaiting ends the wait for an answer, unless a newer offer has taken it over.
func (r *Relay) StopWaiting(sender string, answer chan string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.alexa[sender] == answer {
		delete(r.alexa, sender)
	}
}

// Activity is what DescribeSignalingChannelActivity reports of a relay.
type Activity struct {
	MasterConnected bool
	Viewers         []string // the client IDs of the connected viewers, in no order
	Relayed         int64    // messages of clients delivered to another client
	Held            int      // messages kept for the master that have not expired at now
}

// Activity reports the relay's activity at now.
func (r *Relay) Activity(now time.Time) Activity {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := Activity{MasterConnected: r.master != nil, Relayed: r.relayed}
	for id := range r.viewers {
		a.Viewers = append(a.Viewers, id)
	}
	for _, h := range r.held {
		if now.Before(h.expires) {
			a.Held++
		}
	}
	return a
}

// GoAway starts the grace period after which a peer that was sent GO_AWAY is disconnected,
// unless one is already pending.
func (p *Peer) GoAway() {
	select {
	case p.goAway <- struct{}{}:
	default:
	}
}

// Peers reports whether a master is connected, and returns the client IDs of the connected
// viewers.
func (r *Relay) Peers() (master bool, viewers []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.viewers {
		viewers = append(viewers, id)
	}
	return r.master != nil, viewers
}
