package kvstest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

var ctx = context.Background()

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

// code returns the error code of an API error, or the error itself when it is another error.
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err == nil {
		return ""
	}
	return "not an API error: " + err.Error()
}

// httpStatus returns the HTTP status of a failed call.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// wantCode fails the test unless err has the error code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Fatalf("error code %q (%v), want %q", got, err, want)
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

// clock is a settable clock for WithClock.
type clock = mediatest.Clock

func newClock() *clock { return mediatest.NewClock(time.Now()) }

// response is a raw answer of the server.
type response struct {
	status  int
	code    string
	message string
	header  http.Header
	body    []byte
}

// send sends req and reads the answer.
func send(t *testing.T, s *kvstest.Server, req *http.Request) response {
	t.Helper()
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, body: body}
	r.code, _, _ = strings.Cut(resp.Header.Get("X-Amzn-Errortype"), ":")
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil {
		r.message = m.Message
	}
	return r
}

// newRequest builds a POST of body to base+path.
func newRequest(t *testing.T, base, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

func payloadHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// sign signs req with creds for region at time at, hashing body.
func sign(t *testing.T, req *http.Request, creds aws.Credentials, region string, at time.Time, body string) {
	t.Helper()
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, payloadHash(body), "kinesisvideo", region, at); err != nil {
		t.Fatal(err)
	}
}

// post sends a correctly signed JSON request to the control plane.
func post(t *testing.T, s *kvstest.Server, path, body string) response {
	t.Helper()
	req := newRequest(t, s.URL, path, body)
	sign(t, req, s.Credentials(), s.Region, time.Now(), body)
	return send(t, s, req)
}

// decode decodes the JSON body of a successful response.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("HTTP %d %s: %s", r.status, r.code, r.message)
	}
	if err := json.NewDecoder(bytes.NewReader(r.body)).Decode(v); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
}
