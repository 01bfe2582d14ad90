package kvstest

// LimitClock is the clock of the signaling connection limits, for the tests of those limits.
type LimitClock = limitClock

// LimitTimer is a timer of a LimitClock.
type LimitTimer = limitTimer

// WithLimitClock makes the signaling connection limits run on c instead of real time.
func WithLimitClock(c LimitClock) Option {
	return func(o *options) { o.limitClock = c }
}
