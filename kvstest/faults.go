// Fault injection: make calls fail, slow down or be throttled, by operation name.
//
// Operation names are the API's action names: "CreateStream", "DescribeStream", … for the
// control plane, and the names the data-plane and signaling routes register ("PutMedia",
// "GetMedia", …). Faults apply to a call once it is authenticated and routed to its operation,
// before its input is read, in this order: the call is counted (Calls); the latency set for the
// operation, or else for AnyOperation, passes; the OnCall hook runs; a failure queued by
// FailNext or Throttle for the operation, or else for AnyOperation, is answered instead of the
// operation.

package kvstest

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// AnyOperation stands for every operation in FailNext, Throttle, SetLatency and Calls.
const AnyOperation = "*"

// faults holds the injected behaviour. It has its own lock, so that a hook may call the Server.
type faults struct {
	mu      sync.Mutex
	queued  map[string][]Error
	latency map[string]time.Duration
	hook    func(op string, r *http.Request) error
	calls   map[string]int
}

// FailNext makes the next n calls of op fail with e instead of running (op may be AnyOperation).
// Failures queue up: FailNext("DescribeStream", 1, a) then FailNext("DescribeStream", 1, b)
// fails the next call with a and the one after with b.
//
//	s.FailNext("DescribeStream", 2, kvstest.Error{Status: 500, Code: "InternalFailure", Message: "boom"})
func (s *Server) FailNext(op string, n int, e Error) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for range n {
		s.faults.queued[op] = append(s.faults.queued[op], e)
	}
}

// Throttle makes the next n calls of op fail with ClientLimitExceededException and HTTP 400,
// the way the service throttles.
func (s *Server) Throttle(op string, n int) {
	s.FailNext(op, n, *errThrottled())
}

// SetLatency delays every call of op by d before it is answered; zero removes the delay. A delay
// set for op replaces the one set for AnyOperation. The wait ends early when the client gives up
// or the server closes.
func (s *Server) SetLatency(op string, d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if d <= 0 {
		delete(s.faults.latency, op)
		return
	}
	s.faults.latency[op] = d
}

// OnCall installs a hook called for every call of every operation, with the operation name and
// the request; nil removes it. The request's body may be read for JSON operations (the
// operation gets its own copy); for streaming operations the hook sees an empty body. When the
// hook returns an *Error the call is answered with it; any other non-nil error is answered as
// HTTP 500 InternalFailure. The hook runs on the request's goroutine: it may block, and it may
// call the Server.
func (s *Server) OnCall(hook func(op string, r *http.Request) error) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.hook = hook
}

// Calls returns how many authenticated calls of op the server received since it started or
// since ResetFaults, including those that failed; Calls(AnyOperation) counts all of them.
func (s *Server) Calls(op string) int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if op == AnyOperation {
		n := 0
		for _, c := range s.faults.calls {
			n += c
		}
		return n
	}
	return s.faults.calls[op]
}

// ResetFaults removes every queued failure, latency and hook, and zeroes the call counts.
func (s *Server) ResetFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.reset()
}

func (f *faults) reset() {
	f.queued = map[string][]Error{}
	f.latency = map[string]time.Duration{}
	f.hook = nil
	f.calls = map[string]int{}
}

// applyFaults runs the injected behaviour for one call of op and returns the error to answer with, if
// any.
func (s *Server) applyFaults(op string, r *http.Request) *Error {
	f := &s.faults
	f.mu.Lock()
	f.calls[op]++
	d, ok := f.latency[op]
	if !ok {
		d = f.latency[AnyOperation]
	}
	hook := f.hook
	f.mu.Unlock()

	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return newError(http.StatusServiceUnavailable, "ServiceUnavailable", "the request ended during injected latency")
		}
	}
	if hook != nil {
		if err := hook(op, r); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return e
			}
			return errInternal(err)
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	for _, key := range []string{op, AnyOperation} {
		if q := f.queued[key]; len(q) > 0 {
			e := q[0]
			f.queued[key] = q[1:]
			return &e
		}
	}
	return nil
}
