// Media limits and timings of the emulator.

package kvstest

import "time"

// MediaLimits are the limits and timings of the emulator's media APIs. Zero fields take the
// service's values (the defaults below); a negative call rate or connection count lifts the
// limit.
type MediaLimits struct {
	// PutMediaCallsPerSecond and GetMediaCallsPerSecond limit the calls per stream and second;
	// calls over the limit get ClientLimitExceededException (5 each by default).
	PutMediaCallsPerSecond int
	GetMediaCallsPerSecond int
	// PutMediaConnections is how many PutMedia connections a stream may have open at once;
	// another gets ConnectionLimitExceededException (1 by default).
	PutMediaConnections int
	// GetMediaConnections is how many GetMedia connections a stream may have open at once;
	// another gets ConnectionLimitExceededException (3 by default, as the service documents).
	GetMediaConnections int
	// MaxFragmentSize and MaxFragmentDuration bound a fragment (50 MB and 20 s by default);
	// beyond them the fragment gets error 4001 or 4002.
	MaxFragmentSize     int64
	MaxFragmentDuration time.Duration
	// MaxFragmentMetadata bounds the metadata tags of a fragment (10 by default); beyond it the
	// fragment gets error 4009.
	MaxFragmentMetadata int
	// IdleAckInterval is the time between IDLE acknowledgements while no data arrives (3 s by
	// default); IdleTimeout ends a PutMedia request that received nothing for that long (30 s).
	IdleAckInterval time.Duration
	IdleTimeout     time.Duration
	// MaxConnectionDuration ends a PutMedia connection with error 4003 (45 minutes by default).
	MaxConnectionDuration time.Duration
	// PersistDelay is the time between the RECEIVED and PERSISTED acknowledgements of a
	// fragment (none by default).
	PersistDelay time.Duration
	// GetMediaIdle ends a GetMedia response when no new fragment came for that long (3 s by
	// default, as the service does).
	GetMediaIdle time.Duration
	// GetMediaMaxDuration ends a GetMedia response at the first fragment boundary after it has
	// run that long (45 minutes by default, like PutMedia's connection limit), so that consumers
	// can be tested against long sessions ending.
	GetMediaMaxDuration time.Duration

	// The service's throughput limits are paced, not refused: a PutMedia session is read no
	// faster than IngestRate bytes per second and a stream takes no more than FragmentRate new
	// fragments per second (the producer is held back by TCP flow control), and a GetMedia
	// session is sent no faster than GetMediaRate bytes per second. Unlike the fields above,
	// zero leaves the emulator unpaced, as fast as the machine goes; ServiceMediaRates sets
	// the service's values, to see how a producer or consumer copes with them.
	IngestRate   int64
	FragmentRate int
	GetMediaRate int64
}

// The service's throughput limits (see MediaLimits.IngestRate).
const (
	ServiceIngestRate   = 12_500_000 // bytes per second of a PutMedia session
	ServiceFragmentRate = 5          // new fragments per second of a stream
	ServiceGetMediaRate = 25_000_000 // bytes per second of a GetMedia session
)

// ServiceMediaRates returns l with the service's throughput limits set.
func (l MediaLimits) ServiceMediaRates() MediaLimits {
	l.IngestRate, l.FragmentRate, l.GetMediaRate = ServiceIngestRate, ServiceFragmentRate, ServiceGetMediaRate
	return l
}

// The service's media limits, the defaults of MediaLimits.
const (
	DefaultMediaCallsPerSecond   = 5
	DefaultGetMediaConnections   = 3
	DefaultMaxFragmentSize       = 50 << 20
	DefaultMaxFragmentDuration   = 20 * time.Second
	DefaultMaxFragmentMetadata   = 10
	DefaultIdleAckInterval       = 3 * time.Second
	DefaultPutMediaIdleTimeout   = 30 * time.Second
	DefaultMaxConnectionDuration = 45 * time.Minute
	DefaultGetMediaIdle          = 3 * time.Second
	DefaultGetMediaMaxDuration   = 45 * time.Minute
)

// WithMediaLimits sets the limits and timings of the media APIs.
func WithMediaLimits(l MediaLimits) Option {
	return func(o *options) { o.media = l }
}

// withDefaults returns the limits with the defaults filled in.
func (l MediaLimits) withDefaults() MediaLimits {
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setInt(&l.PutMediaCallsPerSecond, DefaultMediaCallsPerSecond)
	setInt(&l.GetMediaCallsPerSecond, DefaultMediaCallsPerSecond)
	setInt(&l.PutMediaConnections, 1)
	setInt(&l.GetMediaConnections, DefaultGetMediaConnections)
	setInt(&l.MaxFragmentMetadata, DefaultMaxFragmentMetadata)
	if l.MaxFragmentSize <= 0 {
		l.MaxFragmentSize = DefaultMaxFragmentSize
	}
	setDur(&l.MaxFragmentDuration, DefaultMaxFragmentDuration)
	setDur(&l.IdleAckInterval, DefaultIdleAckInterval)
	setDur(&l.IdleTimeout, DefaultPutMediaIdleTimeout)
	setDur(&l.MaxConnectionDuration, DefaultMaxConnectionDuration)
	setDur(&l.GetMediaIdle, DefaultGetMediaIdle)
	setDur(&l.GetMediaMaxDuration, DefaultGetMediaMaxDuration)
	return l
}
