package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/backoff"
	"github.com/kvsgo/sdk/internal/rpc"
)

// ConsumerConfig configures a Consumer. StreamName or StreamARN is required.
type ConsumerConfig struct {
	// StreamName or StreamARN names the stream to read.
	StreamName, StreamARN string
	// Start is where reading begins; NOW when zero.
	Start StartSelector
	// IdleTimeout ends reading (Next returns io.EOF) when no fragment arrived for that long;
	// zero follows the stream forever.
	IdleTimeout time.Duration
	// MinCallInterval spaces GetMedia calls (200 ms by default: the service allows 5 calls per
	// second per stream).
	MinCallInterval time.Duration
	// RetryBaseDelay and RetryMaxDelay shape the backoff after failed calls: RetryBaseDelay × 2ⁿ
	// with full jitter, capped (100 ms and 10 s by default).
	RetryBaseDelay, RetryMaxDelay time.Duration
	// Reader configures the fragment reader of each response.
	Reader FragmentReaderOptions
}

// Consumer reads a stream with GetMedia and keeps reading across the ends of responses (after a
// few seconds without new fragments, or about 45 minutes), network failures, server errors and
// throttling: it reconnects from the continuation token of the last complete fragment, so that
// the caller sees every fragment once, in order, with no gap and no duplicate. It is pull-based
// and starts no goroutine; it is not safe for concurrent use.
type Consumer struct {
	client   *Client
	cfg      ConsumerConfig
	log      rpc.EventLog
	reader   *FragmentReader
	payload  io.Closer
	token    string // resume after this fragment
	last     string // the number of the last fragment delivered
	partial  string // the fragment whose chunks were partly delivered
	sent     int    // how many of its frames were delivered
	skip     int    // frames to skip when it is read again
	failures int
	lastCall time.Time
	lastData time.Time
	closed   bool
	stats    ConsumerStats
}

// ConsumerStats are a Consumer's counters.
type ConsumerStats struct {
	Fragments  int   // fragments delivered
	Frames     int   // frames delivered
	Bytes      int64 // frame bytes delivered
	Calls      int   // GetMedia calls
	Reconnects int   // calls after the first
	Duplicates int   // fragments read again after a reconnection and skipped
	Errors     int   // failed calls and broken responses
}

// NewConsumer returns a consumer; it calls GetMedia on the first Next.
func NewConsumer(client *Client, cfg ConsumerConfig) (*Consumer, error) {
	switch {
	case cfg.StreamName == "" && cfg.StreamARN == "":
		return nil, errors.New("media: ConsumerConfig needs StreamName or StreamARN")
	case cfg.StreamName != "" && cfg.StreamARN != "":
		return nil, errors.New("media: ConsumerConfig takes StreamName or StreamARN, not both")
	}
	if cfg.Start.StartSelectorType == "" {
		cfg.Start.StartSelectorType = StartSelectorTypeNow
	}
	if cfg.MinCallInterval <= 0 {
		cfg.MinCallInterval = 200 * time.Millisecond
	}
	if cfg.RetryBaseDelay <= 0 {
		cfg.RetryBaseDelay = 100 * time.Millisecond
	}
	if cfg.RetryMaxDelay <= 0 {
		cfg.RetryMaxDelay = 10 * time.Second
	}
	c := &Consumer{client: client, cfg: cfg, log: client.eventLog("consumer", cfg.StreamName, cfg.StreamARN)}
	if cfg.Start.StartSelectorType == StartSelectorTypeContinuationToken {
		c.token = cfg.Start.ContinuationToken // reconnections before the first fragment resume there too
	}
	return c, nil
}

// Next returns the next whole fragment, reconnecting as needed. It returns io.EOF after
// IdleTimeout without fragments, the context's error when ctx ends, and a call's error when the
// service refuses the stream for good (it does not exist, access is denied). An in-band error of
// the service (*StreamError) is returned with its fragment; calling Next again goes on.
func (c *Consumer) Next(ctx context.Context) (*Fragment, error) {
	for {
		if err := c.connect(ctx); err != nil {
			return nil, err
		}
		f, err := c.reader.Next()
		if err == nil || isStreamError(err) {
			if c.deliverable(f) {
				c.delivered(f)
				return f, err
			}
			continue
		}
		c.broken(err)
	}
}

// NextChunk returns the next chunk of the stream for the lowest latency (see
// FragmentReader.ReadChunk), reconnecting as needed. When a connection breaks inside a fragment,
// the fragment is read again on the next connection and its frames already returned are
// skipped, so that each frame is returned once. Do not mix NextChunk and Next on a Consumer.
func (c *Consumer) NextChunk(ctx context.Context) (Chunk, error) {
	for {
		if err := c.connect(ctx); err != nil {
			return Chunk{}, err
		}
		ch, err := c.reader.ReadChunk()
		if err != nil {
			c.broken(err)
			continue
		}
		f := ch.Fragment
		switch ch.Kind {
		case ChunkFragmentStart:
			if !c.deliverable(f) {
				continue
			}
			if f.Number != "" && f.Number == c.partial {
				c.skip, c.sent = c.sent, 0 // read again: skip what was returned
				continue
			}
			c.partial, c.sent, c.skip = f.Number, 0, 0
		case ChunkFrame:
			if !c.deliverable(f) {
				continue
			}
			if c.skip > 0 {
				c.skip--
				c.sent++
				continue
			}
			c.sent++
			c.stats.Frames++
			c.stats.Bytes += int64(len(ch.Frame.Data))
			c.lastData = time.Now()
		case ChunkFragmentEnd:
			if !c.deliverable(f) {
				continue
			}
			c.delivered(f)
			c.partial, c.sent, c.skip = "", 0, 0
		}
		return ch, nil
	}
}

