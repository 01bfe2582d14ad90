package group

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// Config configures a [Worker]. Group, Store, Media and Streams are required; Control too when
// Streams lists streams by prefix or tag.
type Config struct {
	// Group names the consumer group: workers of one group share its streams and checkpoints.
	Group string
	// WorkerID names this worker in the leases; host-pid-random when empty. Two live workers
	// must not share one.
	WorkerID string
	// Store keeps the leases and checkpoints: a [FileStore] for workers of one machine, a
	// [DynamoDBStore] for workers anywhere.
	Store LeaseStore
	// Media reads the streams (GetMedia); Control lists them (ListStreams, ListTagsForStream).
	Media   *media.Client
	Control *kvs.Client
	// Streams says which streams the group reads.
	Streams Streams
	// Start is where a stream without a checkpoint is read from; NOW when zero.
	Start media.StartSelector
	// Consumer is the template of each stream's media.Consumer (call spacing, retries, reader
	// options); its stream, start and IdleTimeout are set by the worker.
	Consumer media.ConsumerConfig

	// LeaseDuration is how long a lease whose counter does not move stays its owner's: a dead
	// worker's streams move to others after it (10 s by default, the KCL's failover time).
	LeaseDuration time.Duration
	// RenewInterval is the period of the lease loop: renewals, and then taking and balancing
	// leases (LeaseDuration/3 by default; at most LeaseDuration/2).
	RenewInterval time.Duration
	// MaxLeases caps the streams of this worker (0: no cap).
	MaxLeases int
	// CheckpointEvery saves the checkpoint of a stream once that many of its fragments are
	// done (1 by default: after every fragment); CheckpointInterval, when set, saves it also
	// when that long passed since the last save and a fragment is done. A worker that dies
	// leaves the fragments done since its last save to be processed again by the next owner.
	CheckpointEvery    int
	CheckpointInterval time.Duration
	// HandoffTimeout bounds how long a graceful hand-off (Close, balancing) waits for the
	// fragments delivered but not done before it checkpoints and releases the lease
	// (LeaseDuration/2 by default).
	HandoffTimeout time.Duration
	// OnEvent, when set, is told of every change of the worker's leases and checkpoints. It is
	// called from the worker's goroutines and must return quickly.
	OnEvent func(Event)
}

// Streams says which streams a group reads: the listed Names, or else every stream whose name
// starts with Prefix (all when empty) and that has all of Tags, listed again every Refresh.
type Streams struct {
	Names   []string
	Prefix  string
	Tags    map[string]string
	Refresh time.Duration // 1 minute by default
}

// EventKind says what an [Event] reports.
type EventKind string

// The kinds of [Event].
const (
	EventAcquired         EventKind = "acquired"          // the worker took the stream's lease
	EventLost             EventKind = "lost"              // another worker took it first (no checkpoint was possible)
	EventReleased         EventKind = "released"          // the worker checkpointed and handed the lease on (To)
	EventHandoffRequested EventKind = "handoff-requested" // the worker asked the owner (To) for the lease, to balance
	EventCheckpointed     EventKind = "checkpointed"      // the checkpoint moved to Checkpoint
	EventError            EventKind = "error"             // an operation failed (Err); the worker goes on
)

// Event is one change of a worker's leases.
type Event struct {
	Kind       EventKind
	Worker     string
	Stream     string
	Counter    int64 // the lease's counter after the change
	To         string
	Checkpoint Checkpoint
	Err        error
}

// ErrWorkerClosed is returned by [Worker.Next] once [Worker.Close] has begun.
var ErrWorkerClosed = errors.New("group: the worker is closed")

// Worker is one member of a consumer group: it holds the leases of some of the group's
// streams, reads each with a media.Consumer from its checkpoint, and hands their fragments to
// [Worker.Next]. The caller marks each fragment processed with [Delivery.Done], and the worker
// checkpoints the stream past the fragments done in order (at-least-once: after a crash, the
// next owner reads again the fragments done since the last saved checkpoint, and never skips
// one). Next and Done are safe for concurrent use.
type Worker struct {
	cfg        Config
	id         string
	deliveries chan *Delivery
	closing    chan struct{}
	loopDone   chan struct{}

	mu      sync.Mutex
	runs    map[string]*run
	wanted  map[string]bool // nil until the first listing
	listed  time.Time
	obs     observer
	stopAll context.CancelFunc

	closeOnce sync.Once
	closeErr  error
}

