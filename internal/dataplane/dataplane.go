// Package dataplane resolves where the requests of the data-plane clients (media, archived
// media) go: an explicit endpoint, or the stream's endpoint for the API from GetDataEndpoint,
// cached by the control-plane client and evicted when the service says it is the wrong one.
package dataplane

import (
	"context"
	"errors"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/kvs"
)

// Endpoints finds the data endpoint of a request.
type Endpoints struct {
	Control *kvs.Client // looks up and caches endpoints
	Fixed   string      // when set, every request goes here and nothing is looked up
}

// Config returns base aimed at the endpoint of api for the stream (name or ARN). The returned
// done function must be called with the operation's outcome: an error that means the endpoint
// is stale (InvalidEndpointException, an unknown operation, a failure to connect) evicts it
// from the cache so that the next call looks it up again.
func (e Endpoints) Config(ctx context.Context, base *rpc.Config, api kvs.APIName, name, arn string) (*rpc.Config, func(error), error) {
	if e.Fixed != "" {
		return base.WithEndpoint(e.Fixed), func(error) {}, nil
	}
	in := &kvs.GetDataEndpointInput{StreamName: name, StreamARN: arn, APIName: api}
	endpoint, err := e.Control.DataEndpoint(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	return base.WithEndpoint(endpoint), func(err error) {
		if IsStaleEndpoint(err) {
			e.Control.InvalidateDataEndpoint(in)
		}
	}, nil
}

// IsStaleEndpoint reports whether err suggests that the data endpoint should be looked up again.
func IsStaleEndpoint(err error) bool {
	if err == nil {
		return false
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "InvalidEndpointException", "UnknownOperationException":
			return true
		}
	}
	var send *smithyhttp.RequestSendError
	return errors.As(err, &send)
}
