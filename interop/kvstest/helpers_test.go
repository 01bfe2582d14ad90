package kvstest_test

// The tests of kvstest that go through the AWS SDK's own clients: they live in the interop
// module so that those clients stay out of the SDK's go.mod. kvstest's other tests, in the SDK's
// module, have helpers of the same names; these are the few the tests here need.

import (
	"context"
	"errors"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

var ctx = context.Background()

// waitLimit bounds the waits for the emulator to see a connection close.
const waitLimit = 5 * time.Second

// start returns a server closed when the test ends, logging to the test.
func start(t *testing.T, opts ...kvstest.Option) *kvstest.Server {
	t.Helper()
	s := kvstest.NewServer(append([]kvstest.Option{kvstest.WithLogf(t.Logf)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

// client returns a kvs client of s that does not retry, so that every error is seen.
func client(s *kvstest.Server) *kvs.Client {
	return kvs.NewFromConfig(s.Config(), func(o *kvs.Options) { o.RetryMaxAttempts = 1 })
}

// code returns the error code of an API error, "" for no error, or the error itself when it is
// another error.
func code(err error) string {
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		return ae.ErrorCode()
	case err == nil:
		return ""
	}
	return "not an API error: " + err.Error()
}

// wantCode fails the test unless err is an API error with the HTTP status and error code given.
func wantCode(t *testing.T, err error, status int, want string) {
	t.Helper()
	var re *awshttp.ResponseError
	if got := code(err); got != want || !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("error %v, want %s with HTTP %d", err, want, status)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
