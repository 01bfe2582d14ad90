// The WebSocket endpoint of signaling: ConnectAsMaster and ConnectAsViewer. The router has
// verified the presigned URL (signature, credentials, expiry) and applied the injected faults;
// this file checks the channel and the client ID, registers the connection with the channel's
// relay before the handshake completes (so that a client whose Connect returned can be reached
// at once), and then serves the connection until it ends.

package kvstest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/signaling"
)

func init() {
	addRoute(signalingWSPlane, "/", &route{op: "ConnectAsMaster", opOf: connectOperation, method: http.MethodGet, streaming: true,
		handle: (*Server).connectSignaling})
}

// Timing of a signaling connection's frames.
const (
	// frameWriteTimeout bounds the write of one frame to a client.
	frameWriteTimeout = 10 * time.Second
	// closeHandshakeLimit bounds the wait for a client to answer the relay's close frame.
	closeHandshakeLimit = time.Second
)

// connectOperation names the operation of a handshake: a viewer names itself with
// X-Amz-ClientId, the master does not.
func connectOperation(r *http.Request) string {
	if r.URL.Query().Has(signaling.QueryClientID) {
		return "ConnectAsViewer"
	}
	return "ConnectAsMaster"
}

// connectQuery is the query of a handshake, with the constraints of the WebSocket API reference.
type connectQuery struct {
	ChannelARN string `validate:"required,min=1,max=1024"`
	ClientID   string `validate:"min=1,max=256,pattern=name"`
}

func (q *connectQuery) check(viewer bool) *apierr.Error {
	if err := validate.Struct(q); err != nil {
		return apierr.InvalidArgument("%s", validationMessage(err))
	}
	switch {
	case viewer && q.ClientID == "":
		return apierr.InvalidArgument("A VIEWER must name itself with a non-empty X-Amz-ClientId.")
	case len(q.ClientID) >= 4 && strings.EqualFold(q.ClientID[:4], "AWS_"):
		return apierr.InvalidArgument("The client ID %q must not start with AWS_.", q.ClientID)
	}
	return nil
}

// connectSignaling answers a handshake and serves the connection.
func (s *Server) connectSignaling(c *call) {
	query := c.r.URL.Query()
	viewer := query.Has(signaling.QueryClientID)
	q := connectQuery{ChannelARN: query.Get(signaling.QueryChannelARN), ClientID: query.Get(signaling.QueryClientID)}
	if e := q.check(viewer); e != nil {
		c.fail(e)
		return
	}
	rl, deleted, e := s.channelRelay(q.ChannelARN)
	if e != nil {
		c.fail(e)
		return
	}
	p := newPeer(q.ClientID)
	if e := rl.join(p); e != nil {
		c.fail(e)
		return
	}
	defer rl.leave(p)
	clk := s.limitClock()
	var lastHeard atomic.Int64 // when the client last sent a frame, in Unix nanoseconds
	lastHeard.Store(clk.Now().UnixNano())
	ws, err := websocket.Accept(c.w, c.r, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // the service serves browsers of any origin
		OnPingReceived: func(context.Context, []byte) bool {
			lastHeard.Store(clk.Now().UnixNano())
			return true
		},
	})
	if err != nil {
		c.detail = err.Error() // Accept has answered the request
		return
	}
	ws.SetReadLimit(signaling.MaxFrameSize)
	c.detail = "closed: " + s.serveSignaling(ws, rl, p, &lastHeard, deleted).String()
}

// channelRelay finds an ACTIVE channel by ARN and returns its relay, created on first use, and
// the channel's deletion signal.
func (s *Server) channelRelay(arn string) (*relay, <-chan struct{}, *apierr.Error) {
	now := s.lockState()
	defer s.mu.Unlock()
	ch, e := s.activeChannel(arn, now)
	if e != nil {
		return nil, nil, e
	}
	if ch.relay == nil {
		ch.relay = &relay{
			now: s.now,
			holdUntil: func() time.Time {
				s.mu.Lock()
				defer s.mu.Unlock()
				return s.now().Add(time.Duration(ch.messageTTL) * time.Second)
			},
			viewers: map[string]*peer{},
			alexa:   map[string]chan string{},
		}
	}
	return ch.relay, ch.deleted, nil
}

// activeChannel finds a channel by ARN for the signaling endpoints, which know only ACTIVE
// channels.
func (s *Server) activeChannel(arn string, now time.Time) (*channel, *apierr.Error) {
	ch, e := s.findChannel("", arn)
	if e == nil && ch.status(now) != kvs.StatusActive {
		e = apierr.ChannelNotFound()
	}
	return ch, e
}

// serveSignaling relays the frames of a connection until it ends, closes it and returns why
// it ended.
func (s *Server) serveSignaling(ws *websocket.Conn, rl *relay, p *peer, lastHeard *atomic.Int64, deleted <-chan struct{}) endCause {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			typ, frame, err := ws.Read(ctx)
			if err != nil {
				p.end(endClientGone)
				return
			}
			lastHeard.Store(s.limitClock().Now().UnixNano())
			if typ == websocket.MessageText {
				rl.handle(p, frame)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for {
			select {
			case <-p.ended:
				return
			case frame := <-p.out:
				wctx, wcancel := context.WithTimeout(ctx, frameWriteTimeout)
				err := ws.Write(wctx, websocket.MessageText, frame)
				wcancel()
				if err != nil {
					p.end(endClientGone)
					return
				}
			}
		}
	}()
	s.watchSignaling(p, lastHeard, deleted)
	closeSignaling(ws, p.cause)
	cancel()
	wg.Wait()
	return p.cause
}

// watchSignaling waits until the connection must end: the relay or the client ended it, or a
// limit, the channel's deletion or the server's closing ends it now.
func (s *Server) watchSignaling(p *peer, lastHeard *atomic.Int64, deleted <-chan struct{}) {
	lim, clk := s.opts.signaling.withDefaults(), s.limitClock()
	age := clk.NewTimer(lim.MaxConnectionAge)
	defer age.Stop()
	idle := clk.NewTimer(lim.IdleTimeout)
	defer idle.Stop()
	grace := clk.NewTimer(lim.GoAwayGrace)
	grace.Stop()
	defer grace.Stop()
	for {
		select {
		case <-p.ended:
			return
		case <-s.ctx.Done():
			p.end(endServerClosed)
		case <-deleted:
			p.end(endChannelDeleted)
		case <-age.Chan():
			p.end(endAged)
		case <-idle.Chan():
			quiet := clk.Now().Sub(time.Unix(0, lastHeard.Load()))
			if quiet >= lim.IdleTimeout {
				p.end(endIdle)
			} else {
				idle.Reset(lim.IdleTimeout - quiet)
			}
		case <-p.goAway:
			grace.Reset(lim.GoAwayGrace)
		case <-grace.Chan():
			p.end(endGoAwayIgnored)
		}
	}
}

// closeSignaling closes an ended connection: at once when the client is gone, was dropped or the
// server is closing, otherwise with a close frame saying why (policy violation for a connection
// replaced by a newer one, going away for the limits and a deleted channel), waiting at most
// closeHandshakeLimit for the client's answer.
func closeSignaling(ws *websocket.Conn, cause endCause) {
	code := websocket.StatusGoingAway
	switch cause {
	case endClientGone, endDropped, endServerClosed:
		_ = ws.CloseNow()
		return
	case endReplaced:
		code = websocket.StatusPolicyViolation
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ws.Close(code, cause.String())
	}()
	t := time.NewTimer(closeHandshakeLimit)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		_ = ws.CloseNow()
		<-done
	}
}
