package media

import (
	"io"

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
	started bool       // ChunkFragmentStart was returned for cur
	pending []Chunk    // chunks decided but not yet returned
	err     error      // sticky
	limits  mkv.Limits // for the arena bound in Next
}

// FragmentReaderOptions configure a FragmentReader.
type FragmentReaderOptions struct {
	// Limits bound what the reader accepts; zero fields take the mkv defaults.
	Limits mkv.Limits
}

// NewFragmentReader returns a reader of the fragments in r, with the default options changed by
// optFns (the style of mkv.NewReader and of the clients' constructors).
func NewFragmentReader(r io.Reader, optFns ...func(*FragmentReaderOptions)) *FragmentReader {
	var o FragmentReaderOptions
	for _, fn := range optFns {
		fn(&o)
	}
	return &FragmentReader{r: mkv.NewReader(r, func(ro *mkv.ReaderOptions) { ro.Limits = o.Limits }), limits: o.Limits}
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
		fr.apply(ev)
	}
	c := fr.pending[0]
	fr.pending = fr.pending[1:]
	return c, nil
}

// apply turns one MKV event into chunks.
func (fr *FragmentReader) apply(ev mkv.Event) {
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
// io.EOF.
func (fr *FragmentReader) Next() (*Fragment, error) {
	var arena []byte
	var ends []int
	maxArena := fr.limits.MaxElementSize
	if maxArena <= 0 {
		maxArena = mkv.DefaultMaxElementSize
	}
	for {
		c, err := fr.ReadChunk()
		if err != nil {
			return nil, err
		}
		switch c.Kind {
		case ChunkFrame:
			if int64(len(arena)+len(c.Frame.Data)) > maxArena {
				fr.err = &mkv.SyntaxError{Offset: fr.r.Offset(), Err: mkv.ErrTooLarge}
				return nil, fr.err
			}
			arena = append(arena, c.Frame.Data...)
			ends = append(ends, len(arena))
			c.Frame.Data = nil
			c.Fragment.Frames = append(c.Fragment.Frames, c.Frame)
		case ChunkFragmentEnd:
			start := 0
			for i, end := range ends {
				c.Fragment.Frames[i].Data = arena[start:end:end]
				start = end
			}
			if c.Fragment.Err != nil {
				return c.Fragment, c.Fragment.Err
			}
			return c.Fragment, nil
		}
	}
}
