package media

import (
	"context"
	"io"
	"slices"
	"time"

	"github.com/kvsgo/sdk/internal/rpc"
)

// EventType is the kind of a ProducerEvent.
type EventType uint8

// Producer event types.
const (
	// EventAck: an acknowledgement arrived (Ack is set).
	EventAck EventType = iota + 1
	// EventFragmentFailed: the service rejected a fragment with an error that sending it again
	// cannot fix; the fragment was skipped (Err is an *AckError).
	EventFragmentFailed
	// EventFragmentDropped: the buffer was full and the oldest fragment was dropped (DropOldest).
	EventFragmentDropped
	// EventFramesDropped: frames that could not start a fragment were dropped.
	EventFramesDropped
	// EventReconnect: a connection ended and a new one is being made (Err says why; Resent counts
	// the fragments to send again).
	EventReconnect
	// EventConnected: a connection was established.
	EventConnected
	// EventFatal: the producer stopped for good (Err says why).
	EventFatal
)

var eventNames = [...]string{EventAck: "Ack", EventFragmentFailed: "FragmentFailed", EventFragmentDropped: "FragmentDropped",
	EventFramesDropped: "FramesDropped", EventReconnect: "Reconnect", EventConnected: "Connected", EventFatal: "Fatal"}

// String returns the event type's name.
func (t EventType) String() string {
	if int(t) < len(eventNames) && eventNames[t] != "" {
		return eventNames[t]
	}
	return "EventType(?)"
}

// ProducerEvent is something that happened to a Producer.
type ProducerEvent struct {
	Type EventType
	Time time.Time
	// Ack is the acknowledgement, for EventAck.
	Ack Ack
	// FragmentTimecode names the fragment concerned, when there is one.
	FragmentTimecode int64
	// Frames counts the frames concerned (dropped or lost).
	Frames int
	// Resent counts the fragments a reconnection sends again.
	Resent int
	// Connection says what the connection that ended carried, for EventReconnect.
	Connection ConnectionReport
	// Err explains failures, drops and reconnections.
	Err error
	// Missed counts the events dropped just before this one because NextEvent fell behind.
	Missed int
}

// eventRing is a bounded queue of events that never blocks the producer: when full, the oldest
// event is dropped and counted on the next one. Its buffer grows as events wait, up to size, so
// that a producer whose events are read costs a few of them, not size.
type eventRing struct {
	events []ProducerEvent
	size   int
	head   int
	n      int
	missed int
	wake   chan struct{} // capacity 1
	log    rpc.EventLog  // where events are also logged
}

func newEventRing(size int, log rpc.EventLog) eventRing {
	return eventRing{size: size, wake: make(chan struct{}, 1), log: log}
}

// grow makes room for one more event when the buffer is full and smaller than size.
func (r *eventRing) grow() {
	if r.n < len(r.events) || len(r.events) >= r.size {
		return
	}
	events := make([]ProducerEvent, min(max(2*len(r.events), 8), r.size))
	for i := range r.n {
		events[i] = r.events[(r.head+i)%len(r.events)]
	}
	r.events, r.head = events, 0
}

func (r *eventRing) push(e ProducerEvent) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	logEvent(r.log, e)
	r.grow()
	if r.n == len(r.events) {
		r.head = (r.head + 1) % len(r.events)
		r.n--
		r.missed++
	}
	r.events[(r.head+r.n)%len(r.events)] = e
	r.n++
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *eventRing) pop() (ProducerEvent, bool) {
	if r.n == 0 {
		return ProducerEvent{}, false
	}
	e := r.events[r.head]
	r.events[r.head] = ProducerEvent{}
	r.head = (r.head + 1) % len(r.events)
	r.n--
	e.Missed, r.missed = r.missed, 0
	return e, true
}

// NextEvent returns the next event, waiting for one until ctx ends. Events are queued in a
// bounded buffer (ProducerConfig.EventBuffer) so that a slow reader never blocks the producer;
// ProducerEvent.Missed counts events dropped when it overflows. After the producer has stopped
// and every event was read, NextEvent returns io.EOF.
func (p *Producer) NextEvent(ctx context.Context) (ProducerEvent, error) {
	for {
		p.mu.Lock()
		e, ok := p.events.pop()
		p.mu.Unlock()
		if ok {
			return e, nil
		}
		select {
		case <-p.events.wake:
		case <-p.done:
			p.mu.Lock()
			e, ok := p.events.pop()
			p.mu.Unlock()
			if ok {
				return e, nil
			}
			return ProducerEvent{}, io.EOF
		case <-ctx.Done():
			return ProducerEvent{}, ctx.Err()
		}
	}
}

