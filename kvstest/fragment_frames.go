// The frames of stored fragments, read on demand: once a fragment is stored, the server keeps
// only its metadata and what the serving code computes from its frames (fragmentStats), and
// reads the frames from the store, one fragment at a time, whenever a response carries them. So
// the memory a stream takes does not grow with the media it keeps. The fragment being received
// keeps its frames in memory until it is complete.

package kvstest

import (
	"fmt"
	"iter"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/store"
)

// fragmentStats is what the serving code needs of a stored fragment's frames without reading
// them: their time span, per track and overall, and their size as SimpleBlocks.
type fragmentStats struct {
	frames      int
	first, last int64        // timecodes over every frame
	tracks      []trackStats // by index in the fragment's Tracks
	blockBytes  int64        // the frames as SimpleBlocks in a document (documentSize)
}

// trackStats is the span of one track's frames in a fragment.
type trackStats struct {
	frames      int
	first, last int64
}

// add counts frame fr of fragment f.
func (st *fragmentStats) add(f *storedFragment, fr storedFrame) {
	if st.frames == 0 {
		st.first, st.last, st.tracks = fr.Timecode, fr.Timecode, make([]trackStats, len(f.Tracks))
	}
	st.frames++
	st.first, st.last = min(st.first, fr.Timecode), max(st.last, fr.Timecode)
	for i, t := range f.Tracks {
		if t.Number != fr.Track {
			continue
		}
		ts := &st.tracks[i]
		if ts.frames == 0 {
			ts.first, ts.last = fr.Timecode, fr.Timecode
		}
		ts.frames++
		ts.first, ts.last = min(ts.first, fr.Timecode), max(ts.last, fr.Timecode)
	}
	body := int64(len(fr.Data)) + 4 // track number, relative timecode, flags
	st.blockBytes += 1 + vintLength(body) + body
}

// track returns the stats of the i-th track of the fragment.
func (st *fragmentStats) track(i int) trackStats {
	if i < len(st.tracks) {
		return st.tracks[i]
	}
	return trackStats{}
}

// storeFragment keeps complete fragment f of st in the store: its stats are computed, and once
// release drops its frames, they are read from the store.
func (s *Server) storeFragment(st *stream, f *storedFragment) error {
	f.stats = fragmentStats{}
	for _, fr := range f.Frames {
		f.stats.add(f, fr)
	}
	f.store, f.key = s.dur.store, st.ARN
	kept := f.Fragment // the store may keep kept.Frames; f drops its own in release
	return s.dur.store.Put(st.ARN, &kept)
}

// restoreFragment makes a fragment of st found in the store at startup, reading its frames once
// for their stats (and their checksum) without keeping them.
func (s *Server) restoreFragment(st *stream, index store.Fragment) (*storedFragment, error) {
	f := &storedFragment{Fragment: index, complete: true, released: true, store: s.dur.store, key: st.ARN}
	for fr, err := range f.frames() {
		if err != nil {
			return nil, err
		}
		f.stats.add(f, fr)
	}
	return f, nil
}

// release drops the frames of a stored fragment from memory: from now on frames reads them from
// the store. Call with the stream's media lock held, when the fragment becomes complete.
func (f *storedFragment) release() {
	f.Frames, f.released = nil, true
}

// stored reports whether the fragment's frames are read from the store. Call with the stream's
// media lock held while the fragment may still be live.
func (f *storedFragment) stored() bool { return f.released }

// frames yields the frames of a complete fragment: from the store once it is stored, else (a
// fragment of a stream that keeps no data) from memory.
func (f *storedFragment) frames() iter.Seq2[storedFrame, error] {
	if !f.released {
		return func(yield func(storedFrame, error) bool) {
			for _, fr := range f.Frames {
				if !yield(fr, nil) {
					return
				}
			}
		}
	}
	return f.store.Frames(f.key, f.Number)
}

// loadFrames reads all the frames of a complete fragment, for the packagers that need a whole
// fragment at once (one fragment at a time).
func (f *storedFragment) loadFrames() ([]storedFrame, error) {
	out := make([]storedFrame, 0, f.stats.frames)
	for fr, err := range f.frames() {
		if err != nil {
			return nil, err
		}
		out = append(out, fr)
	}
	return out, nil
}

// readError logs that reading the frames of fragment f failed and returns the service error
// that answers the call.
func (s *Server) readError(op string, f *storedFragment, err error) *apierr.Error {
	s.logStore("kvstest: %s: reading fragment %s of stream %s from the store: %v", op, f.Number, f.key, err)
	return apierr.Internal(fmt.Errorf("fragment %s could not be read from the store: %w", f.Number, err))
}

// sessionFrames reads the frames of fragment f for a media segment of an HLS or DASH session,
// or answers the request with the error.
func (s *Server) sessionFrames(v *sessionView, f *storedFragment) ([]storedFrame, bool) {
	frames, err := f.loadFrames()
	if err != nil {
		v.c.Fail(s.readError(v.c.Op, f, err))
		return nil, false
	}
	return frames, true
}

// writePiece is how many bytes of a stored fragment's document are gathered before they are
// written, so that a large fragment is never held whole.
const writePiece = 1 << 20

// internalErrorCode is the in-band error of a document the service cannot produce.
const internalErrorCode = 5000

// writeStored writes the rest of the document of stored fragment f to out: buf (what of it is
// not written yet), then its frames after the first skip, read from the store a piece at a time,
// then end(buf) when end is not nil. fresh says that nothing of the document was written yet.
// When reading fails, the error is logged and the response carries it: as an in-band error
// document when nothing of f's document went out, else by dropping the connection (a document
// cut short must not look complete). It returns the buffer for reuse and whether the response
// goes on (after an in-band error, it does).
func (s *Server) writeStored(op string, out *mediaWriter, f *storedFragment, buf []byte, skip int, fresh bool,
	tags documentTags, end func([]byte) []byte) ([]byte, bool) {
	i := 0
	for fr, err := range f.frames() {
		if err != nil {
			s.readError(op, f, err)
			if fresh {
				out.write(appendErrorDocument(buf[:0], tags, f.Number, internalErrorCode, "Internal error"))
			} else {
				out.abort()
			}
			return buf[:0], !out.cut
		}
		if i++; i <= skip {
			continue
		}
		buf = appendFrame(buf, f, fr)
		if len(buf) >= writePiece {
			out.write(buf)
			buf, fresh = buf[:0], false
		}
	}
	if end != nil {
		buf = end(buf)
	}
	out.write(buf)
	return buf[:0], !out.cut
}
