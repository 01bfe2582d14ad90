package mkv

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// ReaderOptions configure a Reader.
type ReaderOptions struct {
	// Limits bound what the Reader accepts; zero fields take defaults.
	Limits Limits
}

// A Reader decodes a stream of Matroska documents, such as a GetMedia
// response (one EBML header and Segment per fragment), a PutMedia body or
// a file, one Event at a time. It reads from the underlying reader only
// when the element it is decoding needs more bytes, so a live stream
// yields each frame as soon as its block has arrived.
//
// Errors are sticky: after Next returns an error, it returns the same
// error again. A Reader is not safe for concurrent use.
type Reader struct {
	in  input
	lim Limits
	err error

	hdr    elemHeader // a header read but not yet acted on
	hasHdr bool

	inDoc      bool
	inSeg      bool
	segEnd     int64 // stream offset where a sized Segment ends, or -1
	scale      uint64
	sawCluster bool

	inCluster  bool
	haveTC     bool
	cluster    Cluster
	clusterOff int64
	clusterEnd int64 // stream offset where a sized Cluster ends, or -1

	lace laces
}

// elemHeader is an element's ID and data size as read from the stream.
type elemHeader struct {
	id   uint32
	size int64 // UnknownSize or the data size
	off  int64 // stream offset of the ID
	hlen int   // length of ID and size
}

// end is the stream offset just past the element, or -1 for unknown size.
func (h elemHeader) end() int64 {
	if h.size < 0 {
		return -1
	}
	return h.off + int64(h.hlen) + h.size
}

// NewReader returns a Reader that decodes r, with the default options changed by optFns:
//
//	r := mkv.NewReader(src, func(o *mkv.ReaderOptions) { o.Limits.MaxElementSize = 8 << 20 })
func NewReader(r io.Reader, optFns ...func(*ReaderOptions)) *Reader {
	var opts ReaderOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	rd := &Reader{}
	rd.lim = opts.Limits.withDefaults()
	rd.Reset(r)
	return rd
}

// Reset makes the Reader decode r from its start, as a new Reader with the
// same options would, but keeping its buffer. Offsets start again at 0.
func (r *Reader) Reset(src io.Reader) {
	r.in.release()
	buf, spare, kept := r.in.buf, r.in.spare, r.in.kept
	*r = Reader{lim: r.lim}
	r.in = input{r: src, buf: buf, spare: spare, kept: kept, max: int(r.lim.MaxElementSize) + 16}
	r.scale = DefaultTimecodeScale
}

// TimecodeScale returns the timecode unit, in nanoseconds, of the current
// document (1 ms until its Info says otherwise).
func (r *Reader) TimecodeScale() uint64 { return r.scale }

// Offset returns the stream offset of the first byte not yet decoded.
func (r *Reader) Offset() int64 { return r.in.offset() }

// Keep makes the Data of the frame Next returned last, and of the frames it returns from now
// on, stay valid until the next call of Keep or [Reader.Reset], rather than only until the next
// call of Next, without copying them: the Reader leaves the bytes it has handed out where they
// are and, when it needs room, reads on into another buffer (256 KiB, or the size of the element
// it decodes). The buffers held for the previous Keep are reused, so that a caller who calls
// Keep at the start of each batch of frames it holds (a fragment, say) reads with next to no
// allocation. The memory held is about the input read since Keep; [Reader.KeptBytes] says how
// much, for the caller to bound.
func (r *Reader) Keep() { r.in.keep() }

// KeptBytes returns the size of the buffers held since the last [Reader.Keep] besides the one
// being read, or 0 when not keeping.
func (r *Reader) KeptBytes() int64 { return r.in.keptLen }

// Next decodes up to the next event and returns it. At the end of the
// input it returns io.EOF, after closing whatever was open (ClusterEnd,
// DocumentEnd). Malformed, truncated or over-limit input gives a
// *SyntaxError; an error of the underlying reader is returned as it is.
// The Data of a returned Frame is valid only until the next call.
func (r *Reader) Next() (Event, error) {
	if r.err != nil {
		return Event{}, r.err
	}
	ev, err := r.next()
	r.err = err
	return ev, err
}

