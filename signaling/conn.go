package signaling

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kvsgo/sdk/internal/rpc"
)

// Queue sizes of a Conn.
const (
	// maxQueuedSends bounds the messages waiting to be written; Send blocks while it is full.
	maxQueuedSends = 256
	// maxQueuedReceives bounds the messages waiting for Receive; more are dropped and counted.
	maxQueuedReceives = 1024
	// iceRefetchTimeout bounds the ICE server fetch a RECONNECT_ICE_SERVER message triggers.
	iceRefetchTimeout = 10 * time.Second
	// iceFallbackTTL is how long an ICE server list without TTLs is kept.
	iceFallbackTTL = 5 * time.Minute
)

// ErrClosed is the error of Send and Receive on a Conn that Close has closed.
var ErrClosed = errors.New("signaling: connection closed")

// Conn is a signaling connection of a master or a viewer to a channel, kept open across network
// failures and service-initiated closes until Close. It is safe for concurrent use.
//
// Messages to send are queued (Send returns once queued) and written in order to whichever
// WebSocket connection is open; a message whose write failed is written again on the next
// connection, so that messages queued while reconnecting are delivered once connected again.
// Received messages wait in a queue for Receive, in the order described at Receive.
//
// The Conn answers GO_AWAY by reconnecting at once and RECONNECT_ICE_SERVER by fetching new ICE
// servers (see RTCIceServers) and reconnecting. It pings the service every
// Options.KeepaliveInterval, replaces the connection every Options.MaxConnectionAge (the service
// allows one hour), and after an unexpected close reconnects with exponential backoff and full
// jitter. Every connection is signed afresh. Only errors that retrying cannot fix (an unknown
// channel, denied access, an invalid argument) end it; Send and Receive then return that error.
type Conn struct {
	client *Client
	in     ConnectInput
	opts   Options
	optFns []func(*Options)
	cfg    *rpc.Config

	// ctx ends when Close is called; it bounds dials, backoff and ICE fetches.
	ctx     context.Context
	cancel  context.CancelFunc
	closing chan struct{}
	once    sync.Once
	done    chan struct{} // closed once the Conn has stopped; err and closeErr are set before
	err     error
	// closeErr is what Close returns: what the Conn could not finish.
	closeErr error

	// sendMu makes the end of sending exact: enqueue holds it shared while it queues, the
	// Conn's end takes it exclusively to set sendDone, after which nothing more is queued.
	sendMu   sync.RWMutex
	sendDone bool

	sendq    chan *outgoing
	inflight *outgoing // taken from sendq, not yet written; owned by the active writer
	inbox    chan *Message

	mu      sync.Mutex
	peers   peerBuffer
	waiters map[string]chan StatusResponse
	stats   Stats

	iceSem     chan struct{} // serializes ICE server fetches
	ice        []RTCIceServer
	iceExpires time.Time
	iceGen     int
}

// outgoing is a message encoded and waiting to be written.
type outgoing struct {
	frame   []byte
	written chan struct{} // closed once written, when someone waits for it
}

// Stats counts what a Conn has done.
type Stats struct {
	// Connects counts the WebSocket connections opened, the first included.
	Connects int
	// Received counts the messages received and decoded, whether delivered, held or dropped.
	Received int
	// MalformedFrames counts the received frames that were skipped: empty, not text, not
	// decodable, of an unknown type, or missing what their type needs.
	MalformedFrames int
	// LastMalformed says what was wrong with the latest skipped frame.
	LastMalformed error
	// DroppedMessages counts received messages dropped because Receive was not called often
	// enough to keep its queue from filling, or because too many ICE candidates were waiting
	// for their peer's SDP.
	DroppedMessages int
}

