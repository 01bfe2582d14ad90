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
	// tags (continuation token, millis behind now) and any in-band error (Fragment.Err).
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
		maxSize: o.Limits.MaxElementSize, maxN: o.MaxFragmentFrames, maxTags: o.Limits.MaxTags}
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

// ReadChunk returns the next chunk. At the end of the input it returns io.EOF; malformed input
// gives an *mkv.SyntaxError. Errors are sticky.
func (fr *FragmentReader) ReadChunk() (Chunk, error) {
	for len(fr.pending) == 0 {
		if fr.err != nil {
			return Chunk{}, fr.err
		}
		ev, err := fr.r.Next()
		if err != nil {
			if err == io.EOF && fr.cur != nil {
				fr.endDocument() // the input ended a document without an end event
				continue
			}
			fr.err = err
			continue
		}
		if err := fr.apply(ev); err != nil {
			fr.err = err
		}
	}
	c := fr.pending[0]
	if len(fr.pending) == 1 {
		fr.pending = fr.pending[:0] // keep the array: a chunk per frame allocates nothing
	} else {
		fr.pending = fr.pending[1:]
	}
	return c, nil
}

// apply turns one MKV event into chunks.
func (fr *FragmentReader) apply(ev mkv.Event) error {
	if fr.cur == nil && ev.Kind != mkv.KindDocumentStart && ev.Kind != mkv.KindDocumentEnd {
		fr.begin() // a stream that starts without an EBML header
	}
	switch ev.Kind {
	case mkv.KindDocumentStart:
		if fr.cur != nil {
			fr.endDocument()
		}
		fr.begin()
	case mkv.KindInfo:
		fr.cur.TimecodeScale = fr.r.TimecodeScale()
	case mkv.KindTracks:
		fr.cur.Tracks = ev.Tracks
	case mkv.KindTags:
		for _, tag := range ev.Tags {
			for _, st := range tag.SimpleTags {
				fr.cur.applyTag(st)
			}
		}
		if len(fr.cur.Tags) > fr.maxTags {
			return &mkv.SyntaxError{Offset: ev.Offset, Err: fmt.Errorf("%w: more than %d producer tags in fragment %q", mkv.ErrTooLarge, fr.maxTags, fr.cur.Number)}
		}
	case mkv.KindClusterStart:
		if !fr.started {
			fr.cur.Timecode = ev.Cluster.Timecode
			fr.started = true
			fr.pending = append(fr.pending, Chunk{Kind: ChunkFragmentStart, Fragment: fr.cur})
		}
	case mkv.KindFrame:
		f := ev.Frame
		fr.pending = append(fr.pending, Chunk{Kind: ChunkFrame, Fragment: fr.cur, Frame: Frame{
			Track: f.Track, Time: fr.cur.frameTime(f.Timecode), Timestamp: mkv.Timestamp(f.Timecode, fr.cur.TimecodeScale),
			Keyframe: f.Keyframe, Data: f.Data,
		}})
	case mkv.KindDocumentEnd:
		if fr.cur != nil {
			fr.endDocument()
		}
	}
	return nil
}

func (fr *FragmentReader) begin() {
	fr.cur = &Fragment{Timecode: -1, TimecodeScale: mkv.DefaultTimecodeScale}
	fr.started = false
}

// endDocument completes the current fragment: a document without a cluster still yields a
// start (for its metadata) and an end.
func (fr *FragmentReader) endDocument() {
	if e := fr.cur.Err; e != nil && e.FragmentNumber == "" {
		e.FragmentNumber = fr.cur.Number
	}
	if !fr.started {
		fr.pending = append(fr.pending, Chunk{Kind: ChunkFragmentStart, Fragment: fr.cur})
	}
	fr.pending = append(fr.pending, Chunk{Kind: ChunkFragmentEnd, Fragment: fr.cur})
	fr.cur, fr.started = nil, false
}

// Next reads a whole fragment, with its frames' data copied so that it belongs to the caller.
// When the service reported an in-band error in the fragment's document, Next returns the
// fragment and its *StreamError; reading may go on after it. At the end of the input it returns
// io.EOF. A fragment above the reader's bounds (MaxElementSize bytes counting FrameOverhead per
// frame, or MaxFragmentFrames frames) ends reading with an *mkv.SyntaxError wrapping
// mkv.ErrTooLarge; memory stays proportional to the bytes read.
func (fr *FragmentReader) Next() (*Fragment, error) {
	var a arena
	var size int64
	for {
		c, err := fr.ReadChunk()
		if err != nil {
			return nil, err
		}
		switch c.Kind {
		case ChunkFrame:
			size += int64(len(c.Frame.Data)) + FrameOverhead
			switch {
			case size > fr.maxSize:
				fr.err = &mkv.SyntaxError{Offset: fr.r.Offset(), Err: fmt.Errorf("%w: fragment %q holds more than %d bytes of frames", mkv.ErrTooLarge, c.Fragment.Number, fr.maxSize)}
				return nil, fr.err
			case len(c.Fragment.Frames) >= fr.maxN:
				fr.err = &mkv.SyntaxError{Offset: fr.r.Offset(), Err: fmt.Errorf("%w: fragment %q holds more than %d frames", mkv.ErrTooLarge, c.Fragment.Number, fr.maxN)}
				return nil, fr.err
			}
			c.Frame.Data = a.copy(c.Frame.Data)
			if frames := c.Fragment.Frames; len(frames) == cap(frames) {
				// Double, where append grows large slices by a quarter and so allocates five
				// times their final size on the way.
				c.Fragment.Frames = make([]Frame, len(frames), max(64, 2*cap(frames)))
				copy(c.Fragment.Frames, frames)
			}
			c.Fragment.Frames = append(c.Fragment.Frames, c.Frame)
		case ChunkFragmentEnd:
			if c.Fragment.Err != nil {
				return c.Fragment, c.Fragment.Err
			}
			return c.Fragment, nil
		}
	}
}

// arena hands out copies of frame data from blocks that grow with the fragment, so that the
// memory held is the data plus at most one partly used block, never a doubled buffer.
type arena struct {
	block []byte
	next  int // size of the next block
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
		if len(b) > a.next/4 && len(b) > cap(a.block)-len(a.block) {
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
