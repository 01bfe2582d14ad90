// The frames of stored fragments, read on demand: once a fragment is stored, the server keeps
// only its metadata and the figures of its frames (store.Stats, computed by the store), and
// reads the frames from the store, one fragment at a time, whenever a response carries them. So
// the memory a stream takes does not grow with the media it keeps. The fragment being received
// keeps its frames in memory until it is complete.

package kvstest

import (
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/store"
)

// storeFragment keeps complete fragment f of st in the store, which sets its Stats; once release
// drops its frames, they are read from the store.
func (s *Server) storeFragment(st *stream, f *storedFragment) error {
	f.store, f.key = s.dur.store, st.ARN
	kept := f.Fragment // the store may keep kept.Frames; f drops its own in release
	err := s.dur.store.Put(st.ARN, &kept)
	f.Stats = kept.Stats
	return err
}

// restoreFragment makes a fragment of st found in the store at startup from its index entry
// alone: its frames are not read until they are served, so a fragment damaged on disk is found
// then (readError).
func (s *Server) restoreFragment(st *stream, index store.Fragment) *storedFragment {
	return &storedFragment{Fragment: index, complete: true, released: true, store: s.dur.store, key: st.ARN}
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
	out := make([]storedFrame, 0, f.Stats.Frames)
	for fr, err := range f.frames() {
		if err != nil {
			return nil, err
		}
		out = append(out, fr)
	}
	return out, nil
}

// readError logs that reading the frames of fragment f failed and returns the service error
// that answers the call: for a fragment the retention sweep removed while the call read it
// (removedByRetention), the service's ResourceNotFoundException for an expired fragment, else an
// internal failure.
func (s *Server) readError(op string, f *storedFragment, err error) *apierr.Error {
	if removedByRetention(err) {
		s.logStore("kvstest: %s: fragment %s of stream %s expired (retention removed it) while it was read", op, f.Number, f.key)
		return apierr.New(http.StatusNotFound, "ResourceNotFoundException", "The fragment %s is no longer kept: it is older than the stream's retention.", f.Number)
	}
	s.logStore("kvstest: %s: reading fragment %s of stream %s from the store: %v", op, f.Number, f.key, err)
	return apierr.Internal(fmt.Errorf("fragment %s could not be read from the store: %w", f.Number, err))
}

// removedByRetention reports whether err is the store's answer for a fragment it no longer has:
// the only way a fragment the server listed goes from the store is the retention sweep (or the
// stream's deletion).
func removedByRetention(err error) bool { return errors.Is(err, store.ErrNotFound) }

// sessionFrames reads the frames of fragment f for a media segment of an HLS or DASH session,
// or answers the request with the error.
func (s *Server) sessionFrames(v *sessionView, f *storedFragment) ([]storedFrame, bool) {
	frames, err := f.loadFrames()
	if err != nil {
		v.c.fail(s.readError(v.c.op, f, err))
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
// cut short must not look complete). A fragment retention removed before any of its document
// went out is expired, not an error of the service: GetMedia, which streams from a start
// selector, goes on without it, as it would had the fragment expired before the read reached it;
// GetMediaForFragmentList, which named it, gets the documented 4000 (Requested fragment is not
// found), as for a fragment not kept. It returns the buffer for reuse and whether the response
// goes on (after an in-band error, it does).
func (s *Server) writeStored(op string, out *mediaWriter, f *storedFragment, buf []byte, skip int, fresh bool,
	tags documentTags, end func([]byte) []byte) ([]byte, bool) {
	i := 0
	for fr, err := range f.frames() {
		if err != nil {
			s.readError(op, f, err)
			if fresh && removedByRetention(err) {
				if op != "GetMedia" {
					out.write(appendErrorDocument(buf[:0], tags, f.Number, fragmentNotFound, "Requested fragment is not found"))
				}
				return buf[:0], !out.cut
			}
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
