package group

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kvsgo/sdk/media"
)

// run is one stream whose lease the worker holds: its reader, the fragments delivered and not
// yet checkpointed, and the lease as last written.
type run struct {
	w       *Worker
	stream  string
	cancel  context.CancelFunc // stops the reader
	stopped chan struct{}      // closed when the reader returns
	changed chan struct{}      // poked when a delivery is done
	renewed chan struct{}      // poked when the lease is written

	mu       sync.Mutex
	lease    Lease
	pending  []*Delivery // delivered, in order, not yet done or not yet before a done one
	ready    Checkpoint  // after the last fragment done in order
	dirty    int         // fragments done since the last save
	lastSave time.Time
	written  time.Time // of the last successful write of the lease (the start of its term)
	gone     bool      // lost, released or given up: nothing more is written

	handoff     sync.Once
	handoffDone chan struct{} // closed when handOff has finished
	handoffErr  error
}

// read delivers the stream's fragments from the checkpoint on until ctx ends.
func (r *run) read(ctx context.Context) {
	defer close(r.stopped)
	w := r.w
	r.mu.Lock()
	cfg := w.cfg.Consumer
	cfg.StreamName, cfg.StreamARN, cfg.IdleTimeout = r.stream, "", 0
	cfg.Start = r.lease.Checkpoint.StartSelector(w.cfg.Start)
	r.mu.Unlock()
	c, err := media.NewConsumer(ctx, w.cfg.Media, cfg)
	if err != nil {
		if ctx.Err() == nil {
			// Not readable now: let the lease go, for the group to try again later.
			w.event(Event{Kind: EventError, Stream: r.stream, Err: err})
			go func() { _ = r.handOff(context.Background()) }()
		}
		return
	}
	defer c.Close()
	for {
		f, err := c.Next(ctx)
		if ctx.Err() != nil {
			return
		}
		var se *media.StreamError
		if err != nil && !errors.As(err, &se) {
			// The service refuses the stream for good: let the lease go so that the group
			// tries again later (or forgets the stream once it is no longer listed).
			w.event(Event{Kind: EventError, Stream: r.stream, Err: err})
			go func() { _ = r.handOff(context.Background()) }()
			return
		}
		d := &Delivery{Stream: r.stream, Fragment: f, run: r}
		r.mu.Lock()
		r.pending = append(r.pending, d)
		r.mu.Unlock()
		if !r.deliver(ctx, d) {
			r.mu.Lock()
			r.pending = r.pending[:len(r.pending)-1]
			r.mu.Unlock()
			return
		}
	}
}

// deliver hands d to Next while the lease is fresh (see waitFresh), and reports whether it did;
// it gives up when ctx ends.
func (r *run) deliver(ctx context.Context, d *Delivery) bool {
	for {
		if err := r.waitFresh(ctx); err != nil {
			return false
		}
		stale := time.NewTimer(r.freshFor())
		select {
		case r.w.deliveries <- d:
			stale.Stop()
			return true
		case <-ctx.Done():
			stale.Stop()
			return false
		case <-stale.C: // renewals are late: wait for one before handing d out
		}
	}
}

