// Package backoff is the one wait-between-attempts policy of the SDK's reconnect loops (the
// Producer's PutMedia connections, the Consumer's GetMedia calls, the signaling Conn's WebSocket
// connections): capped exponential backoff with full jitter, as the Kinesis Video C producer
// uses (100 ms × 2ⁿ, capped at 10 s). Each single HTTP request is retried by the configured
// aws.Retryer instead.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithytime "github.com/aws/smithy-go/time"
)

// Defaults of [Policy], the Kinesis Video C producer's.
const (
	DefaultBase = 100 * time.Millisecond
	DefaultMax  = 10 * time.Second
)

// Policy is capped exponential backoff with full jitter: retry attempt n (1 for the first retry)
// waits a uniformly random duration in [0, min(Max, Base × 2ⁿ⁻¹)]. A zero Base or Max selects
// DefaultBase or DefaultMax. Policy is a retry.BackoffDelayer, so it also plugs into
// retry.StandardOptions.Backoff.
type Policy struct {
	Base, Max time.Duration
}

var _ retry.BackoffDelayer = Policy{}

// Ceiling returns the largest wait before retry attempt n: min(Max, Base × 2ⁿ⁻¹), and 0 for n < 1.
func (p Policy) Ceiling(n int) time.Duration {
	if n < 1 {
		return 0
	}
	base, ceiling := p.Base, p.Max
	if base <= 0 {
		base = DefaultBase
	}
	if ceiling <= 0 {
		ceiling = DefaultMax
	}
	if base >= ceiling {
		return ceiling
	}
	// base < ceiling, so doubling stops before either overflows.
	for i := 1; i < n && base < ceiling; i++ {
		base *= 2
	}
	return min(base, ceiling)
}

// Delay returns the wait before retry attempt n, drawn from [0, Ceiling(n)].
func (p Policy) Delay(n int) time.Duration {
	c := p.Ceiling(n)
	if c <= 0 {
		return 0
	}
	return rand.N(c + 1)
}

// BackoffDelay is Delay in the shape of retry.BackoffDelayer; it never fails.
func (p Policy) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	return p.Delay(attempt), nil
}

// Sleep waits for d or until ctx ends, whichever is first, and returns ctx.Err() in the second
// case. A d ≤ 0 does not wait but still reports an ended ctx.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	return smithytime.SleepWithContext(ctx, d)
}
