package mkv

import (
	"errors"
	"fmt"
)

// Lacing kinds, from bits 1-2 of a block's flags.
const (
	laceNone  = 0
	laceXiph  = 1
	laceFixed = 2
	laceEBML  = 3
)

// laces holds the frames of a laced block that Next has yet to return.
// The payload aliases the input buffer, which stays put until the last of
// them is returned because returning them reads nothing.
type laces struct {
	frame Frame // Track, Timecode and flags shared by all frames
	off   int64
	data  []byte   // payload of the frames not yet returned
	sizes [256]int // frame sizes; the last is whatever remains
	i, n  int      // next frame and frame count; n == 0 when idle
}

// readBlock reads a SimpleBlock or a BlockGroup and returns its first
// frame; frames laced behind it are kept for the following calls.
func (r *Reader) readBlock(h elemHeader) (Event, bool, error) {
	e, err := r.element(h)
	if err != nil {
		return Event{}, false, err
	}
	if h.id == idSimpleBlock {
		return r.block(h.off, e.data, true, false)
	}
	var block []byte
	var blockOff int64
	referenced := false
	err = walk(e, func(ch child) error {
		switch ch.id {
		case idBlock:
			if block != nil {
				return &SyntaxError{Offset: ch.off, ID: ch.id, Err: errors.New("second Block in one BlockGroup")}
			}
			block, blockOff = ch.data, ch.off
		case idReferenceBlock:
			referenced = true
		}
		return nil
	})
	if err == nil && block == nil {
		err = r.syntax(h, "BlockGroup without a Block")
	}
	if err != nil {
		return Event{}, false, err
	}
	return r.block(blockOff, block, false, !referenced)
}

// block decodes a block's header and lacing. A SimpleBlock carries its key
// frame flag; for a Block the BlockGroup decides it (keyframe).
func (r *Reader) block(off int64, b []byte, simple, keyframe bool) (Event, bool, error) {
	id := uint32(idBlock)
	if simple {
		id = idSimpleBlock
	}
	fail := func(format string, args ...any) (Event, bool, error) {
		return Event{}, false, &SyntaxError{Offset: off, ID: id, Err: fmt.Errorf(format, args...)}
	}
	if len(b) == 0 {
		return fail("empty block")
	}
	tn := vintLen(b[0])
	if tn == 0 || len(b) < tn+3 {
		return fail("block header truncated or track number longer than 8 octets")
	}
	track, _ := readVint(b, tn)
	if track == 0 {
		return fail("track number 0")
	}
	rel := int16(uint16(b[tn])<<8 | uint16(b[tn+1]))
	flags := b[tn+2]
	f := Frame{
		Track:     track,
		Timecode:  r.cluster.Timecode + int64(rel),
		Keyframe:  keyframe || simple && flags&0x80 != 0,
		Invisible: flags&0x08 != 0,
	}
	f.Discardable = simple && flags&0x01 != 0
	payload := b[tn+3:]
	lacing := (flags >> 1) & 3
	if lacing == laceNone {
		f.Data = payload
		return Event{Kind: KindFrame, Offset: off, Frame: f}, true, nil
	}
	if err := r.lace.split(lacing, payload); err != nil {
		return fail("%v", err)
	}
	r.lace.frame, r.lace.off = f, off
	return r.lacedFrame(), true, nil
}

// split reads the lace header of payload and records the frame sizes.
func (l *laces) split(lacing byte, p []byte) error {
	if len(p) == 0 {
		return errors.New("laced block without a frame count")
	}
	n := int(p[0]) + 1
	p = p[1:]
	total := 0
	switch lacing {
	case laceFixed:
		if len(p)%n != 0 {
			return fmt.Errorf("fixed lacing: %d bytes do not split into %d frames", len(p), n)
		}
		for i := range n - 1 {
			l.sizes[i] = len(p) / n
		}
		total = len(p) - len(p)/n
	case laceXiph:
		for i := range n - 1 {
			size := 0
			for {
				if len(p) == 0 {
					return errors.New("Xiph lace sizes truncated")
				}
				c := p[0]
				p = p[1:]
				size += int(c)
				if c != 0xFF {
					break
				}
			}
			l.sizes[i] = size
			if total += size; total > len(p) {
				return errors.New("Xiph lace sizes exceed the block")
			}
		}
	case laceEBML:
		prev := int64(0)
		for i := range n - 1 {
			if len(p) == 0 {
				return errors.New("EBML lace sizes truncated")
			}
			k := vintLen(p[0])
			if k == 0 || len(p) < k {
				return errors.New("EBML lace size truncated or longer than 8 octets")
			}
			v, _ := readVint(p, k)
			p = p[k:]
			size := int64(v)
			if i > 0 {
				size = prev + int64(v) - (1<<(7*k-1) - 1)
			}
			if size < 0 || size > int64(len(p)) {
				return fmt.Errorf("EBML lace size %d out of range", size)
			}
			l.sizes[i], prev = int(size), size
			if total += int(size); total > len(p) {
				return errors.New("EBML lace sizes exceed the block")
			}
		}
	}
	if total > len(p) {
		return errors.New("lace sizes exceed the block")
	}
	l.sizes[n-1] = len(p) - total
	l.data, l.i, l.n = p, 0, n
	return nil
}

// lacedFrame returns the next pending laced frame.
func (r *Reader) lacedFrame() Event {
	l := &r.lace
	f := l.frame
	f.Data = l.data[:l.sizes[l.i]:l.sizes[l.i]]
	l.data = l.data[l.sizes[l.i]:]
	if l.i++; l.i == l.n {
		l.n = 0
	}
	return Event{Kind: KindFrame, Offset: l.off, Frame: f}
}