// NewWorker checks cfg, starts the worker's lease loop and returns it. ctx bounds the first
// listing of the streams only.
func NewWorker(ctx context.Context, cfg Config) (*Worker, error) {
	switch {
	case cfg.Group == "":
		return nil, errors.New("group: Config.Group is required")
	case cfg.Store == nil:
		return nil, errors.New("group: Config.Store is required")
	case cfg.Media == nil:
		return nil, errors.New("group: Config.Media is required")
	case len(cfg.Streams.Names) == 0 && cfg.Control == nil:
		return nil, errors.New("group: Config.Control is required to list streams by prefix or tag")
	}
	if cfg.LeaseDuration <= 0 {
		cfg.LeaseDuration = 10 * time.Second
	}
	if cfg.RenewInterval <= 0 || cfg.RenewInterval > cfg.LeaseDuration/2 {
		cfg.RenewInterval = cfg.LeaseDuration / 3
	}
	if cfg.HandoffTimeout <= 0 {
		cfg.HandoffTimeout = cfg.LeaseDuration / 2
	}
	if cfg.CheckpointEvery <= 0 {
		cfg.CheckpointEvery = 1
	}
	if cfg.Streams.Refresh <= 0 {
		cfg.Streams.Refresh = time.Minute
	}
	if cfg.Start.StartSelectorType == "" {
		cfg.Start.StartSelectorType = media.StartSelectorTypeNow
	}
	id := cfg.WorkerID
	if id == "" {
		id = defaultWorkerID()
	}
	w := &Worker{cfg: cfg, id: id, deliveries: make(chan *Delivery), closing: make(chan struct{}), loopDone: make(chan struct{}),
		runs: make(map[string]*run)}
	if err := w.discover(ctx); err != nil {
		return nil, err
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	w.stopAll = cancel
	go w.loop(loopCtx)
	return w, nil
}

func defaultWorkerID() string {
	host, _ := os.Hostname()
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// ID returns the worker's name in the leases.
func (w *Worker) ID() string { return w.id }

// Streams returns the streams whose leases the worker holds now.
func (w *Worker) Streams() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.runs))
	for s := range w.runs {
		out = append(out, s)
	}
	return out
}

// Delivery is one fragment of one of the worker's streams.
type Delivery struct {
	// Stream is the stream the fragment is from.
	Stream string
	// Fragment is the fragment, with its frames. A fragment the service could not serve
	// carries the in-band error in Fragment.Err.
	Fragment *media.Fragment
	run      *run
	done     bool
}

// Next returns the next fragment of any of the worker's streams, waiting for one. It returns
// ctx's error when ctx ends, and [ErrWorkerClosed] once Close has begun.
func (w *Worker) Next(ctx context.Context) (*Delivery, error) {
	select {
	case <-w.closing:
		return nil, ErrWorkerClosed
	default:
	}
	select {
	case d := <-w.deliveries:
		return d, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-w.closing:
		return nil, ErrWorkerClosed
	}
}

// Done marks the fragment processed. The stream's checkpoint moves past it once every earlier
// fragment of the stream is done too, and is saved at the configured cadence; Done returns the
// error of that save. It returns [ErrLeaseLost] when the worker no longer holds the stream
// (the fragment will be delivered again to the new owner, unless it was checkpointed before).
// Calling Done again does nothing.
func (d *Delivery) Done(ctx context.Context) error {
	return d.run.done(ctx, d)
}

func (w *Worker) event(e Event) {
	if w.cfg.OnEvent != nil {
		e.Worker = w.id
		w.cfg.OnEvent(e)
	}
}

// Close stops the worker: Next returns [ErrWorkerClosed] at once, and each stream is handed off
// gracefully: its reading stops, the fragments delivered are waited for (up to HandoffTimeout,
// or ctx's end), the checkpoint is saved and the lease released, for another worker to take
// at once. Close returns what it could not do (a stream not checkpointed or not released,
// whose lease then expires after LeaseDuration). It is safe to call from any goroutine and
// more than once; later calls return the first one's result.
func (w *Worker) Close(ctx context.Context) error {
	w.closeOnce.Do(func() {
		close(w.closing)
		w.stopAll()
		<-w.loopDone
		w.mu.Lock()
		runs := make([]*run, 0, len(w.runs))
		for _, r := range w.runs {
			runs = append(runs, r)
		}
		w.mu.Unlock()
		errs := make([]error, len(runs))
		var wg sync.WaitGroup
		for i, r := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = r.handOff(ctx)
			}()
		}
		wg.Wait()
		w.closeErr = errors.Join(errs...)
	})
	return w.closeErr
}

