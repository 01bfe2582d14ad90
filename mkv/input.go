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
}

const (
	minBuffer     = 64 << 10
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
// it first when it cannot hold n bytes.
func (in *input) makeRoom(n int) {
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

// take consumes n buffered bytes (n <= len(buffered())) and returns them.
func (in *input) take(n int) []byte {
	b := in.buf[in.pos : in.pos+n]
	in.pos += n
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
