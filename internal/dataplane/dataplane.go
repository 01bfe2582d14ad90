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

// Fields points at what every data-plane client's Options hold: the settings shared with the
// control plane, the control-plane client used for endpoint lookups, and an explicit endpoint.
type Fields[O any] func(o *O) (shared *kvs.Options, control **kvs.Client, endpoint *string)

// Core is the part of a data-plane client that the media and archived-media clients share: its
// options, its protocol configuration and where its requests go. It is immutable and safe for
// concurrent use.
type Core[O any] struct {
	options   O
	serviceID string
	api       string
	errs      rpc.ErrorFactory
	fields    Fields[O]
	endpoints Endpoints
	base      *rpc.Config
	baseErr   error
}

// NewCore builds a client core from options. A nil control-plane client is replaced by one built
// from the shared settings.
func NewCore[O any](serviceID, api string, errs rpc.ErrorFactory, options O, fields Fields[O]) *Core[O] {
	c := &Core[O]{serviceID: serviceID, api: api, errs: errs, fields: fields}
	shared, _, _ := fields(&options)
	shared.HTTPClient = rpc.DefaultHTTPClient(shared.HTTPClient)
	c.options, c.endpoints, c.base, c.baseErr = c.build(options)
	return c
}

func (c *Core[O]) build(o O) (O, Endpoints, *rpc.Config, error) {
	shared, control, endpoint := c.fields(&o)
	if *control == nil {
		*control = kvs.New(*shared)
	}
	base, err := rpc.ClientOptions(*shared).Build(c.serviceID, c.api, c.errs)
	return o, Endpoints{Control: *control, Fixed: *endpoint}, base, err
}

// Options returns a copy of the options.
func (c *Core[O]) Options() O { return c.options }

// Config returns the protocol configuration of one call of op, with the options changed by
// optFns, aimed at the stream's data endpoint for api, and the function to report the call's
// outcome with (see Endpoints.Config). Errors are operation errors.
func (c *Core[O]) Config(ctx context.Context, op string, api kvs.APIName, name, arn string, optFns []func(*O)) (*rpc.Config, func(error), error) {
	endpoints, base, baseErr := c.endpoints, c.base, c.baseErr
	if len(optFns) > 0 {
		o := c.options
		for _, fn := range optFns {
			fn(&o)
		}
		_, endpoints, base, baseErr = c.build(o)
	}
	if baseErr != nil {
		return nil, nil, rpc.OperationError(c.serviceID, op, baseErr)
	}
	cfg, done, err := endpoints.Config(ctx, base, api, name, arn)
	if err != nil {
		return nil, nil, rpc.OperationError(c.serviceID, op, err)
	}
	return cfg, done, nil
}