// Fragments returns an iterator over the stream's fragments (see Next). It stops at the first
// error other than an in-band *StreamError, which it yields.
func (c *Consumer) Fragments(ctx context.Context) iter.Seq2[*Fragment, error] {
	return func(yield func(*Fragment, error) bool) {
		for {
			f, err := c.Next(ctx)
			if !yield(f, err) || (err != nil && !isStreamError(err)) {
				return
			}
		}
	}
}

// ContinuationToken returns the token to resume after the last fragment delivered, for a later
// Consumer (StartSelector CONTINUATION_TOKEN) or GetMedia call.
func (c *Consumer) ContinuationToken() string { return c.token }

// Stats returns the consumer's counters.
func (c *Consumer) Stats() ConsumerStats { return c.stats }

// Close ends the current response. It is safe to call more than once; Next fails afterwards.
func (c *Consumer) Close() error {
	c.closed = true
	return c.drop()
}

// ErrConsumerClosed is returned by Next after Close.
var ErrConsumerClosed = errors.New("media: the consumer is closed")

// deliverable reports whether a fragment is new: fragment numbers grow along a stream, so one
// not above the last delivered was delivered already (it comes again after a reconnection that
// resumed from an earlier point).
func (c *Consumer) deliverable(f *Fragment) bool {
	if f.Number == "" || c.last == "" || CompareFragmentNumbers(f.Number, c.last) > 0 {
		return true
	}
	if f.Number != c.partial {
		c.stats.Duplicates++
	}
	return f.Number == c.partial
}

func (c *Consumer) delivered(f *Fragment) {
	if f.Number != "" {
		c.last = f.Number
	}
	if f.ContinuationToken != "" {
		c.token = f.ContinuationToken
	} else if f.Number != "" {
		c.token = f.Number
	}
	c.stats.Fragments++
	c.stats.Frames += len(f.Frames)
	for _, fr := range f.Frames {
		c.stats.Bytes += int64(len(fr.Data))
	}
	c.lastData = time.Now()
	c.failures = 0
}

// connect makes sure a response is being read: it calls GetMedia from the resume point,
// respecting the call rate and backing off after failures.
func (c *Consumer) connect(ctx context.Context) error {
	for c.reader == nil {
		if c.closed {
			return ErrConsumerClosed
		}
		if c.lastData.IsZero() {
			c.lastData = time.Now()
		}
		if c.cfg.IdleTimeout > 0 && time.Since(c.lastData) > c.cfg.IdleTimeout {
			return io.EOF
		}
		wait := c.cfg.MinCallInterval - time.Since(c.lastCall)
		if c.failures > 0 {
			wait = max(wait, c.backoff())
		}
		if err := backoff.Sleep(ctx, wait); err != nil {
			return err
		}
		c.lastCall = time.Now()
		c.stats.Calls++
		if c.stats.Calls > 1 {
			c.stats.Reconnects++
		}
		out, err := c.client.GetMedia(ctx, &GetMediaInput{StreamName: c.cfg.StreamName, StreamARN: c.cfg.StreamARN, StartSelector: c.selector()})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if fatalCallError(err) {
				c.log.Warnf("GetMedia refused the stream: %v", err)
				return err
			}
			c.log.Debugf("GetMedia call %d failed, retrying: %v", c.stats.Calls, err)
			c.failures++
			c.stats.Errors++
			continue
		}
		c.log.Debugf("GetMedia call %d reading from %s", c.stats.Calls, c.selector().StartSelectorType)
		c.reader, c.payload = NewFragmentReader(out.Payload, func(o *FragmentReaderOptions) { *o = c.cfg.Reader }), out.Payload
	}
	return nil
}

// selector is where the next call starts: after the last complete fragment, or the configured
// start.
func (c *Consumer) selector() StartSelector {
	if c.token != "" {
		return StartSelector{StartSelectorType: StartSelectorTypeContinuationToken, ContinuationToken: c.token}
	}
	return c.cfg.Start
}

// broken drops the current response after a read error or its end.
func (c *Consumer) broken(err error) {
	if !errors.Is(err, io.EOF) {
		c.failures++
		c.stats.Errors++
		c.log.Debugf("the GetMedia response broke, reconnecting: %v", err)
	}
	_ = c.drop()
}

func (c *Consumer) drop() error {
	if c.payload == nil {
		return nil
	}
	err := c.payload.Close()
	c.reader, c.payload = nil, nil
	return err
}

func (c *Consumer) backoff() time.Duration {
	return backoff.Policy{Base: c.cfg.RetryBaseDelay, Max: c.cfg.RetryMaxDelay}.Delay(c.failures)
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

// String describes the consumer's position, for logs.
func (c *Consumer) String() string {
	return fmt.Sprintf("media.Consumer{stream %s%s, after %q}", c.cfg.StreamName, c.cfg.StreamARN, c.last)
}
