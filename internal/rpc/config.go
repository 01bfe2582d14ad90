// Package rpc is the protocol core shared by the kvsgo clients: it builds restJson1 requests,
// signs them with SigV4, sends them with retries, and turns error responses into typed errors.
package rpc

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/kvsgo/sdk/internal/endpoints"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/logging"
)

// SigningName is the SigV4 service name of every Kinesis Video Streams API.
const SigningName = "kinesisvideo"

// HTTPClient sends HTTP requests; *http.Client satisfies it.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// ErrorFactory returns the modeled error for an error code, or nil when the code is not
// modeled by the service family.
type ErrorFactory func(code, message string) error

// Config is everything needed to send requests of one service family. A Config is immutable
// once built and safe for concurrent use.
type Config struct {
	ServiceID   string // names the service in errors, e.g. "Kinesis Video"
	APIName     string // names the API in the User-Agent, e.g. "kinesisvideo"
	Region      string
	Endpoint    string // base URL, without a trailing slash
	Credentials aws.CredentialsProvider
	HTTPClient  HTTPClient
	Retryer     aws.RetryerV2
	Logger      logging.Logger    // nil: no logging
	LogMode     aws.ClientLogMode // what is logged, as in aws-sdk-go-v2
	AppID       string
	Errors      ErrorFactory
	Signer      *v4.Signer
	Now         func() time.Time // signing clock; nil means time.Now
	userAgent   string
}

// ClientOptions mirrors kvs.Options field for field, in the same order, so that every client
// package converts its options with a plain type conversion and builds its Config here.
type ClientOptions struct {
	Region               string
	BaseEndpoint         string
	UseFIPSEndpoint      bool
	UseDualStackEndpoint bool
	Credentials          aws.CredentialsProvider
	HTTPClient           HTTPClient
	Retryer              aws.Retryer
	RetryMaxAttempts     int
	RetryMode            aws.RetryMode
	Logger               logging.Logger
	ClientLogMode        aws.ClientLogMode
	AppID                string
	EndpointCacheTTL     time.Duration
}

// DefaultHTTPClient returns c, or when c is nil a new client of its own as aws-sdk-go-v2's clients
// make one (awshttp.NewBuildableClient: its own transport and connection pool). Each client
// constructor calls it once, so that the copies of its options made for single calls share the
// client's transport, and no two clients share one unless the application passes the same
// HTTPClient to both.
func DefaultHTTPClient(c HTTPClient) HTTPClient {
	if c == nil {
		return awshttp.NewBuildableClient()
	}
	return c
}

// Build returns the Config of a service family: the control-plane endpoint resolved from the
// region (or BaseEndpoint), a new default HTTP client when none is set (client constructors set
// one first, see DefaultHTTPClient), the retryer
// with the Kinesis Video throttling codes, and a caching credentials provider.
func (o ClientOptions) Build(serviceID, api string, errs ErrorFactory) (*Config, error) {
	endpoint, err := endpoints.Resolve(o.Region, endpoints.Options{
		BaseEndpoint: o.BaseEndpoint, UseFIPS: o.UseFIPSEndpoint, UseDualStack: o.UseDualStackEndpoint,
	})
	if err != nil {
		return nil, err
	}
	c := &Config{
		ServiceID:   serviceID,
		APIName:     api,
		Region:      o.Region,
		Endpoint:    strings.TrimRight(endpoint, "/"),
		Credentials: cacheCredentials(o.Credentials),
		HTTPClient:  o.HTTPClient,
		AppID:       o.AppID,
		Errors:      errs,
		Logger:      o.Logger,
		LogMode:     o.ClientLogMode,
		Signer: v4.NewSigner(func(so *v4.SignerOptions) {
			so.Logger, so.LogSigning = o.Logger, o.Logger != nil && o.ClientLogMode.IsSigning()
		}),
		Retryer:   buildRetryer(o.Retryer, o.RetryMode, o.RetryMaxAttempts),
		userAgent: userAgent(api, o.AppID),
	}
	if c.HTTPClient == nil {
		c.HTTPClient = DefaultHTTPClient(nil)
	}
	return c, nil
}

// WithEndpoint returns a copy of c that sends to another base URL (a data endpoint).
func (c *Config) WithEndpoint(endpoint string) *Config {
	cp := *c
	cp.Endpoint = strings.TrimRight(endpoint, "/")
	return &cp
}

// cacheCredentials wraps a provider in an aws.CredentialsCache, as the AWS SDK does, so that
// credentials are fetched once and refreshed before they expire.
func cacheCredentials(p aws.CredentialsProvider) aws.CredentialsProvider {
	switch p.(type) {
	case nil, *aws.CredentialsCache, aws.AnonymousCredentials:
		return p
	}
	return aws.NewCredentialsCache(p)
}

// ErrNoCredentials is returned when a request would be sent without any credentials provider.
var ErrNoCredentials = errors.New("no credentials provider is configured (set Credentials, or use aws.AnonymousCredentials for unsigned requests)")

func (c *Config) credentials(ctx context.Context) (aws.Credentials, bool, error) {
	switch c.Credentials.(type) {
	case nil:
		return aws.Credentials{}, false, ErrNoCredentials
	case aws.AnonymousCredentials:
		return aws.Credentials{}, false, nil
	}
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return creds, false, err
	}
	return creds, true, nil
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// SigningCredentials returns the credentials to sign with, retrieving (and caching) them through the
// provider; ok is false for anonymous requests.
func (c *Config) SigningCredentials(ctx context.Context) (creds aws.Credentials, ok bool, err error) {
	return c.credentials(ctx)
}

// SigningTime returns the current time by the Config's clock.
func (c *Config) SigningTime() time.Time { return c.now() }
