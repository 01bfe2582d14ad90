package media

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/mkv"
)

// ProducerConfig configures a Producer. StreamName or StreamARN and Tracks are required; every
// other field has a default.
type ProducerConfig struct {
	// StreamName or StreamARN (not both) names the stream to write to.
	StreamName, StreamARN string
	// Tracks describe the stream's tracks, at most 3, video first by convention. Their decoder
	// configurations may be left to be read from the first frames.
	Tracks []TrackConfig

	// FragmentDuration is the duration a fragment aims for: a new fragment starts at the first
	// key frame after it (2 s by default). A fragment never spans more than 32.767 s.
	FragmentDuration time.Duration
	// FragmentTimecodeType is ABSOLUTE (the default: timecodes are Unix milliseconds) or RELATIVE
	// (timecodes count from StartTime).
	FragmentTimecodeType FragmentTimecodeType
	// StartTime is the producer start: Frame.Timestamp counts from it, and RELATIVE timecodes
	// too. The time NewProducer is called when zero.
	StartTime time.Time

	// KeepUntil is the acknowledgement after which a fragment is dropped from the buffer:
	// PERSISTED, or RECEIVED for streams that keep no data. When empty the stream's retention
	// decides (DescribeStream); RECEIVED when it is 0.
	KeepUntil AckEventType
	// Buffer bounds the fragments kept until acknowledged, and what happens when full.
	Buffer BufferConfig

	// AckTimeout is how long the service may take to acknowledge (BUFFERING) a fragment whose
	// data was sent before the connection is taken for dead and replaced (5 s by default).
	AckTimeout time.Duration
	// MaxConnectionAge is when a connection is replaced by a new one, at a fragment boundary;
	// the service ends connections after about 45 minutes (40 minutes by default).
	MaxConnectionAge time.Duration
	// IdleFragmentTimeout ends the open fragment when no frame came for that long, so that the
	// service does not time it out (20 s by default).
	IdleFragmentTimeout time.Duration
	// InterleaveWindow is how far, in stream time, the frames of one track of a multi-track
	// stream may be written ahead of another track's newest frame: a frame waits only until
	// every other track has reached its timestamp minus this window, so that the frames of a
	// live stream go out the moment they come (50 ms by default: more than an audio frame,
	// far less than players buffer; negative for strict timestamp order). Each track's frames
	// stay in their order, and the key frame that opens a fragment waits until every track
	// reached it, so that no frame in a fragment is older than the fragment.
	InterleaveWindow time.Duration
	// ReorderWindow bounds that wait: a track whose newest frame is older than the newest
	// frame of the stream by more than this is not waited for (500 ms by default).
	ReorderWindow time.Duration
	// RetryBaseDelay and RetryMaxDelay shape the reconnection backoff: RetryBaseDelay × 2ⁿ with
	// full jitter, capped at RetryMaxDelay (100 ms and 10 s by default).
	RetryBaseDelay, RetryMaxDelay time.Duration
	// EventBuffer is how many events are kept for NextEvent; the oldest are dropped (and
	// counted) when the reader falls behind (1024 by default).
	EventBuffer int
}

// BufferPolicy says what WriteFrame does when the buffer is full.
type BufferPolicy uint8

// Buffer policies.
const (
	// DropOldest drops the oldest whole fragments to make room and reports each drop as an
	// EventFragmentDropped. A live source never waits. The default.
	DropOldest BufferPolicy = iota
	// Block makes WriteFrame wait for room until its context ends.
	Block
)

// BufferConfig bounds a Producer's buffer of unacknowledged fragments.
type BufferConfig struct {
	// MaxBytes bounds the encoded size of the buffered fragments (128 MiB by default).
	MaxBytes int64
	// MaxDuration bounds the stream time they span (2 minutes by default).
	MaxDuration time.Duration
	// Policy says what happens when a bound is reached.
	Policy BufferPolicy
}

// Defaults of ProducerConfig.
const (
	DefaultFragmentDuration    = 2 * time.Second
	DefaultAckTimeout          = 5 * time.Second
	DefaultMaxConnectionAge    = 40 * time.Minute
	DefaultIdleFragmentTimeout = 20 * time.Second
	DefaultInterleaveWindow    = 50 * time.Millisecond
	DefaultReorderWindow       = 500 * time.Millisecond
	DefaultBufferBytes         = 128 << 20
	DefaultBufferDuration      = 2 * time.Minute
	maxFragmentSpan            = 32767 // ms: the int16 range of block timecodes
	maxFragmentMetadata        = 10    // per fragment, as the producer SDK allows
)

