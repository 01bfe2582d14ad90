// One WebSocket connection of a Conn: its reader, writer and keepalive goroutines.

package signaling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/coder/websocket"
)

// endReason says why a connection ended.
type endReason int

const (
	endLost         endReason = iota // read, write or keepalive failure, or a close by the peer
	endGoAway                        // the service sent GO_AWAY
	endReconnectICE                  // the service sent RECONNECT_ICE_SERVER
	endAged                          // the connection reached MaxConnectionAge
	endClosed                        // Close was called
)

func (r endReason) String() string {
	return [...]string{"connection lost", "GO_AWAY", "RECONNECT_ICE_SERVER", "maximum connection age", "closed"}[r]
}

// planned reports the ends that call for an immediate, orderly reconnect.
func (r endReason) planned() bool { return r == endGoAway || r == endReconnectICE || r == endAged }

// session is one open WebSocket connection.
type session struct {
	conn    *Conn
	ws      *websocket.Conn
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	started time.Time

	endOnce sync.Once
	ended   chan struct{} // closed by end; reason and err are set before
	reason  endReason
	err     error
}

// dial signs a URL and opens a connection, and starts its goroutines.
func (c *Conn) dial(ctx context.Context) (*session, error) {
	u, err := c.client.presignConnect(ctx, c.cfg, &c.in)
	if err != nil {
		return nil, c.cfg.OperationError("Connect", err)
	}
	ws, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPClient: c.opts.webSocketClient(),
		HTTPHeader: http.Header{"User-Agent": {"kvsgo-signaling"}},
	})
	if err != nil {
		return nil, c.cfg.OperationError("Connect", c.handshakeError(resp, err))
	}
	ws.SetReadLimit(MaxFrameSize)
	sctx, cancel := context.WithCancel(context.Background())
	s := &session{conn: c, ws: ws, ctx: sctx, cancel: cancel, started: time.Now(), ended: make(chan struct{})}
	c.mu.Lock()
	c.stats.Connects++
	c.mu.Unlock()
	s.wg.Add(2)
	go s.read()
	go s.write()
	if c.opts.KeepaliveInterval > 0 {
		s.wg.Add(1)
		go s.keepalive(c.opts.KeepaliveInterval)
	}
	return s, nil
}

// handshakeError turns a failed WebSocket handshake into the service's error when it answered
// with an HTTP error, and into a send error otherwise.
func (c *Conn) handshakeError(resp *http.Response, err error) error {
	if resp == nil || resp.StatusCode == http.StatusSwitchingProtocols || resp.StatusCode < 300 {
		return &smithyhttp.RequestSendError{Err: err}
	}
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, 1024))
	}
	return c.cfg.APIError(resp, body)
}

// end records why the session ended; the first reason wins.
func (s *session) end(r endReason, err error) {
	s.endOnce.Do(func() {
		s.reason, s.err = r, err
		close(s.ended)
	})
}

// closeHandshakeTimeout bounds the wait for the service to answer a close frame.
const closeHandshakeTimeout = time.Second

// errCloseUnanswered reports a close handshake the service did not answer in time.
var errCloseUnanswered = fmt.Errorf("the service did not answer within %v", closeHandshakeTimeout)

// stop closes the connection (with a close handshake, for at most closeHandshakeTimeout, unless
// it was lost) and waits for the session's goroutines. It returns the handshake's failure.
func (s *session) stop() error {
	handshake := make(chan struct{})
	var err error
	if s.reason == endLost {
		close(handshake)
	} else {
		go func() {
			defer close(handshake)
			err = s.ws.Close(websocket.StatusNormalClosure, "")
		}()
	}
	timedOut := false
	select {
	case <-handshake:
	case <-time.After(closeHandshakeTimeout):
		timedOut = true
	}
	s.cancel()
	_ = s.ws.CloseNow()
	<-handshake
	s.wg.Wait()
	if timedOut {
		return errCloseUnanswered
	}
	return err
}

// read passes every received frame to the Conn until the connection fails.
func (s *session) read() {
	defer s.wg.Done()
	for {
		typ, data, err := s.ws.Read(s.ctx)
		if err != nil {
			s.end(endLost, fmt.Errorf("reading: %w", err))
			return
		}
		s.conn.handleFrame(s, typ, data)
	}
}

// write writes queued messages in order until the session ends. A message whose write fails
// stays in conn.inflight for the next session.
func (s *session) write() {
	defer s.wg.Done()
	c := s.conn
	for {
		o := c.inflight
		if o == nil {
			select {
			case <-s.ended:
				return
			case o = <-c.sendq:
				c.inflight = o
			}
		}
		select {
		case <-s.ended:
			return
		default:
		}
		if err := s.ws.Write(s.ctx, websocket.MessageText, o.frame); err != nil {
			s.end(endLost, fmt.Errorf("writing: %w", err))
			return
		}
		c.inflight = nil
		if o.written != nil {
			close(o.written)
		}
	}
}

// keepalive pings the service; an unanswered ping ends the session.
func (s *session) keepalive(interval time.Duration) {
	defer s.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.ended:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(s.ctx, interval)
		err := s.ws.Ping(ctx)
		cancel()
		if err != nil {
			s.end(endLost, fmt.Errorf("keepalive: %w", err))
			return
		}
	}
}

// errBinaryFrame reports a binary frame: the protocol uses text frames only.
var errBinaryFrame = &FrameError{Reason: "binary frame (signaling frames are text)"}

// handleFrame acts on a received frame.
func (c *Conn) handleFrame(s *session, typ websocket.MessageType, data []byte) {
	if typ != websocket.MessageText {
		c.malformed(errBinaryFrame)
		return
	}
	m, err := DecodeMessage(data)
	if err != nil {
		c.malformed(err)
		return
	}
	c.mu.Lock()
	c.stats.Received++
	c.mu.Unlock()
	switch m.Type {
	case MessageTypeGoAway:
		s.end(endGoAway, nil)
	case MessageTypeReconnectICEServer:
		s.end(endReconnectICE, nil)
	case MessageTypeStatusResponse:
		if c.claimStatus(m.Status) {
			return
		}
	case MessageTypeSDPOffer, MessageTypeSDPAnswer, MessageTypeICECandidate:
		if c.in.Role == RoleMaster && m.SenderClientID == "" {
			c.malformed(&FrameError{Reason: string(m.Type) + " without a sender client ID: a master cannot answer it"})
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ready, dropped := c.peers.admit(m)
	c.stats.DroppedMessages += dropped
	for _, r := range ready {
		select {
		case c.inbox <- r:
		default:
			c.stats.DroppedMessages++
		}
	}
}

// malformed counts and logs a skipped frame.
func (c *Conn) malformed(err error) {
	c.mu.Lock()
	c.stats.MalformedFrames++
	c.stats.LastMalformed = err
	c.mu.Unlock()
	c.warnf("skipped a frame: %v", err)
}

// fatal reports the errors that reconnecting cannot fix: the service's 4xx answers other than
// throttling, invalid parameters, and missing credentials.
func fatal(err error) bool {
	var ipe smithy.InvalidParamsError
	if errors.As(err, &ipe) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ClientLimitExceededException", "ConnectionLimitExceededException", "TooManyRequests",
			"RequestTimeout", "ThrottlingException":
			return false
		}
		return api.ErrorFault() == smithy.FaultClient
	}
	return false
}
