package kvstest_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

func TestCloseWaitsAndEndsRequests(t *testing.T) {
	s := kvstest.NewServer()
	s.SetLatency("ListStreams", time.Hour)
	done := make(chan error, 1)
	go func() {
		_, err := client(s).ListStreams(ctx, nil)
		done <- err
	}()
	for s.Calls("ListStreams") == 0 {
		time.Sleep(time.Millisecond)
	}
	began := time.Now()
	s.Close()
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-done; err == nil {
		t.Error("the request in progress succeeded")
	}
	s.Close() // idempotent
	if _, err := client(s).ListStreams(ctx, nil); err == nil {
		t.Error("a closed server answered")
	}
}

func TestTLS(t *testing.T) {
	s := start(t, kvstest.WithTLS())
	for _, u := range []string{s.URL, s.DataURL, s.SignalingURL} {
		if !strings.HasPrefix(u, "https://127.0.0.1:") {
			t.Errorf("URL %s", u)
		}
	}
	if !strings.HasPrefix(s.SignalingWebSocketURL, "wss://127.0.0.1:") || s.Certificate() == nil {
		t.Errorf("WebSocket URL %s, certificate %v", s.SignalingWebSocketURL, s.Certificate())
	}
	must[*kvs.CreateStreamOutput](t)(client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}))
	// A client that does not trust the certificate fails.
	if _, err := (&http.Client{}).Get(s.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusting client: %v", err)
	}
	if start(t).Certificate() != nil {
		t.Error("certificate without TLS")
	}
}

func TestStartOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  kvstest.Option
		want string
	}{
		{"region", kvstest.WithRegion("Mars"), "region"},
		{"account", kvstest.WithAccountID("1234"), "12 digits"},
		{"credentials", kvstest.WithCredentials("", "x"), "must not be empty"},
		{"clock", kvstest.WithClock(nil), "clock"},
		{"delays", kvstest.WithDelays(kvstest.Delays{EdgeSync: -1}), "negative"},
		{"limits", kvstest.WithLimits(kvstest.Limits{Streams: -1}), "negative"},
		{"address", kvstest.WithAddr("256.0.0.1:1"), "listening"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := kvstest.Start(tc.opt)
			if err == nil {
				s.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("NewServer did not panic on a bad option")
		}
	}()
	kvstest.NewServer(kvstest.WithAccountID("x"))
}

func TestWithAddr(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := start(t, kvstest.WithAddr(addr))
	if s.URL != "http://"+addr {
		t.Fatalf("URL %s, want http://%s", s.URL, addr)
	}
	if _, err := client(s).ListStreams(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := kvstest.Start(kvstest.WithAddr(addr)); err == nil || !strings.Contains(err.Error(), "listening on "+addr) {
		t.Errorf("second server on the same address: %v", err)
	}
}

func TestWithLogf(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	s := kvstest.NewServer(kvstest.WithLogf(func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}))
	_, _ = client(s).DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "nope"})
	s.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || !strings.Contains(lines[0], "control POST /describeStream DescribeStream → 404 ResourceNotFoundException") {
		t.Errorf("logged %q", lines)
	}
}

// TestBadInput sends bodies that our client would refuse to send; the server refuses them as
// the service does, and never fails with a server error.
func TestBadInput(t *testing.T) {
	s := start(t)
	post(t, s, "/createStream", `{"StreamName":"exists"}`)
	tests := []struct {
		name, path, body string
		status           int
		code, about      string
	}{
		{"not JSON", "/createStream", `{"StreamName":`, 400, "SerializationException", "CreateStreamInput"},
		{"wrong type", "/createStream", `{"StreamName":5}`, 400, "SerializationException", ""},
		{"array body", "/listStreams", `[]`, 400, "SerializationException", ""},
		{"too deep", "/listStreams", strings.Repeat("[", 300) + strings.Repeat("]", 300), 400, "SerializationException", ""},
		{"bad name", "/createStream", `{"StreamName":"my stream"}`, 400, "InvalidArgumentException",
			"1 validation error detected: Value at 'streamName' failed to satisfy constraint: \"my stream\" does not match the pattern"},
		{"two errors", "/createStream", `{"DataRetentionInHours":-1}`, 400, "InvalidArgumentException", "2 validation errors detected"},
		{"nested member", "/listStreams", `{"StreamNameCondition":{"ComparisonOperator":"ENDS_WITH"}}`, 400, "InvalidArgumentException",
			"'streamNameCondition.comparisonOperator'"},
		{"retention over ten years", "/createStream", `{"StreamName":"long","DataRetentionInHours":87601}`, 400, "InvalidArgumentException", "87600"},
		{"malformed ARN", "/deleteStream", `{"StreamARN":"arn:aws:s3:::bucket"}`, 400, "InvalidArgumentException", "not valid"},
		{"no name or ARN", "/describeStream", `{}`, 400, "InvalidArgumentException", "name or the ARN"},
		{"bad hub ARN", "/listEdgeAgentConfigurations", `{"HubDeviceArn":"arn:aws:iot:us-east-1:1:device/x"}`, 400, "InvalidArgumentException", "'hubDeviceArn'"},
		{"empty body", "/listStreams", ``, 200, "", ""},
		{"null body", "/listStreams", `null`, 200, "", ""},
		{"unknown members", "/listStreams", `{"Surprise":[1,{"a":null}]}`, 200, "", ""},
		{"too large", "/listStreams", `{"NextToken":"` + strings.Repeat("A", 1<<20) + `"}`, 413, "RequestEntityTooLargeException", "1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, s, tt.path, tt.body)
			if r.status != tt.status || r.code != tt.code || !strings.Contains(r.message, tt.about) {
				t.Errorf("HTTP %d %q %q, want HTTP %d %q about %q", r.status, r.code, r.message, tt.status, tt.code, tt.about)
			}
		})
	}
}

// TestLargeChunkedBody checks that a body of undeclared length is cut at the limit.
func TestLargeChunkedBody(t *testing.T) {
	s := start(t)
	body := `{"NextToken":"` + strings.Repeat("A", 2<<20) + `"}`
	req := newRequest(t, s.URL, "/listStreams", body)
	req.ContentLength = -1
	sign(t, req, s.Credentials(), s.Region, time.Now(), body)
	if r := send(t, s, req); r.status != 413 || r.code != "RequestEntityTooLargeException" {
		t.Errorf("HTTP %d %s", r.status, r.code)
	}
}

func TestResponseShape(t *testing.T) {
	s := start(t)
	r := post(t, s, "/createStream", `{"StreamName":"s"}`)
	if r.header.Get("Content-Type") != "application/json" || len(r.header.Get("X-Amzn-Requestid")) != 36 {
		t.Errorf("headers %v", r.header)
	}
	// Operations without output members answer with an empty body.
	r = post(t, s, "/tagStream", `{"StreamName":"s","Tags":{"k":"v"}}`)
	if r.status != 200 || len(r.body) != 0 {
		t.Errorf("TagStream: HTTP %d %q", r.status, r.body)
	}
	r = post(t, s, "/describeStream", `{"StreamName":"missing"}`)
	if r.status != 404 || r.header.Get("X-Amzn-Errortype") != "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.kinesisvideo.v20170930/" ||
		string(r.body) != `{"message":"The requested stream is not found or not active."}` {
		t.Errorf("error answer: HTTP %d %v %s", r.status, r.header, r.body)
	}
}
