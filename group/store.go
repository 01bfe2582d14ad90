package group

import (
	"context"
	"errors"
	"time"

	"github.com/kvsgo/sdk/media"
)

// Checkpoint is how far a consumer group got in one stream: the last fragment whose processing
// the group finished, and the token to resume after it.
type Checkpoint struct {
	// ContinuationToken resumes GetMedia after the fragment (StartSelector CONTINUATION_TOKEN);
	// the fragment number when the service sent no token.
	ContinuationToken string
	// FragmentNumber is the number of the fragment.
	FragmentNumber string
	// ProducerTimestamp and ServerTimestamp are the fragment's start times.
	ProducerTimestamp, ServerTimestamp time.Time
	// SavedAt is when the checkpoint was written, on the clock of SavedBy, the worker that
	// wrote it.
	SavedAt time.Time
	SavedBy string
}

// IsZero reports whether c records no position.
func (c Checkpoint) IsZero() bool { return c.ContinuationToken == "" && c.FragmentNumber == "" }

// StartSelector returns where a reader resumes after the checkpoint, or def when there is none.
func (c Checkpoint) StartSelector(def media.StartSelector) media.StartSelector {
	switch {
	case c.ContinuationToken != "":
		return media.StartSelector{StartSelectorType: media.StartSelectorTypeContinuationToken, ContinuationToken: c.ContinuationToken}
	case c.FragmentNumber != "":
		return media.StartSelector{StartSelectorType: media.StartSelectorTypeFragmentNumber, AfterFragmentNumber: c.FragmentNumber}
	}
	return def
}

// checkpointOf is the checkpoint after fragment f, by worker.
func checkpointOf(f *media.Fragment, worker string, now time.Time) Checkpoint {
	token := f.ContinuationToken
	if token == "" {
		token = f.FragmentNumber
	}
	return Checkpoint{ContinuationToken: token, FragmentNumber: f.FragmentNumber, ProducerTimestamp: f.ProducerTimestamp,
		ServerTimestamp: f.ServerTimestamp, SavedAt: now, SavedBy: worker}
}

// Checkpointer keeps checkpoints per (consumer group, stream). Both stores of this package
// implement it, for a reader that needs checkpoints without leases (see [Resume]).
type Checkpointer interface {
	// LoadCheckpoint returns the group's checkpoint in the stream; the zero Checkpoint when
	// there is none.
	LoadCheckpoint(ctx context.Context, group, stream string) (Checkpoint, error)
	// SaveCheckpoint writes the group's checkpoint in the stream, whoever holds its lease.
	SaveCheckpoint(ctx context.Context, group, stream string, cp Checkpoint) error
}

// Lease is the record that gives one worker of a group a stream. It follows the Kinesis Client
// Library's lease protocol: every write by the owner increments Counter, and a lease whose
// counter has not moved for the lease duration, as an observer's own clock measures it, has
// expired and may be taken (so clocks of different machines need not agree). Every write is
// conditional on the Owner and Counter read before it, which makes each change of owner happen
// once.
type Lease struct {
	// Group and Stream identify the lease.
	Group, Stream string
	// Owner is the worker holding the lease; empty when nobody does.
	Owner string
	// Counter grows with every write of the lease.
	Counter int64
	// PendingOwner is the worker the owner is asked to hand the lease to, once it has
	// checkpointed (set by a worker with fewer leases than its share).
	PendingOwner string
	// Checkpoint is the group's position in the stream.
	Checkpoint Checkpoint
}

// ErrLeaseLost is returned by a conditional lease write when the lease changed since it was
// read: another worker took it, or the owner renewed it.
var ErrLeaseLost = errors.New("group: the lease changed since it was read (taken or renewed by another worker)")

// LeaseStore keeps the leases and checkpoints of consumer groups. Every method that takes a
// Lease writes only when the stored lease still has that lease's Owner and Counter, returns
// [ErrLeaseLost] otherwise, and on success returns the lease as written (Counter + 1).
// [FileStore] (one machine, many processes) and [DynamoDBStore] (many machines) implement it.
type LeaseStore interface {
	Checkpointer
	// GetLease returns the lease of a stream; one with no owner and counter 0 when the group
	// has none.
	GetLease(ctx context.Context, group, stream string) (Lease, error)
	// ListLeases returns every lease of a group, in stream-name order.
	ListLeases(ctx context.Context, group string) ([]Lease, error)
	// CreateLease adds an unowned lease for the stream, unless the group has one.
	CreateLease(ctx context.Context, group, stream string) error
	// TakeLease makes owner the owner of l, clearing any pending owner.
	TakeLease(ctx context.Context, l Lease, owner string) (Lease, error)
	// RenewLease proves the owner alive.
	RenewLease(ctx context.Context, l Lease) (Lease, error)
	// RequestHandoff asks the owner of l to hand it over to owner.
	RequestHandoff(ctx context.Context, l Lease, owner string) (Lease, error)
	// UpdateCheckpoint writes the checkpoint of l, for its owner.
	UpdateCheckpoint(ctx context.Context, l Lease, cp Checkpoint) (Lease, error)
	// ReleaseLease gives l up: to its pending owner if it has one, else to nobody.
	ReleaseLease(ctx context.Context, l Lease) (Lease, error)
}

// Resume returns a consumer of cfg's stream (cfg.StreamName) that starts after the group's
// checkpoint in it, or at cfg.Start when the group has none. Save checkpoints with
// cp.SaveCheckpoint and [CheckpointAfter] as fragments are done.
func Resume(ctx context.Context, client *media.Client, cp Checkpointer, group string, cfg media.ConsumerConfig) (*media.Consumer, error) {
	if cfg.StreamName == "" {
		return nil, errors.New("group: Resume needs ConsumerConfig.StreamName")
	}
	saved, err := cp.LoadCheckpoint(ctx, group, cfg.StreamName)
	if err != nil {
		return nil, err
	}
	cfg.Start = saved.StartSelector(cfg.Start)
	return media.NewConsumer(ctx, client, cfg)
}

// CheckpointAfter returns the checkpoint that resumes after fragment f, saved by worker now.
func CheckpointAfter(f *media.Fragment, worker string) Checkpoint {
	return checkpointOf(f, worker, time.Now())
}
