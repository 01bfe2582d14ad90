// Presigned WebSocket URLs: a signaling connection authenticates with a SigV4 signature in the
// query string of its URL.

package signaling

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
)

// PresignExpires is the lifetime, in seconds, that presigned signaling URLs declare
// (X-Amz-Expires), as the KVS WebRTC SDKs do. A URL must be used to connect within it; an open
// connection is not affected.
const PresignExpires = "299"

// Query parameters of a signaling connection URL.
const (
	QueryChannelARN = "X-Amz-ChannelARN"
	QueryClientID   = "X-Amz-ClientId"
	QueryExpires    = "X-Amz-Expires"
)

// PresignURL signs a WebSocket URL the way the Kinesis Video signaling service expects: a GET of
// endpoint with query, plus X-Amz-Expires=299, signed with SigV4 for the service "kinesisvideo"
// in region at signingTime, with the host header only, the payload hash of an empty body, and
// the session token (when creds has one) inside the signed query. endpoint is a ws:// or wss://
// URL without a query; an empty path becomes "/". The result is endpoint?query with the
// X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Security-Token and
// X-Amz-Signature parameters added, in sorted order.
func PresignURL(ctx context.Context, endpoint string, query url.Values, creds aws.Credentials, region string, signingTime time.Time) (string, error) {
	return presign(ctx, v4.NewSigner(), endpoint, query, &creds, region, signingTime)
}

// presign signs with signer, or only builds the URL when creds is nil (anonymous requests).
func presign(ctx context.Context, signer *v4.Signer, endpoint string, query url.Values, creds *aws.Credentials, region string, t time.Time) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("signaling: endpoint %q: %w", endpoint, err)
	}
	switch {
	case u.Scheme != "wss" && u.Scheme != "ws":
		return "", fmt.Errorf("signaling: endpoint %q is not a ws:// or wss:// URL", endpoint)
	case u.Host == "":
		return "", fmt.Errorf("signaling: endpoint %q has no host", endpoint)
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("signaling: endpoint %q must not have a query or fragment", endpoint)
	case region == "" && creds != nil:
		return "", errors.New("signaling: no region to sign the connection URL for")
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := url.Values{}
	for k, v := range query {
		q[k] = append([]string(nil), v...)
	}
	q.Set(QueryExpires, PresignExpires)
	u.RawQuery = q.Encode()
	if creds == nil {
		return u.String(), nil
	}
	req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}
	signed, _, err := signer.PresignHTTP(ctx, *creds, req, rpc.EmptyPayloadHash, rpc.SigningName, region, t)
	if err != nil {
		return "", fmt.Errorf("signaling: signing the connection URL: %w", err)
	}
	// The signer appends X-Amz-Signature; sort it in, as the KVS WebRTC SDKs do.
	su, err := url.Parse(signed)
	if err != nil {
		return "", fmt.Errorf("signaling: signed URL: %w", err)
	}
	su.RawQuery = su.Query().Encode()
	return su.String(), nil
}

// ConnectInput names the channel, role and client ID of a signaling connection.
type ConnectInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `validate:"required,min=1,max=1024"`
	// Role is MASTER or VIEWER.
	Role Role `validate:"required"`
	// ClientID identifies a viewer on the channel; other viewers' messages to the master name it.
	// Required for a VIEWER, must be empty for the MASTER. It may not start with "AWS_".
	ClientID string `validate:"min=1,max=256,pattern=name"`
}

// check validates the input: its constraints, then the role rules of the client ID, reporting
// every problem at once.
func (in *ConnectInput) check() error {
	err := validate.Struct(in)
	ipe, ok := err.(smithy.InvalidParamsError)
	switch {
	case err != nil && !ok:
		return err
	case !ok:
		ipe = smithy.InvalidParamsError{Context: "ConnectInput"}
	}
	switch {
	case in.Role == RoleViewer && in.ClientID == "":
		ipe.Add(validate.NewFieldError("ClientID", "missing required value (a VIEWER needs a client ID)"))
	case in.Role == RoleMaster && in.ClientID != "":
		ipe.Add(validate.NewFieldError("ClientID", "must be empty for the MASTER (only viewers have client IDs)"))
	}
	if len(in.ClientID) >= 4 && strings.EqualFold(in.ClientID[:4], "AWS_") {
		ipe.Add(validate.NewFieldError("ClientID", "%q must not start with AWS_", in.ClientID))
	}
	if ipe.Len() > 0 {
		return ipe
	}
	return nil
}

// query returns the connection URL's own parameters: the channel, and the client for a viewer.
func (in *ConnectInput) query() url.Values {
	q := url.Values{QueryChannelARN: {in.ChannelARN}}
	if in.Role == RoleViewer {
		q.Set(QueryClientID, in.ClientID)
	}
	return q
}

// PresignConnectURL returns a presigned URL to open a signaling connection with any WebSocket
// library: the channel's WSS endpoint for the role (looked up and cached), with the channel ARN,
// the viewer's client ID and a fresh signature by the client's credentials. The URL must be
// used within PresignExpires seconds. Connect does all of this, and reconnects, for you.
func (c *Client) PresignConnectURL(ctx context.Context, in *ConnectInput, optFns ...func(*Options)) (string, error) {
	_, cfg, err := c.with(optFns)
	if err != nil {
		return "", err
	}
	if in == nil {
		in = &ConnectInput{}
	}
	if err := in.check(); err != nil {
		return "", err
	}
	return c.presignConnect(ctx, cfg, in)
}

func (c *Client) presignConnect(ctx context.Context, cfg *rpc.Config, in *ConnectInput) (string, error) {
	endpoint, err := c.endpoint(ctx, in.ChannelARN, in.Role, kvs.ChannelProtocolWSS)
	if err != nil {
		return "", err
	}
	creds, ok, err := cfg.SigningCredentials(ctx)
	if err != nil {
		return "", fmt.Errorf("signaling: retrieving credentials: %w", err)
	}
	var sign *aws.Credentials
	if ok {
		sign = &creds
	}
	return presign(ctx, cfg.Signer, endpoint, in.query(), sign, cfg.Region, cfg.SigningTime())
}
