package media

import (
	"fmt"
	"io"
	"unsafe"

	"github.com/kvsgo/sdk/mkv"
)

// ChunkKind says what a Chunk reports.
type ChunkKind uint8

// Chunk kinds, in the order they come for each fragment.
const (
	// ChunkFragmentStart: a fragment's media begins. Its metadata so far is set: number,
	// timestamps, tracks, and the tags sent before the cluster.
	ChunkFragmentStart ChunkKind = iota + 1
	// ChunkFrame: one frame, as soon as it arrived.
	ChunkFrame
	// ChunkFragmentEnd: the fragment ended; its metadata is complete, including the trailing
	// tags (continuation token, millis behind now) and any in-band error (Fragment.Err). It
	// comes as soon as those trailing tags have arrived (or the next document starts, or the
	// input ends), without waiting for more input.
	ChunkFragmentEnd
)

// Chunk is one step of a FragmentReader's low-latency reading.
type Chunk struct {
	Kind ChunkKind
	// Fragment is the fragment being read: the same value for all its chunks, filled in as its
	// metadata arrives. Its Frames stay empty in this mode.
	Fragment *Fragment
	// Frame is set for ChunkFrame; its Data is valid until the next call.
	Frame Frame
}

// FragmentReader reads the fragments of a GetMedia or GetMediaForFragmentList response, or of
// any stream of KVS-style MKV documents (one document per fragment, with the service's tags).
// Next returns whole fragments; ReadChunk returns frames as they arrive, before the tags that
// end their fragment, for the lowest latency. Use one or the other on a reader. It is not safe
// for concurrent use.
type FragmentReader struct {
	r       *mkv.Reader
	cur     *Fragment
	started bool    // ChunkFragmentStart was returned for cur
	pending []Chunk // chunks decided but not yet returned
	err     error   // sticky
	maxSize int64   // bound of a fragment's memory in Next
	maxN    int     // bound of a fragment's frames in Next
	maxTags int     // bound of a fragment's tags
	onFrame func()  // called for each frame read, when set (the Consumer's idle clock)
	// The header of the current document, for a fragment that starts inside it after another
	// ended at its trailing tags (a file of several fragments, as FragmentWriter writes).
	docTracks []mkv.TrackEntry
	docScale  uint64
	// held is set when the current document ended without the service's trailing tags: its
	// end is reported with the next event, which tells whether the input ended there.
	held bool
	// Next's buffers: the frames' data (owned mode), and the Frames slice kept for reuse
	// (ReuseBuffers, where the frames' data stay in the mkv.Reader's kept buffers).
	arena  arena
	frames []Frame
	reuse  bool
}

// FragmentReaderOptions configure a FragmentReader.
type FragmentReaderOptions struct {
	// Limits bound what the reader accepts; zero fields take the mkv defaults. MaxElementSize
	// also bounds the memory of one fragment read with Next (its frames' bytes plus
	// FrameOverhead per frame), and MaxTags the producer tags of one fragment.
	Limits mkv.Limits
	// MaxFragmentFrames bounds the frames of one fragment read with Next, so that a fragment of
	// many tiny frames cannot take memory out of proportion to its bytes; zero means
	// DefaultMaxFragmentFrames.
	MaxFragmentFrames int
	// ReuseBuffers makes Next return a view instead of a copy: the frames' Data point into the
	// reader's input buffers, where the frames were read, and the Frames slice is reused, so
	// that both are valid only until the next call of [FragmentReader.Next] (or
	// [FragmentReader.Reset]), as a [bufio.Scanner]'s token or an [encoding/csv.Reader]'s record
	// with ReuseRecord. Through a [Consumer], that is until the next [Consumer.Next]. The
	// Fragment itself and its metadata stay the caller's. Reading then copies no frame and
	// allocates next to nothing per byte (see [mkv.Reader.Keep]); copy what must outlive the
	// call (or write it out with a [FragmentWriter]). The input buffers a fragment's frames lie
	// in count against MaxElementSize as well.
	ReuseBuffers bool
}

// DefaultMaxFragmentFrames is the default FragmentReaderOptions.MaxFragmentFrames: 1000 frames
// a second on each of three tracks for the 32.767 s a cluster can span, with room to spare.
const DefaultMaxFragmentFrames = 1 << 17

