package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/backoff"
	"github.com/kvsgo/sdk/mkv"
)

// conn is one PutMedia connection of a producer.
type conn struct {
	gen     uint64
	body    *body // the request body, written by writeLoop
	started time.Time
	broken  chan struct{} // closed once the connection must end
	once    sync.Once
	reason  error
	healthy bool // it carried acknowledged data: the backoff starts over

	// endReason (guarded by Producer.mu) is set when the body was ended on purpose; the
	// connection then ends with it once the service ends the response.
	endReason  error
	bodyClosed time.Time
	// writeFailed and writeErr (guarded by Producer.mu) record a failed write of the body.
	writeFailed time.Time
	writeErr    error

	// responded is closed once the service answered the request (HTTP 200) or the connection
	// broke: fragments wait for it, so that a connection cut early still reads its
	// acknowledgements.
	responded chan struct{}
	// window (guarded by Producer.mu) is how many fragments the connection may have sent and
	// not yet acknowledged (KeepUntil) at once: the producer's burst at first, one more for
	// each acknowledgement.
	window int
	// eofr (guarded by Producer.mu) is the sequence number of the last fragment the writer
	// ended with an end-of-fragment tag, for the service to complete it at once.
	eofr uint64
	// report (guarded by Producer.mu) is what the connection carried.
	report ConnectionReport
}

// fail ends the connection for reason (only the first reason is kept).
func (c *conn) fail(reason error) {
	c.once.Do(func() {
		c.reason = reason
		close(c.broken)
	})
}

var (
	errStaleAcks = errors.New("media: the service did not acknowledge data sent on the connection in time")
	errRotate    = errors.New("media: the connection reached its maximum age and is replaced")
	errFinished  = errors.New("media: the connection ended after its last fragment")
)

// run is the sender: it keeps a connection open while there is data to send, and replaces it
// with backoff when it fails.
func (p *Producer) run() {
	defer close(p.done)
	var gen uint64
	failures := 0
	for {
		if !p.waitForWork() {
			return
		}
		gen++
		c := p.newConn(gen)
		err := p.serve(c)
		if p.ctx.Err() != nil {
			return
		}
		if err != nil {
			if p.setFatalIf(err) {
				return
			}
		}
		if c.healthy || errors.Is(c.reason, errRotate) || errors.Is(c.reason, errFinished) {
			failures = 0
			continue
		}
		failures++
		if backoff.Sleep(p.ctx, p.backoff(failures)) != nil {
			return
		}
	}
}

// Bursts: how many fragments a new connection may send before the service acknowledges any.
const (
	initialBurst = 2
	maxBurst     = 64
)

func (p *Producer) newConn(gen uint64) *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	return &conn{gen: gen, broken: make(chan struct{}), responded: make(chan struct{}), started: now,
		window: p.burst, report: ConnectionReport{ID: gen, Started: now, Burst: p.burst}}
}

// backoff returns the delay before reconnection attempt n: full jitter over base × 2ⁿ⁻¹,
// capped.
func (p *Producer) backoff(n int) time.Duration {
	return backoff.Policy{Base: p.cfg.RetryBaseDelay, Max: p.cfg.RetryMaxDelay}.Delay(n)
}

// waitForWork blocks until a fragment waits to be sent, and flushes idle fragments meanwhile. It
// returns false when the producer is done: stopped, failed, or closed with nothing left.
func (p *Producer) waitForWork() bool {
	tick := time.NewTicker(p.tickInterval())
	defer tick.Stop()
	for {
		p.mu.Lock()
		p.flushIdle(time.Now())
		switch {
		case p.fatal != nil, p.closing && p.buf.allAcknowledged():
			p.mu.Unlock()
			return false
		case p.pending() != nil && p.w.headerReady():
			p.mu.Unlock()
			return true
		}
		p.mu.Unlock()
		select {
		case <-p.kick:
		case <-tick.C:
		case <-p.ctx.Done():
			return false
		}
	}
}

func (p *Producer) tickInterval() time.Duration {
	return min(time.Second, p.cfg.AckTimeout/4, p.cfg.IdleFragmentTimeout/4)
}

// pending returns the oldest fragment a new connection must send: not released, not received.
func (p *Producer) pending() *fragment {
	for _, f := range p.buf.frags {
		if !f.released && !f.received && f.data.size > 0 {
			return f
		}
	}
	return nil
}

