// Package store keeps the media of the emulator's streams, and a snapshot of its control-plane
// state, behind one interface with two implementations: [Memory], which keeps everything in the
// process (the emulator's default), and [Disk], which keeps it in a directory so that it survives
// a restart or a crash.
//
// The disk layout: one bbolt database (go.etcd.io/bbolt) holds the control-plane snapshot and,
// per stream, the index of its fragments (their metadata and where their frames are); the frames
// themselves go to per-stream append-only segment files. bbolt is pure Go (no cgo, so kvslocal
// stays one static binary), a single file, ACID with an fsync on every commit, and takes a file
// lock so that two processes cannot open the same directory. Media bytes stay out of it: bbolt
// keeps values in its memory-mapped pages, grows its file with every large value and never
// shrinks it after deletions, while an append-only segment file is written once, read as a
// stream, and removed whole when retention has dropped every fragment in it.
//
// A fragment is durable when [MediaStore.Put] returns: its frames are fsynced in the segment
// before its index record is committed, so an index record always points at complete frames. A
// crash between the two leaves bytes past the last indexed fragment of the segment (a torn tail);
// [OpenDisk] truncates them.
package store

import (
	"errors"
	"iter"
	"time"

	"github.com/kvsgo/sdk/mkv"
)

// Fragment is one stored fragment: the producer's header and metadata, the service's numbering
// and timestamps, and its frames.
type Fragment struct {
	Number            string    // decimal, growing along the stream
	ServerTimestamp   time.Time // when the fragment's first byte arrived
	ProducerTimestamp time.Time // from the cluster timecode and the PutMedia headers
	Timecode          int64     // the cluster timecode, in TimecodeScale units
	TimecodeScale     uint64
	Info              mkv.Info
	Tracks            []mkv.TrackEntry
	Tags              []mkv.SimpleTag // the producer's fragment metadata
	Size              int64           // bytes of frame data
	Stats             Stats           // of its frames: set by MediaStore.Put, kept in the index
	Frames            []Frame         // nil in the results of MediaStore.Index
}

// Frame is one frame of a stored fragment.
type Frame struct {
	Track    uint64
	Timecode int64 // absolute, in the fragment's TimecodeScale units
	Keyframe bool
	Data     []byte
}

// MediaStore keeps the fragments of streams, identified by a key such as the stream's ARN, and
// one snapshot of the control-plane state. Its methods are safe for concurrent use.
type MediaStore interface {
	// Put stores a complete fragment of stream. When it returns nil the fragment is kept (for
	// Disk: on disk, fsynced and indexed). The store may keep f's frames: the caller must not
	// change them afterwards. Put sets f.Stats from f's frames.
	Put(stream string, f *Fragment) error
	// Index returns the metadata of stream's fragments (Frames nil, Stats set), in number order.
	Index(stream string) ([]Fragment, error)
	// Frames yields the frames of stream's fragment number, reading them as they are used. A
	// fragment the store does not have (never stored, or removed, even while it was being read)
	// yields an error that wraps ErrNotFound.
	Frames(stream, number string) iter.Seq2[Frame, error]
	// Remove forgets the named fragments of stream; numbers it does not have are ignored.
	Remove(stream string, numbers ...string) error
	// Drop forgets stream and all its fragments.
	Drop(stream string) error
	// Streams returns the keys of the streams that have fragments or had some.
	Streams() ([]string, error)
	// SaveState replaces the control-plane snapshot.
	SaveState(state []byte) error
	// State returns the last snapshot SaveState saved, or nil.
	State() ([]byte, error)
	// Close releases the store. Later calls fail with ErrClosed.
	Close() error
}

// ErrClosed is the error of a MediaStore used after Close.
var ErrClosed = errors.New("store: closed")

// ErrNotFound is wrapped by the errors of reading a fragment the store does not have: never
// stored, or removed (by retention, say) before or while it was read.
var ErrNotFound = errors.New("store: no such fragment")

// lessNumber orders decimal fragment numbers (without leading zeros) numerically.
func lessNumber(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
