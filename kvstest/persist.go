// Where the server keeps what it stores: in memory (the default), or in a data directory
// (WithDataDir) that survives a restart and a crash. The store itself is kvstest/internal/store;
// this file opens it, restores the state and media from it, and saves into it.

package kvstest

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
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

// fragmentNumberGap is how far the fragment counter jumps past the highest stored number when a
// server restarts on a data directory, to stay above the numbers of fragments that were
// received but not yet stored when it stopped.
const fragmentNumberGap = 1 << 20

// durability is the server's store and what runs over it.
type durability struct {
	store    store.MediaStore
	disk     bool
	floorMu  sync.Mutex
	floorMs  int64 // fragment numbers never use an earlier time than this
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
		opts := store.DiskOptions{Logf: s.logStore}
		if s.opts.diskHook != nil {
			s.opts.diskHook(&opts)
		}
		ds, err := store.OpenDisk(s.opts.dataDir, opts)
		if err != nil {
			return err
		}
		d.store, d.disk = ds, true
		if err := s.restore(); err != nil {
			_ = ds.Close()
			return fmt.Errorf("restoring from %s: %w", s.opts.dataDir, err)
		}
	}
	d.stop, d.loopDone = make(chan struct{}), make(chan struct{})
	go s.retentionLoop(d.stop, d.loopDone)
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
// time does not grow with the media kept), and sets the fragment counter above every stored
// number.
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
	var counter uint64
	for _, stream := range s.state.Streams.ByName {
		index, err := st.Index(stream.ARN)
		if err != nil {
			return err
		}
		m := stream.Media
		for _, f := range index {
			m.fragments = append(m.fragments, s.restoreFragment(stream, f))
			ms, n, ok := parseFragmentNumber(f.Number)
			if ok {
				s.dur.floorMs = max(s.dur.floorMs, ms)
				counter = max(counter, n)
			}
		}
	}
	if counter > 0 {
		s.raiseFragmentCounter(counter + fragmentNumberGap)
	}
	return nil
}

// parseFragmentNumber splits a number made by newFragmentNumber into its time and counter.
func parseFragmentNumber(number string) (ms int64, counter uint64, ok bool) {
	if len(number) != 47 {
		return 0, 0, false
	}
	ms, err1 := strconv.ParseInt(number[11:29], 10, 64)
	counter, err2 := strconv.ParseUint(number[29:], 10, 64)
	return ms, counter, err1 == nil && err2 == nil
}

// raiseFragmentCounter makes the next fragment numbers count from above n.
func (s *Server) raiseFragmentCounter(n uint64) {
	for {
		cur := s.fragmentCounter.Load()
		if cur >= n || s.fragmentCounter.CompareAndSwap(cur, n) {
			return
		}
	}
}

// fragmentNumber numbers a new fragment received at now: never with a time before the newest
// stored fragment's, so that numbers keep growing across a restart even if the clock went back.
func (s *Server) fragmentNumber(now time.Time) string {
	d := &s.dur
	d.floorMu.Lock()
	if ms := now.UnixMilli(); ms > d.floorMs {
		d.floorMs = ms
	}
	at := time.UnixMilli(d.floorMs)
	d.floorMu.Unlock()
	return s.newFragmentNumber(at)
}

// persist keeps a complete fragment of st in the store; with a data directory it returns once the
// fragment is on disk. A failure is logged and becomes the ARCHIVAL_ERROR acknowledgement.
func (s *Server) persist(st *stream, f *storedFragment) media.AckErrorID {
	if err := s.storeFragment(st, f); err != nil {
		s.logStore("kvstest: PutMedia: fragment %s of stream %s not stored: %v", f.Number, st.Name, err)
		return media.AckErrArchivalError
	}
	return 0
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