// serve runs one connection: it starts the request, streams the header and the fragments, reads
// the acknowledgements, watches for stale acknowledgements and age, and returns when the
// connection ends. The returned error is the connection's failure when it could not start. The
// header and fragments are written by writeLoop, run by the request's body (see body): on the
// HTTP client's goroutine when it copies the body, or on one of its own when it reads it.
func (p *Producer) serve(c *conn) error {
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	c.body = newBody(p, c)
	// When the producer stops, the writer stops waiting and the HTTP client stops reading the
	// body, so that the request ends at once whatever it was doing.
	defer context.AfterFunc(ctx, func() {
		c.fail(ctx.Err())
		c.body.abort(ctx.Err())
	})()
	out, err := p.client.PutMedia(ctx, &PutMediaInput{
		StreamName: p.cfg.StreamName, StreamARN: p.cfg.StreamARN, FragmentTimecodeType: p.cfg.FragmentTimecodeType,
		ProducerStartTimestamp: p.cfg.StartTime, Body: c.body,
	})
	if err != nil {
		c.fail(err)
		cancel()
		c.body.close(err)
		p.disconnected(c)
		return err
	}
	close(c.responded)
	var wg sync.WaitGroup
	p.mu.Lock()
	p.stats.Connections++
	p.events.push(ProducerEvent{Type: EventConnected})
	p.mu.Unlock()
	wg.Add(1)
	go func() { defer wg.Done(); p.ackLoop(c, out.Acks) }()

	tick := time.NewTicker(p.tickInterval())
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-c.broken:
			done = true
		case <-ctx.Done():
			c.fail(ctx.Err())
			done = true
		case now := <-tick.C:
			p.watch(c, now)
		}
	}
	cancel() // ends the request
	out.Acks.Close()
	c.body.close(c.reason) // waits for the writer, which the end of the request stops
	wg.Wait()
	p.disconnected(c)
	return nil
}

// watch checks a live connection: idle fragments, stale acknowledgements, age.
func (p *Producer) watch(c *conn, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushIdle(now)
	for _, f := range p.buf.frags {
		if f.conn == c.gen && !f.buffering && !f.released && !f.sentAt.IsZero() && now.Sub(f.sentAt) > p.cfg.AckTimeout {
			c.fail(fmt.Errorf("%w (fragment at timecode %d sent %v ago)", errStaleAcks, f.timecode, now.Sub(f.sentAt).Round(time.Millisecond)))
			return
		}
	}
	switch {
	case !c.writeFailed.IsZero() && now.Sub(c.writeFailed) > p.cfg.AckTimeout:
		c.fail(c.writeErr)
	case c.endReason != nil && now.Sub(c.bodyClosed) > max(10*time.Second, 2*p.cfg.AckTimeout):
		c.fail(c.endReason) // the service did not end the response after the body
	case now.Sub(c.started) > p.cfg.MaxConnectionAge:
		p.wakeSender() // the writer rotates at the next fragment boundary
	}
}

// writeLoop streams the MKV header, then every fragment the service has not received, oldest
// first, then new data as it is encoded. It sends fragments only once the service answered the
// request, so that a connection that breaks early still brings back the acknowledgements of
// what it carried, and no more fragments at once than the connection's window allows: a
// connection that carries little still completes, and is acknowledged for, what it sent
// (progress on any network that delivers bytes). While it waits for acknowledgements it ends
// the last fragment sent with an end-of-fragment tag, so that the service completes it without
// waiting for the next cluster. It finishes a fragment it started even if the fragment is
// dropped meanwhile, so that the stream stays well formed. It ends the request body (cleanly)
// when the producer is closing and everything is sent, or when the connection is old enough to
// be replaced.
func (p *Producer) writeLoop(c *conn) {
	p.mu.Lock()
	header := p.w.header
	p.mu.Unlock()
	if !p.writeBody(c, header) || !p.awaitResponse(c) {
		return
	}
	var cur *fragment
	var at blockCursor
	var lastSeq uint64
	p.mu.Lock()
	defer p.mu.Unlock()
	defer func() {
		if cur != nil {
			p.doneSending(cur)
		}
	}()
	for {
		select {
		case <-c.broken:
			return
		default:
		}
		if cur == nil { // at a fragment boundary: the body may end here
			next := p.nextToSend(lastSeq)
			if p.endOfBody(c, next == nil) {
				return
			}
			if next != nil && p.inFlight(c) >= c.window {
				if !p.endFragment(c, lastSeq) {
					return
				}
				next = nil // wait for an acknowledgement
			}
			if next == nil {
				if !p.waitKick(c) {
					return
				}
				continue
			}
			cur, at = next, blockCursor{}
			p.startSending(cur, c)
		}
		chunk := cur.data.next(&at)
		if len(chunk) == 0 {
			if cur.sealed {
				cur.sentAll = time.Now()
				p.doneSending(cur)
				lastSeq, cur = cur.seq, nil
				continue
			}
			if !p.waitKick(c) {
				return
			}
			continue
		}
		p.mu.Unlock()
		ok := p.writeBody(c, chunk)
		p.mu.Lock()
		if !ok {
			return
		}
		at.off += len(chunk)
	}
}

