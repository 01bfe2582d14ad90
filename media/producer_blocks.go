package media

import "sync"

// blockSize is the size of the blocks that hold the bytes of the fragments a producer keeps.
const blockSize = 64 << 10

// blockPool lends fixed-size blocks to the producers of a Client for the fragments they keep:
// a producer holds blocks for the bytes it keeps (its open fragment, and the fragments not yet
// acknowledged as KeepUntil asks) and gives them back when a fragment is released, so that its
// memory follows the bytes in flight, with no buffer sized ahead and none kept spare. Blocks
// nobody takes go at the next garbage collections.
type blockPool struct{ pool sync.Pool }

func (bp *blockPool) get() []byte {
	if b, ok := bp.pool.Get().(*[blockSize]byte); ok {
		return b[:0]
	}
	return new([blockSize]byte)[:0]
}

func (bp *blockPool) put(b []byte) {
	if cap(b) == blockSize {
		bp.pool.Put((*[blockSize]byte)(b[:blockSize]))
	}
}

// blockList is a byte sequence kept in pool blocks, in order. Bytes are only ever added at
// the end, so that a block's bytes up to its length stay as they are while a connection's
// writer sends them without the producer's lock.
type blockList struct {
	blocks [][]byte // each block's length is the bytes it holds
	size   int
}

// write copies b to the end, taking blocks from pool as needed.
func (l *blockList) write(pool *blockPool, b []byte) {
	l.size += len(b)
	for len(b) > 0 {
		n := len(l.blocks)
		if n == 0 || len(l.blocks[n-1]) == blockSize {
			l.blocks = append(l.blocks, pool.get())
			n++
		}
		last := l.blocks[n-1]
		k := min(len(b), blockSize-len(last))
		l.blocks[n-1] = append(last, b[:k]...)
		b = b[k:]
	}
}

// writeApart copies b to the end in blocks of its own, the first one new, and returns how
// many blocks hold it, for take to move them.
func (l *blockList) writeApart(pool *blockPool, b []byte) int {
	n := len(l.blocks)
	l.blocks = append(l.blocks, pool.get())
	l.write(pool, b)
	return len(l.blocks) - n
}

// take moves the first blocks of src, holding size bytes, to the end of l: the bytes change
// owner without a copy. The end of l's last block is left unused.
func (l *blockList) take(src *blockList, blocks, size int) {
	l.blocks = append(l.blocks, src.blocks[:blocks]...)
	l.size += size
	n := copy(src.blocks, src.blocks[blocks:])
	clear(src.blocks[n:])
	src.blocks, src.size = src.blocks[:n], src.size-size
}

// free gives the blocks back to pool.
func (l *blockList) free(pool *blockPool) {
	for i, b := range l.blocks {
		pool.put(b)
		l.blocks[i] = nil
	}
	l.blocks, l.size = l.blocks[:0], 0
}

// blockCursor is a position in a blockList: a block and an offset in it.
type blockCursor struct{ block, off int }

// next returns the bytes after c held in one block, advancing c to the next block when its
// block is done and another follows; nil when c is at the end.
func (l *blockList) next(c *blockCursor) []byte {
	for c.block < len(l.blocks) {
		if b := l.blocks[c.block][c.off:]; len(b) > 0 {
			return b
		}
		if c.block == len(l.blocks)-1 {
			return nil // the last block may still grow
		}
		c.block, c.off = c.block+1, 0
	}
	return nil
}
