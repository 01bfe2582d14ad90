// Serving one WebSocket connection of the relay within the connection limits.

package relay

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Timing of a signaling connection's frames.
const (
	// frameWriteTimeout bounds the write of one frame to a client.
	frameWriteTimeout = 10 * time.Second
	// closeHandshakeLimit bounds the wait for a client to answer the relay's close frame.
	closeHandshakeLimit = time.Second
)

// Limits are the connection limits Serve enforces, each positive (see kvstest.SignalingLimits).
type Limits struct {
	MaxConnectionAge time.Duration // how long a connection may stay open
	IdleTimeout      time.Duration // how long the client may send nothing
	GoAwayGrace      time.Duration // how long a connection stays open after GO_AWAY
}

// Clock is the time source of the connection limits: real time (RealClock), whatever the
// server's clock says, since the limits are timers. The tests of the limits themselves replace
// it with a fake clock they advance.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a timer of a Clock, shaped like time.Timer.
type Timer interface {
	Chan() <-chan time.Time
	Reset(d time.Duration)
	Stop()
}

// RealClock is real time.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer returns a time.Timer.
func (RealClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) Chan() <-chan time.Time { return r.t.C }
func (r realTimer) Reset(d time.Duration)  { r.t.Reset(d) }
func (r realTimer) Stop()                  { r.t.Stop() }

// Serve relays the frames of a connection until it ends, closes it and returns why it ended.
// The connection ends when the relay or the client ends it, when lim says so on clk, when deleted
// is closed (the channel was deleted), or when ctx, the server's, is canceled. lastHeard is when
// the client last sent a frame, in Unix nanoseconds; Serve updates it, as must whoever answers
// the client's pings.
func Serve(ctx context.Context, ws *websocket.Conn, rl *Relay, p *Peer, lastHeard *atomic.Int64, deleted <-chan struct{}, lim Limits, clk Clock) EndCause {
	serverCtx := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			typ, frame, err := ws.Read(ctx)
			if err != nil {
				p.End(EndClientGone)
				return
			}
			lastHeard.Store(clk.Now().UnixNano())
			if typ == websocket.MessageText {
				rl.Handle(p, frame)
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
					p.End(EndClientGone)
					return
				}
			}
		}
	}()
	watch(serverCtx, p, lastHeard, deleted, lim, clk)
	closePeer(ws, p.cause)
	cancel()
	wg.Wait()
	return p.cause
}

// watch waits until the connection must end: the relay or the client ended it, or a
// limit, the channel's deletion or the server's closing ends it now.
func watch(ctx context.Context, p *Peer, lastHeard *atomic.Int64, deleted <-chan struct{}, lim Limits, clk Clock) {
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
		case <-ctx.Done():
			p.End(EndServerClosed)
		case <-deleted:
			p.End(EndChannelDeleted)
		case <-age.Chan():
			p.End(EndAged)
		case <-idle.Chan():
			quiet := clk.Now().Sub(time.Unix(0, lastHeard.Load()))
			if quiet >= lim.IdleTimeout {
				p.End(EndIdle)
			} else {
				idle.Reset(lim.IdleTimeout - quiet)
			}
		case <-p.goAway:
			grace.Reset(lim.GoAwayGrace)
		case <-grace.Chan():
			p.End(EndGoAwayIgnored)
		}
	}
}

// closePeer closes an ended connection: at once when the client is gone, was dropped or the
// server is closing, otherwise with a close frame saying why (policy violation for a connection
// replaced by a newer one, going away for the limits and a deleted channel), waiting at most
// closeHandshakeLimit for the client's answer.
func closePeer(ws *websocket.Conn, cause EndCause) {
	code := websocket.StatusGoingAway
	switch cause {
	case EndClientGone, EndDropped, EndServerClosed:
		_ = ws.CloseNow()
		return
	case EndReplaced:
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
