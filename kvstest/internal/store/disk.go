// The disk store: a bbolt database of indexes and state, and per-stream segment files of frames.

package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultSegmentSize is the size past which a stream's segment file is closed and a new one
// started: retention frees disk space a segment at a time.
const DefaultSegmentSize = 64 << 20

// DatabaseFile is the name of the bbolt database inside the data directory.
const DatabaseFile = "kvstest.db"

var (
	bucketState   = []byte("state")
	bucketStreams = []byte("streams")
	bucketFrags   = []byte("fragments")
	keySnapshot   = []byte("snapshot")
	keyDir        = []byte("dir")
)

// DiskOptions tune a Disk store.
type DiskOptions struct {
	// SegmentSize is the size past which a segment file is closed; DefaultSegmentSize when zero.
	SegmentSize int64
	// BeforeSync, when set, runs after a fragment's frames are written and before they are
	// fsynced; an error it returns fails the Put as an I/O error would. Tests use it to make
	// writes fail.
	BeforeSync func(stream, number string) error
	// Logf, when set, reports what opening the store repaired (torn tails, missing segments)
	// or upgraded (index records of an older version).
	Logf func(format string, args ...any)
	// OnRead, when set, runs each time the frames of a fragment are read from its segment (by
	// Frames, or by OpenDisk upgrading an older index record). Tests count reads with it.
	OnRead func(stream, number string)
}

// Disk is a MediaStore in a directory: DatabaseFile, and media/<stream>/<n>.seg.
type Disk struct {
	dir  string
	db   *bolt.DB
	opts DiskOptions

	mu      sync.Mutex // guards streams and closed
	streams map[string]*diskStream
	closed  bool
}

// diskStream is the segment state of one stream.
type diskStream struct {
	mu     sync.Mutex // serializes the stream's writes
	dir    string     // the stream's directory name under media/
	seq    uint64     // the active segment
	file   *os.File   // the active segment, open for appending; nil before the first Put
	size   int64
	counts map[uint64]int // indexed fragments per segment
}

// record is a fragment's entry in the index.
type record struct {
	Fragment
	Format  int // recordFormat; 0 in records written before they carried Stats
	Segment uint64
	Offset  int64
	Length  int64
	CRC     uint32
}

// recordFormat is the version of the index records Put writes: 1 added Fragment.Stats.
const recordFormat = 1

// OpenDisk opens (creating it if needed) the store in dir. It fails if another process has it
// open. Opening repairs what a crash left: bytes past a segment's last indexed fragment are
// truncated, segments without indexed fragments removed, index entries whose bytes are missing
// dropped.
func OpenDisk(dir string, opts DiskOptions) (*Disk, error) {
	if opts.SegmentSize <= 0 {
		opts.SegmentSize = DefaultSegmentSize
	}
	if err := os.MkdirAll(filepath.Join(dir, "media"), 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, DatabaseFile), 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: the data directory %s is in use by another process", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", filepath.Join(dir, DatabaseFile), err)
	}
	d := &Disk{dir: dir, db: db, opts: opts, streams: map[string]*diskStream{}}
	if err := d.recover(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return d, nil
}

func (d *Disk) logf(format string, args ...any) {
	if d.opts.Logf != nil {
		d.opts.Logf(format, args...)
	}
}

// recover checks every stream's segments against its index.
func (d *Disk) recover() error {
	return d.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketState); err != nil {
			return err
		}
		all, err := tx.CreateBucketIfNotExists(bucketStreams)
		if err != nil {
			return err
		}
		return all.ForEachBucket(func(name []byte) error {
			return d.recoverStream(all.Bucket(name), string(name))
		})
	})
}

