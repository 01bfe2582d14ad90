// Package blockpool keeps byte blocks of one size for reuse, for code that holds many of them
// for a while and gives them back in bursts: a producer's fragments until they are
// acknowledged, the emulator's received fragments until no reader sends them.
//
// Unlike a [sync.Pool], a garbage collection does not empty a [Pool]. With a sync.Pool, the
// blocks given back at once when a thousand streams end a fragment together were mostly gone by
// the time those streams needed them again (a collection or two later), so that every frame went
// into freshly allocated memory: the kernel zeroing new pages, or the allocator zeroing reused
// ones, was a tenth to a fifth of a process's CPU at that scale. A Pool instead keeps what it is
// given until a whole idle period passes in which those blocks were not needed, and lets those
// go then, so that its memory follows the peak of the blocks in use over the last period.
package blockpool

import (
	"sync"
	"time"
)

// DefaultIdle is how long a block stays unused in a Pool before the Pool lets it go: long
// enough to span several fragments of a stream, short enough that a burst's memory goes back soon
// after it.
const DefaultIdle = 10 * time.Second

// Pool lends blocks of one size. It is safe for concurrent use. A Pool that holds free blocks
// has a timer pending, which lets go of them within two idle periods once nobody takes them.
type Pool struct {
	size int
	idle time.Duration

	mu    sync.Mutex
	free  [][]byte // a stack: the last block given back is the first taken
	low   int      // the fewest blocks free since the idle period began
	timer *time.Timer
	armed bool // timer is pending
}

// New returns a Pool of blocks of size bytes, which lets go of the blocks unused for idle
// (DefaultIdle when idle is 0 or less).
func New(size int, idle time.Duration) *Pool {
	if idle <= 0 {
		idle = DefaultIdle
	}
	return &Pool{size: size, idle: idle}
}

// Size returns the size of the pool's blocks.
func (p *Pool) Size() int { return p.size }

// Get returns a block: empty, with capacity Size. A block from the pool holds old bytes beyond its
// length.
func (p *Pool) Get() []byte {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		p.low = min(p.low, n-1)
		p.mu.Unlock()
		return b
	}
	p.mu.Unlock()
	return make([]byte, 0, p.size)
}

// Put gives block b back for the next Get. The caller must not use b afterwards. A slice whose
// capacity is not Size (not one of the pool's blocks) is left to the garbage collector.
func (p *Pool) Put(b []byte) {
	if cap(b) != p.size {
		return
	}
	p.mu.Lock()
	p.free = append(p.free, b[:0])
	if !p.armed {
		p.armed, p.low = true, 0 // the period begins as the pool was: empty
		if p.timer == nil {
			p.timer = time.AfterFunc(p.idle, p.trim)
		} else {
			p.timer.Reset(p.idle)
		}
	}
	p.mu.Unlock()
}

// Free returns how many blocks the pool holds.
func (p *Pool) Free() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free)
}

// trim ends an idle period: the blocks that were free throughout it (the fewest free at any
// moment of it, which are the bottom of the stack, since blocks are taken from the top) go to the
// garbage collector, and a next period begins if blocks are left.
func (p *Pool) trim() {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.low
	rest := copy(p.free, p.free[n:])
	clear(p.free[rest:])
	p.free = p.free[:rest]
	if cap(p.free) > 64 && rest < cap(p.free)/4 {
		p.free = append([][]byte(nil), p.free...)
	}
	p.low = rest
	if rest == 0 {
		p.armed = false
		return
	}
	p.timer.Reset(p.idle)
}
