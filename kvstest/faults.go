// Fault injection: make calls fail, slow down or be throttled, by operation.
//
// Operations are named by the Operation constants: the API's action names (OpCreateStream,
// OpDescribeStream, … for the control plane), the media, archived-media and playback operations
// (OpPutMedia, OpGetMedia, OpGetHLSMediaPlaylist, …) and the signaling ones (OpGetIceServerConfig,
// OpConnectAsMaster, OpConnectAsViewer, …). A name the server does not serve is refused with an
// error, so that a typo cannot silently inject nothing. Faults apply to a call once it is authenticated and routed to its operation,
// before its input is read, in this order: the call is counted (Calls); the latency set for the
// operation, or else for AnyOperation, passes; the OnCall hook runs; a failure queued by
// FailNext or Throttle for the operation, or else for AnyOperation, is answered instead of the
// operation.

package kvstest

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// Operation names an operation of the emulator in fault injection and call counts.
type Operation string

// AnyOperation stands for every operation in FailNext, Throttle, SetLatency and Calls.
const AnyOperation Operation = "*"

// The operations of the control plane.
const (
	OpCreateSignalingChannel               Operation = "CreateSignalingChannel"
	OpCreateStream                         Operation = "CreateStream"
	OpDeleteEdgeConfiguration              Operation = "DeleteEdgeConfiguration"
	OpDeleteSignalingChannel               Operation = "DeleteSignalingChannel"
	OpDeleteStream                         Operation = "DeleteStream"
	OpDescribeEdgeConfiguration            Operation = "DescribeEdgeConfiguration"
	OpDescribeImageGenerationConfiguration Operation = "DescribeImageGenerationConfiguration"
	OpDescribeMappedResourceConfiguration  Operation = "DescribeMappedResourceConfiguration"
	OpDescribeMediaStorageConfiguration    Operation = "DescribeMediaStorageConfiguration"
	OpDescribeNotificationConfiguration    Operation = "DescribeNotificationConfiguration"
	OpDescribeSignalingChannel             Operation = "DescribeSignalingChannel"
	OpDescribeStream                       Operation = "DescribeStream"
	OpDescribeStreamStorageConfiguration   Operation = "DescribeStreamStorageConfiguration"
	OpGetDataEndpoint                      Operation = "GetDataEndpoint"
	OpGetSignalingChannelEndpoint          Operation = "GetSignalingChannelEndpoint"
	OpListEdgeAgentConfigurations          Operation = "ListEdgeAgentConfigurations"
	OpListSignalingChannels                Operation = "ListSignalingChannels"
	OpListStreams                          Operation = "ListStreams"
	OpListTagsForResource                  Operation = "ListTagsForResource"
	OpListTagsForStream                    Operation = "ListTagsForStream"
	OpStartEdgeConfigurationUpdate         Operation = "StartEdgeConfigurationUpdate"
	OpTagResource                          Operation = "TagResource"
	OpTagStream                            Operation = "TagStream"
	OpUntagResource                        Operation = "UntagResource"
	OpUntagStream                          Operation = "UntagStream"
	OpUpdateDataRetention                  Operation = "UpdateDataRetention"
	OpUpdateImageGenerationConfiguration   Operation = "UpdateImageGenerationConfiguration"
	OpUpdateMediaStorageConfiguration      Operation = "UpdateMediaStorageConfiguration"
	OpUpdateNotificationConfiguration      Operation = "UpdateNotificationConfiguration"
	OpUpdateSignalingChannel               Operation = "UpdateSignalingChannel"
	OpUpdateStream                         Operation = "UpdateStream"
	OpUpdateStreamStorageConfiguration     Operation = "UpdateStreamStorageConfiguration"
)

// The operations of the data plane: media, archived media, and the playback resources of HLS and
// DASH sessions.
const (
	OpPutMedia                   Operation = "PutMedia"
	OpGetMedia                   Operation = "GetMedia"
	OpListFragments              Operation = "ListFragments"
	OpGetMediaForFragmentList    Operation = "GetMediaForFragmentList"
	OpGetClip                    Operation = "GetClip"
	OpGetImages                  Operation = "GetImages"
	OpGetHLSStreamingSessionURL  Operation = "GetHLSStreamingSessionURL"
	OpGetDASHStreamingSessionURL Operation = "GetDASHStreamingSessionURL"
	OpGetHLSMasterPlaylist       Operation = "GetHLSMasterPlaylist"
	OpGetHLSMediaPlaylist        Operation = "GetHLSMediaPlaylist"
	OpGetDASHManifest            Operation = "GetDASHManifest"
	OpGetMP4InitFragment         Operation = "GetMP4InitFragment"
	OpGetMP4MediaFragment        Operation = "GetMP4MediaFragment"
	OpGetTSFragment              Operation = "GetTSFragment"
)

