package group

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/kvsgo/sdk/internal/motoserver"
)

// stores returns each LeaseStore implementation, fresh, by name.
func stores(t *testing.T) map[string]func(t *testing.T) LeaseStore {
	return map[string]func(t *testing.T) LeaseStore{
		"file": func(t *testing.T) LeaseStore {
			s, err := OpenFileStore(filepath.Join(t.TempDir(), "sub", "leases.db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"dynamodb": func(t *testing.T) LeaseStore {
			url := motoserver.Start(t)
			s, err := NewDynamoDBStore(motoserver.DynamoDB(url), "leases")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CreateTable(motoserver.Context(t)); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateTable(motoserver.Context(t)); err != nil {
				t.Fatalf("CreateTable of an existing table: %v", err)
			}
			return s
		},
	}
}

func TestLeaseStores(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			for _, st := range []string{"b", "a", "a"} {
				if err := s.CreateLease(ctx, "g", st); err != nil {
					t.Fatal(err)
				}
			}
			leases, err := s.ListLeases(ctx, "g")
			if err != nil || len(leases) != 2 || leases[0].Stream != "a" || leases[1].Stream != "b" || leases[0].Owner != "" || leases[0].Counter != 0 {
				t.Fatalf("ListLeases = %+v, %v", leases, err)
			}
			if other, _ := s.ListLeases(ctx, "other"); len(other) != 0 {
				t.Fatalf("another group has leases %+v", other)
			}
			a := leases[0]
			w1, err := s.TakeLease(ctx, a, "w1")
			if err != nil || w1.Owner != "w1" || w1.Counter != 1 {
				t.Fatalf("TakeLease = %+v, %v", w1, err)
			}
			if _, err := s.TakeLease(ctx, a, "w2"); !errors.Is(err, ErrLeaseLost) {
				t.Fatalf("a second take of the same read: %v, want ErrLeaseLost", err)
			}
			renewed, err := s.RenewLease(ctx, w1)
			if err != nil || renewed.Counter != 2 {
				t.Fatalf("RenewLease = %+v, %v", renewed, err)
			}
			if _, err := s.RenewLease(ctx, w1); !errors.Is(err, ErrLeaseLost) {
				t.Fatalf("renewing a stale read: %v", err)
			}
			asked, err := s.RequestHandoff(ctx, renewed, "w2")
			if err != nil || asked.Owner != "w1" || asked.PendingOwner != "w2" || asked.Counter != 3 {
				t.Fatalf("RequestHandoff = %+v, %v", asked, err)
			}
			cp := Checkpoint{ContinuationToken: "tok", FragmentNumber: "9100", ProducerTimestamp: time.UnixMilli(1700000000123).UTC(),
				ServerTimestamp: time.UnixMilli(1700000000456).UTC(), SavedAt: time.UnixMilli(1700000001000).UTC(), SavedBy: "w1"}
			saved, err := s.UpdateCheckpoint(ctx, asked, cp)
			if err != nil || saved.Checkpoint != cp || saved.PendingOwner != "w2" {
				t.Fatalf("UpdateCheckpoint = %+v, %v", saved, err)
			}
			got, err := s.LoadCheckpoint(ctx, "g", "a")
			if err != nil || got != cp {
				t.Fatalf("LoadCheckpoint = %+v, %v; want %+v", got, err, cp)
			}
			released, err := s.ReleaseLease(ctx, saved)
			if err != nil || released.Owner != "w2" || released.PendingOwner != "" || released.Checkpoint != cp {
				t.Fatalf("ReleaseLease to the pending owner = %+v, %v", released, err)
			}
			free, err := s.ReleaseLease(ctx, released)
			if err != nil || free.Owner != "" {
				t.Fatalf("ReleaseLease = %+v, %v", free, err)
			}
			if cur, err := s.GetLease(ctx, "g", "a"); err != nil || cur != free {
				t.Fatalf("GetLease = %+v, %v; want %+v", cur, err, free)
			}
			if err := s.SaveCheckpoint(ctx, "g", "new", cp); err != nil {
				t.Fatal(err)
			}
			if got, err := s.LoadCheckpoint(ctx, "g", "new"); err != nil || got != cp {
				t.Fatalf("LoadCheckpoint after SaveCheckpoint = %+v, %v", got, err)
			}
			if got, err := s.LoadCheckpoint(ctx, "g", "none"); err != nil || !got.IsZero() {
				t.Fatalf("LoadCheckpoint of a stream without one = %+v, %v", got, err)
			}
		})
	}
}

// TestFileStoreConcurrentTakes races stores opened separately on one file (as processes do):
// each lease is taken exactly once.
func TestFileStoreConcurrentTakes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leases.db")
	ctx := context.Background()
	first, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{"s1", "s2", "s3"} {
		if err := first.CreateLease(ctx, "g", st); err != nil {
			t.Fatal(err)
		}
	}
	leases, _ := first.ListLeases(ctx, "g")
	var mu sync.Mutex
	won := map[string][]string{}
	var wg sync.WaitGroup
	for w := range 4 {
		s, err := OpenFileStore(path)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, l := range leases {
				id := string(rune('A' + w))
				if _, err := s.TakeLease(ctx, l, id); err == nil {
					mu.Lock()
					won[l.Stream] = append(won[l.Stream], id)
					mu.Unlock()
				} else if !errors.Is(err, ErrLeaseLost) {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, l := range leases {
		if len(won[l.Stream]) != 1 {
			t.Errorf("stream %s taken by %v, want exactly one worker", l.Stream, won[l.Stream])
		}
	}
}

// TestFileStoreHonoursContext: an operation waiting for another process's lock on the file
// returns promptly when its context ends.
func TestFileStoreHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leases.db")
	s, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := bolt.Open(path, 0o644, nil) // another process, holding the lock
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.ListLeases(ctx, "g")
		done <- err
	}()
	time.AfterFunc(30*time.Millisecond, cancel) // the operation cannot succeed before: the file is locked
	start := time.Now()
	if err := <-done; !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("ListLeases with the file locked and the context canceled: %v after %s", err, time.Since(start))
	}
}