func (c *ProducerConfig) applyDefaults() {
	setDuration := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	setDuration(&c.FragmentDuration, DefaultFragmentDuration)
	setDuration(&c.AckTimeout, DefaultAckTimeout)
	setDuration(&c.MaxConnectionAge, DefaultMaxConnectionAge)
	setDuration(&c.IdleFragmentTimeout, DefaultIdleFragmentTimeout)
	setDuration(&c.ReorderWindow, DefaultReorderWindow)
	switch {
	case c.InterleaveWindow == 0:
		c.InterleaveWindow = DefaultInterleaveWindow
	case c.InterleaveWindow < 0:
		c.InterleaveWindow = 0
	}
	setDuration(&c.RetryBaseDelay, 100*time.Millisecond)
	setDuration(&c.RetryMaxDelay, 10*time.Second)
	setDuration(&c.Buffer.MaxDuration, DefaultBufferDuration)
	if c.Buffer.MaxBytes <= 0 {
		c.Buffer.MaxBytes = DefaultBufferBytes
	}
	if c.FragmentTimecodeType == "" {
		c.FragmentTimecodeType = FragmentTimecodeAbsolute
	}
	if c.EventBuffer <= 0 {
		c.EventBuffer = 1024
	}
	if c.FragmentDuration > maxFragmentSpan*time.Millisecond {
		c.FragmentDuration = maxFragmentSpan * time.Millisecond
	}
}

// Frame is a coded media frame: what a Producer writes and what a FragmentReader reads.
type Frame struct {
	// Track is the number of the frame's track.
	Track uint64
	// Timestamp is the frame's presentation time on the stream's timeline: for a Producer, the
	// time since its StartTime; for a FragmentReader, the frame's timecode (Unix time for
	// ABSOLUTE streams, time since the producer's start for RELATIVE ones). Fragment.FrameTime
	// turns it into a time of day.
	Timestamp time.Duration
	// Keyframe marks a frame that decodes on its own. A Producer also recognizes H.264/H.265 key
	// frames by their NAL unit types, so it may be left false there.
	Keyframe bool
	// Data is the coded frame. WriteFrame copies it; from FragmentReader.Next it belongs to the
	// caller; from ReadChunk it is valid until the next call.
	Data []byte
}

// Producer streams media to a Kinesis video stream with PutMedia: it frames the media as MKV,
// cuts fragments at key frames, keeps every fragment until the service acknowledges it,
// reconnects with backoff when a connection fails, and sends again, on the new connection,
// every fragment the service did not receive, so that no frame is lost. Create one with
// NewProducer, feed it with WriteFrame, end it with Close, and watch it with NextEvent and
// Stats. Every method is safe for concurrent use; see the package documentation for how
// contexts and Close bound them.
type Producer struct {
	client *Client
	cfg    ProducerConfig
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the sender goroutine ends

	mu       sync.Mutex
	w        writeState
	buf      fragmentBuffer
	events   eventRing
	stats    ProducerStats
	lat      latencies
	kick     chan struct{} // wakes the sender (capacity 1)
	changed  chan struct{} // closed and replaced when room or acknowledgements change
	closing  bool
	closed   bool // Close finished: closeErr is its result
	closeErr error
	fatal    error
	burst    int // how many fragments a new connection may send before an acknowledgement
}

// NewProducer starts a producer for the stream cfg names. It checks the configuration, decides
// KeepUntil from the stream's retention when not set (a DescribeStream call), and starts the
// sender, which connects when the first fragment is ready. ctx bounds this setup only: once
// NewProducer returned, ending ctx does not affect the producer (its values, such as a logger,
// are kept). End the producer with Close.
func NewProducer(ctx context.Context, client *Client, cfg ProducerConfig) (*Producer, error) {
	p, err := newProducer(ctx, client, cfg)
	if err != nil {
		return nil, err
	}
	go p.run()
	return p, nil
}