// FrameOverhead is what the reader counts for each frame of a fragment read with Next, on top
// of its bytes, against the MaxElementSize bound: the size of a Frame.
const FrameOverhead = int64(unsafe.Sizeof(Frame{}))

// NewFragmentReader returns a reader of the fragments in r, with the default options changed by
// optFns (the style of mkv.NewReader and of the clients' constructors).
func NewFragmentReader(r io.Reader, optFns ...func(*FragmentReaderOptions)) *FragmentReader {
	var o FragmentReaderOptions
	for _, fn := range optFns {
		fn(&o)
	}
	fr := &FragmentReader{r: mkv.NewReader(r, func(ro *mkv.ReaderOptions) { ro.Limits = o.Limits }),
		maxSize: o.Limits.MaxElementSize, maxN: o.MaxFragmentFrames, maxTags: o.Limits.MaxTags, docScale: mkv.DefaultTimecodeScale,
		reuse: o.ReuseBuffers}
	if fr.maxSize <= 0 {
		fr.maxSize = mkv.DefaultMaxElementSize
	}
	if fr.maxN <= 0 {
		fr.maxN = DefaultMaxFragmentFrames
	}
	if fr.maxTags <= 0 {
		fr.maxTags = mkv.DefaultMaxTags
	}
	return fr
}

// Reset makes the reader read r from its start, as a new reader with the same options would,
// keeping its buffers.
func (fr *FragmentReader) Reset(r io.Reader) {
	fr.r.Reset(r)
	fr.cur, fr.started, fr.err, fr.held = nil, false, nil, false
	fr.pending = fr.pending[:0]
	fr.docTracks, fr.docScale = nil, mkv.DefaultTimecodeScale
}

// ReadChunk returns the next chunk. At the end of the input it returns io.EOF; malformed input
// gives an *mkv.SyntaxError. Errors are sticky.
func (fr *FragmentReader) ReadChunk() (Chunk, error) {
	for len(fr.pending) == 0 {
		if fr.err != nil {
			return Chunk{}, fr.err
		}
		fr.step()
	}
	c := fr.pending[0]
	if len(fr.pending) == 1 {
		fr.pending = fr.pending[:0] // keep the array: a chunk per frame allocates nothing
	} else {
		fr.pending = fr.pending[1:]
	}
	return c, nil
}

// step decodes one event into chunks, or sets the sticky error.
func (fr *FragmentReader) step() {
	ev, err := fr.r.Next()
	if err != nil {
		if err == io.EOF && fr.cur != nil {
			fr.cur.endedAtEOF = true
			fr.held = false
			fr.endDocument() // the input ended a document without an end event
			return
		}
		if fr.held {
			fr.held = false
			fr.endDocument() // the document was complete; the error comes after it
		}
		fr.err = err
		return
	}
	if err := fr.apply(ev); err != nil {
		fr.err = err
	}
}

// apply turns one MKV event into chunks.
func (fr *FragmentReader) apply(ev mkv.Event) error {
	if fr.held {
		fr.held = false
		fr.endDocument()
	}
	if fr.cur == nil && ev.Kind != mkv.KindDocumentStart && ev.Kind != mkv.KindDocumentEnd {
		fr.begin() // a stream that starts without an EBML header
	}
	switch ev.Kind {
	case mkv.KindDocumentStart:
		if fr.cur != nil {
			fr.endDocument()
		}
		fr.docTracks, fr.docScale = nil, mkv.DefaultTimecodeScale
		fr.begin()
	case mkv.KindInfo:
		fr.cur.TimecodeScale = fr.r.TimecodeScale()
		fr.docScale = fr.cur.TimecodeScale
	case mkv.KindTracks:
		fr.cur.Tracks = ev.Tracks
		fr.docTracks = ev.Tracks
	case mkv.KindTags:
		for _, tag := range ev.Tags {
			for _, st := range tag.SimpleTags {
				fr.cur.applyTag(st)
			}
		}
		if len(fr.cur.Tags) > fr.maxTags {
			return &mkv.SyntaxError{Offset: ev.Offset, Err: fmt.Errorf("%w: more than %d producer tags in fragment %q", mkv.ErrTooLarge, fr.maxTags, fr.cur.FragmentNumber)}
		}
		if ev.TagsPosition == mkv.AfterCluster && fr.started && trailing(ev.Tags) {
			// The service's tags after the cluster close the fragment: deliver it now rather than
			// when the next document starts, which may be seconds away on a live stream. Anything
			// later in the same document makes a fragment of its own.
			fr.endDocument()
		}
	case mkv.KindClusterStart:
		if !fr.started {
			fr.cur.Timecode = ev.Cluster.Timecode
			fr.started = true
			fr.pending = append(fr.pending, Chunk{Kind: ChunkFragmentStart, Fragment: fr.cur})
		}
	case mkv.KindFrame:
		fr.pending = append(fr.pending, Chunk{Kind: ChunkFrame, Fragment: fr.cur, Frame: fr.frame(ev.Frame)})
	case mkv.KindDocumentEnd:
		fr.held = fr.cur != nil
		fr.docTracks, fr.docScale = nil, mkv.DefaultTimecodeScale
	}
	return nil
}

