package group

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileStore is a [LeaseStore] in one file on the local disk, for the workers of a machine: it
// needs no setup and is safe for any number of processes at once. It is a bbolt database
// (copy-on-write B+tree, every write synced, so a crash leaves the last committed state). bbolt
// takes an exclusive flock on the file while it is open, so the store opens it for each
// operation and closes it after: processes take turns, and no process keeps others out. An
// operation takes a few milliseconds (one synced write; see BenchmarkFileStoreRenew), so the
// workers of a machine can hold on the order of a thousand leases at the default lease duration.
type FileStore struct {
	path string
	// lockTimeout bounds the wait for another process's operation.
	lockTimeout time.Duration
	mu          sync.Mutex // one open at a time within the process
}

// OpenFileStore returns the store in the file at path, creating the file and its directory
// when they do not exist.
func OpenFileStore(path string) (*FileStore, error) {
	if path == "" {
		return nil, errors.New("group: OpenFileStore needs a file path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("group: creating the directory of %s: %w", path, err)
	}
	s := &FileStore{path: path, lockTimeout: 5 * time.Second}
	if err := s.update(context.Background(), func(*bolt.Tx) error { return nil }); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the file of the store.
func (s *FileStore) Path() string { return s.path }

// open opens the database, waiting for another process's operation to end: at most
// lockTimeout, and no longer than ctx lasts (checked every lockPoll).
func (s *FileStore) open(ctx context.Context) (*bolt.DB, error) {
	deadline := time.Now().Add(s.lockTimeout)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		db, err := bolt.Open(s.path, 0o644, &bolt.Options{Timeout: lockPoll})
		switch {
		case err == nil:
			return db, nil
		case !errors.Is(err, bolt.ErrTimeout) || time.Now().After(deadline):
			return nil, fmt.Errorf("group: opening the lease file %s: %w", s.path, err)
		}
	}
}

// lockPoll is how often a wait for the file's lock checks its context.
const lockPoll = 25 * time.Millisecond

func (s *FileStore) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	db, err := s.open(ctx)
	if err != nil {
		return err
	}
	err = db.Update(fn)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("group: closing the lease file %s: %w", s.path, cerr)
	}
	return err
}

// bucket returns the group's bucket, creating it in a writable transaction.
func bucket(tx *bolt.Tx, group string) (*bolt.Bucket, error) {
	if group == "" {
		return nil, errors.New("group: the consumer group name is empty")
	}
	if tx.Writable() {
		return tx.CreateBucketIfNotExists([]byte(group))
	}
	return tx.Bucket([]byte(group)), nil
}

func getLease(b *bolt.Bucket, group, stream string) (Lease, bool, error) {
	raw := b.Get([]byte(stream))
	if raw == nil {
		return Lease{Group: group, Stream: stream}, false, nil
	}
	var l Lease
	if err := json.Unmarshal(raw, &l); err != nil {
		return Lease{}, false, fmt.Errorf("group: the lease of stream %q in group %q is corrupt: %w", stream, group, err)
	}
	l.Group, l.Stream = group, stream
	return l, true, nil
}

func putLease(b *bolt.Bucket, l Lease) error {
	raw, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return b.Put([]byte(l.Stream), raw)
}

// GetLease returns the lease of a stream.
func (s *FileStore) GetLease(ctx context.Context, group, stream string) (Lease, error) {
	var l Lease
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := bucket(tx, group)
		if err != nil {
			return err
		}
		l, _, err = getLease(b, group, stream)
		return err
	})
	return l, err
}

// ListLeases returns every lease of a group, in stream-name order.
func (s *FileStore) ListLeases(ctx context.Context, group string) ([]Lease, error) {
	var out []Lease
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := bucket(tx, group)
		if err != nil {
			return err
		}
		return b.ForEach(func(k, _ []byte) error {
			l, _, err := getLease(b, group, string(k))
			out = append(out, l)
			return err
		})
	})
	return out, err
}

// CreateLease adds an unowned lease for the stream, unless the group has one.
func (s *FileStore) CreateLease(ctx context.Context, group, stream string) error {
	if stream == "" {
		return errors.New("group: CreateLease needs a stream name")
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		b, err := bucket(tx, group)
		if err != nil {
			return err
		}
		if _, ok, err := getLease(b, group, stream); ok || err != nil {
			return err
		}
		return putLease(b, Lease{Group: group, Stream: stream})
	})
}

// change applies a conditional write: fn edits the stored lease, which must still match l.
func (s *FileStore) change(ctx context.Context, l Lease, fn func(*Lease)) (Lease, error) {
	var out Lease
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := bucket(tx, l.Group)
		if err != nil {
			return err
		}
		cur, ok, err := getLease(b, l.Group, l.Stream)
		if err != nil {
			return err
		}
		if !ok || cur.Owner != l.Owner || cur.Counter != l.Counter {
			return ErrLeaseLost
		}
		fn(&cur)
		cur.Counter++
		out = cur
		return putLease(b, cur)
	})
	return out, err
}

// TakeLease makes owner the owner of l, clearing any pending owner.
func (s *FileStore) TakeLease(ctx context.Context, l Lease, owner string) (Lease, error) {
	return s.change(ctx, l, func(c *Lease) { c.Owner, c.PendingOwner = owner, "" })
}

// RenewLease proves the owner alive.
func (s *FileStore) RenewLease(ctx context.Context, l Lease) (Lease, error) {
	return s.change(ctx, l, func(*Lease) {})
}

// RequestHandoff asks the owner of l to hand it over to owner.
func (s *FileStore) RequestHandoff(ctx context.Context, l Lease, owner string) (Lease, error) {
	return s.change(ctx, l, func(c *Lease) { c.PendingOwner = owner })
}

// UpdateCheckpoint writes the checkpoint of l, for its owner.
func (s *FileStore) UpdateCheckpoint(ctx context.Context, l Lease, cp Checkpoint) (Lease, error) {
	return s.change(ctx, l, func(c *Lease) { c.Checkpoint = cp })
}

// ReleaseLease gives l up: to its pending owner if it has one, else to nobody.
func (s *FileStore) ReleaseLease(ctx context.Context, l Lease) (Lease, error) {
	return s.change(ctx, l, func(c *Lease) { c.Owner, c.PendingOwner = c.PendingOwner, "" })
}

// LoadCheckpoint returns the group's checkpoint in the stream.
func (s *FileStore) LoadCheckpoint(ctx context.Context, group, stream string) (Checkpoint, error) {
	l, err := s.GetLease(ctx, group, stream)
	return l.Checkpoint, err
}

// SaveCheckpoint writes the group's checkpoint in the stream, whoever holds its lease.
func (s *FileStore) SaveCheckpoint(ctx context.Context, group, stream string, cp Checkpoint) error {
	if stream == "" {
		return errors.New("group: SaveCheckpoint needs a stream name")
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		b, err := bucket(tx, group)
		if err != nil {
			return err
		}
		l, _, err := getLease(b, group, stream)
		if err != nil {
			return err
		}
		l.Checkpoint = cp
		l.Counter++
		return putLease(b, l)
	})
}
