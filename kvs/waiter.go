package kvs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/internal/backoff"
)

// WaiterOptions configure a Waiter.
type WaiterOptions struct {
	// PollInterval is the time between two describe calls; DefaultPollInterval when zero.
	PollInterval time.Duration
	// ClientOptions change the client's options for the describe calls.
	ClientOptions []func(*Options)
}

// DefaultPollInterval is the default time between the polls of a Waiter.
const DefaultPollInterval = time.Second

// Waiter polls a describe operation until a resource reaches a wanted state. The models define
// no waiters; these follow the states the service documents.
type Waiter[In, Out any] struct {
	name     string
	options  WaiterOptions
	describe func(ctx context.Context, in *In, optFns ...func(*Options)) (*Out, error)
	// check says whether polling is over: done with success, or done with a failure err.
	check func(out *Out, err error) (done bool, failure error)
}

// ErrWaitTimeout is returned (wrapped) when a Waiter's maximum wait ends first.
var ErrWaitTimeout = errors.New("kvs: the maximum wait time passed before the resource reached the wanted state")

// Wait polls until the resource reaches the wanted state, the waiter sees a state the wanted one
// cannot follow, maxWait passes, or ctx ends.
func (w *Waiter[In, Out]) Wait(ctx context.Context, in *In, maxWait time.Duration) error {
	_, err := w.WaitForOutput(ctx, in, maxWait)
	return err
}

// WaitForOutput is Wait returning the output of the last describe call (nil when the wanted
// state is the resource's absence).
func (w *Waiter[In, Out]) WaitForOutput(ctx context.Context, in *In, maxWait time.Duration) (*Out, error) {
	if maxWait <= 0 {
		return nil, fmt.Errorf("kvs: %s waiter: maximum wait must be positive, got %v", w.name, maxWait)
	}
	interval := w.options.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	deadline := time.Now().Add(maxWait)
	for {
		out, err := w.describe(ctx, in, w.options.ClientOptions...)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		done, failure := w.check(out, err)
		switch {
		case failure != nil:
			return out, fmt.Errorf("kvs: %s waiter: %w", w.name, failure)
		case done:
			return out, nil
		}
		wait := min(interval, time.Until(deadline))
		if wait <= 0 {
			return out, fmt.Errorf("%s waiter after %v: %w", w.name, maxWait, ErrWaitTimeout)
		}
		if err := backoff.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func newWaiter[In, Out any](name string, describe func(context.Context, *In, ...func(*Options)) (*Out, error),
	check func(*Out, error) (bool, error), optFns []func(*WaiterOptions)) *Waiter[In, Out] {
	w := &Waiter[In, Out]{name: name, describe: describe, check: check}
	for _, fn := range optFns {
		fn(&w.options)
	}
	return w
}

// activeCheck ends a wait for the ACTIVE state: success on ACTIVE, failure on DELETING or when
// the resource does not exist, and failure on any error other than throttling.
func activeCheck(status Status, err error) (bool, error) {
	var throttled *ClientLimitExceededException
	switch {
	case errors.As(err, &throttled):
		return false, nil
	case err != nil:
		return false, err
	case status == StatusActive:
		return true, nil
	case status == StatusDeleting:
		return false, errors.New("the resource is being deleted")
	}
	return false, nil
}

// deletedCheck ends a wait for a resource's disappearance: success on ResourceNotFoundException.
func deletedCheck(err error) (bool, error) {
	var notFound *ResourceNotFoundException
	var throttled *ClientLimitExceededException
	switch {
	case errors.As(err, &notFound):
		return true, nil
	case errors.As(err, &throttled):
		return false, nil
	}
	return false, err
}

// NewStreamActiveWaiter returns a waiter for a stream to become ACTIVE.
func NewStreamActiveWaiter(c *Client, optFns ...func(*WaiterOptions)) *Waiter[DescribeStreamInput, DescribeStreamOutput] {
	return newWaiter("StreamActive", c.DescribeStream, func(out *DescribeStreamOutput, err error) (bool, error) {
		if err != nil {
			return activeCheck("", err)
		}
		return activeCheck(out.StreamInfo.Status, nil)
	}, optFns)
}

// NewStreamDeletedWaiter returns a waiter for a stream to be gone.
func NewStreamDeletedWaiter(c *Client, optFns ...func(*WaiterOptions)) *Waiter[DescribeStreamInput, DescribeStreamOutput] {
	return newWaiter("StreamDeleted", c.DescribeStream, func(_ *DescribeStreamOutput, err error) (bool, error) {
		return deletedCheck(err)
	}, optFns)
}

// NewSignalingChannelActiveWaiter returns a waiter for a signaling channel to become ACTIVE.
func NewSignalingChannelActiveWaiter(c *Client, optFns ...func(*WaiterOptions)) *Waiter[DescribeSignalingChannelInput, DescribeSignalingChannelOutput] {
	return newWaiter("SignalingChannelActive", c.DescribeSignalingChannel, func(out *DescribeSignalingChannelOutput, err error) (bool, error) {
		if err != nil {
			return activeCheck("", err)
		}
		return activeCheck(out.ChannelInfo.ChannelStatus, nil)
	}, optFns)
}

// NewSignalingChannelDeletedWaiter returns a waiter for a signaling channel to be gone.
func NewSignalingChannelDeletedWaiter(c *Client, optFns ...func(*WaiterOptions)) *Waiter[DescribeSignalingChannelInput, DescribeSignalingChannelOutput] {
	return newWaiter("SignalingChannelDeleted", c.DescribeSignalingChannel, func(_ *DescribeSignalingChannelOutput, err error) (bool, error) {
		return deletedCheck(err)
	}, optFns)
}
