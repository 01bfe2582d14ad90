package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/backoff"
	"github.com/kvsgo/sdk/internal/rpc"
)

// ConsumerConfig configures a Consumer. StreamName or StreamARN is required.
type ConsumerConfig struct {
	// StreamName or StreamARN names the stream to read.
	StreamName, StreamARN string
	// Start is where reading begins; NOW when zero. To resume where an earlier consumer
	// stopped, use StartSelectorTypeContinuationToken with its [Consumer.ContinuationToken].
	Start StartSelector
	// IdleTimeout ends reading when the consumer waited that long for the service without
	// receiving any media: Next returns io.EOF, or an *IdleError when GetMedia calls failed
	// meanwhile. It is measured continuously, inside
	// responses and across reconnections, counting only the time a call spends waiting (not
	// the time the caller spends between calls). Zero follows the stream forever.
	IdleTimeout time.Duration
	// MinCallInterval spaces GetMedia calls (200 ms by default: the service allows 5 calls per
	// second per stream).
	MinCallInterval time.Duration
	// RetryBaseDelay and RetryMaxDelay shape the backoff after repeated failures: a broken
	// response is resumed at once (after MinCallInterval); from the second failure in a row
	// without a fragment the consumer waits RetryBaseDelay × 2ⁿ with full jitter, capped (100 ms
	// and 10 s by default).
	RetryBaseDelay, RetryMaxDelay time.Duration
	// Reader configures the fragment reader of each response.
	Reader FragmentReaderOptions
}

// Consumer reads a stream with GetMedia and keeps reading across the ends of responses (after a
// few seconds without new fragments, or about 45 minutes), network failures, server errors and
// throttling: it reconnects from the continuation token of the last complete fragment, so that
// the caller sees every fragment once, in order, with no gap and no duplicate.
//
// Lifecycle: [NewConsumer]'s context bounds the first GetMedia call only. Each [Consumer.Next]
// or [Consumer.NextChunk] is bounded by its own context: when it ends, the call returns the
// context's error promptly and the consumer keeps its place (the response stays open and the
// next call goes on from where the abandoned one was). [Consumer.Close] may be called from any
// goroutine, at any time, any number of times: it ends the response, makes a pending call return
// [ErrConsumerClosed] at once, and waits for the consumer's goroutine to exit.
//
// Next and NextChunk are meant to be called from one goroutine at a time (concurrent calls wait
// for each other); Close, Stats, ContinuationToken, Err and String are safe for concurrent use.
type Consumer struct {
	client *Client
	cfg    ConsumerConfig
	log    rpc.EventLog

	ctx       context.Context // the consumer's life: Close and the end of reading cancel it
	cancel    context.CancelFunc
	closed    chan struct{} // closed by Close
	closeOnce sync.Once
	done      chan struct{} // closed when the worker has exited
	calls     chan struct{} // held by the running Next or NextChunk (capacity 1)
	reqs      chan callMode // to the worker (capacity 1)
	results   chan result   // from the worker (capacity 1)
	arrival   atomic.Int64  // Unix nanoseconds of the last frame the worker received

	// Owned by the call holding calls.
	pending  bool          // a request was sent whose result was not received yet
	pendMode callMode      // the mode of that request
	idle     time.Duration // time spent waiting without media, up to the last call's end

	mu      sync.Mutex // guards the fields below
	stats   ConsumerStats
	token   string // resume after this fragment
	last    string // the number of the last fragment delivered
	ended   error  // sticky: why reading ended for good
	lastErr error  // what the last Next or NextChunk returned, for Err
	failed  error  // the last failure since the last fragment

	// Owned by the worker.
	fr         *FragmentReader // reused across responses
	reader     *FragmentReader // fr while a response is open, else nil
	body       io.Closer
	stopBody   context.CancelFunc
	partial    string // the fragment whose chunks were partly delivered
	sent       int    // how many of its frames were delivered
	skip       int    // frames to skip when it is read again
	failures   int    // failed calls and broken responses since the last fragment
	lastCall   time.Time
	lastCalled bool
	callN      int // the number of the last GetMedia call, for the log
}

type callMode uint8

const (
	modeFragment callMode = iota + 1
	modeChunk
)

// result is what the worker answers a request with.
type result struct {
	frag  *Fragment
	chunk Chunk
	err   error
	final bool // the worker has stopped: err ends reading for good
}

