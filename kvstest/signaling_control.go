// What a test can do to the signaling connections of a channel: send GO_AWAY or
// RECONNECT_ICE_SERVER, drop a connection, see who is connected.

package kvstest

import (
	"fmt"
	"sort"

	"github.com/kvsgo/sdk/kvstest/internal/relay"
	"github.com/kvsgo/sdk/signaling"
)

// SendGoAway sends GO_AWAY on the signaling connection of a channel's master (clientID "") or
// of the viewer with clientID, as the service does before maintenance. The relay keeps
// relaying on that connection until the client closes it, and closes it itself after
// SignalingLimits.GoAwayGrace. It fails when no such client is connected.
func (s *Server) SendGoAway(channelARN, clientID string) error {
	p, err := s.signalingPeer(channelARN, clientID)
	if err != nil {
		return err
	}
	if err := sendEvent(p, signaling.MessageTypeGoAway); err != nil {
		return err
	}
	p.GoAway()
	return nil
}

// SendReconnectICEServer sends RECONNECT_ICE_SERVER on the signaling connection of a channel's
// master (clientID "") or of the viewer with clientID, telling the client to fetch new ICE
// servers. The connection stays open. It fails when no such client is connected.
func (s *Server) SendReconnectICEServer(channelARN, clientID string) error {
	p, err := s.signalingPeer(channelARN, clientID)
	if err != nil {
		return err
	}
	return sendEvent(p, signaling.MessageTypeReconnectICEServer)
}

// DropSignalingConnection closes the signaling connection of a channel's master (clientID "")
// or of the viewer with clientID without a close handshake, as a network failure would. The
// frames still queued for the client are lost. It fails when no such client is connected.
func (s *Server) DropSignalingConnection(channelARN, clientID string) error {
	p, err := s.signalingPeer(channelARN, clientID)
	if err != nil {
		return err
	}
	p.End(relay.EndDropped)
	return nil
}

// SignalingPeers reports whether a master is connected to a channel's signaling, and returns
// the client IDs of the connected viewers, sorted. A connection counts from the moment its
// handshake is accepted until the relay has seen it close.
func (s *Server) SignalingPeers(channelARN string) (master bool, viewers []string) {
	rl := s.existingRelay(channelARN)
	if rl == nil {
		return false, nil
	}
	master, viewers = rl.Peers()
	sort.Strings(viewers)
	return master, viewers
}

// existingRelay returns a channel's relay, or nil when the channel does not exist or nobody
// has connected to it yet.
func (s *Server) existingRelay(channelARN string) *relay.Relay {
	s.state.Lock()
	defer s.state.Unlock()
	ch, e := s.state.FindChannel("", channelARN)
	if e != nil {
		return nil
	}
	return ch.Relay
}

// signalingPeer returns the connection of a channel's master (clientID "") or viewer.
func (s *Server) signalingPeer(channelARN, clientID string) (*relay.Peer, error) {
	var p *relay.Peer
	if rl := s.existingRelay(channelARN); rl != nil {
		p = rl.Find(clientID)
	}
	if p == nil {
		who := "no MASTER is"
		if clientID != "" {
			who = fmt.Sprintf("no VIEWER %q is", clientID)
		}
		return nil, fmt.Errorf("kvstest: %s connected to the signaling channel %s", who, channelARN)
	}
	return p, nil
}

// sendEvent queues a message of the service, such as GO_AWAY, for a client.
func sendEvent(p *relay.Peer, t signaling.MessageType) error {
	frame, err := signaling.EncodeMessage(&signaling.Message{Type: t})
	if err != nil {
		return err
	}
	if !p.Enqueue(frame) {
		return fmt.Errorf("kvstest: the %s is not reading its messages", p.Role())
	}
	return nil
}
