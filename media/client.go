package media

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/internal/dataplane"
	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
)

// ServiceID names the media service in errors ("operation error Kinesis Video Media: …").
const ServiceID = "Kinesis Video Media"

// Options configure a Client.
type Options struct {
	// Options holds the settings shared with the control plane: region, credentials, HTTP client,
	// retries, logging. BaseEndpoint here is the control-plane endpoint used to look up data
	// endpoints.
	kvs.Options

	// Control is the control-plane client that looks up (and caches) the streams' data endpoints.
	// When nil, one is built from Options. Share one between clients to share its cache.
	Control *kvs.Client

	// Endpoint, when set, is the data endpoint every request goes to; nothing is looked up.
	Endpoint string
}

// Client calls the Kinesis Video Streams media API: PutMedia and GetMedia. It is safe for
// concurrent use.
type Client struct {
	core *dataplane.Core[Options]
	// blocks holds the fragments its producers keep (see blockPool).
	blocks blockPool
	// uploads are the HTTP clients PutMedia sends through.
	uploads uploadClients
}

// New returns a client configured by options, changed by optFns.
func New(options Options, optFns ...func(*Options)) *Client {
	for _, fn := range optFns {
		fn(&options)
	}
	return &Client{core: dataplane.NewCore(ServiceID, "kinesisvideomedia", errorTable.New, options, fields)}
}

func fields(o *Options) (*kvs.Options, **kvs.Client, *string) {
	return &o.Options, &o.Control, &o.Endpoint
}

// NewFromConfig returns a client configured from an aws.Config, changed by optFns.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(OptionsFromConfig(cfg), optFns...)
}

// OptionsFromConfig returns the Options an aws.Config describes: the control-plane settings of
// [kvs.OptionsFromConfig], and as Endpoint the media service's own endpoint setting when there is
// one (AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA, or kinesis_video_media in a shared config file's
// services section), where the AWS SDK's kinesisvideomedia client would send its requests.
func OptionsFromConfig(cfg aws.Config) Options {
	return Options{Options: kvs.OptionsFromConfig(cfg), Endpoint: endpoints.FromConfig(cfg, endpoints.SDKIDMedia, false)}
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.core.Options() }

// dataConfig returns the protocol configuration of one call of op, aimed at the stream's data
// endpoint for api, and the function to report the call's outcome with.
func (c *Client) dataConfig(ctx context.Context, op string, api kvs.APIName, name, arn string, optFns []func(*Options)) (*rpc.Config, func(error), error) {
	return c.core.Config(ctx, op, api, name, arn, optFns)
}

// validateInput checks in against its constraints before any I/O.
func validateInput(op string, in any) error {
	if err := validate.Struct(in); err != nil {
		return rpc.OperationError(ServiceID, op, err)
	}
	return nil
}

// eventLog returns the log of a long-lived object (a Producer or Consumer) of the stream.
func (c *Client) eventLog(object, name, arn string) rpc.EventLog {
	o := c.Options()
	stream := name
	if stream == "" {
		stream = arn
	}
	return rpc.NewEventLog(o.Logger, o.ClientLogMode, "media "+object+" "+stream+": ")
}
