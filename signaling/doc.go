// Package signaling is the WebRTC signaling client of Amazon Kinesis Video Streams: the HTTPS
// operations of signaling channels (GetIceServerConfig, SendAlexaOfferToMaster) and the WebSocket
// connection over which a channel's master and viewers exchange SDP offers, answers and ICE
// candidates.
//
// A [Client] is built like the other kvsgo clients, from an aws.Config or from [Options], which embed
// the control plane's kvs.Options:
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	client := signaling.NewFromConfig(cfg)
//
// There is no endpoint to configure. Every call names its channel (and role); the client asks
// the control plane for that channel's endpoints with GetSignalingChannelEndpoint, caches the
// answer per channel and role (share Options.Control between clients to share the cache), and
// drops it when the endpoint stops answering or the service sends GO_AWAY.
//
// # ICE servers
//
// RTCIceServers returns what a peer connection needs: the region's STUN server ([STUNURL]: the
// FIPS and dual-stack variants follow Options.UseFIPSEndpoint and UseDualStackEndpoint) followed
// by the channel's TURN servers with their short-lived credentials and TTL. [Conn.RTCIceServers]
// caches the list for a connection and fetches it again when the service asks for it.
//
// # Connections
//
// Connect opens a [Conn] as the master or as a viewer (a viewer has a client ID, unique on the
// channel). A Conn is pull-based:
//
//	conn, err := client.Connect(ctx, &signaling.ConnectInput{ChannelARN: arn, Role: signaling.RoleViewer, ClientID: "phone-1"})
//	defer conn.Close()
//	err = conn.SendSDPOffer(ctx, "", offer)
//	for {
//		m, err := conn.Receive(ctx)
//		if err != nil {
//			return err
//		}
//		switch m.Type {
//		case signaling.MessageTypeSDPAnswer:   // SetRemoteDescription(m.SessionDescription)
//		case signaling.MessageTypeICECandidate: // AddICECandidate(m.ICECandidate)
//		}
//	}
//
// A master names the viewer each message is for (the SenderClientID of the viewer's messages); a
// viewer names no one, its messages go to the master. Send enforces both rules.
//
// Receive returns messages in the order they arrived, with one exception that makes the order
// safe for a WebRTC stack: ICE candidates a peer sends before its SDP offer or answer are held
// back and returned right after that SDP. A receive loop that applies each SDP before receiving
// the next message never gets a candidate before the description it belongs to. Call ForgetPeer
// when a peer's session ends, so that the candidates of its next session wait for its next SDP.
//
// The service acknowledges nothing, but reports a failed delivery of a message that carries a
// correlation ID with a STATUS_RESPONSE. SendAndWait sends with a correlation ID and waits a
// bounded time for such a report; unclaimed reports come out of Receive.
//
// # Staying connected
//
// The service ends connections after an hour and closes idle ones after ten minutes; it sends
// GO_AWAY when a client should move to a new connection (within a minute) and
// RECONNECT_ICE_SERVER when a client should fetch new ICE servers. A Conn handles all
// of it: it pings every Options.KeepaliveInterval, replaces the connection before
// Options.MaxConnectionAge, reconnects at once after GO_AWAY, fetches new ICE servers and
// reconnects after RECONNECT_ICE_SERVER, and after an unexpected close reconnects with
// exponential backoff and full jitter (Options.RetryBaseDelay × 2ⁿ, capped at
// Options.RetryMaxDelay), signing every connection afresh (a presigned URL is valid for five
// minutes). Messages sent meanwhile wait in the send queue and are written, in order, once a
// connection is open; a message whose write fails is written again. A message the service
// accepted on a connection that then broke can still be lost: the protocol has no
// acknowledgements. Only an error that retrying cannot fix ends a Conn early, such as a deleted
// channel or denied access; Send and Receive then return it.
//
// Frames that cannot be decoded (not JSON, an unknown message type, a payload that is not
// base64 of what its type needs) are skipped and counted in [Stats], never fatal. Frames larger
// than [MaxFrameSize] are refused by the WebSocket layer before they are read.
//
// # Lifecycle
//
// A Conn follows the rule every long-lived object of this SDK follows: the constructor's context
// bounds the setup only; each blocking call's context bounds that call alone and its end loses
// nothing; Close is safe from any goroutine, idempotent, unblocks every pending call promptly
// with a documented error, and reports what it could not finish.
//
// Connect's ctx bounds looking up the endpoint, signing and the first handshake; cancelling it
// afterwards does not touch the Conn, which reconnects on its own until Close. Send (and its
// SendSDPOffer, SendSDPAnswer, SendICECandidate forms) waits only while the send queue is full,
// SendAndWait until the message is written and its status comes or its wait passes, Receive
// until a message arrives, RTCIceServers for the fetch: each returns its ctx's error when ctx
// ends first, with the Conn unchanged (a message is either queued whole or not at all). Close
// makes each of them return ErrClosed at once (Receive first returns the messages already
// received), waits for the Conn's goroutines, and returns nil after a clean close with every
// queued message written; otherwise an *UnsentError counting the messages discarded, the
// close handshake's failure, or the error that had ended the Conn. Every call of Close returns
// that same value.
//
// # Testing
//
// The kvstest emulator serves signaling as well: point a client at it with
// signaling.NewFromConfig(server.Config()) and it relays between masters and viewers, verifies
// every presigned URL, returns expiring TURN credentials, and lets a test send GO_AWAY or
// RECONNECT_ICE_SERVER, drop a connection or refuse handshakes (see the kvstest package, the
// examples of this package, and examples/signaling for a pion peer connection through it).
//
// # The wire format
//
// [EncodeOutgoing], [DecodeOutgoing], [EncodeMessage] and [DecodeMessage] are the frame codec of both
// directions, and [PresignURL] the URL signing, for use with other WebSocket libraries and for
// servers that speak the protocol, such as an emulator.
package signaling
