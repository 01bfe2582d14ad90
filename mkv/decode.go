package mkv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// children walks the child elements of a master element held in memory.
type children struct {
	b   []byte
	pos int
	off int64 // stream offset of b[0]
}

// child is one element found by children.next.
type child struct {
	id      uint32
	data    []byte
	off     int64 // stream offset of the ID
	dataOff int64 // stream offset of data
}

// newChildren starts a walk over the data b of the master element id that
// begins at stream offset off. When the first child is a CRC-32 element,
// the rest of the data is checked against it.
func newChildren(id uint32, b []byte, off int64) (children, error) {
	c := children{b: b, off: off}
	if len(b) >= 2 && b[0] == idCRC32 {
		if b[1] != 0x84 || len(b) < 6 {
			return c, &SyntaxError{Offset: off, ID: idCRC32, Err: errors.New("CRC-32 element is not 4 bytes")}
		}
		if got, want := crc32.ChecksumIEEE(b[6:]), binary.LittleEndian.Uint32(b[2:6]); got != want {
			return c, &SyntaxError{Offset: off, ID: id, Err: fmt.Errorf("%w: computed %08x, stored %08x", ErrCRC, got, want)}
		}
	}
	return c, nil
}

// next returns the next child, or ok == false after the last one.
func (c *children) next() (ch child, ok bool, err error) {
	if c.pos >= len(c.b) {
		return ch, false, nil
	}
	rest := c.b[c.pos:]
	off := c.off + int64(c.pos)
	id, size, hlen, need, err := parseHead(rest)
	switch {
	case err != nil:
		return ch, false, &SyntaxError{Offset: off, ID: id, Err: err}
	case need > 0:
		return ch, false, &SyntaxError{Offset: off, ID: id, Err: errors.New("element header overruns its parent")}
	case size < 0:
		return ch, false, &SyntaxError{Offset: off, ID: id, Err: errors.New("unknown size inside an element of known size")}
	case size > int64(len(rest)-hlen):
		return ch, false, &SyntaxError{Offset: off, ID: id,
			Err: fmt.Errorf("%d bytes overrun its parent, which has %d left", size, len(rest)-hlen)}
	}
	c.pos += hlen + int(size)
	return child{id: id, data: rest[hlen : hlen+int(size)], off: off, dataOff: off + int64(hlen)}, true, nil
}

