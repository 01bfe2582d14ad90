package signaling

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/dataplane"
	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
)

// ServiceID names the signaling service in errors ("operation error Kinesis Video Signaling: …").
const ServiceID = "Kinesis Video Signaling"

// Role is the part a client plays on a signaling channel: the one master or one of the viewers.
type Role = kvs.ChannelRole

// The two roles.
const (
	RoleMaster = kvs.ChannelRoleMaster
	RoleViewer = kvs.ChannelRoleViewer
)

// Defaults of the connection settings in Options.
const (
	// DefaultKeepaliveInterval is how often a connection is pinged; the KVS C SDK pings every 10 s.
	DefaultKeepaliveInterval = 10 * time.Second
	// DefaultRetryBaseDelay is the base of the reconnect backoff (Options.RetryBaseDelay):
	// attempt n waits a random time up to min(DefaultRetryMaxDelay, DefaultRetryBaseDelay × 2ⁿ).
	DefaultRetryBaseDelay = 100 * time.Millisecond
	// DefaultRetryMaxDelay caps the reconnect backoff, as in the KVS C producer.
	DefaultRetryMaxDelay = 10 * time.Second
	// DefaultMaxConnectionAge is when a connection is replaced by a fresh one; the service ends
	// connections after one hour.
	DefaultMaxConnectionAge = 50 * time.Minute
)

// Options configure a Client. The zero value of each field selects the default.
type Options struct {
	// Options are the settings shared with the control plane: region, credentials, HTTP client,
	// retries, logging. BaseEndpoint and the FIPS and dual-stack switches apply to the control
	// plane, which tells the signaling client where each channel's endpoints are.
	kvs.Options

	// Control is the control-plane client that looks up (and caches) the channels' signaling
	// endpoints. When nil, one is built from Options. Share one between the kvs, media and
	// signaling clients so that they share the endpoint cache.
	Control *kvs.Client

	// HTTPSEndpoint, when set, is the endpoint of the HTTPS operations (GetIceServerConfig,
	// SendAlexaOfferToMaster) of every channel and role: nothing is looked up for them.
	// WebSocket connections still go to the endpoint GetSignalingChannelEndpoint names.
	HTTPSEndpoint string

	// STUNURL chooses the STUN server that RTCIceServers lists first: the region's Kinesis Video
	// STUN server when empty (see STUNURL), none when NoSTUN, otherwise this URL.
	STUNURL string

	// KeepaliveInterval is how often a signaling connection is pinged; a ping not answered
	// within the interval counts as a lost connection. DefaultKeepaliveInterval when zero, no
	// pings when negative.
	KeepaliveInterval time.Duration

	// RetryBaseDelay is the base of the backoff between reconnect attempts after a
	// connection is lost: attempt n (0 for the first) waits a random duration in
	// [0, min(RetryMaxDelay, RetryBaseDelay × 2ⁿ)]. DefaultRetryBaseDelay when zero. The media
	// Producer and Consumer name their reconnect backoff the same way; the Retryer of Options
	// governs the attempts of each single HTTPS request instead.
	RetryBaseDelay time.Duration
	// RetryMaxDelay caps the backoff between reconnect attempts; a connection that stayed
	// open this long counts as stable and the backoff starts over after it ends.
	// DefaultRetryMaxDelay when zero.
	RetryMaxDelay time.Duration

	// MaxConnectionAge is how long a signaling connection is used before it is replaced by a
	// freshly signed one; the service closes connections after one hour. DefaultMaxConnectionAge
	// when zero.
	MaxConnectionAge time.Duration
}

// NoSTUN as Options.STUNURL leaves the STUN server out of RTCIceServers: for TURN-only setups
// and for peers on one network, such as tests on loopback.
const NoSTUN = "none"

// Client calls the Kinesis Video signaling API of signaling channels: the HTTPS operations
// GetIceServerConfig and SendAlexaOfferToMaster, and WebSocket connections (Connect). It is
// safe for concurrent use.
type Client struct {
	options Options
	control *kvs.Client
	rpc     *rpc.Config
	rpcErr  error
}

// New returns a client configured by options, changed by optFns.
func New(options Options, optFns ...func(*Options)) *Client {
	for _, fn := range optFns {
		fn(&options)
	}
	options.HTTPClient = rpc.DefaultHTTPClient(options.HTTPClient)
	c := &Client{options: options, control: options.Control}
	if c.control == nil {
		c.control = kvs.New(options.Options)
	}
	c.rpc, c.rpcErr = options.rpcConfig()
	return c
}

// NewFromConfig returns a client configured from an aws.Config (as loaded by
// config.LoadDefaultConfig), changed by optFns.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(OptionsFromConfig(cfg), optFns...)
}

// OptionsFromConfig returns the Options an aws.Config describes: the control-plane settings of
// [kvs.OptionsFromConfig], and as HTTPSEndpoint the signaling service's own endpoint setting
// when there is one (AWS_ENDPOINT_URL_KINESIS_VIDEO_SIGNALING, or kinesis_video_signaling in a
// shared config file's services section), where the AWS SDK's kinesisvideosignaling client would
// send its requests.
func OptionsFromConfig(cfg aws.Config) Options {
	return Options{Options: kvs.OptionsFromConfig(cfg), HTTPSEndpoint: endpoints.FromConfig(cfg, endpoints.SDKIDSignaling, false)}
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.options }