// ConsumerStats are a Consumer's counters.
type ConsumerStats struct {
	Fragments  int   // fragments delivered
	Frames     int   // frames delivered
	Bytes      int64 // frame bytes delivered
	Calls      int   // GetMedia calls
	Reconnects int   // calls after the first
	Duplicates int   // fragments read again after a reconnection and skipped
	Errors     int   // failed calls and broken responses, in all
	// Failures counts the failed calls and broken responses since the last fragment delivered:
	// nonzero when reading is not getting through.
	Failures int
}

// ErrConsumerClosed is returned by Next and NextChunk after Close, including by a call that was
// waiting when Close was called.
var ErrConsumerClosed = errors.New("media: the consumer is closed")

// IdleError ends reading after ConsumerConfig.IdleTimeout without media when GetMedia calls or
// responses failed meanwhile: the quiet may be the network's doing, not the stream's. (When no
// call failed since the last fragment, the stream was simply quiet and Next returns io.EOF.)
// It unwraps to the last failure.
type IdleError struct {
	// IdleTimeout is the configured timeout that passed.
	IdleTimeout time.Duration
	// Failures is the number of failed calls and broken responses since the last fragment.
	Failures int
	// Last is the last of those failures.
	Last error
}

// Error describes why reading ended.
func (e *IdleError) Error() string {
	return fmt.Sprintf("media: no media for %v (IdleTimeout) after %d failed GetMedia calls or responses, the last: %v", e.IdleTimeout, e.Failures, e.Last)
}

// Unwrap returns the last failure.
func (e *IdleError) Unwrap() error { return e.Last }

// errModeMix is returned when Next follows a NextChunk abandoned by its context, or the reverse.
var errModeMix = errors.New("media: Next and NextChunk mixed on one Consumer")

// NewConsumer validates cfg and opens the first GetMedia response, retrying throttling and
// transient failures until ctx ends. ctx bounds this setup only: the consumer then lives until
// Close (or the end of reading). An error no retry can fix (the stream does not exist, access
// is denied, an invalid selector) is returned at once.
func NewConsumer(ctx context.Context, client *Client, cfg ConsumerConfig) (*Consumer, error) {
	switch {
	case cfg.StreamName == "" && cfg.StreamARN == "":
		return nil, errors.New("media: ConsumerConfig needs StreamName or StreamARN")
	case cfg.StreamName != "" && cfg.StreamARN != "":
		return nil, errors.New("media: ConsumerConfig takes StreamName or StreamARN, not both")
	case cfg.IdleTimeout < 0 || cfg.MinCallInterval < 0 || cfg.RetryBaseDelay < 0 || cfg.RetryMaxDelay < 0:
		return nil, errors.New("media: ConsumerConfig durations must not be negative")
	}
	if cfg.Start.StartSelectorType == "" {
		cfg.Start.StartSelectorType = StartSelectorTypeNow
	}
	if cfg.MinCallInterval == 0 {
		cfg.MinCallInterval = 200 * time.Millisecond
	}
	if cfg.RetryBaseDelay == 0 {
		cfg.RetryBaseDelay = 100 * time.Millisecond
	}
	if cfg.RetryMaxDelay == 0 {
		cfg.RetryMaxDelay = 10 * time.Second
	}
	c := &Consumer{client: client, cfg: cfg, log: client.eventLog("consumer", cfg.StreamName, cfg.StreamARN),
		closed: make(chan struct{}), done: make(chan struct{}), calls: make(chan struct{}, 1),
		reqs: make(chan callMode, 1), results: make(chan result, 1)}
	if cfg.Start.StartSelectorType == StartSelectorTypeContinuationToken {
		c.token = cfg.Start.ContinuationToken // reconnections before the first fragment resume there too
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if err := c.connect(ctx); err != nil {
		c.cancel()
		close(c.done)
		return nil, err
	}
	go c.run()
	return c, nil
}

// Next returns the next whole fragment, reconnecting as needed. An in-band error of the service
// (*StreamError) is returned with its fragment; calling Next again goes on. Otherwise, on error
// the fragment is nil and the error is one of:
//   - ctx's error when ctx ended first: the consumer keeps its place, call again;
//   - io.EOF after IdleTimeout without media, or an *IdleError when calls failed meanwhile;
//   - ErrConsumerClosed after Close;
//   - a call's error when the service refuses the stream for good (it does not exist, access is
//     denied).
//
// All but ctx's error end reading: later calls return the same error.
func (c *Consumer) Next(ctx context.Context) (*Fragment, error) {
	r, err := c.call(ctx, modeFragment)
	if err != nil {
		return nil, err
	}
	return r.frag, r.err
}

// NextChunk returns the next chunk of the stream for the lowest latency (see
// [FragmentReader.ReadChunk]; a frame's Data is valid until the next call), reconnecting as
// needed, with the errors of Next (an in-band error is not returned: it is the Err of the
// fragment its ChunkFragmentEnd carries). When a connection breaks inside a fragment, the fragment is
// read again on the next connection and its frames already returned are skipped, so that each
// frame is returned once. Do not mix NextChunk and Next on a Consumer.
func (c *Consumer) NextChunk(ctx context.Context) (Chunk, error) {
	r, err := c.call(ctx, modeChunk)
	if err != nil {
		return Chunk{}, err
	}
	return r.chunk, r.err
}

// Fragments returns an iterator over the stream's fragments (see Next). It yields in-band
// *StreamErrors with their fragments and goes on, and yields a fatal error (or an *IdleError
// after failed calls) before it stops. It ends without yielding an error at a quiet
// IdleTimeout (io.EOF), when ctx ends and after Close: [Consumer.Err] then says which.
func (c *Consumer) Fragments(ctx context.Context) iter.Seq2[*Fragment, error] {
	return func(yield func(*Fragment, error) bool) {
		for {
			f, err := c.Next(ctx)
			if err != nil && !isStreamError(err) {
				if errors.Is(err, io.EOF) || errors.Is(err, ErrConsumerClosed) || ctx.Err() != nil {
					return
				}
				yield(nil, err)
				return
			}
			if !yield(f, err) {
				return
			}
		}
	}
}

// Err returns the error the last Next or NextChunk returned (nil when it returned a fragment or
// a chunk), so that a caller of Fragments can tell why the loop ended: io.EOF at a quiet
// IdleTimeout, an *IdleError, the context's error, ErrConsumerClosed, or a fatal error.
func (c *Consumer) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// ContinuationToken returns the token to resume after the last fragment delivered, for a later
// Consumer (StartSelector CONTINUATION_TOKEN) or GetMedia call.
func (c *Consumer) ContinuationToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// Stats returns the consumer's counters.
func (c *Consumer) Stats() ConsumerStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Close ends the current response, makes a pending Next or NextChunk return ErrConsumerClosed
// and waits for the consumer's goroutine to exit. It may be called from any goroutine and more
// than once. A consumer holds nothing that Close could fail to finish: it returns nil.
func (c *Consumer) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.cancel()
	})
	<-c.done
	return nil
}