// doneSending marks the end of a connection's writer's use of f: the blocks of a fragment
// released meanwhile go back to the pool now.
func (p *Producer) doneSending(f *fragment) {
	f.inUse = false
	if f.released {
		p.w.recycle(f)
	}
}

// writeBody writes b to the connection's body, without p.mu held, and counts it. A failed write
// leaves the connection to end: the acknowledgements already on their way are still read, and
// watch ends it if the response does not end by itself soon.
func (p *Producer) writeBody(c *conn, b []byte) bool {
	err := c.body.write(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		if c.writeFailed.IsZero() {
			c.writeFailed, c.writeErr = time.Now(), fmt.Errorf("media: sending to the service: %w", err)
		}
		return false
	}
	c.report.BytesSent += int64(len(b))
	return true
}

// awaitResponse waits for the service to answer the request before fragments are sent: the
// HTTP client drops the response of a request whose body fails first, and with it every
// acknowledgement. A service that answers only once data arrives gets it after AckTimeout.
func (p *Producer) awaitResponse(c *conn) bool {
	t := time.NewTimer(p.cfg.AckTimeout)
	defer t.Stop()
	select {
	case <-c.responded:
		return true
	case <-c.broken:
		return false
	case <-t.C:
		return true
	}
}

// inFlight counts the fragments sent on c that did not reach KeepUntil yet.
func (p *Producer) inFlight(c *conn) int {
	n := 0
	for _, f := range p.buf.frags {
		if f.conn == c.gen && !f.released {
			n++
		}
	}
	return n
}

// endFragment writes an end-of-fragment tag after fragment seq, the last one sent on c, unless
// it has one or was received already, so that the service completes and acknowledges it now.
// Call with p.mu held; it is released during the write.
func (p *Producer) endFragment(c *conn, seq uint64) bool {
	if seq == 0 || c.eofr == seq {
		return true
	}
	c.eofr = seq
	for _, f := range p.buf.frags {
		if f.seq == seq && f.conn == c.gen && !f.released && !f.received && !f.endsFragment {
			p.mu.Unlock()
			ok := p.writeBody(c, mkv.AppendEndOfFragment(nil))
			p.mu.Lock()
			return ok
		}
	}
	return true
}

// nextToSend returns the first fragment after seq that still needs sending.
func (p *Producer) nextToSend(after uint64) *fragment {
	for _, f := range p.buf.frags {
		if f.seq > after && !f.released && !f.received {
			return f
		}
	}
	return nil
}

func (p *Producer) startSending(f *fragment, c *conn) {
	if f.conn != 0 {
		p.stats.FragmentsResent++
	}
	f.conn, f.sentAt, f.sentAll = c.gen, time.Now(), time.Time{}
	f.buffering, f.inUse = false, true
	p.stats.FragmentsSent++
	c.report.FragmentsStarted++
}

// endOfBody ends the request body at a fragment boundary when the producer is closing and
// everything is sent (idle), or when the connection is old; the service then acknowledges what
// it got and ends the response.
func (p *Producer) endOfBody(c *conn, idle bool) bool {
	var reason error
	switch {
	case idle && p.closing && p.w.open == nil:
		reason = errFinished
	case time.Since(c.started) > p.cfg.MaxConnectionAge:
		reason = errRotate
	default:
		return false
	}
	c.body.end()
	c.endReason, c.bodyClosed = reason, time.Now()
	return true
}

// waitKick releases p.mu until the sender is woken or the connection breaks.
func (p *Producer) waitKick(c *conn) bool {
	p.mu.Unlock()
	defer p.mu.Lock()
	select {
	case <-p.kick:
		return true
	case <-c.broken:
		return false
	}
}

// ackLoop reads the acknowledgements of a connection until the response ends.
func (p *Producer) ackLoop(c *conn, acks *AckReader) {
	for {
		ack, err := acks.Next()
		if err != nil {
			p.mu.Lock()
			reason := c.endReason
			p.mu.Unlock()
			// Only a clean end of the response after the body was ended on purpose is a normal
			// end; anything else is a failure, even after the body ended.
			if reason == nil || err != io.EOF {
				reason = fmt.Errorf("media: the acknowledgement stream ended: %w", err)
			}
			c.fail(reason)
			return
		}
		p.mu.Lock()
		p.onAck(c, ack)
		p.mu.Unlock()
	}
}

// setFatalIf stops the producer when a connection failed for a reason no retry can fix.
func (p *Producer) setFatalIf(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "ResourceNotFoundException", "NotAuthorizedException", "AccessDeniedException", "InvalidArgumentException":
	default:
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setFatal(err)
	return true
}

func (p *Producer) setFatal(err error) {
	if p.fatal != nil {
		return
	}
	p.fatal = fmt.Errorf("media: the producer stopped: %w", err)
	p.events.push(ProducerEvent{Type: EventFatal, Err: p.fatal})
	p.broadcast()
}
