package media

import (
	"errors"
	"time"
)

// fragment is one fragment in the producer's buffer: its encoded bytes (optional metadata Tags,
// then the cluster) and what the service acknowledged of it.
type fragment struct {
	seq      uint64
	timecode int64 // the cluster timecode: how acknowledgements name the fragment
	lastTC   int64 // the newest frame timecode in it
	data     blockList
	frames   int
	tracks   uint8 // a bit per track index with frames in the fragment
	sealed   bool
	sealedAt time.Time
	// endsFragment marks data that ends with the end-of-fragment tag (an idle end).
	endsFragment bool
	// inUse marks a fragment a connection's writer is sending: its buffer cannot be reused.
	inUse bool

	number    string    // the number the service gave it
	conn      uint64    // the connection that last sent it
	sentAt    time.Time // when its first byte went out on that connection
	sentAll   time.Time // when its last byte went out on that connection (once sealed)
	buffering bool
	received  bool
	persisted bool
	released  bool // acknowledged as KeepUntil asks, failed, or dropped: gone from the buffer
}

// fragmentBuffer holds the fragments not yet released, oldest first; the open fragment is the
// last one.
type fragmentBuffer struct {
	frags []*fragment
	bytes int64
}

// over reports whether the buffer is past one of its bounds.
func (b *fragmentBuffer) over(c BufferConfig) bool {
	if b.bytes > c.MaxBytes {
		return true
	}
	if len(b.frags) < 2 {
		return false
	}
	return b.frags[len(b.frags)-1].lastTC-b.frags[0].timecode > c.MaxDuration.Milliseconds()
}

// compact drops fragments from the front once they are released, passing each to recycle.
func (b *fragmentBuffer) compact(recycle func(*fragment)) {
	n := 0
	for n < len(b.frags) && b.frags[n].released {
		b.bytes -= int64(b.frags[n].data.size)
		recycle(b.frags[n])
		b.frags[n] = nil
		n++
	}
	if n > 0 {
		b.frags = b.frags[n:]
	}
}

// find returns the fragment of a connection whose cluster has timecode tc.
func (b *fragmentBuffer) find(conn uint64, tc int64) *fragment {
	for _, f := range b.frags {
		if f.timecode == tc && f.conn == conn && !f.released {
			return f
		}
	}
	return nil
}

// allAcknowledged reports whether no fragment is left to acknowledge.
func (b *fragmentBuffer) allAcknowledged() bool {
	for _, f := range b.frags {
		if !f.released {
			return false
		}
	}
	return true
}

func (b *fragmentBuffer) unacknowledged() int {
	n := 0
	for _, f := range b.frags {
		if !f.released {
			n++
		}
	}
	return n
}

// enforceBuffer applies the DropOldest policy: whole sealed fragments go, oldest first, until
// the buffer is within its bounds. Each drop is reported.
func (p *Producer) enforceBuffer() {
	if p.cfg.Buffer.Policy != DropOldest {
		return
	}
	for p.buf.over(p.cfg.Buffer) {
		victim := (*fragment)(nil)
		for _, f := range p.buf.frags {
			if !f.released && f.sealed {
				victim = f
				break
			}
		}
		if victim == nil {
			return // only the open fragment is left
		}
		victim.released = true
		p.stats.FragmentsDropped++
		p.stats.FramesLost += victim.frames
		p.events.push(ProducerEvent{Type: EventFragmentDropped, FragmentTimecode: victim.timecode, Frames: victim.frames,
			Err: errors.New("media: the buffer was full (BufferConfig bounds) and the oldest fragment was dropped")})
		p.buf.compact(p.w.recycle)
	}
}

// release takes a fragment out of the buffer and wakes whoever waits for room or for Close.
func (p *Producer) release(f *fragment) {
	if f.released {
		return
	}
	f.released = true
	p.buf.compact(p.w.recycle)
	p.broadcast()
}
