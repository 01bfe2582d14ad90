// The frame data of a fragment being received: frames are copied into shared chunks, and the
// chunks of a fragment that is not kept are reused for the fragments after it once no reader
// holds them.

package mediaapi

import "github.com/kvsgo/sdk/internal/blockpool"

// Chunk sizes of a fragment's frame data: the first chunk is small, each next one twice the
// size of the one before, up to maxChunk, so that a small fragment wastes little of its last
// chunk and a large one takes one chunk per 64 KiB.
const (
	minChunk   = 4 << 10
	maxChunk   = 64 << 10
	chunkSizes = 5 // 4, 8, 16, 32 and 64 KiB
)

// chunkPool keeps the chunks of fragments that were not kept, one pool per size, for a Service's
// next fragments. Unlike a sync.Pool it keeps them across garbage collections (a thousand streams
// give their chunks back at once when their fragments end together, and need them over the next
// fragment's duration), and lets go of those unused for a while (blockpool.DefaultIdle).
type chunkPool [chunkSizes]*blockpool.Pool

// newChunkPool returns an empty chunkPool.
func newChunkPool() *chunkPool {
	var p chunkPool
	for i := range p {
		p[i] = blockpool.New(minChunk<<i, 0)
	}
	return &p
}

// sizeClass returns the pool of chunks of size (a power of two from minChunk to maxChunk).
func sizeClass(size int) int {
	c := 0
	for s := minChunk; s < size; s <<= 1 {
		c++
	}
	return c
}

// get returns an empty chunk of capacity size, from the pool when one is there (p may be nil:
// then always a new one). A chunk from the pool holds old bytes beyond its length, which no frame
// shows: frames are sub-slices of what copy wrote.
func (p *chunkPool) get(size int) []byte {
	if p != nil {
		return p[sizeClass(size)].Get()
	}
	return make([]byte, 0, size)
}

// put gives chunk c back to the pool (p may be nil: then the garbage collector frees it).
func (p *chunkPool) put(c []byte) {
	if p != nil {
		p[sizeClass(cap(c))].Put(c)
	}
}

// frameChunk copies the frames of one fragment into shared chunks: one allocation (or one reused
// chunk) per chunk, each frame a sub-slice of one, capped at its own length so that appending to
// it cannot reach the next. Bytes where a frame lies are never written again while the fragment
// can be read: a kept fragment's chunks are never reused (the store may hold its frames as long
// as it likes; the garbage collector frees them); those of a fragment not kept go back to the
// pool only once the ingest is done with it and no GetMedia reader is sending it (Fragment.unkept,
// Fragment.unhold).
type frameChunk struct {
	pool *chunkPool // where chunks come from and go back to (nil: allocated, never reused)
	buf  []byte     // the chunk being filled: len is what is used
	all  [][]byte   // the chunks of the fragment (their lengths as they were when each was added)
	next int        // the size of the next chunk
}

// copy returns a copy of data in the fragment's chunks. A frame that does not fit in the rest of
// the chunk being filled goes to a new chunk, of the next size or, for a larger frame, of the
// smallest size that holds it; only a frame larger than maxChunk gets an allocation of its own
// (never reused), and the chunk being filled stays as it is.
func (c *frameChunk) copy(data []byte) []byte {
	n := len(data)
	if c.buf == nil || n > cap(c.buf)-len(c.buf) {
		if n > maxChunk {
			return append(make([]byte, 0, n), data...)
		}
		size := max(c.next, minChunk)
		for size < n {
			size <<= 1
		}
		c.buf, c.next = c.pool.get(size), min(2*size, maxChunk)
		c.all = append(c.all, c.buf)
	}
	off := len(c.buf)
	c.buf = append(c.buf, data...)
	return c.buf[off : off+n : off+n]
}

// hold notes that a GetMedia reader is sending f. Call with the stream's media lock held.
func (f *Fragment) hold() { f.holders++ }

// unhold notes that a reader is done with f, and gives its chunks back if it was the last
// reader of a fragment not kept. Call with the stream's media lock held.
func (f *Fragment) unhold() {
	f.holders--
	f.recycle()
}

// unkept notes that the ingest is done with f, which is not kept (no retention, or discarded),
// and hands it f's chunks (c): they go back to their pool now if no reader is sending f, else when
// the last one is done. Call with the stream's media lock held, in the same critical section that
// makes f unreachable to new readers (m.live no longer f).
func (f *Fragment) unkept(c frameChunk) {
	f.chunks, f.pool, f.dropped = c.all, c.pool, true
	f.recycle()
}

// recycle gives back the chunks of a fragment not kept once no reader is sending it; its frames
// go with them, so that nothing can read the reused bytes through it.
func (f *Fragment) recycle() {
	if !f.dropped || f.holders > 0 || f.chunks == nil {
		return
	}
	for _, c := range f.chunks {
		f.pool.put(c)
	}
	f.chunks, f.Frames = nil, nil
}