// String describes the consumer's position, for logs.
func (c *Consumer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("media.Consumer{stream %s%s, after %q}", c.cfg.StreamName, c.cfg.StreamARN, c.last)
}

// call hands a request to the worker, or picks up the answer to one abandoned earlier, and waits
// for it within ctx, Close and IdleTimeout.
func (c *Consumer) call(ctx context.Context, m callMode) (r result, err error) {
	select {
	case c.calls <- struct{}{}:
	case <-ctx.Done():
		return r, c.record(ctx.Err())
	case <-c.closed:
		return r, c.record(ErrConsumerClosed)
	}
	defer func() { <-c.calls }()
	select {
	case <-c.closed:
		return r, c.record(ErrConsumerClosed)
	default:
	}
	c.mu.Lock()
	ended := c.ended
	c.mu.Unlock()
	if ended != nil {
		return r, c.record(ended)
	}
	if c.pending && c.pendMode != m {
		return r, c.record(errModeMix)
	}
	if !c.pending {
		c.reqs <- m // never blocks: the worker is idle and the buffer empty
		c.pending, c.pendMode = true, m
	}
	start := time.Now()
	var idle <-chan time.Time
	if c.cfg.IdleTimeout > 0 {
		t := time.NewTimer(c.cfg.IdleTimeout - c.idle)
		defer t.Stop()
		idle = t.C
		defer func() { c.idle = c.idleSince(start, time.Now()) }()
	}
	for {
		select {
		case r = <-c.results:
			c.pending = false
			if r.final {
				c.end(r.err)
				return r, c.record(r.err)
			}
			if r.err != nil && !isStreamError(r.err) {
				return r, c.record(r.err)
			}
			c.record(nil)
			return r, nil
		case <-ctx.Done():
			return r, c.record(ctx.Err())
		case <-c.closed:
			return r, c.record(ErrConsumerClosed)
		case now := <-idle:
			d := c.idleSince(start, now)
			if d < c.cfg.IdleTimeout {
				idle = time.After(c.cfg.IdleTimeout - d)
				continue
			}
			var e error = io.EOF
			c.mu.Lock()
			if c.stats.Failures > 0 {
				e = &IdleError{IdleTimeout: c.cfg.IdleTimeout, Failures: c.stats.Failures, Last: c.failed}
			}
			c.mu.Unlock()
			c.end(e)
			c.cancel() // the worker stops; Close still waits for it
			return r, c.record(e)
		}
	}
}