// trailing reports whether tags are the ones the service sends after a fragment's cluster.
func trailing(tags []mkv.Tag) bool {
	for _, tag := range tags {
		for _, st := range tag.SimpleTags {
			if st.Name == TagContinuationToken || st.Name == TagMillisBehindNow {
				return true
			}
		}
	}
	return false
}

// frame converts a frame of the current fragment.
func (fr *FragmentReader) frame(f mkv.Frame) Frame {
	if fr.onFrame != nil {
		fr.onFrame()
	}
	return Frame{Track: f.Track, Timestamp: mkv.Timestamp(f.Timecode, fr.cur.TimecodeScale), Keyframe: f.Keyframe, Data: f.Data}
}

func (fr *FragmentReader) begin() {
	fr.cur = &Fragment{Timecode: -1, TimecodeScale: fr.docScale, Tracks: fr.docTracks}
	fr.started = false
}

// endDocument completes the current fragment: a document without a cluster still yields a
// start (for its metadata) and an end.
func (fr *FragmentReader) endDocument() {
	if e := fr.cur.Err; e != nil && e.FragmentNumber == "" {
		e.FragmentNumber = fr.cur.FragmentNumber
	}
	if !fr.started {
		fr.pending = append(fr.pending, Chunk{Kind: ChunkFragmentStart, Fragment: fr.cur})
	}
	fr.pending = append(fr.pending, Chunk{Kind: ChunkFragmentEnd, Fragment: fr.cur})
	fr.cur, fr.started = nil, false
}

// Next reads a whole fragment, with its frames' data copied so that it belongs to the caller
// (unless [FragmentReaderOptions.ReuseBuffers] is set: then the frames are a view of the
// reader's buffers, valid until the next call). When the service reported an
// in-band error in the fragment's document, Next returns the fragment and its *StreamError;
// reading may go on after it. At the end of the input it returns io.EOF.
//
// When the input ends inside a fragment, or is malformed there, Next returns the part of the
// fragment read so far (its metadata and whole frames) with the error, an *mkv.SyntaxError (or
// the underlying reader's error); the error is sticky, and later calls return it with a nil
// fragment. A fragment above the reader's bounds (MaxElementSize bytes counting FrameOverhead
// per frame, or MaxFragmentFrames frames) ends reading the same way, the error wrapping
// mkv.ErrTooLarge: memory stays proportional to the bytes read.
func (fr *FragmentReader) Next() (*Fragment, error) {
	if fr.reuse {
		fr.r.Keep() // the previous fragment's buffers serve again
	} else {
		fr.arena = arena{}
	}
	var size int64
	for {
		for len(fr.pending) > 0 {
			c := fr.pending[0]
			if len(fr.pending) == 1 {
				fr.pending = fr.pending[:0]
			} else {
				fr.pending = fr.pending[1:]
			}
			switch c.Kind {
			case ChunkFragmentStart:
				if fr.reuse && c.Fragment.Frames == nil {
					c.Fragment.Frames = fr.frames[:0]
				}
			case ChunkFrame: // a frame decoded by apply (a fragment without a cluster start)
				if err := fr.keep(c.Fragment, c.Frame, &size); err != nil {
					return fr.fail(c.Fragment, err)
				}
			case ChunkFragmentEnd:
				f := c.Fragment
				if fr.reuse {
					fr.frames = f.Frames[:0]
				}
				if f.Err != nil {
					return f, f.Err
				}
				return f, nil
			}
		}
		if fr.err != nil {
			return fr.fail(fr.cur, fr.err)
		}
		if fr.cur != nil && fr.started && !fr.held {
			// The fast path: frames go straight into the fragment.
			ev, err := fr.r.Next()
			if err == nil && ev.Kind == mkv.KindFrame {
				if err := fr.keep(fr.cur, fr.frame(ev.Frame), &size); err != nil {
					return fr.fail(fr.cur, err)
				}
				continue
			}
			fr.unread(ev, err)
			continue
		}
		fr.step()
	}
}

