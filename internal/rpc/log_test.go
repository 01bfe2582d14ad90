package rpc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/kvsgo/sdk/internal/backoff"
	"github.com/kvsgo/sdk/internal/wiretest"
)

// TestClientLogModeBits checks that each ClientLogMode bit logs what it logs in aws-sdk-go-v2, at
// Debug, and nothing else: requests and responses with and without bodies, the signature's
// canonical request, and retries.
func TestClientLogModeBits(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			w.Header().Set("X-Amzn-ErrorType", "ClientLimitExceededException")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"message":"slow down"}`)
			return
		}
		w.Header().Set("X-Test-Response", "yes")
		_, _ = io.WriteString(w, `{"Answer":"forty-two"}`)
	}))
	defer srv.Close()
	type in struct {
		Question string `json:"Question"`
	}
	type out struct {
		Answer string `json:"Answer"`
	}
	tests := []struct {
		mode      aws.ClientLogMode
		want      []string
		forbidden []string
	}{
		{0, nil, []string{"Request", "Response", "retrying", "CANONICAL"}},
		{aws.LogRequest, []string{"DEBUG Request\nPOST /ask HTTP/1.1", "Amz-Sdk-Invocation-Id"}, []string{"what-is-it", "Response", "retrying", "CANONICAL"}},
		{aws.LogRequestWithBody, []string{"DEBUG Request\nPOST /ask HTTP/1.1", `{"Question":"what-is-it"}`}, []string{"Response", "retrying"}},
		{aws.LogResponse, []string{"DEBUG Response\nHTTP/1.1 200 OK", "X-Test-Response: yes", "HTTP/1.1 400 Bad Request"}, []string{"forty-two", "Request\n", "retrying"}},
		{aws.LogResponseWithBody, []string{"DEBUG Response\nHTTP/1.1 200 OK", `{"Answer":"forty-two"}`, `{"message":"slow down"}`}, []string{"Request\n", "retrying"}},
		{aws.LogSigning, []string{"DEBUG Request Signature:", "CANONICAL STRING", "POST\n/ask"}, []string{"Response", "retrying"}},
		{aws.LogRetries, []string{"DEBUG retrying request Test/Ask, attempt 2"}, []string{"Request\n", "Response", "CANONICAL"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.mode), func(t *testing.T) {
			calls.Store(0)
			log := &wiretest.Logger{}
			cfg, err := ClientOptions{
				Region: "us-west-2", BaseEndpoint: srv.URL, Logger: log, ClientLogMode: tc.mode,
				Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
					o.Backoff = backoff.Policy{Base: time.Microsecond, Max: time.Microsecond}
				}),
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
				}),
			}.Build("Test", "test", func(string, string) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			var o out
			if err := cfg.Invoke(context.Background(), "Ask", "/ask", &in{Question: "what-is-it"}, &o); err != nil {
				t.Fatal(err)
			}
			if o.Answer != "forty-two" {
				t.Fatalf("answer %q: logging the body must leave it readable", o.Answer)
			}
			text := log.Text("\n---\n")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("log lacks %q:\n%s", w, text)
				}
			}
			for _, f := range tc.forbidden {
				if strings.Contains(text, f) {
					t.Errorf("log has %q:\n%s", f, text)
				}
			}
		})
	}
}

// TestStreamingBodiesAreNotLogged checks that a streaming request body and a streaming 2xx
// response are left unread by the body log modes.
func TestStreamingBodiesAreNotLogged(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		_, _ = w.Write(append([]byte("echo:"), data...))
	}))
	defer srv.Close()
	log := &wiretest.Logger{}
	cfg, err := ClientOptions{Region: "us-west-2", BaseEndpoint: srv.URL, Logger: log,
		ClientLogMode: aws.LogRequestWithBody | aws.LogResponseWithBody, Credentials: aws.AnonymousCredentials{}}.
		Build("Test", "test", func(string, string) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	resp, err := cfg.Do(context.Background(), &Request{Operation: "Put", Path: "/put",
		Stream: strings.NewReader("media-bytes"), PayloadHash: UnsignedPayload, StreamingResponse: true})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(data) != "echo:media-bytes" {
		t.Fatalf("body %q", data)
	}
	text := log.Text("\n---\n")
	if strings.Contains(text, "media-bytes") || strings.Count(text, "(streaming body not logged)") != 2 {
		t.Errorf("log:\n%s", text)
	}
}

func TestEventLog(t *testing.T) {
	log := &wiretest.Logger{}
	NewEventLog(log, 0, "p: ").Debugf("connected %d", 1)
	NewEventLog(log, 0, "p: ").Warnf("dropped %d", 2)
	NewEventLog(log, aws.LogRetries, "p: ").Debugf("reconnected %d", 3)
	EventLog{}.Warnf("nowhere")
	if got, want := log.Text("\n---\n"), "WARN p: dropped 2\n---\nDEBUG p: reconnected 3"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}
