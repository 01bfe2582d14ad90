package signaling_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/signaling"
)

func TestBadInputFailsBeforeTheNetwork(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client()
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"nil input", func() error { _, err := c.GetIceServerConfig(ctx, nil); return err },
			"GetIceServerConfigInput.ChannelARN: missing required value"},
		{"client ID pattern", func() error {
			_, err := c.GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN, ClientId: "a/b"})
			return err
		}, `GetIceServerConfigInput.ClientId: "a/b" does not match the pattern name`},
		{"unknown service", func() error {
			_, err := c.GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN, Service: "STUN"})
			return err
		}, `GetIceServerConfigInput.Service: "STUN" is not one of TURN`},
		{"unknown role", func() error {
			_, err := c.GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN, Role: "ADMIN"})
			return err
		}, `GetIceServerConfigInput.Role: "ADMIN" is not one of MASTER, VIEWER`},
		{"payload not base64", func() error {
			_, err := c.SendAlexaOfferToMaster(ctx, &signaling.SendAlexaOfferToMasterInput{ChannelARN: testChannelARN, SenderClientId: "alexa", MessagePayload: "v=0 sdp"})
			return err
		}, `SendAlexaOfferToMasterInput.MessagePayload: "v=0 sdp" does not match the pattern messagePayload`},
		{"missing sender", func() error {
			_, err := c.SendAlexaOfferToMaster(ctx, &signaling.SendAlexaOfferToMasterInput{ChannelARN: testChannelARN, MessagePayload: "YQ=="})
			return err
		}, "SendAlexaOfferToMasterInput.SenderClientId: missing required value"},
		{"payload too long", func() error {
			_, err := c.SendAlexaOfferToMaster(ctx, &signaling.SendAlexaOfferToMasterInput{ChannelARN: testChannelARN, SenderClientId: "alexa", MessagePayload: strings.Repeat("A", 10001)})
			return err
		}, "SendAlexaOfferToMasterInput.MessagePayload: length 10001 is above the maximum 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ipe smithy.InvalidParamsError
			var oe *smithy.OperationError
			if !errors.As(err, &ipe) || !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an OperationError wrapping InvalidParamsError", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "operation error Kinesis Video Signaling: "+oe.OperationName) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
	if l, i, _ := fs.counts(); l != 0 || i != 0 {
		t.Errorf("%d endpoint lookups and %d requests reached the service", l, i)
	}
}

func TestHTTPSEndpointIsCachedPerChannelAndRole(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client()
	ctx := context.Background()
	other := strings.Replace(testChannelARN, "door", "garage", 1)
	calls := []signaling.GetIceServerConfigInput{
		{ChannelARN: testChannelARN},                                             // MASTER
		{ChannelARN: testChannelARN},                                             // cached
		{ChannelARN: testChannelARN, ClientId: "v1"},                             // VIEWER
		{ChannelARN: testChannelARN, ClientId: "v2"},                             // cached
		{ChannelARN: testChannelARN, ClientId: "v3", Role: signaling.RoleMaster}, // cached MASTER
		{ChannelARN: other},                                                      // another channel
	}
	for _, in := range calls {
		if _, err := c.GetIceServerConfig(ctx, &in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.SendAlexaOfferToMaster(ctx, &signaling.SendAlexaOfferToMasterInput{ChannelARN: testChannelARN, SenderClientId: "alexa", MessagePayload: "YQ=="}); err != nil {
		t.Fatal(err) // the VIEWER endpoint, cached
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if diff := wiretest.Diff([]signaling.Role{signaling.RoleMaster, signaling.RoleViewer, signaling.RoleMaster}, fs.lookups); diff != "" {
		t.Errorf("endpoint lookups:\n%s", diff)
	}
	if len(fs.iceBodies) != len(calls) {
		t.Errorf("%d GetIceServerConfig requests, want %d", len(fs.iceBodies), len(calls))
	}
}

func TestUnreachableHTTPSEndpointIsDroppedFromTheCache(t *testing.T) {
	fs := newFakeService(t)
	deadHost := closedPort(t)
	fs.endpointHost = func(n int) string {
		if n == 1 {
			return deadHost
		}
		return ""
	}
	c := fs.client()
	in := &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN}
	_, err := c.GetIceServerConfig(context.Background(), in)
	var send *smithyhttp.RequestSendError
	if !errors.As(err, &send) {
		t.Fatalf("err = %v, want a send error", err)
	}
	if _, err := c.GetIceServerConfig(context.Background(), in); err != nil {
		t.Fatalf("after eviction: %v", err)
	}
	if l, _, _ := fs.counts(); l != 2 {
		t.Errorf("%d lookups, want 2", l)
	}
}

func TestSendAlexaOfferToMaster(t *testing.T) {
	fs := newFakeService(t)
	out, err := fs.client().SendAlexaOfferToMaster(context.Background(), &signaling.SendAlexaOfferToMasterInput{
		ChannelARN: testChannelARN, SenderClientId: "alexa-1", MessagePayload: "b2ZmZXI="})
	if err != nil || out.Answer != "YW5zd2Vy" {
		t.Fatalf("SendAlexaOfferToMaster = %+v, %v", out, err)
	}
}

func TestNewFromConfig(t *testing.T) {
	c := signaling.NewFromConfig(aws.Config{Region: "eu-west-1", Credentials: wiretest.Credentials, AppID: "door-app"},
		func(o *signaling.Options) { o.STUNURL = signaling.NoSTUN })
	o := c.Options()
	if o.Region != "eu-west-1" || o.AppID != "door-app" || o.Credentials == nil || o.STUNURL != signaling.NoSTUN {
		t.Errorf("options %+v", o)
	}
	shared := kvs.New(kvs.Options{Region: "eu-west-1"})
	if got := signaling.New(signaling.Options{Control: shared}).Options().Control; got != shared {
		t.Error("the Control client was not kept")
	}
}
