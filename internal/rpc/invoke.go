package rpc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/internal/validate"
)

// MaxJSONResponse bounds the size of a JSON response body.
const MaxJSONResponse = 64 << 20

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// Invoke calls a JSON operation: it validates in, sends it as the request body to path, and
// decodes the response body into out.
func (c *Config) Invoke(ctx context.Context, op, path string, in, out any) error {
	resp, err := c.sendJSON(ctx, op, path, in, false)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxJSONResponse+1))
	if err != nil {
		return c.OperationError(op, ResponseError(resp, &smithy.DeserializationError{Err: fmt.Errorf("reading the response: %w", err)}))
	}
	if len(data) > MaxJSONResponse {
		return c.OperationError(op, ResponseError(resp, &smithy.DeserializationError{Err: fmt.Errorf("response body exceeds %d bytes", MaxJSONResponse)}))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := jsonwire.Unmarshal(data, out); err != nil {
		return c.OperationError(op, ResponseError(resp, &smithy.DeserializationError{Err: err, Snapshot: data[:min(len(data), 1024)]}))
	}
	return nil
}

// Send validates in and sends it as the JSON body of op, returning the 2xx response with its
// body unread (for operations whose response is a media stream).
func (c *Config) Send(ctx context.Context, op, path string, in any) (*http.Response, error) {
	return c.sendJSON(ctx, op, path, in, true)
}

func (c *Config) sendJSON(ctx context.Context, op, path string, in any, streaming bool) (*http.Response, error) {
	if err := validate.Struct(in); err != nil {
		return nil, c.OperationError(op, err)
	}
	body, err := jsonwire.Marshal(in)
	if err != nil {
		return nil, c.OperationError(op, &smithy.SerializationError{Err: err})
	}
	return c.Do(ctx, &Request{Operation: op, Path: path, Header: jsonHeader, Body: body, StreamingResponse: streaming})
}
