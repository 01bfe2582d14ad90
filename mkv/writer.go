package mkv

import (
	"io"
	"slices"
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	// Info and Tracks make up the stream header; see AppendHeader for the
	// defaults applied.
	Info   Info
	Tracks []TrackEntry // one to MaxTracks tracks
	// KnownSizeClusters makes the Writer hold each cluster's blocks in
	// memory and write the cluster, with its size, when it ends. By default
	// a cluster has unknown size and each frame is written the moment it
	// is given, which is what live streaming (PutMedia) needs.
	KnownSizeClusters bool
}

// A Writer writes a Matroska stream for PutMedia or a file: the header,
// then Tags and Clusters of frames, each written to the destination as
// soon as it is complete, with one Write call per element (two for a
// known-size cluster: its start, then its blocks). It is built on the
// Append functions and produces the same bytes. Write errors are sticky.
// A Writer is not safe for concurrent use.
type Writer struct {
	w         io.Writer
	header    []byte
	tracks    []uint64
	known     bool
	buf       []byte // one encoded element
	head      []byte // the start of a known-size cluster
	body      []byte // the blocks of an open known-size cluster
	sentHead  bool
	inCluster bool
	clusterTC int64
	closed    bool
	err       error
}

// NewWriter returns a Writer that writes to w. The header is validated
// and encoded now (a random SegmentUID is chosen once, when Info has
// none) and written before the first element.
func NewWriter(w io.Writer, opts WriterOptions) (*Writer, error) {
	header, err := AppendHeader(nil, opts.Info, opts.Tracks)
	if err != nil {
		return nil, err
	}
	mw := &Writer{w: w, header: header, known: opts.KnownSizeClusters, buf: make([]byte, 0, 4096)}
	for _, t := range opts.Tracks {
		mw.tracks = append(mw.tracks, t.Number)
	}
	return mw, nil
}

// Reset points the Writer at a new destination, as for a new PutMedia
// connection: the header is written again before the next element, an
// open cluster is dropped (so the next frame needs StartCluster), and a
// previous write error is forgotten.
func (w *Writer) Reset(dst io.Writer) {
	w.w = dst
	w.sentHead = false
	w.inCluster = false
	w.body = w.body[:0]
	w.closed = false
	w.err = nil
}

// WriteTags ends the open cluster, if any, and writes a Tags element; KVS
// takes such tags as metadata of the fragment (cluster) that follows.
func (w *Writer) WriteTags(tags []Tag) error {
	b, err := AppendTags(w.buf[:0], tags)
	if err != nil {
		return err // invalid tags leave the open cluster alone
	}
	w.buf = b
	if err := w.EndCluster(); err != nil {
		return err
	}
	return w.write(b)
}

// EndFragment ends the open cluster and writes the end-of-fragment Tags
// element (see AppendEndOfFragment), as the KVS producer SDK does after a
// long pause without frames so that the service closes the fragment.
func (w *Writer) EndFragment() error {
	if err := w.EndCluster(); err != nil {
		return err
	}
	return w.write(endOfFragment)
}

// StartCluster ends the open cluster, if any, and starts a new one with
// the given timecode (TimecodeScale units, not negative). With KVS each
// cluster is a fragment and should start with a key frame.
func (w *Writer) StartCluster(timecode int64) error {
	if timecode < 0 {
		return invalidf("cluster timecode %d is negative", timecode)
	}
	if err := w.EndCluster(); err != nil {
		return err
	}
	if !w.known {
		b, _ := AppendClusterStart(w.buf[:0], timecode, UnknownSize)
		w.buf = b
		if err := w.write(b); err != nil {
			return err
		}
	}
	w.inCluster, w.clusterTC = true, timecode
	return nil
}

// WriteFrame writes f as a SimpleBlock of the open cluster. f.Timecode is
// absolute; its distance from the cluster's timecode must fit an int16,
// or the error wraps ErrTimecodeRange (start a new cluster instead).
func (w *Writer) WriteFrame(f Frame) error {
	if err := w.usable(); err != nil {
		return err
	}
	if !w.inCluster {
		return invalidf("frame written outside a cluster")
	}
	if !slices.Contains(w.tracks, f.Track) {
		return invalidf("frame for undeclared track %d", f.Track)
	}
	if w.known {
		b, err := AppendSimpleBlock(w.body, w.clusterTC, f)
		w.body = b
		return err
	}
	b, err := AppendSimpleBlock(w.buf[:0], w.clusterTC, f)
	if err != nil {
		return err
	}
	w.buf = b
	return w.write(b)
}

// EndCluster ends the open cluster. A known-size cluster is written now;
// an unknown-size one needs nothing written, as the next level-1 element
// ends it.
func (w *Writer) EndCluster() error {
	if err := w.usable(); err != nil || !w.inCluster {
		return err
	}
	w.inCluster = false
	if !w.known {
		return nil
	}
	w.head, _ = AppendClusterStart(w.head[:0], w.clusterTC, int64(len(w.body)))
	err := w.write(w.head)
	if err == nil {
		err = w.write(w.body)
	}
	w.body = w.body[:0]
	return err
}

// Close ends the open cluster and writes the header if nothing was
// written yet, so that even an empty stream is a valid document. It does
// not close the underlying writer. Closing twice is harmless; after Close
// every write returns ErrClosed until Reset.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	err := w.EndCluster()
	if err == nil {
		err = w.usable()
	}
	w.closed = true
	if w.err == nil {
		w.err = ErrClosed
	}
	return err
}

// usable returns the sticky error, and otherwise makes sure the header
// went out first.
func (w *Writer) usable() error {
	if w.err != nil {
		return w.err
	}
	if !w.sentHead {
		w.sentHead = true
		return w.rawWrite(w.header)
	}
	return nil
}

func (w *Writer) write(b []byte) error {
	if err := w.usable(); err != nil {
		return err
	}
	return w.rawWrite(b)
}

func (w *Writer) rawWrite(b []byte) error {
	n, err := w.w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	w.err = err
	return err
}