func (r *Reader) next() (Event, error) {
	if r.lace.n > 0 {
		return r.lacedFrame(), nil
	}
	for {
		off := r.in.offset()
		segDone := r.inSeg && r.segEnd >= 0 && off >= r.segEnd
		if r.inCluster && (segDone || r.clusterEnd >= 0 && off >= r.clusterEnd) {
			return r.endCluster(off)
		}
		if segDone {
			return r.endDocument(off), nil
		}
		h, err := r.peek()
		if err == io.EOF {
			return r.atEOF(off)
		}
		if err != nil {
			return Event{}, err
		}
		if ev, done, err := r.closeBefore(h); done || err != nil {
			return ev, err
		}
		r.hasHdr = false
		if ev, ok, err := r.handle(h); ok || err != nil {
			return ev, err
		}
	}
}

// atEOF closes what the end of input closes, or reports truncation.
func (r *Reader) atEOF(off int64) (Event, error) {
	switch {
	case r.inCluster && r.clusterEnd >= 0, r.inSeg && r.segEnd >= 0:
		return Event{}, &SyntaxError{Offset: off, Err: io.ErrUnexpectedEOF}
	case r.inCluster:
		return r.endCluster(off)
	case r.inDoc:
		return r.endDocument(off), nil
	}
	return Event{}, io.EOF
}

// closeBefore ends an unknown-size Cluster or Segment that the element h
// closes; the element itself is handled on the next round.
func (r *Reader) closeBefore(h elemHeader) (Event, bool, error) {
	if r.inCluster && endsUnknownCluster(h.id) {
		if r.clusterEnd >= 0 {
			return Event{}, false, r.syntax(h, "%s inside a Cluster of known size", elementName(h.id))
		}
		ev, err := r.endCluster(h.off)
		return ev, true, err
	}
	if r.inDoc && (h.id == idEBML || h.id == idSegment && r.inSeg) {
		if r.inSeg && r.segEnd >= 0 {
			return Event{}, false, r.syntax(h, "inside a Segment of known size")
		}
		return r.endDocument(h.off), true, nil
	}
	return Event{}, false, nil
}

// handle acts on an element header in the current context. ok is false
// when the element produced no event (skipped, or a Segment entered).
func (r *Reader) handle(h elemHeader) (ev Event, ok bool, err error) {
	parentEnd := int64(-1)
	if r.inSeg {
		parentEnd = r.segEnd
	}
	if r.inCluster && r.clusterEnd >= 0 {
		parentEnd = r.clusterEnd
	}
	if parentEnd >= 0 && h.end() > parentEnd {
		return ev, false, r.syntax(h, "overruns its parent, which ends at offset %d", parentEnd)
	}
	if h.size < 0 && h.id != idSegment && h.id != idCluster {
		return ev, false, r.syntax(h, "unknown size is allowed only for Segment and Cluster")
	}
	switch {
	case !r.inDoc:
		switch h.id {
		case idEBML:
			return r.readHeader(h)
		case idVoid, idCRC32:
			return ev, false, r.skip(h)
		}
		return ev, false, r.syntax(h, "expected an EBML header")
	case !r.inSeg:
		switch h.id {
		case idSegment:
			r.inSeg, r.segEnd = true, h.end()
			return ev, false, nil
		case idVoid, idCRC32:
			return ev, false, r.skip(h)
		}
		return ev, false, r.syntax(h, "expected a Segment after the EBML header")
	case !r.inCluster:
		switch h.id {
		case idInfo:
			return r.readInfo(h)
		case idTracks:
			return r.readTracks(h)
		case idTags:
			return r.readTags(h)
		case idCluster:
			r.inCluster, r.haveTC, r.sawCluster = true, false, true
			r.cluster = Cluster{Size: h.size}
			r.clusterOff, r.clusterEnd = h.off, h.end()
			return ev, false, nil
		case idSimpleBlock, idBlockGroup, idTimecode:
			return ev, false, r.syntax(h, "outside a Cluster")
		}
		return ev, false, r.skip(h)
	}
	switch h.id {
	case idTimecode:
		return r.readClusterTimecode(h)
	case idSimpleBlock, idBlockGroup:
		if !r.haveTC {
			return ev, false, r.syntax(h, "block before the Cluster's Timecode")
		}
		return r.readBlock(h)
	}
	return ev, false, r.skip(h)
}

