package kvstest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// ensureStream is application code under test: it creates a stream unless it exists, and
// returns its ARN.
func ensureStream(ctx context.Context, client *kvs.Client, name string) (string, error) {
	out, err := client.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: name})
	var notFound *kvs.ResourceNotFoundException
	switch {
	case err == nil:
		return out.StreamInfo.StreamARN, nil
	case !errors.As(err, &notFound):
		return "", err
	}
	created, err := client.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: 24})
	if err != nil {
		return "", err
	}
	return created.StreamARN, nil
}

// A test of application code: the emulator stands in for the service, and its state shows what
// the code did.
func Example() {
	s := kvstest.NewServer()
	defer s.Close()
	client := kvs.NewFromConfig(s.Config())
	ctx := context.Background()

	first, err := ensureStream(ctx, client, "camera-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	second, _ := ensureStream(ctx, client, "camera-1")
	fmt.Println("same stream:", first == second)
	fmt.Println("CreateStream calls:", s.Calls("CreateStream"))
	// Output:
	// same stream: true
	// CreateStream calls: 1
}

// Making the next call fail shows how application code handles a service error.
func ExampleServer_FailNext() {
	s := kvstest.NewServer()
	defer s.Close()
	client := kvs.NewFromConfig(s.Config(), func(o *kvs.Options) { o.RetryMaxAttempts = 1 })

	s.FailNext("DescribeStream", 1, kvstest.Error{Status: 500, Code: "InternalFailure", Message: "injected"})
	_, err := ensureStream(context.Background(), client, "camera-1")
	var apiErr interface{ ErrorCode() string }
	if errors.As(err, &apiErr) {
		fmt.Println("ensureStream failed with", apiErr.ErrorCode())
	}
	fmt.Println("CreateStream calls:", s.Calls("CreateStream"))
	// Output:
	// ensureStream failed with InternalFailure
	// CreateStream calls: 0
}

// Throttling is answered the way the service throttles; the kvs client retries it.
func ExampleServer_Throttle() {
	s := kvstest.NewServer()
	defer s.Close()
	client := kvs.NewFromConfig(s.Config())

	s.Throttle("ListStreams", 1)
	if _, err := client.ListStreams(context.Background(), nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ListStreams calls:", s.Calls("ListStreams"))
	// Output:
	// ListStreams calls: 2
}

// A controlled clock and status delays let a test step through a stream's lifecycle without
// sleeping.
func ExampleWithClock() {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	s := kvstest.NewServer(kvstest.WithClock(clock), kvstest.WithDelays(kvstest.Delays{StreamCreate: 5 * time.Second}))
	defer s.Close()
	client := kvs.NewFromConfig(s.Config())
	ctx := context.Background()

	if _, err := client.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera-1"}); err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		out, err := client.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "camera-1"})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(out.StreamInfo.Status)
		advance(5 * time.Second)
	}
	// Output:
	// CREATING
	// ACTIVE
}

// A server that programs outside the test process trust: the AWS CLI, boto3, Node or the C
// producer, told to trust the authority written to a file.
func ExampleWithTLSCertificate() {
	cert, caPEM, err := kvstest.NewLocalCertificate()
	if err != nil {
		fmt.Println(err)
		return
	}
	ca := filepath.Join(os.TempDir(), "kvstest-example-ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o644); err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(ca)
	s := kvstest.NewServer(kvstest.WithTLSCertificate(cert), kvstest.WithOnePort())
	defer s.Close()
	// Run, for example: AWS_CA_BUNDLE=<ca> aws kinesisvideo list-streams --endpoint-url <s.URL>
	fmt.Println(strings.HasPrefix(s.URL, "https://127.0.0.1:"), s.DataURL == s.URL,
		strings.HasPrefix(s.SignalingWebSocketURL, "wss://127.0.0.1:"))
	// Output: true true true
}