// loop is the lease loop: every RenewInterval it renews the worker's leases, lists the
// streams when due, and takes or asks for leases to reach its share.
func (w *Worker) loop(ctx context.Context) {
	defer close(w.loopDone)
	t := time.NewTicker(w.cfg.RenewInterval)
	defer t.Stop()
	for {
		w.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *Worker) round(ctx context.Context) {
	w.mu.Lock()
	runs := make([]*run, 0, len(w.runs))
	for _, r := range w.runs {
		runs = append(runs, r)
	}
	w.mu.Unlock()
	for _, r := range runs {
		r.renew(ctx)
	}
	if time.Since(w.listed) >= w.cfg.Streams.Refresh {
		if err := w.discover(ctx); err != nil && ctx.Err() == nil {
			w.event(Event{Kind: EventError, Err: err})
		}
	}
	if ctx.Err() != nil {
		return
	}
	leases, err := w.cfg.Store.ListLeases(ctx, w.cfg.Group)
	if err != nil {
		if ctx.Err() == nil {
			w.event(Event{Kind: EventError, Err: err})
		}
		return
	}
	w.mu.Lock()
	wanted := w.wanted
	w.mu.Unlock()
	have := make(map[string]bool, len(leases))
	for _, l := range leases {
		have[l.Stream] = true
	}
	for s := range wanted {
		if !have[s] {
			if err := w.cfg.Store.CreateLease(ctx, w.cfg.Group, s); err != nil {
				w.event(Event{Kind: EventError, Stream: s, Err: err})
				continue
			}
			leases = append(leases, Lease{Group: w.cfg.Group, Stream: s})
		}
	}
	// Leases handed to this worker (or left to its ID by an earlier process) are taken up,
	// once a conditional write proves the listing still true.
	for _, l := range leases {
		if l.Owner != w.id || !wanted[l.Stream] || w.holds(l.Stream) {
			continue
		}
		if renewed, err := w.cfg.Store.RenewLease(ctx, l); err == nil {
			w.start(renewed)
		}
	}
	now := time.Now()
	w.obs.look(leases, now)
	p := balance(leases, w.id, now, w.cfg.LeaseDuration, &w.obs, w.cfg.MaxLeases, func(s string) bool { return wanted[s] })
	for _, l := range p.take {
		taken, err := w.cfg.Store.TakeLease(ctx, l, w.id)
		if err != nil {
			if !errors.Is(err, ErrLeaseLost) && ctx.Err() == nil {
				w.event(Event{Kind: EventError, Stream: l.Stream, Err: err})
			}
			continue
		}
		w.start(taken)
	}
	if p.request != nil {
		l, err := w.cfg.Store.RequestHandoff(ctx, *p.request, w.id)
		if err == nil {
			w.event(Event{Kind: EventHandoffRequested, Stream: l.Stream, Counter: l.Counter, To: l.Owner})
		}
	}
	// Streams no longer listed are handed off.
	for _, r := range runs {
		if !wanted[r.stream] {
			go func() { _ = r.handOff(context.Background()) }()
		}
	}
}

// discover lists the group's streams.
func (w *Worker) discover(ctx context.Context) error {
	names, err := w.cfg.Streams.list(ctx, w.cfg.Control)
	if err != nil {
		return err
	}
	wanted := make(map[string]bool, len(names))
	for _, n := range names {
		wanted[n] = true
	}
	w.mu.Lock()
	w.wanted, w.listed = wanted, time.Now()
	w.mu.Unlock()
	return nil
}

// start begins reading a stream whose lease the worker just took.
func (w *Worker) start(l Lease) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.runs[l.Stream]; ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	now := time.Now()
	r := &run{w: w, stream: l.Stream, lease: l, cancel: cancel, stopped: make(chan struct{}), changed: make(chan struct{}, 1), handoffDone: make(chan struct{}),
		lastSave: now, written: now, renewed: make(chan struct{}, 1)}
	w.runs[l.Stream] = r
	w.event(Event{Kind: EventAcquired, Stream: l.Stream, Counter: l.Counter, Checkpoint: l.Checkpoint})
	go r.read(ctx)
}

func (w *Worker) holds(stream string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.runs[stream]
	return ok
}

func (w *Worker) remove(r *run) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.runs[r.stream] == r {
		delete(w.runs, r.stream)
	}
}
