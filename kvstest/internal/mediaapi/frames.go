// The frames of stored fragments, read on demand: once a fragment is stored, the server keeps
// only its metadata and what the serving code computes from its frames (Stats), and
// reads the frames from the store, one fragment at a time, whenever a response carries them. So
// the memory a stream takes does not grow with the media it keeps. The fragment being received
// keeps its frames in memory until it is complete.

package mediaapi

import (
	"fmt"
	"iter"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
)

// Stats is what the serving code needs of a stored fragment's frames without reading
// them: their time span, per track and overall, and their size as SimpleBlocks.
type Stats struct {
	Frames      int
	First, Last int64        // timecodes over every frame
	Tracks      []TrackStats // by index in the fragment's Tracks
	BlockBytes  int64        // the frames as SimpleBlocks in a document (DocumentSize)
}

// TrackStats is the span of one track's frames in a fragment.
type TrackStats struct {
	Frames      int
	First, Last int64
}

// add counts frame fr of fragment f.
func (st *Stats) add(f *Fragment, fr Frame) {
	if st.Frames == 0 {
		st.First, st.Last, st.Tracks = fr.Timecode, fr.Timecode, make([]TrackStats, len(f.Tracks))
	}
	st.Frames++
	st.First, st.Last = min(st.First, fr.Timecode), max(st.Last, fr.Timecode)
	for i, t := range f.Tracks {
		if t.Number != fr.Track {
			continue
		}
		ts := &st.Tracks[i]
		if ts.Frames == 0 {
			ts.First, ts.Last = fr.Timecode, fr.Timecode
		}
		ts.Frames++
		ts.First, ts.Last = min(ts.First, fr.Timecode), max(ts.Last, fr.Timecode)
	}
	body := int64(len(fr.Data)) + 4 // track number, relative timecode, flags
	st.BlockBytes += 1 + vintLength(body) + body
}

// Track returns the stats of the i-th track of the fragment.
func (st *Stats) Track(i int) TrackStats {
	if i < len(st.Tracks) {
		return st.Tracks[i]
	}
	return TrackStats{}
}

// storeFragment keeps complete fragment f of st in the store: its stats are computed, and once
// release drops its frames, they are read from the store.
func (s *Service) storeFragment(st *Stream, f *Fragment) error {
	f.Stats = Stats{}
	for _, fr := range f.Frames {
		f.Stats.add(f, fr)
	}
	f.store, f.key = s.cfg.Store, st.ARN
	kept := f.Fragment // the store may keep kept.Frames; f drops its own in release
	return s.cfg.Store.Put(st.ARN, &kept)
}

// RestoreFragment makes a fragment of st found in the store at startup, reading its frames once
// for their stats (and their checksum) without keeping them.
func (s *Service) RestoreFragment(st *Stream, index store.Fragment) (*Fragment, error) {
	f := &Fragment{Fragment: index, complete: true, released: true, store: s.cfg.Store, key: st.ARN}
	for fr, err := range f.AllFrames() {
		if err != nil {
			return nil, err
		}
		f.Stats.add(f, fr)
	}
	return f, nil
}

// persist keeps a complete fragment of st in the store; with a data directory it returns once the
// fragment is on disk. A failure is logged and becomes the ARCHIVAL_ERROR acknowledgement.
func (s *Service) persist(st *Stream, f *Fragment) media.AckErrorID {
	if err := s.storeFragment(st, f); err != nil {
		s.logf("kvstest: PutMedia: fragment %s of stream %s not stored: %v", f.Number, st.Name, err)
		return media.AckErrArchivalError
	}
	return 0
}

// release drops the frames of a stored fragment from memory: from now on AllFrames reads them from
// the store. Call with the stream's media lock held, when the fragment becomes complete.
func (f *Fragment) release() {
	f.Frames, f.released = nil, true
}

// stored reports whether the fragment's frames are read from the store. Call with the stream's
// media lock held while the fragment may still be live.
func (f *Fragment) stored() bool { return f.released }

// AllFrames yields the frames of a complete fragment: from the store once it is stored, else (a
// fragment of a stream that keeps no data) from memory.
func (f *Fragment) AllFrames() iter.Seq2[Frame, error] {
	if !f.released {
		return func(yield func(Frame, error) bool) {
			for _, fr := range f.Frames {
				if !yield(fr, nil) {
					return
				}
			}
		}
	}
	return f.store.Frames(f.key, f.Number)
}

// LoadFrames reads all the frames of a complete fragment, for the packagers that need a whole
// fragment at once (one fragment at a time).
func (f *Fragment) LoadFrames() ([]Frame, error) {
	out := make([]Frame, 0, f.Stats.Frames)
	for fr, err := range f.AllFrames() {
		if err != nil {
			return nil, err
		}
		out = append(out, fr)
	}
	return out, nil
}

// ReadError logs that reading the frames of fragment f failed and returns the service error
// that answers the call.
func (s *Service) ReadError(op string, f *Fragment, err error) *apierr.Error {
	s.logf("kvstest: %s: reading fragment %s of stream %s from the store: %v", op, f.Number, f.key, err)
	return apierr.Internal(fmt.Errorf("fragment %s could not be read from the store: %w", f.Number, err))
}

// vintLength is the length of the EBML size of an element of n bytes.
func vintLength(n int64) int64 {
	l := int64(1)
	for n >= 1<<(7*l)-1 && l < 8 {
		l++
	}
	return l
}

// writePiece is how many bytes of a stored fragment's document are gathered before they are
// written, so that a large fragment is never held whole.
const writePiece = 1 << 20

// internalErrorCode is the in-band error of a document the service cannot produce.
const internalErrorCode = 5000

// WriteStored writes the rest of the document of stored fragment f to out: buf (what of it is
// not written yet), then its frames after the first skip, read from the store a piece at a time,
// then end(buf) when end is not nil. fresh says that nothing of the document was written yet.
// When reading fails, the error is logged and the response carries it: as an in-band error
// document when nothing of f's document went out, else by dropping the connection (a document
// cut short must not look complete). It returns the buffer for reuse and whether the response
// goes on (after an in-band error, it does).
func (s *Service) WriteStored(op string, out *Writer, f *Fragment, buf []byte, skip int, fresh bool,
	tags DocumentTags, end func([]byte) []byte) ([]byte, bool) {
	i := 0
	for fr, err := range f.AllFrames() {
		if err != nil {
			s.ReadError(op, f, err)
			if fresh {
				out.Send(AppendErrorDocument(buf[:0], tags, f.Number, internalErrorCode, "Internal error"))
			} else {
				out.Abort()
			}
			return buf[:0], !out.cut
		}
		if i++; i <= skip {
			continue
		}
		buf = appendFrame(buf, f, fr)
		if len(buf) >= writePiece {
			out.Send(buf)
			buf, fresh = buf[:0], false
		}
	}
	if end != nil {
		buf = end(buf)
	}
	out.Send(buf)
	return buf[:0], !out.cut
}