// idleSince is the time spent waiting without media at now, for a call that started at start.
func (c *Consumer) idleSince(start, now time.Time) time.Duration {
	if a := c.arrival.Load(); a >= start.UnixNano() {
		return now.Sub(time.Unix(0, a))
	}
	return c.idle + now.Sub(start)
}

func (c *Consumer) record(err error) error {
	c.mu.Lock()
	c.lastErr = err
	c.mu.Unlock()
	return err
}

// end makes err the answer of every later call.
func (c *Consumer) end(err error) {
	c.mu.Lock()
	if c.ended == nil {
		c.ended = err
	}
	c.mu.Unlock()
}

// run is the worker: it serves one request at a time, so that a chunk's data stays valid until
// the caller asks for the next one.
func (c *Consumer) run() {
	defer close(c.done)
	defer c.drop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case m := <-c.reqs:
			r := c.serve(m)
			c.results <- r
			if r.final {
				c.cancel()
				return
			}
		}
	}
}

// serve reads up to the next fragment or chunk, reconnecting as needed.
func (c *Consumer) serve(m callMode) result {
	for {
		if err := c.connect(c.ctx); err != nil {
			return result{err: err, final: true}
		}
		if m == modeFragment {
			f, err := c.reader.Next()
			if err == nil && f.cutShort() {
				c.broken(io.ErrUnexpectedEOF)
				continue
			}
			if err == nil || isStreamError(err) {
				if c.deliverable(f) {
					c.delivered(f)
					return result{frag: f, err: err}
				}
				continue
			}
			c.broken(err)
			continue
		}
		ch, err := c.reader.ReadChunk()
		if err == nil && ch.Kind == ChunkFragmentEnd && ch.Fragment.cutShort() {
			err = io.ErrUnexpectedEOF // read it again; the frames returned are skipped
		}
		if err != nil {
			c.broken(err)
			continue
		}
		if c.chunkDeliverable(ch) {
			return result{chunk: ch}
		}
	}
}

// cutShort reports a fragment with media whose response ended before the service's trailing
// tags: GetMedia sends them after every fragment, so its end may be missing.
func (f *Fragment) cutShort() bool {
	return f.endedAtEOF && f.ContinuationToken == "" && f.Err == nil && f.Timecode >= 0
}

// chunkDeliverable applies a chunk to the consumer's position and reports whether the caller
// gets it.
func (c *Consumer) chunkDeliverable(ch Chunk) bool {
	f := ch.Fragment
	if !c.deliverable(f) {
		return false
	}
	switch ch.Kind {
	case ChunkFragmentStart:
		if f.FragmentNumber != "" && f.FragmentNumber == c.partial {
			c.skip, c.sent = c.sent, 0 // read again: skip what was returned
			return false
		}
		c.partial, c.sent, c.skip = f.FragmentNumber, 0, 0
	case ChunkFrame:
		if c.skip > 0 {
			c.skip--
			c.sent++
			return false
		}
		c.sent++
		c.mu.Lock()
		c.stats.Frames++
		c.stats.Bytes += int64(len(ch.Frame.Data))
		c.mu.Unlock()
	case ChunkFragmentEnd:
		c.delivered(f)
		c.partial, c.sent, c.skip = "", 0, 0
	}
	return true
}

// deliverable reports whether a fragment is new: fragment numbers grow along a stream, so one
// not above the last delivered was delivered already (it comes again after a reconnection that
// resumed from an earlier point).
func (c *Consumer) deliverable(f *Fragment) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.FragmentNumber == "" || c.last == "" || CompareFragmentNumbers(f.FragmentNumber, c.last) > 0 {
		return true
	}
	if f.FragmentNumber != c.partial {
		c.stats.Duplicates++
	}
	return f.FragmentNumber == c.partial
}

func (c *Consumer) delivered(f *Fragment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.FragmentNumber != "" {
		c.last = f.FragmentNumber
	}
	if f.ContinuationToken != "" {
		c.token = f.ContinuationToken
	} else if f.FragmentNumber != "" {
		c.token = f.FragmentNumber
	}
	c.stats.Fragments++
	c.stats.Frames += len(f.Frames)
	for _, fr := range f.Frames {
		c.stats.Bytes += int64(len(fr.Data))
	}
	c.stats.Failures, c.failed = 0, nil
	c.failures = 0
}