func (o Options) rpcConfig() (*rpc.Config, error) {
	return rpc.ClientOptions(o.Options).Build(ServiceID, "kinesisvideosignaling", errorTable.New)
}

// withDefaults fills the zero connection settings.
func (o Options) withDefaults() Options {
	if o.KeepaliveInterval == 0 {
		o.KeepaliveInterval = DefaultKeepaliveInterval
	}
	if o.RetryBaseDelay <= 0 {
		o.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if o.RetryMaxDelay <= 0 {
		o.RetryMaxDelay = DefaultRetryMaxDelay
	}
	if o.MaxConnectionAge <= 0 {
		o.MaxConnectionAge = DefaultMaxConnectionAge
	}
	return o
}

// with returns the client's options and protocol configuration changed by optFns.
func (c *Client) with(optFns []func(*Options)) (Options, *rpc.Config, error) {
	if len(optFns) == 0 {
		return c.options, c.rpc, c.rpcErr
	}
	o := c.options
	for _, fn := range optFns {
		fn(&o)
	}
	cfg, err := o.rpcConfig()
	return o, cfg, err
}

// endpointQuery is the endpoint lookup every signaling call makes: both protocols at once, so
// that the HTTPS operations and the WebSocket connections of a role share one cache entry.
func endpointQuery(channelARN string, role Role) *kvs.GetSignalingChannelEndpointInput {
	return &kvs.GetSignalingChannelEndpointInput{
		ChannelARN: channelARN,
		SingleMasterChannelEndpointConfiguration: kvs.SingleMasterChannelEndpointConfiguration{
			Protocols: []kvs.ChannelProtocol{kvs.ChannelProtocolWSS, kvs.ChannelProtocolHTTPS},
			Role:      role,
		},
	}
}

// endpoint returns a channel's endpoint for a role and protocol, from the control plane's cache.
func (c *Client) endpoint(ctx context.Context, channelARN string, role Role, protocol kvs.ChannelProtocol) (string, error) {
	list, err := c.control.SignalingChannelEndpoints(ctx, endpointQuery(channelARN, role))
	if err != nil {
		return "", fmt.Errorf("looking up the channel's %s endpoint: %w", protocol, err)
	}
	for _, e := range list {
		if e.Protocol == protocol && e.ResourceEndpoint != "" {
			return e.ResourceEndpoint, nil
		}
	}
	return "", fmt.Errorf("GetSignalingChannelEndpoint returned no %s endpoint for the %s role of %s", protocol, role, channelARN)
}

// invalidateEndpoint drops the cached endpoints of a channel and role.
func (c *Client) invalidateEndpoint(channelARN string, role Role) {
	c.control.InvalidateSignalingChannelEndpoints(endpointQuery(channelARN, role))
}

// routedInput is an operation input that names the channel and role whose HTTPS endpoint
// receives it.
type routedInput interface {
	route() (channelARN string, role Role)
}

// invoke calls a JSON operation on the HTTPS endpoint of the channel the input names.
func invoke[Out any, In any, PIn interface {
	*In
	routedInput
}](ctx context.Context, c *Client, op, path string, in PIn, optFns []func(*Options)) (*Out, error) {
	o, cfg, err := c.with(optFns)
	if err != nil {
		return nil, &smithy.OperationError{ServiceID: ServiceID, OperationName: op, Err: err}
	}
	if in == nil {
		in = PIn(new(In))
	}
	if err := validate.Struct(in); err != nil {
		return nil, cfg.OperationError(op, err)
	}
	arn, role := in.route()
	if role != RoleMaster && role != RoleViewer {
		// Role is not sent, so its json tag hides it from validate.Struct.
		return nil, cfg.OperationError(op, validate.Errorf(reflect.TypeOf(in).Elem().Name(), "Role", "%q is not one of MASTER, VIEWER", role))
	}
	endpoint := o.HTTPSEndpoint
	if endpoint == "" {
		if endpoint, err = c.endpoint(ctx, arn, role, kvs.ChannelProtocolHTTPS); err != nil {
			return nil, cfg.OperationError(op, err)
		}
	}
	out := new(Out)
	if err := cfg.WithEndpoint(endpoint).Invoke(ctx, op, path, in, out); err != nil {
		if dataplane.IsStaleEndpoint(err) {
			c.invalidateEndpoint(arn, role)
		}
		return nil, err
	}
	return out, nil
}

// webSocketClient returns the HTTP client for WebSocket handshakes: Options.HTTPClient when it
// is an *http.Client, otherwise a default one (the WebSocket library needs an *http.Client).
func (o Options) webSocketClient() *http.Client {
	if hc, ok := o.HTTPClient.(*http.Client); ok {
		return hc
	}
	return nil
}
