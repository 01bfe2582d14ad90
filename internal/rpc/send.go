package rpc

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyrand "github.com/aws/smithy-go/rand"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/kvsgo/sdk/internal/backoff"
)

// UnsignedPayload is the SigV4 payload hash of a request whose body is not hashed, used for
// streaming uploads.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// EmptyPayloadHash is the SigV4 payload hash of an empty body (the SHA-256 of "").
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// Request is one call of an operation.
type Request struct {
	Operation string      // the operation's name, for errors
	Path      string      // the request path, e.g. "/describeStream"
	Header    http.Header // headers to add (may be nil)
	// Body is a replayable request body. A request with a Body is retried as the Retryer allows.
	Body []byte
	// Stream is a streaming request body, sent with chunked transfer encoding and never retried.
	// It excludes Body.
	Stream io.Reader
	// PayloadHash is the SigV4 payload hash to sign a Stream with (UnsignedPayload or
	// EmptyPayloadHash). The hash of a Body is computed.
	PayloadHash string
	// StreamingResponse marks a 2xx response body as a stream for the caller (media, acks):
	// LogResponseWithBody leaves it unread.
	StreamingResponse bool
}

// Do sends r and returns the response when its status is 2xx; the caller closes its body.
// Every error is a *smithy.OperationError naming the operation.
func (c *Config) Do(ctx context.Context, r *Request) (*http.Response, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, c.OperationError(r.Operation, err)
	}
	return resp, nil
}

// OperationError wraps err with the service and operation names.
func (c *Config) OperationError(op string, err error) error {
	return OperationError(c.ServiceID, op, err)
}

// OperationError wraps err with the service and operation names.
func OperationError(serviceID, op string, err error) error {
	return &smithy.OperationError{ServiceID: serviceID, OperationName: op, Err: err}
}

func (c *Config) send(ctx context.Context, r *Request) (*http.Response, error) {
	if c.Endpoint == "" {
		return nil, errors.New("no endpoint is configured")
	}
	if c.Region == "" {
		return nil, errors.New("no region is configured: requests are signed for a region")
	}
	payloadHash := r.PayloadHash
	if r.Stream == nil {
		sum := sha256.Sum256(r.Body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	maxAttempts := c.Retryer.MaxAttempts()
	if r.Stream != nil {
		maxAttempts = 1
	}
	invocationID := newInvocationID()
	releaseRetryToken := func(error) error { return nil }
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, &smithy.CanceledError{Err: err}
		}
		releaseAttemptToken, err := c.Retryer.GetAttemptToken(ctx)
		if err != nil {
			return nil, fmt.Errorf("failed to get a retry send token: %w", err)
		}
		resp, err := c.attempt(ctx, r, payloadHash, invocationID, attempt, maxAttempts)
		_ = releaseRetryToken(err)
		_ = releaseAttemptToken(err)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, &smithy.CanceledError{Err: ctx.Err()}
		}
		if r.Stream != nil || !c.Retryer.IsErrorRetryable(err) {
			return nil, err
		}
		if maxAttempts > 0 && attempt >= maxAttempts {
			return nil, &retry.MaxAttemptsError{Attempt: attempt, Err: err}
		}
		var tokenErr error
		if releaseRetryToken, tokenErr = c.Retryer.GetRetryToken(ctx, err); tokenErr != nil {
			return nil, errors.Join(err, tokenErr)
		}
		delay, delayErr := c.Retryer.RetryDelay(attempt, err)
		if delayErr != nil {
			return nil, errors.Join(err, delayErr)
		}
		c.logf(aws.LogRetries, "retrying request %s/%s, attempt %d (attempt %d failed: %v; waiting %v)", c.ServiceID, r.Operation, attempt+1, attempt, err, delay)
		if err := backoff.Sleep(ctx, delay); err != nil {
			return nil, &smithy.CanceledError{Err: err}
		}
	}
}

func (c *Config) attempt(ctx context.Context, r *Request, payloadHash, invocationID string, attempt, maxAttempts int) (*http.Response, error) {
	var body io.Reader = r.Stream
	if r.Stream == nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint+r.Path, body)
	if err != nil {
		return nil, err
	}
	if r.Stream != nil {
		req.ContentLength = -1 // unknown length: chunked transfer encoding
	}
	h := req.Header
	h["User-Agent"] = []string{c.userAgent}
	h["Amz-Sdk-Invocation-Id"] = []string{invocationID}
	h["Amz-Sdk-Request"] = []string{"attempt=" + strconv.Itoa(attempt) + "; max=" + strconv.Itoa(maxAttempts)}
	for k, v := range r.Header {
		h[k] = v
	}
	if err := c.sign(ctx, req, payloadHash); err != nil {
		return nil, err
	}
	c.logRequest(req, r.Stream != nil)
	resp, err := c.HTTPClient.Do(req)
	if err == nil {
		c.logResponse(resp, r.StreamingResponse && resp.StatusCode/100 == 2)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, &smithy.CanceledError{Err: ctx.Err()}
		}
		return nil, &smithyhttp.RequestSendError{Err: err}
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	if readErr != nil && len(data) == 0 {
		return nil, ResponseError(resp, &smithyhttp.RequestSendError{Err: readErr})
	}
	return nil, c.APIError(resp, data)
}

// sign adds the SigV4 authorization to req, unless the credentials are anonymous.
func (c *Config) sign(ctx context.Context, req *http.Request, payloadHash string) error {
	creds, ok, err := c.credentials(ctx)
	if err != nil {
		return fmt.Errorf("failed to retrieve credentials: %w", err)
	}
	if !ok {
		return nil
	}
	if err := c.Signer.SignHTTP(ctx, creds, req, payloadHash, SigningName, c.Region, c.now()); err != nil {
		return fmt.Errorf("failed to sign the request: %w", err)
	}
	return nil
}

// newInvocationID returns a random UUID identifying one operation call across its attempts, as
// the AWS SDK's amz-sdk-invocation-id.
func newInvocationID() string { return NewUUID() }

// NewUUID returns a random (version 4) UUID, made by smithy-go.
func NewUUID() string {
	id, err := smithyrand.NewUUID(rand.Reader).GetUUID()
	if err != nil {
		return "00000000-0000-4000-8000-000000000000" // crypto/rand does not fail on supported platforms
	}
	return id
}
