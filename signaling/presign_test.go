package signaling_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/signaling"
)

// TestPresignURLReproducesPublishedVectors checks PresignURL against the signed URLs published
// with the KVS WebRTC SDK for JavaScript (src/SigV4RequestSigner.spec.ts), recorded in
// DESIGN.md §4: the same endpoint, query, keys, region and time must give the same URL.
func TestPresignURLReproducesPublishedVectors(t *testing.T) {
	const prefix = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4F7WJQR7FMMWMNXI%2F20191201%2Fus-west-2%2Fkinesisvideo%2Faws4_request&X-Amz-Date=20191201T000000Z&X-Amz-Expires=299&"
	tests := []struct {
		name, endpoint, token, want string
	}{
		{"session token", "wss://kvs.awsamazon.com", "FakeSessionToken",
			"wss://kvs.awsamazon.com/?" + prefix + "X-Amz-Security-Token=FakeSessionToken&X-Amz-Signature=fc268038be276315822b4f73eafd28ee3a5632a2a35fdb0a88db9a42b13d6c92&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value"},
		{"no session token", "wss://kvs.awsamazon.com", "",
			"wss://kvs.awsamazon.com/?" + prefix + "X-Amz-Signature=be1e78950d956a8a9a1997417099ddbd7455619f3d08c4ad20e1e272179ca695&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value"},
		{"path", "wss://kvs.awsamazon.com/path/path/path", "FakeSessionToken",
			"wss://kvs.awsamazon.com/path/path/path?" + prefix + "X-Amz-Security-Token=FakeSessionToken&X-Amz-Signature=0bf3df6ca23d8d82f688e8dbfb90d69e74843d40038541b1721c545eef7612a4&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			creds := aws.Credentials{AccessKeyID: "AKIA4F7WJQR7FMMWMNXI", SecretAccessKey: "FakeSecretKey", SessionToken: tt.token}
			got, err := signaling.PresignURL(context.Background(), tt.endpoint, url.Values{"X-Amz-TestParam": {"test-param-value"}},
				creds, "us-west-2", time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PresignURL =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestPresignURLRejectsBadEndpoints(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}
	for endpoint, want := range map[string]string{
		"https://kvs.example.com":     "is not a ws:// or wss:// URL",
		"wss://kvs.example.com/?a=b":  "must not have a query",
		"wss:///path":                 "has no host",
		"ws://[::1":                   "endpoint",
		"wss://kvs.example.com/#frag": "must not have a query or fragment",
	} {
		_, err := signaling.PresignURL(context.Background(), endpoint, nil, creds, "us-west-2", time.Now())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", endpoint, err, want)
		}
	}
	if _, err := signaling.PresignURL(context.Background(), "wss://kvs.example.com", nil, creds, "", time.Now()); err == nil {
		t.Error("signing without a region succeeded")
	}
}

func TestPresignConnectURL(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client()
	u, err := c.PresignConnectURL(context.Background(), &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleViewer, ClientID: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	if parsed.Scheme != "ws" || parsed.Path != "/ws" || q.Get(signaling.QueryChannelARN) != testChannelARN ||
		q.Get(signaling.QueryClientID) != "v1" || q.Get("X-Amz-Signature") == "" || q.Get("X-Amz-Expires") != "299" {
		t.Errorf("URL %s", u)
	}
	if _, err := c.PresignConnectURL(context.Background(), &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleViewer}); err == nil {
		t.Error("a viewer URL without a client ID was signed")
	}
}

func TestAnonymousConnectionsAreNotSigned(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client(func(o *signaling.Options) { o.Credentials = aws.AnonymousCredentials{} })
	u, err := c.PresignConnectURL(context.Background(), &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleMaster})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(u, "X-Amz-Signature") || !strings.Contains(u, "X-Amz-ChannelARN=") {
		t.Errorf("anonymous URL %s", u)
	}
}
