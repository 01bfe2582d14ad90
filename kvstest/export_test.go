package kvstest

import "github.com/kvsgo/sdk/kvstest/internal/relay"

// LimitClock is the clock of the signaling connection limits, for the tests of those limits.
type LimitClock = relay.Clock

// LimitTimer is a timer of a LimitClock.
type LimitTimer = relay.Timer

// WithLimitClock makes the signaling connection limits run on c instead of real time.
func WithLimitClock(c LimitClock) Option {
	return func(o *options) { o.limitClock = c }
}
