package kvstest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

func TestFailNext(t *testing.T) {
	s := start(t)
	cl := client(s)
	s.FailNext("ListStreams", 2, kvstest.Error{Status: 503, Code: "ServiceUnavailable", Message: "try later"})
	s.FailNext("ListStreams", 1, kvstest.Error{Code: "AccessDeniedException", Message: "no"})
	for i, want := range []struct {
		code   string
		status int
	}{{"ServiceUnavailable", 503}, {"ServiceUnavailable", 503}, {"AccessDeniedException", 400}, {"", 0}} {
		_, err := cl.ListStreams(ctx, nil)
		if code(err) != want.code || httpStatus(err) != want.status {
			t.Errorf("call %d: %v, want %s/%d", i+1, err, want.code, want.status)
		}
		if want.code == "ServiceUnavailable" && !strings.Contains(err.Error(), "try later") {
			t.Errorf("message lost: %v", err)
		}
	}
	// Other operations are not affected; AnyOperation affects every one.
	if _, err := cl.ListSignalingChannels(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s.FailNext(kvstest.AnyOperation, 1, kvstest.Error{Status: 500, Code: "InternalFailure"})
	_, err := cl.ListSignalingChannels(ctx, nil)
	wantCode(t, err, "InternalFailure")
	if n := s.Calls("ListStreams"); n != 4 {
		t.Errorf("Calls(ListStreams) = %d, want 4", n)
	}
	if n := s.Calls(kvstest.AnyOperation); n != 6 {
		t.Errorf("Calls(AnyOperation) = %d, want 6", n)
	}
}

func TestThrottle(t *testing.T) {
	s := start(t)
	s.Throttle("DescribeStream", 2)
	// Our client retries ClientLimitExceededException, which the service sends with HTTP 400.
	fast := retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
	})
	cl := kvs.NewFromConfig(s.Config(), func(o *kvs.Options) { o.Retryer = fast })
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}))
	if _, err := cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "s"}); err != nil {
		t.Fatal(err)
	}
	if n := s.Calls("DescribeStream"); n != 3 {
		t.Errorf("%d calls, want 3 (two throttled)", n)
	}
}

func TestSetLatency(t *testing.T) {
	s := start(t)
	cl := client(s)
	const latency = 300 * time.Millisecond
	s.SetLatency("ListStreams", latency)
	began := time.Now()
	if _, err := cl.ListStreams(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < latency {
		t.Errorf("answered after %v", d)
	}
	began = time.Now()
	if _, err := cl.ListSignalingChannels(ctx, nil); err != nil || time.Since(began) > latency*3/4 {
		t.Errorf("another operation was delayed: %v, %v", time.Since(began), err)
	}
	// A client that gives up ends the wait.
	s.SetLatency(kvstest.AnyOperation, time.Hour)
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := cl.ListSignalingChannels(short, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	s.SetLatency(kvstest.AnyOperation, 0)
	s.SetLatency("ListStreams", 0)
	began = time.Now()
	if _, err := cl.ListStreams(ctx, nil); err != nil || time.Since(began) > latency*3/4 {
		t.Errorf("latency not removed: %v, %v", time.Since(began), err)
	}
}

func TestOnCall(t *testing.T) {
	s := start(t)
	cl := client(s)
	var mu sync.Mutex
	var seen []string
	s.OnCall(func(op kvstest.Operation, r *http.Request) error {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, string(op))
		mu.Unlock()
		switch {
		case strings.Contains(string(body), `"forbidden"`):
			return &kvstest.Error{Status: 401, Code: "NotAuthorizedException", Message: "not this one"}
		case strings.Contains(string(body), `"broken"`):
			return errors.New("hook failure")
		}
		return nil
	})
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "fine"}))
	_, err := cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "forbidden"})
	wantCode(t, err, "NotAuthorizedException")
	if httpStatus(err) != 401 {
		t.Errorf("HTTP %d", httpStatus(err))
	}
	_, err = cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "broken"})
	wantCode(t, err, "InternalFailure")
	if httpStatus(err) != 500 || !strings.Contains(err.Error(), "hook failure") {
		t.Errorf("err = %v", err)
	}
	// The operation still reads the body the hook read.
	out := must[*kvs.DescribeStreamOutput](t)(cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "fine"}))
	if out.StreamInfo.StreamName != "fine" {
		t.Errorf("%+v", out.StreamInfo)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, ",") != "CreateStream,CreateStream,DescribeStream,DescribeStream" {
		t.Errorf("hook saw %v", seen)
	}
	mu.Unlock()
	s.ResetFaults()
	if _, err := cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "forbidden"}); err != nil {
		t.Errorf("hook not removed by ResetFaults: %v", err)
	}
	mu.Lock()
	if len(seen) != 4 || s.Calls("CreateStream") != 1 {
		t.Errorf("after reset: hook saw %d, Calls %d", len(seen), s.Calls("CreateStream"))
	}
}

// TestUnknownOperationsAreRefused checks that a misspelt operation is an error, not a fault that
// silently never happens, and that every Op constant names an operation the server serves.
func TestUnknownOperationsAreRefused(t *testing.T) {
	s := start(t)
	e := kvstest.Error{Status: 500, Code: "InternalFailure"}
	for name, err := range map[string]error{
		"FailNext":   s.FailNext("DescribeStreams", 1, e),
		"Throttle":   s.Throttle("putMedia", 1),
		"SetLatency": s.SetLatency("", time.Second),
	} {
		if !errors.Is(err, kvstest.ErrUnknownOperation) {
			t.Errorf("%s of an unknown operation: %v, want ErrUnknownOperation", name, err)
		}
	}
	if _, err := client(s).ListStreams(ctx, nil); err != nil {
		t.Errorf("a refused fault was injected: %v", err)
	}
	for _, op := range []kvstest.Operation{kvstest.AnyOperation, kvstest.OpCreateStream, kvstest.OpUpdateStreamStorageConfiguration,
		kvstest.OpPutMedia, kvstest.OpGetTSFragment, kvstest.OpGetMP4MediaFragment, kvstest.OpGetIceServerConfig,
		kvstest.OpConnectAsMaster, kvstest.OpConnectAsViewer} {
		if err := s.FailNext(op, 0, e); err != nil {
			t.Errorf("FailNext(%s): %v", op, err)
		}
	}
}