// Connect opens a signaling connection to a channel as its master or as a viewer: it looks up the
// channel's WSS endpoint for the role (through the control plane's endpoint cache), signs the URL
// and opens the WebSocket. The first connection must succeed; after that, the Conn reconnects by
// itself until Close. The context bounds only the first connection (the setup): its end later
// does not touch the Conn.
func (c *Client) Connect(ctx context.Context, in *ConnectInput, optFns ...func(*Options)) (*Conn, error) {
	o, cfg, err := c.with(optFns)
	if err != nil {
		return nil, fmt.Errorf("signaling: %w", err)
	}
	if in == nil {
		in = &ConnectInput{}
	}
	if err := in.check(); err != nil {
		return nil, cfg.OperationError("Connect", err)
	}
	conn := &Conn{
		client:  c,
		in:      *in,
		opts:    o.withDefaults(),
		optFns:  optFns,
		cfg:     cfg,
		closing: make(chan struct{}),
		done:    make(chan struct{}),
		sendq:   make(chan *outgoing, maxQueuedSends),
		inbox:   make(chan *Message, maxQueuedReceives),
		waiters: map[string]chan StatusResponse{},
		iceSem:  make(chan struct{}, 1),
	}
	conn.ctx, conn.cancel = context.WithCancel(context.Background())
	s, err := conn.dial(ctx)
	if err != nil {
		conn.cancel()
		return nil, err
	}
	go conn.run(s)
	return conn, nil
}

// Send queues m for delivery and returns once it is queued, or with ctx's error while the queue
// is full. It checks the addressing rules first: a MASTER must name the recipient viewer, a
// VIEWER must not name one (its messages go to the master).
func (c *Conn) Send(ctx context.Context, m *OutgoingMessage) error {
	o, err := c.prepare(m)
	if err != nil {
		return err
	}
	return c.enqueue(ctx, o)
}

// SendSDPOffer sends an SDP offer; to is the recipient viewer (MASTER) or "" (VIEWER).
func (c *Conn) SendSDPOffer(ctx context.Context, to string, offer SessionDescription) error {
	return c.Send(ctx, &OutgoingMessage{Type: MessageTypeSDPOffer, RecipientClientID: to, SessionDescription: offer})
}

// SendSDPAnswer sends an SDP answer; to is the recipient viewer (MASTER) or "" (VIEWER).
func (c *Conn) SendSDPAnswer(ctx context.Context, to string, answer SessionDescription) error {
	return c.Send(ctx, &OutgoingMessage{Type: MessageTypeSDPAnswer, RecipientClientID: to, SessionDescription: answer})
}

// SendICECandidate sends an ICE candidate; to is the recipient viewer (MASTER) or "" (VIEWER).
func (c *Conn) SendICECandidate(ctx context.Context, to string, candidate ICECandidate) error {
	return c.Send(ctx, &OutgoingMessage{Type: MessageTypeICECandidate, RecipientClientID: to, ICECandidate: candidate})
}

// prepare checks the addressing rules of the role and encodes m.
func (c *Conn) prepare(m *OutgoingMessage) (*outgoing, error) {
	switch {
	case m == nil:
		return nil, frameErr(nil, "nil message")
	case c.in.Role == RoleMaster && m.RecipientClientID == "":
		return nil, fmt.Errorf("signaling: a MASTER must name the recipient client ID of its %s", m.Type)
	case c.in.Role == RoleViewer && m.RecipientClientID != "":
		return nil, fmt.Errorf("signaling: a VIEWER must not name a recipient (%q): its %s goes to the master", m.RecipientClientID, m.Type)
	}
	frame, err := EncodeOutgoing(m)
	if err != nil {
		return nil, err
	}
	return &outgoing{frame: frame}, nil
}

func (c *Conn) enqueue(ctx context.Context, o *outgoing) error {
	c.sendMu.RLock()
	defer c.sendMu.RUnlock()
	if c.sendDone {
		return c.endErr()
	}
	select {
	case c.sendq <- o:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.closing:
		return ErrClosed
	case <-c.done:
		return c.err
	}
}

// endErr is the error of calls after the Conn's end: ErrClosed, or the error that ended it.
func (c *Conn) endErr() error {
	select {
	case <-c.done:
		return c.err
	default:
		return ErrClosed
	}
}