// ProducerStats are a Producer's counters.
type ProducerStats struct {
	FramesWritten int64 // frames given to WriteFrame
	BytesWritten  int64 // bytes given to WriteFrame
	FramesDropped int   // frames that could not start a fragment (before a key frame)
	FramesLost    int   // frames in fragments dropped by the buffer policy

	FragmentsProduced    int // fragments completed
	FragmentsSent        int // fragment transmissions, resends included
	FragmentsResent      int // fragments sent again on a new connection
	FragmentsBuffering   int // BUFFERING acknowledgements
	FragmentsReceived    int // RECEIVED acknowledgements
	FragmentsPersisted   int // PERSISTED acknowledgements
	FragmentsFailed      int // fragments rejected for good (non-retriable error acknowledgements)
	FragmentsDropped     int // fragments dropped by the buffer policy
	FragmentsUnconfirmed int // received, their PERSISTED acknowledgement lost with the connection: sent again
	ForcedFragmentCuts   int // fragments ended without a key frame to keep within 32.767 s

	ErrorAcks   int // ERROR acknowledgements
	IdleAcks    int // IDLE acknowledgements
	Connections int // connections established
	Reconnects  int // connections replaced after a failure or for age
	// ConnectionsWithoutProgress counts connections that sent fragments and got none
	// acknowledged; each makes the next connection send a single fragment at first.
	ConnectionsWithoutProgress int
	// LastConnection is what the last connection that ended carried.
	LastConnection ConnectionReport

	BufferedFragments int   // fragments in the buffer
	BufferedBytes     int64 // their encoded size

	// AckLatency holds percentiles of the time from a fragment's last byte sent to its KeepUntil
	// acknowledgement, over the last 1024 fragments.
	AckLatency LatencyPercentiles
}

// ConnectionReport says what one PutMedia connection of a Producer carried: how far the stream
// got on it.
type ConnectionReport struct {
	// ID numbers the producer's connections from 1.
	ID uint64
	// Started is when the connection was opened; Duration is how long it lasted.
	Started  time.Time
	Duration time.Duration
	// Burst is how many fragments it could send before the service acknowledged one; each
	// acknowledgement let it send one more at once.
	Burst int
	// BytesSent counts the body bytes written to it, the stream header included.
	BytesSent int64
	// FragmentsStarted counts the fragments whose sending began on it, FragmentsReceived their
	// RECEIVED acknowledgements on it, FragmentsAcknowledged those that reached KeepUntil on it.
	FragmentsStarted, FragmentsReceived, FragmentsAcknowledged int
}

// LatencyPercentiles summarizes a distribution of latencies.
type LatencyPercentiles struct {
	Count         int
	P50, P90, P99 time.Duration
	Max           time.Duration
}

// Stats returns a snapshot of the producer's counters.
func (p *Producer) Stats() ProducerStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.BufferedFragments = p.buf.unacknowledged()
	s.BufferedBytes = p.buf.bytes
	s.AckLatency = p.lat.percentiles()
	return s
}

// latencies keeps the last samples of a latency in a ring.
type latencies struct {
	samples []time.Duration
	next    int
	full    bool
}

func (l *latencies) init(n int) { l.samples = make([]time.Duration, n) }

func (l *latencies) add(d time.Duration) {
	l.samples[l.next] = d
	l.next = (l.next + 1) % len(l.samples)
	l.full = l.full || l.next == 0
}

func (l *latencies) percentiles() LatencyPercentiles {
	n := l.next
	if l.full {
		n = len(l.samples)
	}
	if n == 0 {
		return LatencyPercentiles{}
	}
	s := slices.Clone(l.samples[:n])
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(n-1, int(q*float64(n)))] }
	return LatencyPercentiles{Count: n, P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: s[n-1]}
}

// logEvent logs an event through the client's logger: connections at Debug (with LogRetries),
// failures and drops as warnings. Acknowledgements are not logged; failed ones come as
// EventFragmentFailed.
func logEvent(log rpc.EventLog, e ProducerEvent) {
	switch e.Type {
	case EventConnected:
		log.Debugf("connected")
	case EventReconnect:
		log.Debugf("reconnecting, resending %d fragments: %v", e.Resent, e.Err)
	case EventFragmentFailed:
		log.Warnf("fragment %d failed (%d frames): %v", e.FragmentTimecode, e.Frames, e.Err)
	case EventFragmentDropped, EventFramesDropped:
		log.Warnf("%v: %d frames of fragment %d: %v", e.Type, e.Frames, e.FragmentTimecode, e.Err)
	case EventFatal:
		log.Warnf("stopped: %v", e.Err)
	}
}
