package group

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkFileStoreRenew measures one lease renewal in the file store: open the file (lock),
// one synced write transaction, close. It bounds how many leases the workers of a machine can
// hold: each is renewed every RenewInterval.
//
//	go test ./group -run '^$' -bench FileStoreRenew -benchtime 200x -count 3
func BenchmarkFileStoreRenew(b *testing.B) {
	s, err := OpenFileStore(filepath.Join(b.TempDir(), "leases.db"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.CreateLease(ctx, "g", "s"); err != nil {
		b.Fatal(err)
	}
	l, err := s.GetLease(ctx, "g", "s")
	if err != nil {
		b.Fatal(err)
	}
	if l, err = s.TakeLease(ctx, l, "w"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if l, err = s.RenewLease(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
}
