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
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/relay"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/signaling"
)

func init() {
	addRoute(signalingWSPlane, "/", &route{op: "ConnectAsMaster", opOf: connectOperation, method: http.MethodGet, streaming: true,
		handle: (*Server).connectSignaling})
}

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
		return apierr.InvalidArgument("%s", apierr.ValidationMessage(err))
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
func (s *Server) connectSignaling(c *serve.Call) {
	query := c.R.URL.Query()
	viewer := query.Has(signaling.QueryClientID)
	q := connectQuery{ChannelARN: query.Get(signaling.QueryChannelARN), ClientID: query.Get(signaling.QueryClientID)}
	if e := q.check(viewer); e != nil {
		c.Fail(e)
		return
	}
	rl, deleted, e := s.channelRelay(q.ChannelARN)
	if e != nil {
		c.Fail(e)
		return
	}
	p := relay.NewPeer(q.ClientID)
	if e := rl.Join(p); e != nil {
		c.Fail(e)
		return
	}
	defer rl.Leave(p)
	clk := s.limitClock()
	var lastHeard atomic.Int64 // when the client last sent a frame, in Unix nanoseconds
	lastHeard.Store(clk.Now().UnixNano())
	ws, err := websocket.Accept(c.W, c.R, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // the service serves browsers of any origin
		OnPingReceived: func(context.Context, []byte) bool {
			lastHeard.Store(clk.Now().UnixNano())
			return true
		},
	})
	if err != nil {
		c.Detail = err.Error() // Accept has answered the request
		return
	}
	ws.SetReadLimit(signaling.MaxFrameSize)
	c.Detail = "closed: " + relay.Serve(s.ctx, ws, rl, p, &lastHeard, deleted, s.opts.signaling.connectionLimits(), clk).String()
}

// channelRelay finds an ACTIVE channel by ARN and returns its relay, created on first use, and
// the channel's deletion signal.
func (s *Server) channelRelay(arn string) (*relay.Relay, <-chan struct{}, *apierr.Error) {
	now := s.state.Lock()
	defer s.state.Unlock()
	ch, e := s.activeChannel(arn, now)
	if e != nil {
		return nil, nil, e
	}
	if ch.Relay == nil {
		ch.Relay = relay.New(s.state.Now, func() time.Time {
			s.state.Mu.Lock()
			defer s.state.Unlock()
			return s.state.Now().Add(time.Duration(ch.MessageTTL) * time.Second)
		})
	}
	return ch.Relay, ch.Deleted, nil
}

// activeChannel finds a channel by ARN for the signaling endpoints, which know only ACTIVE
// channels.
func (s *Server) activeChannel(arn string, now time.Time) (*channel, *apierr.Error) {
	ch, e := s.state.FindChannel("", arn)
	if e == nil && ch.Status(now) != kvs.StatusActive {
		e = apierr.ChannelNotFound()
	}
	return ch, e
}
