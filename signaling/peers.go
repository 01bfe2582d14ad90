package signaling

// Limits of the early ICE candidate buffer. Candidates beyond them are dropped and counted in
// Stats.DroppedMessages.
const (
	// maxEarlyCandidates bounds the candidates held for one peer before its SDP arrives.
	maxEarlyCandidates = 256
	// maxPeers bounds the peers remembered (held candidates, or SDP seen).
	maxPeers = 4096
)

// peerBuffer puts the messages of each remote peer in a safe order for a WebRTC stack: ICE
// candidates that arrive before the peer's SDP offer or answer are held back and released right
// after it, so that a receive loop can apply the description before any candidate. A peer is
// identified by its sender client ID: a viewer's ID at the master, "" for the master at a
// viewer.
type peerBuffer struct {
	described map[string]bool       // peers whose SDP has been released
	held      map[string][]*Message // candidates waiting for their peer's SDP
}

// admit returns the messages to deliver, in order, for a received message, and how many
// candidates were dropped because the buffer is full.
func (p *peerBuffer) admit(m *Message) (out []*Message, dropped int) {
	if p.described == nil {
		p.described, p.held = map[string]bool{}, map[string][]*Message{}
	}
	id := m.SenderClientID
	switch m.Type {
	case MessageTypeSDPOffer, MessageTypeSDPAnswer:
		if !p.described[id] && len(p.described) >= maxPeers {
			evictOne(p.described)
		}
		p.described[id] = true
		out = append([]*Message{m}, p.held[id]...)
		delete(p.held, id)
		return out, 0
	case MessageTypeICECandidate:
		if p.described[id] {
			return []*Message{m}, 0
		}
		held := p.held[id]
		if len(held) >= maxEarlyCandidates || (held == nil && len(p.held) >= maxPeers) {
			return nil, 1
		}
		p.held[id] = append(held, m)
		return nil, 0
	}
	return []*Message{m}, 0
}

// forget makes the buffer treat a peer as new: its next candidates wait for a new SDP, and the
// candidates it holds for the peer are dropped.
func (p *peerBuffer) forget(id string) {
	delete(p.described, id)
	delete(p.held, id)
}

// evictOne removes an arbitrary entry from a full map.
func evictOne(m map[string]bool) {
	for k := range m {
		delete(m, k)
		return
	}
}