func (d *Disk) recoverStream(b *bolt.Bucket, stream string) error {
	ds := &diskStream{dir: string(b.Get(keyDir)), counts: map[uint64]int{}}
	if ds.dir == "" {
		ds.dir = streamDir(stream)
		if err := b.Put(keyDir, []byte(ds.dir)); err != nil {
			return err
		}
	}
	path := filepath.Join(d.dir, "media", ds.dir)
	if err := os.MkdirAll(path, 0o755); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	sizes := map[uint64]int64{}
	entries, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for _, e := range entries {
		seq, ok := segmentSeq(e.Name())
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		sizes[seq] = info.Size()
		ds.seq = max(ds.seq, seq)
	}
	frags := b.Bucket(bucketFrags)
	ends := map[uint64]int64{}
	var missing [][]byte
	var old []record // records of an older format, without Stats
	if frags != nil {
		err := frags.ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: the index entry of fragment %s of %s: %w", k, stream, err)
			}
			end := r.Offset + r.Length
			if size, ok := sizes[r.Segment]; !ok || size < end {
				missing = append(missing, slices.Clone(k))
				return nil
			}
			if r.Format < recordFormat {
				old = append(old, r)
			}
			ends[r.Segment] = max(ends[r.Segment], end)
			ds.counts[r.Segment]++
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, k := range missing {
		d.logf("store: fragment %s of %s is indexed but its bytes are missing; it is dropped", k, stream)
		if err := frags.Delete(k); err != nil {
			return err
		}
	}
	if len(old) > 0 {
		d.logf("store: %d index entries of %s predate fragment stats; reading their frames once to add them", len(old), stream)
	}
	for _, r := range old {
		if err := d.upgrade(frags, stream, ds.dir, r); err != nil {
			d.logf("store: fragment %s of %s is damaged and dropped: %v", r.Number, stream, err)
			if err := frags.Delete([]byte(r.Number)); err != nil {
				return err
			}
			ds.counts[r.Segment]--
			continue
		}
	}
	for seq, size := range sizes {
		file := filepath.Join(path, segmentName(seq))
		end, used := ends[seq]
		switch {
		case !used:
			d.logf("store: removing segment %s of %s: no fragment indexed in it", segmentName(seq), stream)
			if err := os.Remove(file); err != nil {
				return fmt.Errorf("store: %w", err)
			}
		case size > end:
			d.logf("store: truncating the torn tail of segment %s of %s: %d bytes past its last fragment", segmentName(seq), stream, size-end)
			if err := truncateSync(file, end); err != nil {
				return err
			}
		}
	}
	d.streams[stream] = ds
	return nil
}

// upgrade rewrites record r, of an older format, with the Stats of its frames, read from its
// segment. It fails if the frames cannot be read or fail their checksum.
func (d *Disk) upgrade(frags *bolt.Bucket, stream, dir string, r record) error {
	var st Stats
	for fr, err := range d.read(stream, dir, r) {
		if err != nil {
			return err
		}
		st.Add(r.Tracks, fr)
	}
	r.Stats, r.Format = st, recordFormat
	v, err := json.Marshal(&r)
	if err != nil {
		return err
	}
	return frags.Put([]byte(r.Number), v)
}

func truncateSync(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: truncating %s: %w", path, err)
	}
	return nil
}

// streamDir names a stream's directory: a hash, since stream keys (ARNs) hold slashes and colons.
func streamDir(stream string) string {
	h := sha256.Sum256([]byte(stream))
	return hex.EncodeToString(h[:16])
}

func segmentName(seq uint64) string { return fmt.Sprintf("%016x.seg", seq) }

func segmentSeq(name string) (uint64, bool) {
	hexPart, ok := strings.CutSuffix(name, ".seg")
	if !ok || len(hexPart) != 16 {
		return 0, false
	}
	seq, err := strconv.ParseUint(hexPart, 16, 64)
	return seq, err == nil
}

// stream returns the segment state of stream, creating it.
func (d *Disk) stream(stream string) (*diskStream, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, ErrClosed
	}
	ds := d.streams[stream]
	if ds == nil {
		ds = &diskStream{dir: streamDir(stream), counts: map[uint64]int{}}
		d.streams[stream] = ds
	}
	return ds, nil
}