// decodeUint decodes an unsigned integer of 0 to 8 octets.
func decodeUint(b []byte) (uint64, error) {
	if len(b) > 8 {
		return 0, fmt.Errorf("unsigned integer of %d bytes", len(b))
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// decodeFloat decodes a float of 0, 4 or 8 octets.
func decodeFloat(b []byte) (float64, error) {
	switch len(b) {
	case 0:
		return 0, nil
	case 4:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case 8:
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	}
	return 0, fmt.Errorf("float of %d bytes", len(b))
}

// text returns a string element's value without its NUL padding.
func text(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// clone copies b into a new slice that is never nil, so that an element
// present but empty stays distinct from an absent one.
func clone(b []byte) []byte {
	return append(make([]byte, 0, len(b)), b...)
}

// uintField decodes an unsigned integer child, naming it in the error.
func uintField(ch child) (uint64, error) {
	v, err := decodeUint(ch.data)
	if err != nil {
		return 0, &SyntaxError{Offset: ch.off, ID: ch.id, Err: err}
	}
	return v, nil
}

// floatField decodes a float child, naming it in the error.
func floatField(ch child) (float64, error) {
	v, err := decodeFloat(ch.data)
	if err != nil {
		return 0, &SyntaxError{Offset: ch.off, ID: ch.id, Err: err}
	}
	return v, nil
}

// element reads the whole body of h as a child, for walk.
func (r *Reader) element(h elemHeader) (child, error) {
	b, err := r.body(h)
	return child{id: h.id, data: b, off: h.off, dataOff: h.off + int64(h.hlen)}, err
}

// readHeader decodes an EBML header and opens a document.
func (r *Reader) readHeader(h elemHeader) (Event, bool, error) {
	e, err := r.element(h)
	if err != nil {
		return Event{}, false, err
	}
	hd := &Header{Version: 1, ReadVersion: 1, MaxIDLength: 4, MaxSizeLength: 8, DocTypeVersion: 1, DocTypeReadVersion: 1}
	err = walk(e, func(ch child) error {
		var dst *uint64
		switch ch.id {
		case idEBMLVersion:
			dst = &hd.Version
		case idEBMLReadVersion:
			dst = &hd.ReadVersion
		case idEBMLMaxIDLength:
			dst = &hd.MaxIDLength
		case idEBMLMaxSizeLength:
			dst = &hd.MaxSizeLength
		case idDocTypeVersion:
			dst = &hd.DocTypeVersion
		case idDocTypeReadVersion:
			dst = &hd.DocTypeReadVersion
		case idDocType:
			hd.DocType = text(ch.data)
		}
		return uintDefault(ch, dst)
	})
	if err != nil {
		return Event{}, false, err
	}
	switch {
	case hd.ReadVersion != 1:
		err = r.syntax(h, "EBMLReadVersion %d, only 1 is supported", hd.ReadVersion)
	case hd.MaxIDLength < 1 || hd.MaxIDLength > 4:
		err = r.syntax(h, "EBMLMaxIDLength %d, want 1 to 4", hd.MaxIDLength)
	case hd.MaxSizeLength < 1 || hd.MaxSizeLength > 8:
		err = r.syntax(h, "EBMLMaxSizeLength %d, want 1 to 8", hd.MaxSizeLength)
	}
	if err != nil {
		return Event{}, false, err
	}
	r.inDoc, r.inSeg, r.inCluster, r.sawCluster = true, false, false, false
	r.scale = DefaultTimecodeScale
	return Event{Kind: KindDocumentStart, Offset: h.off, Header: hd}, true, nil
}

// uintDefault decodes an unsigned integer child into *dst, leaving the
// default already there when the element is empty. A nil dst is a no-op.
func uintDefault(ch child, dst *uint64) error {
	if dst == nil || len(ch.data) == 0 {
		return nil
	}
	v, err := uintField(ch)
	*dst = v
	return err
}

// readInfo decodes a Segment Information element.
func (r *Reader) readInfo(h elemHeader) (Event, bool, error) {
	e, err := r.element(h)
	if err != nil {
		return Event{}, false, err
	}
	info := &Info{TimecodeScale: DefaultTimecodeScale}
	err = walk(e, func(ch child) (err error) {
		switch ch.id {
		case idTimecodeScale:
			if err = uintDefault(ch, &info.TimecodeScale); err == nil && info.TimecodeScale == 0 {
				err = &SyntaxError{Offset: ch.off, ID: ch.id, Err: errors.New("TimecodeScale is zero")}
			}
		case idSegmentUID:
			info.SegmentUID = clone(ch.data)
		case idTitle:
			info.Title = text(ch.data)
		case idMuxingApp:
			info.MuxingApp = text(ch.data)
		case idWritingApp:
			info.WritingApp = text(ch.data)
		case idDuration:
			info.Duration, err = floatField(ch)
		}
		return err
	})
	if err != nil {
		return Event{}, false, err
	}
	r.scale = info.TimecodeScale
	return Event{Kind: KindInfo, Offset: h.off, Info: info}, true, nil
}

// each calls fn for every remaining child, stopping at the first error.
func (c *children) each(fn func(child) error) error {
	for {
		ch, ok, err := c.next()
		if err != nil || !ok {
			return err
		}
		if err := fn(ch); err != nil {
			return err
		}
	}
}

// walk checks e's CRC-32, if any, and calls fn for each of its children.
func walk(e child, fn func(child) error) error {
	c, err := newChildren(e.id, e.data, e.dataOff)
	if err != nil {
		return err
	}
	return c.each(fn)
}
