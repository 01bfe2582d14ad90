// Where the server keeps what it stores: in memory (the default), or in a data directory
// (WithDataDir) that survives a restart and a crash. The store itself is kvstest/internal/store;
// this file opens it, restores the state and media from it, and saves into it.

package kvstest

import (
	"fmt"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/store"
)

// WithDataDir keeps the server's streams, signaling channels and stored media in the directory
// dir (created if needed), so that a server started again on it, after Close or after the
// process was killed, finds them as they were. A PERSISTED acknowledgement is sent only once the
// fragment is on disk: its frames fsynced, then its index entry committed. A fragment the crash
// cut off is never served. Only one process may use a directory at a time. Stored frames are
// read from the directory when they are served, not kept in memory. Without this option
// everything is kept in memory and lost with the server.
//
// The directory holds a bbolt database (the control-plane state and the fragment indexes) and
// per-stream append-only segment files of frames. Signaling connections, HLS/DASH sessions and
// injected faults are not kept.
func WithDataDir(dir string) Option {
	return func(o *options) { o.dataDir = dir }
}

// durability is the server's store and what runs over it.
type durability struct {
	store    store.MediaStore
	disk     bool
	stop     chan struct{}
	loopDone chan struct{}
}

// openStore opens the store the options ask for and, for a data directory, restores the state
// and media kept in it; then it starts the retention sweep.
func (s *Server) openStore() error {
	d := &s.dur
	if s.opts.dataDir == "" {
		d.store = store.NewMemory()
	} else {
		ds, err := store.OpenDisk(s.opts.dataDir, store.DiskOptions{Logf: s.logStore})
		if err != nil {
			return err
		}
		d.store, d.disk = ds, true
	}
	s.media = s.newMedia()
	s.archive = s.newArchive()
	if d.disk {
		if err := s.restore(); err != nil {
			_ = d.store.Close()
			return fmt.Errorf("restoring from %s: %w", s.opts.dataDir, err)
		}
	}
	d.stop, d.loopDone = make(chan struct{}), make(chan struct{})
	go s.media.RunRetention(d.stop, d.loopDone)
	return nil
}

// closeStore stops the retention sweep and closes the store.
func (s *Server) closeStore() {
	d := &s.dur
	if d.store == nil {
		return
	}
	close(d.stop)
	<-d.loopDone
	if err := d.store.Close(); err != nil {
		s.logStore("kvstest: closing the data directory: %v", err)
	}
}

func (s *Server) logStore(format string, args ...any) {
	if s.opts.logf != nil {
		s.opts.logf(format, args...)
	}
}

// restore reads the saved state, then each stream's fragment index (not their frames: restart
// time does not grow with the media kept), and makes new fragment numbers count from above every
// stored number.
func (s *Server) restore() error {
	st := s.dur.store
	data, err := st.State()
	if err != nil {
		return err
	}
	if data != nil {
		if err := s.state.Restore(data); err != nil {
			return err
		}
	}
	numbers := s.media.Numbers()
	for _, stream := range s.state.Streams.ByName {
		index, err := st.Index(stream.ARN)
		if err != nil {
			return err
		}
		m := stream.Media
		for _, f := range index {
			m.Restored(s.media.RestoreFragment(stream, f))
			numbers.Restored(f.Number)
		}
	}
	numbers.Resume()
	return nil
}

// saveState saves the control-plane state after an operation changed it. Call with s.mu held.
func (s *Server) saveState(op string) *apierr.Error {
	if !s.dur.disk {
		return nil
	}
	data, err := s.state.Encode()
	if err == nil {
		err = s.dur.store.SaveState(data)
	}
	if err != nil {
		s.logStore("kvstest: %s: the state was changed but not saved: %v", op, err)
		return apierr.Internal(fmt.Errorf("the state could not be saved: %w", err))
	}
	return nil
}