// Put writes f's frames to the stream's active segment, fsyncs them, and commits f's index
// entry (bbolt fsyncs its commit). On an error nothing of f is kept.
func (d *Disk) Put(stream string, f *Fragment) error {
	f.Stats = statsOf(f)
	ds, err := d.stream(stream)
	if err != nil {
		return err
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if err := d.openSegment(ds); err != nil {
		return fmt.Errorf("store: fragment %s of %s: %w", f.Number, stream, err)
	}
	off := ds.size
	n, crc, err := writeFrames(ds.file, f.Frames)
	if err == nil && d.opts.BeforeSync != nil {
		err = d.opts.BeforeSync(stream, f.Number)
	}
	if err == nil {
		err = ds.file.Sync()
	}
	if err == nil {
		r := record{Fragment: *f, Format: recordFormat, Segment: ds.seq, Offset: off, Length: n, CRC: crc}
		r.Frames = nil
		err = d.db.Update(func(tx *bolt.Tx) error {
			b, err := tx.Bucket(bucketStreams).CreateBucketIfNotExists([]byte(stream))
			if err != nil {
				return err
			}
			if err := b.Put(keyDir, []byte(ds.dir)); err != nil {
				return err
			}
			frags, err := b.CreateBucketIfNotExists(bucketFrags)
			if err != nil {
				return err
			}
			v, err := json.Marshal(&r)
			if err != nil {
				return err
			}
			return frags.Put([]byte(f.Number), v)
		})
	}
	if err != nil {
		// Take the bytes back; if that fails too, the next Put starts a new segment, and the
		// tail is truncated when the store is next opened.
		if terr := ds.file.Truncate(off); terr != nil {
			_ = ds.file.Close()
			ds.file = nil
		}
		return fmt.Errorf("store: writing fragment %s of %s: %w", f.Number, stream, err)
	}
	ds.size = off + n
	ds.counts[ds.seq]++
	return nil
}

// openSegment makes sure ds has an active segment with room, starting a new one when needed.
// Call with ds.mu held.
func (d *Disk) openSegment(ds *diskStream) error {
	if ds.file != nil && ds.size < d.opts.SegmentSize {
		return nil
	}
	if ds.file != nil {
		if err := ds.file.Close(); err != nil {
			return err
		}
		ds.file = nil
	}
	path := filepath.Join(d.dir, "media", ds.dir)
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	ds.seq++
	f, err := os.OpenFile(filepath.Join(path, segmentName(ds.seq)), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if err := syncDir(path); err != nil {
		_ = f.Close()
		return err
	}
	ds.file, ds.size = f, 0
	return nil
}

// syncDir fsyncs a directory, so that a file created in it survives a crash.
func syncDir(path string) error {
	dir, err := os.Open(path)
	if err != nil {
		return err
	}
	err = dir.Sync()
	if cerr := dir.Close(); err == nil {
		err = cerr
	}
	return err
}

// Index returns the metadata of stream's fragments, in number order.
func (d *Disk) Index(stream string) ([]Fragment, error) {
	recs, err := d.records(stream)
	if err != nil {
		return nil, err
	}
	out := make([]Fragment, len(recs))
	for i, r := range recs {
		out[i] = r.Fragment
	}
	return out, nil
}

func (d *Disk) records(stream string) ([]record, error) {
	var out []record
	err := d.view(func(tx *bolt.Tx) error {
		frags := fragsBucket(tx, stream)
		if frags == nil {
			return nil
		}
		return frags.ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: the index entry of fragment %s of %s: %w", k, stream, err)
			}
			out = append(out, r)
			return nil
		})
	})
	slices.SortFunc(out, func(a, b record) int {
		if lessNumber(a.Number, b.Number) {
			return -1
		}
		return 1
	})
	return out, err
}

func fragsBucket(tx *bolt.Tx, stream string) *bolt.Bucket {
	b := tx.Bucket(bucketStreams).Bucket([]byte(stream))
	if b == nil {
		return nil
	}
	return b.Bucket(bucketFrags)
}

// view runs fn in a read transaction, or fails with ErrClosed.
func (d *Disk) view(fn func(tx *bolt.Tx) error) error {
	d.mu.Lock()
	closed := d.closed
	d.mu.Unlock()
	if closed {
		return ErrClosed
	}
	err := d.db.View(fn)
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// Frames reads the frames of one fragment from its segment, a buffer at a time.
func (d *Disk) Frames(stream, number string) iter.Seq2[Frame, error] {
	return func(yield func(Frame, error) bool) {
		var r record
		var dir string
		err := d.view(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketStreams).Bucket([]byte(stream))
			var v []byte
			if b != nil {
				dir = string(b.Get(keyDir))
				if frags := b.Bucket(bucketFrags); frags != nil {
					v = frags.Get([]byte(number))
				}
			}
			if v == nil {
				return fmt.Errorf("%w: stream %s has no fragment %s", ErrNotFound, stream, number)
			}
			return json.Unmarshal(v, &r)
		})
		if err != nil {
			yield(Frame{}, err)
			return
		}
		for fr, err := range d.read(stream, dir, r) {
			if !yield(fr, err) || err != nil {
				return
			}
		}
	}
}