// The operations of signaling channels: the HTTPS API and the WebSocket handshakes of masters
// and viewers.
const (
	OpGetIceServerConfig     Operation = "GetIceServerConfig"
	OpSendAlexaOfferToMaster Operation = "SendAlexaOfferToMaster"
	OpConnectAsMaster        Operation = "ConnectAsMaster"
	OpConnectAsViewer        Operation = "ConnectAsViewer"
	// OpDescribeSignalingChannelActivity is the emulator's own report of a channel's connections
	// and relayed messages (no such operation exists in the service).
	OpDescribeSignalingChannelActivity Operation = "DescribeSignalingChannelActivity"
)

// ErrUnknownOperation is returned by FailNext, Throttle and SetLatency for an operation the
// server does not serve.
var ErrUnknownOperation = errors.New("kvstest: unknown operation")

// checkOperation refuses an operation that no route serves.
func checkOperation(op Operation) error {
	if op == AnyOperation || op == OpConnectAsViewer {
		return nil // ConnectAsViewer shares ConnectAsMaster's route
	}
	for _, m := range routes {
		for _, r := range m {
			if Operation(r.op) == op {
				return nil
			}
		}
	}
	return fmt.Errorf("%w %q (see the Op… constants)", ErrUnknownOperation, op)
}

// faults holds the injected behaviour. It has its own lock, so that a hook may call the Server.
type faults struct {
	mu      sync.Mutex
	queued  map[Operation][]Error
	latency map[Operation]time.Duration
	hook    func(op Operation, r *http.Request) error
	calls   map[Operation]int
}

// FailNext makes the next n calls of op fail with e instead of running (op may be AnyOperation).
// Failures queue up: FailNext(OpDescribeStream, 1, a) then FailNext(OpDescribeStream, 1, b)
// fails the next call with a and the one after with b. It returns an error wrapping
// ErrUnknownOperation, and queues nothing, for an operation the server does not serve.
//
//	s.FailNext(kvstest.OpDescribeStream, 2, kvstest.Error{Status: 500, Code: "InternalFailure", Message: "boom"})
func (s *Server) FailNext(op Operation, n int, e Error) error {
	if err := checkOperation(op); err != nil {
		return err
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for range n {
		s.faults.queued[op] = append(s.faults.queued[op], e)
	}
	return nil
}

// Throttle makes the next n calls of op fail with ClientLimitExceededException and HTTP 400,
// the way the service throttles. Unknown operations are refused as by FailNext.
func (s *Server) Throttle(op Operation, n int) error {
	return s.FailNext(op, n, Error(*apierr.Throttled()))
}

// SetLatency delays every call of op by d before it is answered; zero removes the delay. A delay
// set for op replaces the one set for AnyOperation. The wait ends early when the client gives up
// or the server closes. Unknown operations are refused as by FailNext.
func (s *Server) SetLatency(op Operation, d time.Duration) error {
	if err := checkOperation(op); err != nil {
		return err
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if d <= 0 {
		delete(s.faults.latency, op)
		return nil
	}
	s.faults.latency[op] = d
	return nil
}

// OnCall installs a hook called for every call of every operation, with the operation name and
// the request; nil removes it. The request's body may be read for JSON operations (the
// operation gets its own copy); for streaming operations the hook sees an empty body. When the
// hook returns an *Error the call is answered with it; any other non-nil error is answered as
// HTTP 500 InternalFailure. The hook runs on the request's goroutine: it may block, and it may
// call the Server.
func (s *Server) OnCall(hook func(op Operation, r *http.Request) error) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.hook = hook
}

// Calls returns how many authenticated calls of op the server received since it started or
// since ResetFaults, including those that failed; Calls(AnyOperation) counts all of them. An
// operation the server does not serve has no calls.
func (s *Server) Calls(op Operation) int {
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
	f.queued = map[Operation][]Error{}
	f.latency = map[Operation]time.Duration{}
	f.hook = nil
	f.calls = map[Operation]int{}
}

// applyFaults runs the injected behaviour for one call of op and returns the error to answer with, if
// any.
func (s *Server) applyFaults(name string, r *http.Request) *apierr.Error {
	op := Operation(name)
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
			return apierr.New(http.StatusServiceUnavailable, "ServiceUnavailable", "the request ended during injected latency")
		}
	}
	if hook != nil {
		if err := hook(op, r); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return (*apierr.Error)(e)
			}
			return apierr.Internal(err)
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	for _, key := range []Operation{op, AnyOperation} {
		if q := f.queued[key]; len(q) > 0 {
			e := q[0]
			f.queued[key] = q[1:]
			return (*apierr.Error)(&e)
		}
	}
	return nil
}