// newProducer builds a producer without starting its sender.
func newProducer(ctx context.Context, client *Client, cfg ProducerConfig) (*Producer, error) {
	if err := checkProducerConfig(&cfg); err != nil {
		return nil, err
	}
	cfg.applyDefaults()
	if cfg.StartTime.IsZero() {
		cfg.StartTime = time.Now()
	}
	if cfg.KeepUntil == "" {
		keep, err := keepUntilFor(ctx, client, cfg)
		if err != nil {
			return nil, err
		}
		cfg.KeepUntil = keep
	}
	tracks := make([]*track, len(cfg.Tracks))
	for i, tc := range cfg.Tracks {
		t, err := newTrack(tc, i)
		if err != nil {
			return nil, err
		}
		tracks[i] = t
	}
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := &Producer{
		client: client, cfg: cfg, ctx: pctx, cancel: cancel, done: make(chan struct{}),
		kick: make(chan struct{}, 1), changed: make(chan struct{}),
		events: newEventRing(cfg.EventBuffer, client.eventLog("producer", cfg.StreamName, cfg.StreamARN)), burst: initialBurst,
	}
	p.w.init(tracks, cfg, &client.blocks)
	p.lat.init(1024)
	return p, nil
}

func checkProducerConfig(cfg *ProducerConfig) error {
	switch {
	case cfg.StreamName == "" && cfg.StreamARN == "":
		return errors.New("media: ProducerConfig needs StreamName or StreamARN")
	case cfg.StreamName != "" && cfg.StreamARN != "":
		return errors.New("media: ProducerConfig takes StreamName or StreamARN, not both")
	case len(cfg.Tracks) == 0 || len(cfg.Tracks) > mkv.MaxTracks:
		return fmt.Errorf("media: ProducerConfig needs 1 to %d tracks, got %d", mkv.MaxTracks, len(cfg.Tracks))
	case cfg.FragmentTimecodeType != "" && cfg.FragmentTimecodeType != FragmentTimecodeAbsolute && cfg.FragmentTimecodeType != FragmentTimecodeRelative:
		return fmt.Errorf("media: unknown FragmentTimecodeType %q", cfg.FragmentTimecodeType)
	case cfg.KeepUntil != "" && cfg.KeepUntil != AckEventPersisted && cfg.KeepUntil != AckEventReceived:
		return fmt.Errorf("media: KeepUntil must be PERSISTED or RECEIVED, got %q", cfg.KeepUntil)
	}
	seen := map[uint64]bool{}
	for i, t := range cfg.Tracks {
		n := t.Number
		if n == 0 {
			n = uint64(i + 1)
		}
		if seen[n] {
			return fmt.Errorf("media: two tracks numbered %d", n)
		}
		seen[n] = true
	}
	return nil
}

// keepUntilFor reads the stream's retention: fragments of a stream that keeps no data are
// never PERSISTED.
func keepUntilFor(ctx context.Context, client *Client, cfg ProducerConfig) (AckEventType, error) {
	out, err := client.Options().Control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: cfg.StreamName, StreamARN: cfg.StreamARN})
	if err != nil {
		return "", fmt.Errorf("media: reading the stream's retention (set KeepUntil to skip this): %w", err)
	}
	if out.StreamInfo.DataRetentionInHours == 0 {
		return AckEventReceived, nil
	}
	return AckEventPersisted, nil
}

// PutFragmentMetadata adds a name/value pair to the metadata of the next fragment, or of every
// following fragment when persistent. Names must not start with "AWS" (the service reserves
// them); at most 10 pairs go with a fragment.
func (p *Producer) PutFragmentMetadata(name, value string, persistent bool) error {
	switch {
	case name == "" || len(name) > 128:
		return fmt.Errorf("media: metadata name must have 1 to 128 characters, got %d", len(name))
	case strings.HasPrefix(strings.ToUpper(name), reservedMetadataNamePrefix):
		return fmt.Errorf("media: metadata name %q starts with AWS, which the service reserves", name)
	case len(value) > 256:
		return fmt.Errorf("media: metadata value of %q has %d characters, more than 256", name, len(value))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.w.putMetadata(mkv.SimpleTag{Name: name, String: value}, persistent)
}

// Err returns the error that stopped the producer for good (the stream was deleted, access was
// denied...), or nil.
func (p *Producer) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fatal
}

// wakeSender tells the sender there is something to do.
func (p *Producer) wakeSender() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// broadcast wakes the goroutines waiting for room or for acknowledgements. Call with p.mu held.
func (p *Producer) broadcast() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// wait releases p.mu until broadcast is called or ctx ends, then takes it again.
func (p *Producer) wait(ctx context.Context) error {
	ch := p.changed
	p.mu.Unlock()
	defer p.mu.Lock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}
