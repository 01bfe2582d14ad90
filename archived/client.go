package archived

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/internal/dataplane"
	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/kvs"
)

// ServiceID names the archived-media service in errors ("operation error Kinesis Video Archived
// Media: …").
const ServiceID = "Kinesis Video Archived Media"

// Options configure a Client.
type Options struct {
	// Options holds the settings shared with the control plane: region, credentials, HTTP client,
	// retries, logging. BaseEndpoint here is the control-plane endpoint, where data endpoints
	// are looked up.
	kvs.Options

	// Control is the control-plane client that looks up (and caches) the streams' data
	// endpoints, one per stream and API. When nil, one is built from Options. Share one between
	// clients to share its cache.
	Control *kvs.Client

	// Endpoint, when set, is the data endpoint every request goes to; nothing is looked up.
	Endpoint string
}

// Client calls the Kinesis Video Streams archived-media API: fragment listings, media of
// fragments, MP4 clips, HLS and DASH session URLs, and images. It is safe for concurrent use.
type Client struct {
	core *dataplane.Core[Options]
}

// New returns a client configured by options, changed by optFns.
func New(options Options, optFns ...func(*Options)) *Client {
	for _, fn := range optFns {
		fn(&options)
	}
	return &Client{core: dataplane.NewCore(ServiceID, "kinesisvideoarchivedmedia", errorTable.New, options, fields)}
}

func fields(o *Options) (*kvs.Options, **kvs.Client, *string) {
	return &o.Options, &o.Control, &o.Endpoint
}

// NewFromConfig returns a client configured from an aws.Config, changed by optFns.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(OptionsFromConfig(cfg), optFns...)
}

// OptionsFromConfig returns the Options an aws.Config describes: the control-plane settings of
// [kvs.OptionsFromConfig], and as Endpoint the archived-media service's own endpoint setting
// when there is one (AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA, or
// kinesis_video_archived_media in a shared config file's services section), where the AWS SDK's
// kinesisvideoarchivedmedia client would send its requests.
func OptionsFromConfig(cfg aws.Config) Options {
	return Options{Options: kvs.OptionsFromConfig(cfg), Endpoint: endpoints.FromConfig(cfg, endpoints.SDKIDArchivedMedia, false)}
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.core.Options() }

// stream names the stream of a call, and the data-endpoint API the call goes through.
type stream struct {
	name, arn string
	api       kvs.APIName
}

// config returns the protocol configuration of one call of op, aimed at the stream's data
// endpoint, and the function to report the call's outcome with (it evicts a stale endpoint).
func (c *Client) config(ctx context.Context, op string, s stream, optFns []func(*Options)) (*rpc.Config, func(error), error) {
	return c.core.Config(ctx, op, s.api, s.name, s.arn, optFns)
}

// prepare checks in (its tags, then check) and resolves the data endpoint of one call of op.
// It returns the input to send (an empty one for nil) and the function to report the call's
// outcome with.
func prepare[In any](ctx context.Context, c *Client, op string, in *In, s func(*In) stream,
	check func(*In) error, optFns []func(*Options)) (*In, *rpc.Config, func(error), error) {
	if in == nil {
		in = new(In)
	}
	if err := checkInput(op, in, s(in), check); err != nil {
		return nil, nil, nil, err
	}
	cfg, done, err := c.config(ctx, op, s(in), optFns)
	return in, cfg, done, err
}

// invoke calls a JSON operation.
func invoke[Out, In any](ctx context.Context, c *Client, op, path string, in *In, s func(*In) stream,
	check func(*In) error, optFns []func(*Options)) (*Out, error) {
	in, cfg, done, err := prepare(ctx, c, op, in, s, check, optFns)
	if err != nil {
		return nil, err
	}
	out := new(Out)
	err = cfg.Invoke(ctx, op, path, in, out)
	done(err)
	if err != nil {
		return nil, err
	}
	return out, nil
}
