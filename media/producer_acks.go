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
			if p.cfg.KeepUntil == AckEventReceived {
				p.acknowledged(f)
			}
		}
	case AckEventPersisted:
		p.stats.FragmentsPersisted++
		if f != nil {
			f.buffering, f.received, f.persisted = true, true, true
			c.healthy = true
			p.acknowledged(f)
		}
	case AckEventError:
		p.onErrorAck(c, f, ack)
	}
}

// acknowledged releases a fragment that reached KeepUntil and records the latency.
func (p *Producer) acknowledged(f *fragment) {
	if !f.sentAll.IsZero() {
		p.lat.add(time.Since(f.sentAll))
	}
	p.release(f)
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

// disconnected settles the fragments of a connection that ended: those not received are sent
// again on the next connection (a connection that leaves any is counted as a reconnection, even
// when the service ended it cleanly); those received but not persisted (when PERSISTED is awaited)
// are released as unconfirmed, as the official producer does, since their acknowledgement left
// with the connection.
func (p *Producer) disconnected(c *conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	resend := 0
	for _, f := range p.buf.frags {
		if f.conn != c.gen || f.released {
			continue
		}
		switch {
		case f.received:
			p.stats.FragmentsUnconfirmed++
			p.release(f)
		default:
			f.buffering = false
			resend++
		}
	}
	failed := c.reason != nil && !errors.Is(c.reason, errFinished) || resend > 0
	if failed && p.fatal == nil && p.ctx.Err() == nil {
		p.stats.Reconnects++
		p.events.push(ProducerEvent{Type: EventReconnect, Resent: resend, Err: fmt.Errorf("media: connection %d ended: %w", c.gen, c.reason)})
	}
	p.broadcast()
}