// waitFresh waits until the lease was written less than two thirds of the lease duration ago.
// Others may take a lease a whole duration after they saw its last write, so a worker whose
// renewals are late (a stalled process, a slow store) stops handing out fragments before its
// lease can have moved, instead of processing alongside the next owner.
func (r *run) waitFresh(ctx context.Context) error {
	for {
		if r.freshFor() > 0 {
			return nil
		}
		select {
		case <-r.renewed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// freshFor is how long the lease stays fresh: two thirds of the lease duration after its last
// write.
func (r *run) freshFor() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.w.cfg.LeaseDuration*2/3 - time.Since(r.written)
}

// done marks d processed and saves the checkpoint when due.
func (r *run) done(ctx context.Context, d *Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d.done {
		return nil
	}
	d.done = true
	for len(r.pending) > 0 && r.pending[0].done {
		r.ready = checkpointOf(r.pending[0].Fragment, r.w.id, time.Now())
		r.dirty++
		r.pending = r.pending[1:]
	}
	select {
	case r.changed <- struct{}{}:
	default:
	}
	if r.gone {
		return ErrLeaseLost
	}
	cfg := r.w.cfg
	if r.dirty > 0 && (r.dirty >= cfg.CheckpointEvery || (cfg.CheckpointInterval > 0 && time.Since(r.lastSave) >= cfg.CheckpointInterval)) {
		return r.saveLocked(ctx)
	}
	return nil
}

// saveLocked writes the checkpoint of the fragments done; r.mu is held.
func (r *run) saveLocked(ctx context.Context) error {
	if r.gone {
		return ErrLeaseLost
	}
	if r.dirty == 0 {
		return nil
	}
	l, err := r.writeLocked(ctx, func(l Lease) (Lease, error) { return r.w.cfg.Store.UpdateCheckpoint(ctx, l, r.ready) })
	if err != nil {
		return err
	}
	r.dirty, r.lastSave = 0, time.Now()
	r.w.event(Event{Kind: EventCheckpointed, Stream: r.stream, Counter: l.Counter, Checkpoint: l.Checkpoint})
	return nil
}

// writeLocked makes a conditional write of the lease. When the lease changed because another
// worker asked for it (the owner is still this worker), it reads it again and writes once more;
// when another worker took it, the run is lost and its reader stopped.
func (r *run) writeLocked(ctx context.Context, write func(Lease) (Lease, error)) (Lease, error) {
	for attempt := 0; ; attempt++ {
		l, err := write(r.lease)
		if err == nil {
			r.lease, r.written = l, time.Now()
			select {
			case r.renewed <- struct{}{}:
			default:
			}
			return l, nil
		}
		if !errors.Is(err, ErrLeaseLost) || attempt > 0 {
			return Lease{}, err
		}
		cur, gerr := r.w.cfg.Store.GetLease(ctx, r.w.cfg.Group, r.stream)
		if gerr != nil {
			return Lease{}, gerr
		}
		if cur.Owner != r.w.id {
			r.loseLocked(cur)
			return Lease{}, ErrLeaseLost
		}
		r.lease = cur
	}
}

// loseLocked ends a run whose lease another worker took.
func (r *run) loseLocked(cur Lease) {
	if r.gone {
		return
	}
	r.gone = true
	r.cancel()
	r.w.remove(r)
	r.w.event(Event{Kind: EventLost, Stream: r.stream, Counter: cur.Counter, To: cur.Owner})
}

// renew renews the lease, saves a checkpoint that CheckpointInterval makes due, and starts a
// hand-off another worker asked for.
func (r *run) renew(ctx context.Context) {
	r.mu.Lock()
	if r.gone {
		r.mu.Unlock()
		return
	}
	var err error
	cfg := r.w.cfg
	if r.dirty > 0 && cfg.CheckpointInterval > 0 && time.Since(r.lastSave) >= cfg.CheckpointInterval {
		err = r.saveLocked(ctx)
	} else {
		_, err = r.writeLocked(ctx, func(l Lease) (Lease, error) { return cfg.Store.RenewLease(ctx, l) })
	}
	handOff := !r.gone && r.lease.PendingOwner != ""
	r.mu.Unlock()
	if err != nil && !errors.Is(err, ErrLeaseLost) && ctx.Err() == nil {
		r.w.event(Event{Kind: EventError, Stream: r.stream, Err: err})
	}
	if handOff {
		go func() { _ = r.handOff(context.Background()) }()
	}
}

// handOff ends the run gracefully: it stops the reader, waits for the fragments delivered
// (HandoffTimeout at most), checkpoints, and releases the lease to its pending owner or to
// nobody. When the checkpoint or the release fails, the run is given up all the same: nobody
// renews the lease, which expires. Later calls wait for the first one and return its result.
func (r *run) handOff(ctx context.Context) error {
	r.handoff.Do(func() {
		r.handoffErr = r.handOffOnce(ctx)
		close(r.handoffDone)
	})
	select {
	case <-r.handoffDone:
		return r.handoffErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *run) handOffOnce(ctx context.Context) error {
	r.cancel()
	<-r.stopped
	wait, cancel := context.WithTimeout(ctx, r.w.cfg.HandoffTimeout)
	defer cancel()
	for r.pendingCount() > 0 && wait.Err() == nil {
		select {
		case <-r.changed:
		case <-wait.Done():
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gone {
		return nil
	}
	saveErr := r.saveLocked(ctx)
	if errors.Is(saveErr, ErrLeaseLost) {
		return nil
	}
	l, err := r.writeLocked(ctx, func(l Lease) (Lease, error) { return r.w.cfg.Store.ReleaseLease(ctx, l) })
	if errors.Is(err, ErrLeaseLost) {
		return nil
	}
	r.gone = true
	r.w.remove(r)
	if err != nil {
		err = fmt.Errorf("group: handing off stream %q: %w", r.stream, errors.Join(saveErr, err))
		r.w.event(Event{Kind: EventError, Stream: r.stream, Err: err})
		return err
	}
	r.w.event(Event{Kind: EventReleased, Stream: r.stream, Counter: l.Counter, To: l.Owner, Checkpoint: l.Checkpoint})
	if saveErr != nil {
		return fmt.Errorf("group: checkpointing stream %q before its hand-off: %w", r.stream, saveErr)
	}
	return nil
}

func (r *run) pendingCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}
