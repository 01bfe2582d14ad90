package kvs

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"

	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/internal/rpc"
)

// ServiceID names the control-plane service in errors ("operation error Kinesis Video: …").
const ServiceID = "Kinesis Video"

// HTTPClient sends HTTP requests; *http.Client satisfies it.
type HTTPClient = rpc.HTTPClient

// Options configure a Client. The zero value of each field selects the default.
type Options struct {
	// Region is the AWS region of the streams, e.g. "us-west-2". Required: requests are signed
	// for it.
	Region string

	// BaseEndpoint replaces the regional endpoint, e.g. "http://127.0.0.1:4567" for kvslocal.
	BaseEndpoint string

	// UseFIPSEndpoint and UseDualStackEndpoint select the FIPS and dual-stack variants of the
	// regional endpoint. They cannot be combined with BaseEndpoint.
	UseFIPSEndpoint      bool
	UseDualStackEndpoint bool

	// Credentials signs requests. aws.AnonymousCredentials sends them unsigned. A provider that
	// is not an *aws.CredentialsCache is wrapped in one.
	Credentials aws.CredentialsProvider

	// HTTPClient sends the requests. When nil, the client makes its own as aws-sdk-go-v2's
	// clients do (awshttp.NewBuildableClient): clients share a transport only when given the
	// same HTTPClient (or the same Control client).
	HTTPClient HTTPClient

	// Retryer decides which failures are retried and how long to wait. When nil, the AWS SDK's
	// standard retryer (or adaptive, per RetryMode) is used. Either way the Kinesis Video
	// throttling errors ClientLimitExceededException and ConnectionLimitExceededException, which
	// the service returns with HTTP 400, are retried.
	Retryer aws.Retryer

	// RetryMaxAttempts overrides the retryer's maximum number of attempts when positive.
	RetryMaxAttempts int

	// RetryMode selects the default retryer: aws.RetryModeStandard (the default) or
	// aws.RetryModeAdaptive.
	RetryMode aws.RetryMode

	// Logger receives the client's log messages; ClientLogMode selects which are sent.
	Logger        logging.Logger
	ClientLogMode aws.ClientLogMode

	// AppID is added to the User-Agent header to identify the application.
	AppID string

	// EndpointCacheTTL is how long DataEndpoint and SignalingChannelEndpoints keep an answer:
	// DefaultEndpointCacheTTL when zero, no caching when negative.
	EndpointCacheTTL time.Duration
}

// DefaultEndpointCacheTTL is how long data and signaling endpoints are cached by default.
const DefaultEndpointCacheTTL = 30 * time.Minute

// Client calls the Kinesis Video Streams control-plane API. It is safe for concurrent use.
type Client struct {
	options   Options
	rpc       *rpc.Config
	rpcErr    error
	endpoints *endpointCache
}

// New returns a client configured by options, changed by optFns.
func New(options Options, optFns ...func(*Options)) *Client {
	for _, fn := range optFns {
		fn(&options)
	}
	options.HTTPClient = rpc.DefaultHTTPClient(options.HTTPClient)
	c := &Client{options: options}
	c.rpc, c.rpcErr = options.rpcConfig()
	c.endpoints = newEndpointCache(options.EndpointCacheTTL)
	return c
}

// NewFromConfig returns a client configured from an aws.Config (as loaded by
// config.LoadDefaultConfig), changed by optFns.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(OptionsFromConfig(cfg), optFns...)
}

// OptionsFromConfig returns the Options an aws.Config describes: region, credentials, HTTP
// client, retry settings, logger and application ID, the FIPS and dual-stack settings of its
// configuration sources (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT and the shared config
// file), and the endpoint exactly as the AWS SDK's kinesisvideo client resolves it: the
// service-specific setting (AWS_ENDPOINT_URL_KINESIS_VIDEO, or kinesis_video in a shared config
// file's services section), else cfg.BaseEndpoint (config.WithBaseEndpoint, AWS_ENDPOINT_URL, a
// profile's endpoint_url), none of them when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or
// ignore_configured_endpoint_urls is true.
func OptionsFromConfig(cfg aws.Config) Options {
	o := Options{
		Region:           cfg.Region,
		BaseEndpoint:     endpoints.FromConfig(cfg, endpoints.SDKIDControlPlane, true),
		Credentials:      cfg.Credentials,
		HTTPClient:       cfg.HTTPClient,
		RetryMaxAttempts: cfg.RetryMaxAttempts,
		RetryMode:        cfg.RetryMode,
		Logger:           cfg.Logger,
		ClientLogMode:    cfg.ClientLogMode,
		AppID:            cfg.AppID,
	}
	if cfg.Retryer != nil {
		o.Retryer = cfg.Retryer()
	}
	o.UseFIPSEndpoint, o.UseDualStackEndpoint = endpointVariants(cfg.ConfigSources)
	return o
}

// endpointVariants reads the FIPS and dual-stack settings from the config package's sources.
func endpointVariants(sources []any) (fips, dualStack bool) {
	ctx := context.Background()
	for _, s := range sources {
		if p, ok := s.(interface {
			GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error)
		}); ok && !fips {
			if v, found, err := p.GetUseFIPSEndpoint(ctx); err == nil && found {
				fips = v == aws.FIPSEndpointStateEnabled
			}
		}
		if p, ok := s.(interface {
			GetUseDualStackEndpoint(context.Context) (aws.DualStackEndpointState, bool, error)
		}); ok && !dualStack {
			if v, found, err := p.GetUseDualStackEndpoint(ctx); err == nil && found {
				dualStack = v == aws.DualStackEndpointStateEnabled
			}
		}
	}
	return fips, dualStack
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.options }

// build returns the protocol configuration of a service family using these options.
func (o Options) build(serviceID, api string, errs rpc.ErrorFactory) (*rpc.Config, error) {
	return rpc.ClientOptions(o).Build(serviceID, api, errs)
}

func (o Options) rpcConfig() (*rpc.Config, error) {
	return o.build(ServiceID, "kinesisvideo", errorTable.New)
}

// config returns the protocol configuration for one call: the client's own, or one built from
// its options changed by optFns.
func (c *Client) config(optFns []func(*Options)) (*rpc.Config, error) {
	if len(optFns) == 0 {
		return c.rpc, c.rpcErr
	}
	o := c.options
	for _, fn := range optFns {
		fn(&o)
	}
	return o.rpcConfig()
}

// invoke calls a JSON operation of the control plane.
func invoke[Out, In any](ctx context.Context, c *Client, op, path string, in *In, optFns []func(*Options)) (*Out, error) {
	cfg, err := c.config(optFns)
	if err != nil {
		return nil, rpc.OperationError(ServiceID, op, err)
	}
	if in == nil {
		in = new(In)
	}
	out := new(Out)
	if err := cfg.Invoke(ctx, op, path, in, out); err != nil {
		return nil, err
	}
	return out, nil
}