func (r *Reader) endCluster(off int64) (Event, error) {
	if !r.haveTC {
		return Event{}, &SyntaxError{Offset: r.clusterOff, ID: idCluster, Err: errors.New("Cluster has no Timecode")}
	}
	r.inCluster = false
	return Event{Kind: KindClusterEnd, Offset: off, Cluster: r.cluster}, nil
}

func (r *Reader) endDocument(off int64) Event {
	r.inDoc, r.inSeg, r.inCluster = false, false, false
	return Event{Kind: KindDocumentEnd, Offset: off}
}

// peek reads the next element header, or returns the one already read.
// It asks the input only for the bytes the header is known to need, so it
// never waits for more than the header holds.
func (r *Reader) peek() (elemHeader, error) {
	if r.hasHdr {
		return r.hdr, nil
	}
	in := &r.in
	off := in.offset()
	for want := 1; ; {
		if err := in.need(want); err != nil {
			if want == 1 {
				return elemHeader{}, err
			}
			return elemHeader{}, truncated(off, 0, err)
		}
		id, size, hlen, need, err := parseHead(in.buffered())
		if err != nil {
			return elemHeader{}, &SyntaxError{Offset: off, ID: id, Err: err}
		}
		if need > 0 {
			want = need
			continue
		}
		in.take(hlen)
		r.hdr = elemHeader{id: id, size: size, off: off, hlen: hlen}
		r.hasHdr = true
		return r.hdr, nil
	}
}

// truncated turns an end of input inside the element id at off into a
// SyntaxError; other read errors are returned as they are.
func truncated(off int64, id uint32, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &SyntaxError{Offset: off, ID: id, Err: io.ErrUnexpectedEOF}
	}
	return err
}

// body reads the whole data of h, which must be within MaxElementSize.
// The slice aliases the input buffer until the next read.
func (r *Reader) body(h elemHeader) ([]byte, error) {
	if h.size > r.lim.MaxElementSize {
		return nil, &SyntaxError{Offset: h.off, ID: h.id,
			Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, h.size, r.lim.MaxElementSize)}
	}
	if err := r.in.need(int(h.size)); err != nil {
		return nil, truncated(h.off, h.id, err)
	}
	return r.in.take(int(h.size)), nil
}

// skip discards the data of h.
func (r *Reader) skip(h elemHeader) error {
	return truncated(h.off, h.id, r.in.skip(h.size))
}

func (r *Reader) syntax(h elemHeader, format string, args ...any) error {
	return &SyntaxError{Offset: h.off, ID: h.id, Err: fmt.Errorf(format, args...)}
}

// readClusterTimecode reads the Cluster's Timecode and reports the start
// of the cluster.
func (r *Reader) readClusterTimecode(h elemHeader) (Event, bool, error) {
	if r.haveTC {
		return Event{}, false, r.syntax(h, "second Timecode in one Cluster")
	}
	b, err := r.body(h)
	if err != nil {
		return Event{}, false, err
	}
	v, err := decodeUint(b)
	if err == nil && v > math.MaxInt64-math.MaxInt16 {
		err = fmt.Errorf("timecode %d out of range", v)
	}
	if err != nil {
		return Event{}, false, &SyntaxError{Offset: h.off, ID: h.id, Err: err}
	}
	r.haveTC = true
	r.cluster.Timecode = int64(v)
	return Event{Kind: KindClusterStart, Offset: r.clusterOff, Cluster: r.cluster}, true, nil
}
