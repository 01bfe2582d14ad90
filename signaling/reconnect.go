// The life of a Conn: watch the open connection, replace it when it ends, stop on Close or on an
// error that reconnecting cannot fix.

package signaling

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/internal/backoff"
	"github.com/kvsgo/sdk/internal/dataplane"
	"github.com/kvsgo/sdk/internal/rpc"
)

// run supervises the Conn's connections, starting with s, until Close or a fatal error.
func (c *Conn) run(s *session) {
	attempt := 0
	c.logf("connected")
	for {
		age := time.NewTimer(c.opts.MaxConnectionAge)
		select {
		case <-s.ended:
		case <-age.C:
			s.end(endAged, nil)
		case <-c.closing:
			s.end(endClosed, nil)
		}
		age.Stop()
		handshake := s.stop()
		if s.reason == endClosed {
			var errs []error
			if handshake != nil {
				errs = append(errs, fmt.Errorf("signaling: close handshake: %w", handshake))
			}
			if n := c.endSending(); n > 0 {
				errs = append(errs, &UnsentError{Messages: n})
			}
			c.closeErr = errors.Join(errs...)
			c.stop(ErrClosed)
			return
		}
		if time.Since(s.started) >= c.opts.RetryMaxDelay {
			attempt = 0 // the connection was stable: start the backoff over
		}
		if s.err != nil {
			c.logf("reconnecting: %v", s.err)
		} else {
			c.logf("reconnecting after %v", s.reason)
		}
		switch s.reason {
		case endGoAway:
			c.client.invalidateEndpoint(c.in.ChannelARN, c.in.Role)
		case endReconnectICE:
			c.refetchICE()
		}
		next, used, err := c.reconnect(attempt, s.reason.planned())
		if err != nil {
			c.endSending()
			if !errors.Is(err, ErrClosed) {
				c.warnf("stopped: reconnecting failed: %v", err)
				c.closeErr = err
			}
			c.stop(err)
			return
		}
		c.logf("reconnected at attempt %d", used+1)
		s, attempt = next, used+1
	}
}

// reconnect opens a new connection, retrying with backoff from attempt on, and returns it with
// the number of the attempt that succeeded. A planned reconnect of a stable connection (attempt
// 0) starts at once. It fails with ErrClosed after Close and with errors that retrying cannot
// fix.
func (c *Conn) reconnect(attempt int, planned bool) (*session, int, error) {
	for ; ; attempt++ {
		if !planned || attempt > 0 {
			if err := backoff.Sleep(c.ctx, c.backoff(attempt)); err != nil {
				return nil, attempt, ErrClosed
			}
		}
		s, err := c.dial(c.ctx)
		switch {
		case err == nil:
			return s, attempt, nil
		case c.ctx.Err() != nil:
			return nil, attempt, ErrClosed
		case dataplane.IsStaleEndpoint(err):
			c.client.invalidateEndpoint(c.in.ChannelARN, c.in.Role)
		case fatal(err) || errors.Is(err, rpc.ErrNoCredentials):
			return nil, attempt, err
		}
		c.logf("reconnect attempt %d failed: %v", attempt+1, err)
	}
}

// backoff returns the wait before reconnect attempt n (0 for the first): a random duration in
// [0, min(RetryMaxDelay, RetryBaseDelay × 2ⁿ)] ("full jitter").
func (c *Conn) backoff(n int) time.Duration {
	return backoff.Policy{Base: c.opts.RetryBaseDelay, Max: c.opts.RetryMaxDelay}.Delay(n + 1)
}

// refetchICE replaces the cached ICE servers after RECONNECT_ICE_SERVER. A failure is logged;
// the next RTCIceServers call tries again.
func (c *Conn) refetchICE() {
	c.invalidateICE()
	ctx, cancel := context.WithTimeout(c.ctx, iceRefetchTimeout)
	defer cancel()
	if _, err := c.RTCIceServers(ctx); err != nil {
		c.warnf("fetching ICE servers after RECONNECT_ICE_SERVER: %v", err)
	}
}

// stop ends the Conn with err: Send and Receive return it from now on.
func (c *Conn) stop(err error) {
	c.err = err
	c.cancel()
	close(c.done)
}

// logf logs a connection event at Debug, when ClientLogMode has LogRetries.
func (c *Conn) logf(format string, args ...any) { c.log().Debugf(format, args...) }

// warnf logs a warning: something was lost or the Conn stopped.
func (c *Conn) warnf(format string, args ...any) { c.log().Warnf(format, args...) }

func (c *Conn) log() rpc.EventLog {
	return rpc.NewEventLog(c.opts.Logger, c.opts.ClientLogMode, fmt.Sprintf("signaling %s %s: ", c.in.Role, c.in.ChannelARN))
}