// read yields the frames of the fragment of record r from its segment in the stream's
// directory dir, checking their checksum at the end.
func (d *Disk) read(stream, dir string, r record) iter.Seq2[Frame, error] {
	return func(yield func(Frame, error) bool) {
		if d.opts.OnRead != nil {
			d.opts.OnRead(stream, r.Number)
		}
		f, err := os.Open(filepath.Join(d.dir, "media", dir, segmentName(r.Segment)))
		if errors.Is(err, os.ErrNotExist) {
			// Retention removed the fragment's segment after its index entry was looked up.
			err = fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		if err != nil {
			yield(Frame{}, fmt.Errorf("store: fragment %s of %s: %w", r.Number, stream, err))
			return
		}
		defer f.Close()
		fr := newFrameReader(io.NewSectionReader(f, r.Offset, r.Length), r.Length, r.CRC)
		for {
			frame, err := fr.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Frame{}, fmt.Errorf("fragment %s of %s: %w", r.Number, stream, err))
				return
			}
			if !yield(frame, nil) {
				return
			}
		}
	}
}

// Remove deletes the index entries of the named fragments, and the segments left without any.
func (d *Disk) Remove(stream string, numbers ...string) error {
	ds, err := d.stream(stream)
	if err != nil {
		return err
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	freed := map[uint64]int{}
	err = d.db.Update(func(tx *bolt.Tx) error {
		frags := fragsBucket(tx, stream)
		if frags == nil {
			return nil
		}
		for _, n := range numbers {
			v := frags.Get([]byte(n))
			if v == nil {
				continue
			}
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: the index entry of fragment %s of %s: %w", n, stream, err)
			}
			if err := frags.Delete([]byte(n)); err != nil {
				return err
			}
			freed[r.Segment]++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: removing fragments of %s: %w", stream, err)
	}
	var errs []error
	for seq, n := range freed {
		ds.counts[seq] -= n
		if ds.counts[seq] > 0 || (seq == ds.seq && ds.file != nil) {
			continue
		}
		delete(ds.counts, seq)
		if err := os.Remove(filepath.Join(d.dir, "media", ds.dir, segmentName(seq))); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("store: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Drop deletes stream's index and segments.
func (d *Disk) Drop(stream string) error {
	ds, err := d.stream(stream)
	if err != nil {
		return err
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	err = d.db.Update(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketStreams).DeleteBucket([]byte(stream))
		if errors.Is(err, berrors.ErrBucketNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: dropping %s: %w", stream, err)
	}
	if ds.file != nil {
		_ = ds.file.Close()
		ds.file = nil
	}
	d.mu.Lock()
	delete(d.streams, stream)
	d.mu.Unlock()
	if err := os.RemoveAll(filepath.Join(d.dir, "media", ds.dir)); err != nil {
		return fmt.Errorf("store: dropping %s: %w", stream, err)
	}
	return nil
}

// Streams returns the streams in the index.
func (d *Disk) Streams() ([]string, error) {
	var out []string
	err := d.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStreams).ForEachBucket(func(k []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, err
}

// SaveState commits state (bbolt fsyncs the commit).
func (d *Disk) SaveState(state []byte) error {
	d.mu.Lock()
	closed := d.closed
	d.mu.Unlock()
	if closed {
		return ErrClosed
	}
	err := d.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketState).Put(keySnapshot, state) })
	if err != nil {
		return fmt.Errorf("store: saving the state: %w", err)
	}
	return nil
}

// State returns the last state saved, or nil.
func (d *Disk) State() ([]byte, error) {
	var out []byte
	err := d.view(func(tx *bolt.Tx) error {
		out = slices.Clone(tx.Bucket(bucketState).Get(keySnapshot))
		return nil
	})
	return out, err
}

// Close closes the segments and the database, releasing the directory's lock.
func (d *Disk) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	streams := d.streams
	d.mu.Unlock()
	var errs []error
	for _, ds := range streams {
		ds.mu.Lock()
		if ds.file != nil {
			errs = append(errs, ds.file.Close())
			ds.file = nil
		}
		ds.mu.Unlock()
	}
	errs = append(errs, d.db.Close())
	return errors.Join(errs...)
}
