package kvstest

// Tests of the extension points the data-plane and signaling handlers build on: streaming routes
// verified without reading the body, and the signals of stream state.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/kvstest/internal/sigv4"
)

// A streaming route registered the way putmedia.go will register PutMedia: it counts the bytes
// of the body and reports a body that fails its hash.
func init() {
	streamRoute(dataPlane, http.MethodPost, "/testEcho", "TestEcho", func(s *Server, c *serve.Call) {
		n, err := io.Copy(io.Discard, c.R.Body)
		if errors.Is(err, sigv4.ErrBodyHashMismatch) {
			c.Fail(apierr.InvalidArgument("%v", err))
			return
		}
		c.W.WriteHeader(http.StatusOK)
		fmt.Fprintf(c.W, "%d %s", n, c.AccessKey)
	})
}

// slowBody is a body of unknown length that the verifier cannot have read first: it blocks
// until released.
type slowBody struct {
	release chan struct{}
	r       io.Reader
}

func (b *slowBody) Read(p []byte) (int, error) {
	<-b.release
	return b.r.Read(p)
}

func TestStreamingRouteIsVerifiedWithoutItsBody(t *testing.T) {
	s := NewServer()
	defer s.Close()
	const content = "mkv bytes of a PutMedia stream"
	tests := []struct {
		name        string
		hash        string // the payload hash signed
		header      string // X-Amz-Content-Sha256, if any
		secret      string
		body        string
		status      int
		wantContent string
	}{
		{"UNSIGNED-PAYLOAD", sigv4.UnsignedPayload, sigv4.UnsignedPayload, "test", content, 200, fmt.Sprintf("%d test", len(content))},
		{"empty-body hash, no header", sigv4.EmptyPayloadHash, "", "test", content, 200, fmt.Sprintf("%d test", len(content))},
		{"empty-body hash, announced", sigv4.EmptyPayloadHash, sigv4.EmptyPayloadHash, "test", content, 200, fmt.Sprintf("%d test", len(content))},
		{"hash of the body", sha256Hex(content), sha256Hex(content), "test", content, 200, fmt.Sprintf("%d test", len(content))},
		{"hash of another body", sha256Hex("other"), sha256Hex("other"), "test", content, 400, ""},
		{"wrong secret", sigv4.UnsignedPayload, sigv4.UnsignedPayload, "wrong", content, 403, ""},
		{"UNSIGNED-PAYLOAD signed, not announced", sigv4.UnsignedPayload, "", "test", content, 200, fmt.Sprintf("%d test", len(content))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &slowBody{release: make(chan struct{}), r: strings.NewReader(tt.body)}
			req, err := http.NewRequest(http.MethodPost, s.DataURL+"/testEcho", body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = -1
			if tt.header != "" {
				req.Header.Set("X-Amz-Content-Sha256", tt.header)
			}
			creds := s.Credentials()
			creds.SecretAccessKey = tt.secret
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, tt.hash, "kinesisvideo", s.Region, time.Now()); err != nil {
				t.Fatal(err)
			}
			if tt.status == 403 {
				// The signature is refused while the body is still held back: it was not read.
				defer close(body.release)
			} else {
				close(body.release)
			}
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("HTTP %d %s %s, want %d", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), got, tt.status)
			}
			if tt.wantContent != "" && string(got) != tt.wantContent {
				t.Errorf("handler saw %q, want %q", got, tt.wantContent)
			}
		})
	}
	if n := s.Calls("TestEcho"); n != 6 {
		t.Errorf("TestEcho called %d times, want 6", n)
	}
}

func sha256Hex(s string) string { return hexSum([]byte(s)) }

func hexSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestUnknownPaths(t *testing.T) {
	s := NewServer()
	defer s.Close()
	do := func(base, method, path string) (*http.Response, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader("{}"))
		if err := v4.NewSigner().SignHTTP(context.Background(), s.Credentials(), req, hexSum([]byte("{}")), "kinesisvideo", s.Region, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	// The control plane answers data-plane and unknown paths with a bare 403.
	for _, path := range []string{"/testEcho", "/nothingHere"} {
		resp, body := do(s.URL, http.MethodPost, path)
		if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-Errortype") != "" || body != "" {
			t.Errorf("control %s: HTTP %d %q %q", path, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), body)
		}
	}
	// So does a control-plane operation with another method.
	if resp, _ := do(s.URL, http.MethodGet, "/listStreams"); resp.StatusCode != 403 {
		t.Errorf("GET /listStreams: HTTP %d", resp.StatusCode)
	}
	// The other endpoints answer UnknownOperationException.
	for _, base := range []string{s.DataURL, s.SignalingURL} {
		resp, body := do(base, http.MethodPost, "/describeStream")
		if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), "UnknownOperationException:") ||
			!strings.Contains(body, "No operation at POST /describeStream") {
			t.Errorf("%s: HTTP %d %q %q", base, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), body)
		}
	}
	// Unsigned, an unknown path is refused for the missing signature first.
	resp, err := s.Client().Post(s.DataURL+"/x", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), "MissingAuthenticationTokenException") {
		t.Errorf("unsigned: HTTP %d %q", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
	}
}

// A GET route on the WebSocket endpoint, as the signaling handlers will register theirs.
func init() {
	streamRoute(signalingWSPlane, http.MethodGet, "/testPresigned", "TestPresigned", func(s *Server, c *serve.Call) {
		c.W.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(c.W, c.R.URL.Query().Get("X-Amz-ChannelARN"))
	})
}

// TestPresignedGET connects the way a signaling client does: a GET of a presigned URL signed
// with the hash of an empty body, carrying the session token in the query.
func TestPresignedGET(t *testing.T) {
	s := NewServer(WithSessionToken("session"))
	defer s.Close()
	get := func(at time.Time, secret string) *http.Response {
		u := s.SignalingWebSocketURL[len("ws"):]
		req, _ := http.NewRequest(http.MethodGet, "http"+u+"/testPresigned?X-Amz-ChannelARN=arn%3Aaws%3Achannel&X-Amz-Expires=299", nil)
		creds := s.Credentials()
		creds.SecretAccessKey = secret
		signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, sigv4.EmptyPayloadHash, "kinesisvideo", s.Region, at)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := s.Client().Get(signed)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get(time.Now(), "test")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "arn:aws:channel" {
		t.Errorf("HTTP %d %q", resp.StatusCode, body)
	}
	for _, tc := range []struct {
		at     time.Time
		secret string
	}{{time.Now().Add(-10 * time.Minute), "test"}, {time.Now(), "wrong"}} {
		resp := get(tc.at, tc.secret)
		resp.Body.Close()
		if resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), "InvalidSignatureException") {
			t.Errorf("HTTP %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
		}
	}
}