// unread handles an event (or error) the fast path of Next read but does not take.
func (fr *FragmentReader) unread(ev mkv.Event, err error) {
	if err != nil {
		if err == io.EOF {
			fr.cur.endedAtEOF = true
			fr.endDocument()
			return
		}
		fr.err = err
		return
	}
	if err := fr.apply(ev); err != nil {
		fr.err = err
	}
}

// keep adds a frame to a fragment read by Next, within the reader's bounds: copying its data,
// or, with reuse, as it lies in the mkv.Reader's kept buffers.
func (fr *FragmentReader) keep(f *Fragment, frame Frame, size *int64) error {
	*size += int64(len(frame.Data)) + FrameOverhead
	switch {
	case *size > fr.maxSize:
		return &mkv.SyntaxError{Offset: fr.r.Offset(), Err: fmt.Errorf("%w: fragment %q holds more than %d bytes of frames", mkv.ErrTooLarge, f.FragmentNumber, fr.maxSize)}
	case len(f.Frames) >= fr.maxN:
		return &mkv.SyntaxError{Offset: fr.r.Offset(), Err: fmt.Errorf("%w: fragment %q holds more than %d frames", mkv.ErrTooLarge, f.FragmentNumber, fr.maxN)}
	case fr.reuse && fr.r.KeptBytes() > fr.maxSize:
		// Small frames far apart in the input (between large elements skipped) would hold
		// buffers out of proportion to the frames' bytes.
		return &mkv.SyntaxError{Offset: fr.r.Offset(), Err: fmt.Errorf("%w: fragment %q holds more than %d bytes of input buffers", mkv.ErrTooLarge, f.FragmentNumber, fr.maxSize)}
	}
	if fr.reuse {
		frame.Data = frame.Data[:len(frame.Data):len(frame.Data)] // an append must not write over the next frame
	} else {
		frame.Data = fr.arena.copy(frame.Data)
	}
	if len(f.Frames) == cap(f.Frames) {
		// Double, where append grows large slices by a quarter and so allocates five times
		// their final size on the way.
		grown := make([]Frame, len(f.Frames), max(64, 2*cap(f.Frames)))
		copy(grown, f.Frames)
		f.Frames = grown
	}
	f.Frames = append(f.Frames, frame)
	return nil
}

// fail makes err sticky and returns the fragment read so far with it, once.
func (fr *FragmentReader) fail(f *Fragment, err error) (*Fragment, error) {
	fr.err = err
	fr.cur, fr.pending = nil, fr.pending[:0]
	if f != nil && f.Err != nil && f.Err.FragmentNumber == "" {
		f.Err.FragmentNumber = f.FragmentNumber
	}
	return f, err
}

// arena hands out copies of frame data from blocks that grow with the fragment, so that the
// memory held is the data plus at most one partly used block, never a doubled buffer.
type arena struct {
	block []byte // the block being filled
	next  int    // size of the next block
}

const (
	arenaFirstBlock = 64 << 10
	arenaMaxBlock   = 4 << 20
)

func (a *arena) copy(b []byte) []byte {
	if len(b) > cap(a.block)-len(a.block) {
		if a.next == 0 {
			a.next = arenaFirstBlock
		}
		if len(b) > a.next/4 {
			// A big frame gets its own allocation of exactly its size.
			return append([]byte(nil), b...)[:len(b):len(b)]
		}
		a.block = make([]byte, 0, a.next)
		a.next = min(2*a.next, arenaMaxBlock)
	}
	n := len(a.block)
	a.block = append(a.block, b...)
	return a.block[n : n+len(b) : n+len(b)]
}
