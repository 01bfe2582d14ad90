package media

import (
	"errors"
	"fmt"
	"time"
)

// onAck applies an acknowledgement of connection c. Call with p.mu held.
func (p *Producer) onAck(c *conn, ack Ack) {
	p.events.push(ProducerEvent{Type: EventAck, Ack: ack, FragmentTimecode: ack.FragmentTimecode})
	if ack.EventType == AckEventIdle {
		p.stats.IdleAcks++
		return
	}
	f := p.buf.find(c.gen, ack.FragmentTimecode)
	if f != nil && f.number == "" {
		f.number = ack.FragmentNumber
	}
	switch ack.EventType {
	case AckEventBuffering:
		p.stats.FragmentsBuffering++
		if f != nil {
			f.buffering = true
		}
	case AckEventReceived:
		p.stats.FragmentsReceived++
		if f != nil {
			f.buffering, f.received = true, true
			c.healthy = true
			c.report.FragmentsReceived++
			if p.cfg.KeepUntil == AckEventReceived {
				p.acknowledged(c, f)
			}
		}
	case AckEventPersisted:
		p.stats.FragmentsPersisted++
		if f != nil {
			f.buffering, f.received, f.persisted = true, true, true
			c.healthy = true
			p.acknowledged(c, f)
		}
	case AckEventError:
		p.onErrorAck(c, f, ack)
	}
}

// maxWindow bounds a connection's window (see conn.window).
const maxWindow = 64

// acknowledged releases a fragment that reached KeepUntil, records the latency, and widens the
// connection's window by one: a connection that brings acknowledgements back may carry more at
// once, as TCP's slow start grows.
func (p *Producer) acknowledged(c *conn, f *fragment) {
	if !f.sentAll.IsZero() {
		p.lat.add(time.Since(f.sentAll))
	}
	c.report.FragmentsAcknowledged++
	c.window = min(maxWindow, c.window+1)
	p.release(f)
	p.wakeSender()
}

// onErrorAck handles an ERROR acknowledgement. The service ends the connection after one. A
// retriable error sends the fragment again on the next connection; any other skips it and
// reports it, and a deleted stream stops the producer.
func (p *Producer) onErrorAck(c *conn, f *fragment, ack Ack) {
	p.stats.ErrorAcks++
	var ae *AckError
	errors.As(ack.Err(), &ae)
	switch {
	case ae.ID == AckErrStreamNotActive:
		p.setFatal(ae)
	case ae.Retriable() || f == nil:
	default:
		p.stats.FragmentsFailed++
		p.stats.FramesLost += f.frames
		p.events.push(ProducerEvent{Type: EventFragmentFailed, FragmentTimecode: f.timecode, Frames: f.frames, Err: ae})
		p.release(f)
	}
	c.fail(ae)
}

// disconnected settles the fragments of a connection that ended: those that did not reach
// KeepUntil are sent again on the next connection, the ones the service received but whose
// PERSISTED acknowledgement left with the connection included (a copy may be stored twice;
// none is lost). A connection that leaves any is counted as a reconnection, even when the
// service ended it cleanly. It also sets the next connection's burst from this one's progress:
// one more fragment than it got acknowledged, or a single fragment after a connection that got
// none, so that a new connection carries what the network proved it can.
func (p *Producer) disconnected(c *conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	resend := 0
	for _, f := range p.buf.frags {
		if f.conn != c.gen || f.released {
			continue
		}
		if f.received {
			p.stats.FragmentsUnconfirmed++
		}
		f.buffering, f.received = false, false
		resend++
	}
	r := &c.report
	r.Duration = time.Since(c.started)
	switch {
	case r.FragmentsAcknowledged > 0:
		p.burst = min(maxBurst, r.FragmentsAcknowledged+1)
	case r.FragmentsStarted > 0:
		p.burst = 1
		p.stats.ConnectionsWithoutProgress++
	}
	p.stats.LastConnection = *r
	failed := c.reason != nil && !errors.Is(c.reason, errFinished) || resend > 0
	if failed && p.fatal == nil && p.ctx.Err() == nil {
		p.stats.Reconnects++
		p.events.push(ProducerEvent{Type: EventReconnect, Resent: resend, Connection: *r,
			Err: fmt.Errorf("media: connection %d ended: %w", c.gen, c.reason)})
	}
	p.broadcast()
}
