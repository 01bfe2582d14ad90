package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"strings"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"

	"github.com/kvsgo/sdk/signaling"
)

// loopbackAPI returns a pion API whose peers gather host candidates on loopback addresses only,
// over UDP/IPv4, without mDNS: the peers of this example run on one machine, and a test must
// not reach the network. The TURN servers of the emulator name no real server, so relay
// candidates fail to gather and the peers connect directly.
func loopbackAPI() *webrtc.API {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
}

// newPeerConnection creates a peer connection for a signaling connection. It sends the local ICE
// candidates to the peer named to ("" for the master) as they are gathered.
func newPeerConnection(ctx context.Context, api *webrtc.API, conn *signaling.Conn, to string) (*webrtc.PeerConnection, error) {
	servers, err := conn.RTCIceServers(ctx)
	if err != nil {
		return nil, err
	}
	pc, err := api.NewPeerConnection(loopbackConfig(servers))
	if err != nil {
		return nil, err
	}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return // gathering is complete
		}
		if err := conn.SendICECandidate(ctx, to, signaling.ICECandidate(c.ToJSON())); err != nil && ctx.Err() == nil {
			log.Printf("sending an ICE candidate: %v", err)
		}
	})
	return pc, nil
}

// loopbackConfig converts the ICE servers of a signaling connection for pion, leaving out the
// TURN servers: peers on one machine connect with host candidates, and the emulator's TURN URIs
// name no server (pion would spend seconds trying to allocate a relay there). Against the
// service, pass every server: TURN is the fallback for peers that cannot reach each other.
func loopbackConfig(servers []signaling.RTCIceServer) webrtc.Configuration {
	var cfg webrtc.Configuration
	for _, s := range servers {
		if isTURN(s) {
			continue
		}
		cfg.ICEServers = append(cfg.ICEServers, webrtc.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	return cfg
}

// isTURN reports whether a server is a TURN server (its URLs are turn: or turns: URLs).
func isTURN(s signaling.RTCIceServer) bool {
	return len(s.URLs) > 0 && strings.HasPrefix(s.URLs[0], "turn")
}

// apply passes a received SDP or ICE candidate to a peer connection. The signaling client hands
// out a peer's candidates only after its SDP, so a candidate never arrives before the remote
// description it needs.
func apply(pc *webrtc.PeerConnection, m *signaling.Message) error {
	switch m.Type {
	case signaling.MessageTypeICECandidate:
		return pc.AddICECandidate(webrtc.ICECandidateInit(m.ICECandidate))
	case signaling.MessageTypeSDPOffer, signaling.MessageTypeSDPAnswer:
		return pc.SetRemoteDescription(webrtc.SessionDescription{
			Type: webrtc.NewSDPType(m.SessionDescription.Type), SDP: m.SessionDescription.SDP})
	}
	return nil
}

// serveMaster answers every viewer's offer with a peer connection that echoes what the viewer
// sends on its data channels, until ctx ends.
func serveMaster(ctx context.Context, api *webrtc.API, conn *signaling.Conn, out *syncWriter) error {
	peers := map[string]*webrtc.PeerConnection{}
	defer func() {
		for _, pc := range peers {
			_ = pc.Close()
		}
	}()
	for {
		m, err := conn.Receive(ctx)
		if err != nil {
			return err
		}
		viewer := m.SenderClientID
		if m.Type == signaling.MessageTypeSDPOffer {
			if old := peers[viewer]; old != nil {
				_ = old.Close() // the viewer starts over
			}
			pc, err := newPeerConnection(ctx, api, conn, viewer)
			if err != nil {
				return err
			}
			peers[viewer] = pc
			pc.OnDataChannel(func(dc *webrtc.DataChannel) {
				dc.OnMessage(func(msg webrtc.DataChannelMessage) {
					out.printf("master received %q from %s", msg.Data, viewer)
					_ = dc.SendText("echo: " + string(msg.Data))
				})
			})
			if err := apply(pc, m); err != nil {
				return err
			}
			answer, err := pc.CreateAnswer(nil)
			if err != nil {
				return err
			}
			if err := pc.SetLocalDescription(answer); err != nil {
				return err
			}
			err = conn.SendSDPAnswer(ctx, viewer, signaling.SessionDescription{Type: answer.Type.String(), SDP: answer.SDP})
			if err != nil {
				return err
			}
			continue
		}
		if pc := peers[viewer]; pc != nil {
			if err := apply(pc, m); err != nil {
				return err
			}
		}
	}
}

// runViewer connects a viewer, offers a peer connection with a data channel, sends messages on
// it once it opens and waits for the master's answer to each. It returns how long the data
// channel took to open after the offer was sent.
func runViewer(ctx context.Context, api *webrtc.API, client *signaling.Client, channelARN string, out *syncWriter) (time.Duration, error) {
	conn, err := client.Connect(ctx, &signaling.ConnectInput{ChannelARN: channelARN, Role: signaling.RoleViewer, ClientID: "viewer-1"})
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	pc, err := newPeerConnection(ctx, api, conn, "")
	if err != nil {
		return 0, err
	}
	defer pc.Close()
	dc, err := pc.CreateDataChannel("chat", nil)
	if err != nil {
		return 0, err
	}
	opened := make(chan time.Time, 1)
	replies := make(chan string, messages)
	dc.OnOpen(func() { opened <- time.Now() })
	dc.OnMessage(func(msg webrtc.DataChannelMessage) { replies <- string(msg.Data) })

	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return 0, err
	}
	if err := pc.SetLocalDescription(offer); err != nil {
		return 0, err
	}
	offered := time.Now()
	if err := conn.SendSDPOffer(ctx, "", signaling.SessionDescription{Type: offer.Type.String(), SDP: offer.SDP}); err != nil {
		return 0, err
	}

	// Apply the master's answer and candidates while waiting for the data channel.
	signals, stopped := make(chan error, 1), make(chan struct{})
	sctx, stopSignals := context.WithCancel(ctx)
	defer func() { stopSignals(); <-stopped }()
	go func() {
		defer close(stopped)
		for {
			m, err := conn.Receive(sctx)
			if err == nil {
				err = apply(pc, m)
			}
			if err != nil {
				signals <- err
				return
			}
		}
	}()
	var openedAt time.Time
	select {
	case openedAt = <-opened:
	case err := <-signals:
		return 0, fmt.Errorf("signaling: %w", err)
	case <-ctx.Done():
		return 0, errors.New("the data channel did not open: " + pc.ICEConnectionState().String())
	}
	pair, err := pc.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil {
		return 0, fmt.Errorf("no selected ICE candidate pair: %v", err)
	}
	out.printf("viewer: data channel open after %v, %s candidates %s:%d <-> %s:%d", openedAt.Sub(offered).Round(time.Millisecond),
		pair.Local.Typ, pair.Local.Address, pair.Local.Port, pair.Remote.Address, pair.Remote.Port)
	for i := 1; i <= messages; i++ {
		if err := dc.SendText(fmt.Sprintf("hello %d", i)); err != nil {
			return 0, err
		}
	}
	for range messages {
		select {
		case r := <-replies:
			out.printf("viewer received %q", r)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return openedAt.Sub(offered), nil
}
