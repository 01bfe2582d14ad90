// The frames of stored fragments, read on demand: once a fragment is stored, the server keeps
// only its metadata and the figures of its frames (store.Stats, computed by the store), and
// reads the frames from the store, one fragment at a time, whenever a response carries them. So
// the memory a stream takes does not grow with the media it keeps. The fragment being received
// keeps its frames in memory until it is complete.

package mediaapi

import (
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
)

// storeFragment keeps complete fragment f of st in the store, which sets its Stats; once release
// drops its frames, they are read from the store.
func (s *Service) storeFragment(st *Stream, f *Fragment) error {
	f.store, f.key = s.cfg.Store, st.ARN
	kept := f.Fragment // the store may keep kept.Frames; f drops its own in release
	err := s.cfg.Store.Put(st.ARN, &kept)
	f.Stats = kept.Stats
	return err
}

// RestoreFragment makes a fragment of st found in the store at startup from its index entry
// alone: its frames are not read until they are served, so a fragment damaged on disk is found
// then (ReadError).
func (s *Service) RestoreFragment(st *Stream, index store.Fragment) *Fragment {
	return &Fragment{Fragment: index, complete: true, released: true, store: s.cfg.Store, key: st.ARN}
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
// that answers the call: for a fragment the retention sweep removed while the call read it
// (removedByRetention), the service's ResourceNotFoundException for an expired fragment, else an
// internal failure.
func (s *Service) ReadError(op string, f *Fragment, err error) *apierr.Error {
	if removedByRetention(err) {
		s.logf("kvstest: %s: fragment %s of stream %s expired (retention removed it) while it was read", op, f.Number, f.key)
		return apierr.New(http.StatusNotFound, "ResourceNotFoundException", "The fragment %s is no longer kept: it is older than the stream's retention.", f.Number)
	}
	s.logf("kvstest: %s: reading fragment %s of stream %s from the store: %v", op, f.Number, f.key, err)
	return apierr.Internal(fmt.Errorf("fragment %s could not be read from the store: %w", f.Number, err))
}

// removedByRetention reports whether err is the store's answer for a fragment it no longer has:
// the only way a fragment the server listed goes from the store is the retention sweep (or the
// stream's deletion).
func removedByRetention(err error) bool { return errors.Is(err, store.ErrNotFound) }

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
// cut short must not look complete). A fragment retention removed before any of its document
// went out is expired, not an error of the service: GetMedia, which streams from a start
// selector, goes on without it, as it would had the fragment expired before the read reached it;
// GetMediaForFragmentList, which named it, gets the documented 4000 (Requested fragment is not
// found), as for a fragment not kept. It returns the buffer for reuse and whether the response
// goes on (after an in-band error, it does).
func (s *Service) WriteStored(op string, out *Writer, f *Fragment, buf []byte, skip int, fresh bool,
	tags DocumentTags, end func([]byte) []byte) ([]byte, bool) {
	i := 0
	for fr, err := range f.AllFrames() {
		if err != nil {
			s.ReadError(op, f, err)
			if fresh && removedByRetention(err) {
				if op != "GetMedia" {
					out.Send(AppendErrorDocument(buf[:0], tags, f.Number, FragmentNotFound, "Requested fragment is not found"))
				}
				return buf[:0], !out.cut
			}
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