// connect makes sure a response is being read: it calls GetMedia from the resume point,
// respecting the call rate and backing off after repeated failures. wait bounds the waiting
// and the call (the constructor's context, or the consumer's own); the response lives until the
// consumer drops it. Its error is wait's, ErrConsumerClosed, or a fatal call error.
func (c *Consumer) connect(wait context.Context) error {
	for c.reader == nil {
		if c.ctx.Err() != nil || wait.Err() != nil {
			return c.waitErr(wait)
		}
		delay := time.Duration(0)
		if c.lastCalled {
			delay = c.cfg.MinCallInterval - time.Since(c.lastCall)
		}
		if c.failures > 1 {
			delay = max(delay, c.backoff())
		}
		if err := backoff.Sleep(wait, delay); err != nil {
			return c.waitErr(wait)
		}
		err := c.open(wait)
		switch {
		case err == nil:
			return nil
		case wait.Err() != nil || c.ctx.Err() != nil:
			return c.waitErr(wait)
		case fatalCallError(err):
			c.log.Warnf("GetMedia refused the stream: %v", err)
			return err
		}
		c.log.Debugf("GetMedia call %d failed, retrying: %v", c.callN, err)
		c.fail(err)
	}
	return nil
}

func (c *Consumer) waitErr(wait context.Context) error {
	if c.ctx.Err() != nil {
		return ErrConsumerClosed
	}
	return wait.Err()
}

// open makes one GetMedia call. The request lives in the consumer's context; wait only bounds
// the call.
func (c *Consumer) open(wait context.Context) error {
	rctx, cancel := context.WithCancel(c.ctx)
	stop := context.AfterFunc(wait, cancel)
	c.lastCall, c.lastCalled = time.Now(), true
	out, err := c.client.GetMedia(rctx, &GetMediaInput{StreamName: c.cfg.StreamName, StreamARN: c.cfg.StreamARN, StartSelector: c.selector()})
	if err == nil || c.ctx.Err() == nil { // a call the consumer's own end cut short does not count
		c.mu.Lock()
		c.stats.Calls++
		c.callN = c.stats.Calls
		if c.stats.Calls > 1 {
			c.stats.Reconnects++
		}
		c.mu.Unlock()
	}
	if !stop() && wait != c.ctx {
		// wait ended during the call: the request is cancelled.
		if err == nil {
			_ = out.Payload.Close()
		}
		cancel()
		return wait.Err()
	}
	if err != nil {
		cancel()
		return err
	}
	c.log.Debugf("GetMedia call %d reading from %s", c.callN, c.selector().StartSelectorType)
	if c.fr == nil {
		c.fr = NewFragmentReader(out.Payload, func(o *FragmentReaderOptions) { *o = c.cfg.Reader })
		c.fr.onFrame = func() { c.arrival.Store(time.Now().UnixNano()) }
	} else {
		c.fr.Reset(out.Payload) // keeps its buffers
	}
	c.reader = c.fr
	c.body, c.stopBody = out.Payload, cancel
	return nil
}

// selector is where the next call starts: after the last complete fragment, or the configured
// start.
func (c *Consumer) selector() StartSelector {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" {
		return StartSelector{StartSelectorType: StartSelectorTypeContinuationToken, ContinuationToken: c.token}
	}
	return c.cfg.Start
}

// broken drops the current response after a read error or its end.
func (c *Consumer) broken(err error) {
	c.drop()
	if errors.Is(err, io.EOF) || c.ctx.Err() != nil {
		return
	}
	c.log.Debugf("the GetMedia response broke, reconnecting: %v", err)
	c.fail(err)
}

func (c *Consumer) fail(err error) {
	c.failures++
	c.mu.Lock()
	c.stats.Errors++
	c.stats.Failures++
	c.failed = err
	c.mu.Unlock()
}

func (c *Consumer) drop() {
	if c.body == nil {
		return
	}
	_ = c.body.Close()
	c.stopBody()
	c.reader, c.body, c.stopBody = nil, nil, nil
}

// backoff is the wait before the next call after failures in a row: none after the first.
func (c *Consumer) backoff() time.Duration {
	return backoff.Policy{Base: c.cfg.RetryBaseDelay, Max: c.cfg.RetryMaxDelay}.Delay(c.failures - 1)
}

// fatalCallError reports GetMedia errors that no retry can fix.
func fatalCallError(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		var ipe smithy.InvalidParamsError
		return errors.As(err, &ipe)
	}
	switch api.ErrorCode() {
	case "ResourceNotFoundException", "NotAuthorizedException", "AccessDeniedException", "InvalidArgumentException":
		return true
	}
	return false
}

func isStreamError(err error) bool {
	var se *StreamError
	return errors.As(err, &se)
}