// Receive returns the next message received, waiting until one arrives, ctx ends or the Conn
// stops. Messages come in the order the service sent them, except that ICE candidates a peer
// sends before its SDP offer or answer are held back and returned right after that SDP: a loop
// that applies each SDP (SetRemoteDescription) before receiving the next message never sees a
// candidate it cannot add yet. STATUS_RESPONSE messages are returned unless SendAndWait claimed
// them. GO_AWAY and RECONNECT_ICE_SERVER are returned for information only: the Conn has
// already acted on them. After Close, or an error that ended the Conn, Receive returns the
// messages still queued and then ErrClosed or that error.
func (c *Conn) Receive(ctx context.Context) (*Message, error) {
	select {
	case m := <-c.inbox:
		return m, nil
	default:
	}
	select {
	case m := <-c.inbox:
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.done:
		select {
		case m := <-c.inbox:
			return m, nil
		default:
			return nil, c.err
		}
	}
}

// ForgetPeer makes the Conn treat a peer as new: the ICE candidates it sends from now on are held
// back until its next SDP offer or answer. Call it when the peer connection with that peer is
// closed, so that the candidates of the peer's next session (a viewer reconnecting with the same
// client ID) do not reach the application before that session's SDP. The ID is the viewer's
// client ID for a master, "" for a viewer.
func (c *Conn) ForgetPeer(clientID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.peers.forget(clientID)
}

// Stats returns counts of what the Conn has done.
func (c *Conn) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Close closes the connection with a normal closure (waiting up to a second for the service to
// answer it), stops reconnecting, makes every pending Send, SendAndWait, Receive and
// RTCIceServers return ErrClosed promptly, and waits for every goroutine of the Conn to finish.
// It may be called from any goroutine and more than once; every call returns the same value:
// nil when the connection was closed cleanly with every queued message written, otherwise what
// the Conn could not finish: an *UnsentError counting the queued messages never written, the
// close handshake's failure, or the error that had already ended the Conn (see Receive).
func (c *Conn) Close() error {
	c.once.Do(func() {
		close(c.closing)
		c.cancel()
	})
	<-c.done
	return c.closeErr
}

// UnsentError is returned by Close when messages queued by Send were never written.
type UnsentError struct {
	// Messages is the number of messages discarded.
	Messages int
}

// Error says how many messages were not sent.
func (e *UnsentError) Error() string {
	return fmt.Sprintf("signaling: closed with %d queued messages not sent", e.Messages)
}

// endSending stops enqueue for good and counts the messages never written. Call it only once
// the sessions' writers have stopped.
func (c *Conn) endSending() int {
	c.sendMu.Lock()
	c.sendDone = true
	c.sendMu.Unlock()
	n := len(c.sendq)
	if c.inflight != nil {
		n++
	}
	return n
}

// RTCIceServers returns the ICE server list for a new peer connection, as Client.RTCIceServers
// does for the Conn's channel, role and client ID. The list is cached until 80% of its shortest
// TTL has passed, and fetched again after a RECONNECT_ICE_SERVER message.
func (c *Conn) RTCIceServers(ctx context.Context) ([]RTCIceServer, error) {
	select {
	case c.iceSem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.closing:
		return nil, ErrClosed
	}
	defer func() { <-c.iceSem }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)() // Close ends the fetch
	c.mu.Lock()
	list, expires, gen := c.ice, c.iceExpires, c.iceGen
	c.mu.Unlock()
	if list != nil && time.Now().Before(expires) {
		return cloneServers(list), nil
	}
	fetched := time.Now()
	list, err := c.client.RTCIceServers(ctx, &GetIceServerConfigInput{
		ChannelARN: c.in.ChannelARN, ClientId: c.in.ClientID, Role: c.in.Role,
	}, c.optFns...)
	if err != nil {
		if c.ctx.Err() != nil {
			return nil, ErrClosed
		}
		return nil, err
	}
	c.mu.Lock()
	if gen == c.iceGen {
		c.ice, c.iceExpires = list, expiry(list, fetched, iceFallbackTTL)
	}
	c.mu.Unlock()
	return cloneServers(list), nil
}

// invalidateICE drops the cached ICE servers, and keeps a fetch in progress from storing its
// answer.
func (c *Conn) invalidateICE() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ice = nil
	c.iceGen++
}

func cloneServers(list []RTCIceServer) []RTCIceServer {
	out := make([]RTCIceServer, len(list))
	for i, s := range list {
		out[i] = s
		out[i].URLs = append([]string(nil), s.URLs...)
	}
	return out
}
