package mkv

import (
	"errors"
	"io"
)

// input buffers an io.Reader for the Reader. It reads only when the bytes
// asked for are not buffered yet, and then takes whatever one Read call
// returns, so it never waits for data beyond the element being decoded.
// Bytes stay where they are until a later need makes room, which lets the
// Reader hand out slices of the buffer until its next call.
type input struct {
	r    io.Reader
	buf  []byte
	pos  int   // first unconsumed byte
	end  int   // end of buffered data
	base int64 // stream offset of buf[0]
	err  error // sticky error from r
	max  int   // the buffer never grows beyond this

	// Keeping (Reader.Keep): bytes taken stay where they are until the next keep, and the
	// input reads on into another buffer when it needs room.
	keeping bool
	taken   bool     // keeping: bytes of buf were taken since the keep (or since buf became current)
	kept    [][]byte // keeping: earlier buffers holding bytes taken since the keep
	keptLen int64    // their total size
	spare   [][]byte // buffers free for reuse
}

const (
	minBuffer     = 64 << 10
	keepBuffer    = 256 << 10 // the buffers of a keeping input: large, so that few bytes are copied across
	maxEmptyReads = 100
)

// offset is the stream offset of the next unconsumed byte.
func (in *input) offset() int64 { return in.base + int64(in.pos) }

// buffered returns the unconsumed buffered bytes.
func (in *input) buffered() []byte { return in.buf[in.pos:in.end] }

// need makes at least n unconsumed bytes available (n <= in.max). At a
// clean end of input before any of them it returns io.EOF, after some of
// them io.ErrUnexpectedEOF; other read errors are returned as they are.
func (in *input) need(n int) error {
	empty := 0
	for in.end-in.pos < n {
		if in.err != nil {
			if in.err == io.EOF && in.end > in.pos {
				return io.ErrUnexpectedEOF
			}
			return in.err
		}
		if len(in.buf)-in.pos < n || in.end == len(in.buf) {
			in.makeRoom(n)
		}
		m, err := in.r.Read(in.buf[in.end:])
		if m < 0 || m > len(in.buf)-in.end {
			err = errors.New("mkv: reader returned an invalid count")
			m = 0
		}
		in.end += m
		if err != nil {
			in.err = err
		} else if m == 0 {
			if empty++; empty >= maxEmptyReads {
				in.err = io.ErrNoProgress
			}
		}
	}
	return nil
}

// makeRoom moves the unconsumed bytes to the front of the buffer, growing
// it first when it cannot hold n bytes. When bytes taken since a keep lie in
// the buffer, it moves the unconsumed bytes into another buffer instead.
func (in *input) makeRoom(n int) {
	if in.keeping && in.taken {
		in.switchBuffer(n)
		return
	}
	if n > len(in.buf) {
		size := max(2*len(in.buf), minBuffer)
		size = max(min(size, in.max), n)
		nb := make([]byte, size)
		in.end = copy(nb, in.buf[in.pos:in.end])
		in.buf = nb
	} else {
		in.end = copy(in.buf, in.buf[in.pos:in.end])
	}
	in.base += int64(in.pos)
	in.pos = 0
}

// switchBuffer keeps the current buffer as it is and makes a spare one (or a new one) of at
// least n bytes current, with the unconsumed bytes at its front.
func (in *input) switchBuffer(n int) {
	size := max(min(max(len(in.buf), keepBuffer), in.max), n)
	var nb []byte
	for i, b := range in.spare {
		if len(b) >= size {
			nb = b
			last := len(in.spare) - 1
			in.spare[i], in.spare[last] = in.spare[last], nil
			in.spare = in.spare[:last]
			break
		}
	}
	if nb == nil {
		nb = make([]byte, size)
	}
	in.kept = append(in.kept, in.buf)
	in.keptLen += int64(len(in.buf))
	in.end = copy(nb, in.buf[in.pos:in.end])
	in.buf = nb
	in.base += int64(in.pos)
	in.pos = 0
	in.taken = false
}

// keep starts keeping anew: the buffers kept since the previous keep become spare. The
// current buffer is kept too, for what was taken from it last (a frame decoded before the keep,
// or the rest of a laced block).
func (in *input) keep() {
	in.release()
	in.keeping, in.taken = true, true
}

// release stops keeping and makes the kept buffers spare.
func (in *input) release() {
	in.spare = append(in.spare, in.kept...)
	clear(in.kept)
	in.kept = in.kept[:0]
	in.keptLen = 0
	in.keeping, in.taken = false, false
}

// take consumes n buffered bytes (n <= len(buffered())) and returns them.
func (in *input) take(n int) []byte {
	b := in.buf[in.pos : in.pos+n]
	in.pos += n
	in.taken = in.keeping
	return b
}

// skip discards n bytes, reading through the buffer without keeping them.
func (in *input) skip(n int64) error {
	for {
		k := int64(in.end - in.pos)
		if k >= n {
			in.pos += int(n)
			return nil
		}
		n -= k
		in.pos = in.end
		if err := in.need(1); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
}
