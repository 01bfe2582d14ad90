// The acknowledgement stream of a PutMedia response.

package mediaapi

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/kvsgo/sdk/media"
)

// ackStream writes the acknowledgements of a PutMedia response from its own goroutine: the
// ingesting handler queues them, and IDLE acknowledgements go out while no data arrives.
type ackStream struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	queue    chan queuedAck
	done     chan struct{}
	lastData atomic.Int64 // Unix nanoseconds of the last body bytes read
	idle     time.Duration
	note     func(media.Ack) // records each acknowledgement written, when set
}

type queuedAck struct {
	ack       media.Ack
	notBefore time.Time
	before    func() // run before the acknowledgement is written, when set
}

func newAckStream(w http.ResponseWriter, idle time.Duration, note func(media.Ack)) *ackStream {
	a := &ackStream{w: w, rc: http.NewResponseController(w), queue: make(chan queuedAck, 256), done: make(chan struct{}), idle: idle, note: note}
	a.lastData.Store(time.Now().UnixNano())
	go a.run()
	return a
}

// send queues an acknowledgement, to be written no earlier than notBefore.
func (a *ackStream) send(ack media.Ack, notBefore time.Time) {
	a.sendAfter(ack, notBefore, nil)
}

// sendAfter queues an acknowledgement, to be written no earlier than notBefore and after before
// (when not nil) has run.
func (a *ackStream) sendAfter(ack media.Ack, notBefore time.Time, before func()) {
	a.queue <- queuedAck{ack, notBefore, before}
}

// close writes the queued acknowledgements and stops; the handler may return afterwards.
func (a *ackStream) close() {
	close(a.queue)
	<-a.done
}

func (a *ackStream) run() {
	defer close(a.done)
	tick := time.NewTicker(a.idle / 3)
	defer tick.Stop()
	lastIdle := time.Now()
	for {
		select {
		case q, ok := <-a.queue:
			if !ok {
				return
			}
			if d := time.Until(q.notBefore); d > 0 {
				time.Sleep(d)
			}
			if q.before != nil {
				q.before()
			}
			a.write(q.ack)
		case now := <-tick.C:
			quiet := now.Sub(time.Unix(0, a.lastData.Load()))
			if quiet >= a.idle && now.Sub(lastIdle) >= a.idle {
				lastIdle = now
				a.write(media.Ack{EventType: media.AckEventIdle})
			}
		}
	}
}

// write sends one acknowledgement as a line of JSON, as the service does.
func (a *ackStream) write(ack media.Ack) {
	b := make([]byte, 0, 160)
	b = append(b, `{"EventType":"`...)
	b = append(b, ack.EventType...)
	b = append(b, '"')
	if ack.EventType != media.AckEventIdle {
		b = append(b, `,"FragmentTimecode":`...)
		b = strconv.AppendInt(b, ack.FragmentTimecode, 10)
		if ack.FragmentNumber != "" {
			b = append(b, `,"FragmentNumber":"`...)
			b = append(b, ack.FragmentNumber...)
			b = append(b, '"')
		}
	}
	if ack.EventType == media.AckEventError {
		b = append(b, `,"ErrorId":`...)
		b = strconv.AppendInt(b, int64(ack.ErrorID), 10)
		b = append(b, `,"ErrorCode":"`...)
		b = append(b, ack.ErrorID.String()...)
		b = append(b, '"')
	}
	b = append(b, "}\n"...)
	if _, err := a.w.Write(b); err == nil {
		_ = a.rc.Flush()
		if a.note != nil {
			a.note(ack)
		}
	}
}
