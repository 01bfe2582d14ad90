package signaling_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/interop/differential"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/signaling"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

const testChannelARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/door/1700000000000"

// wireClients returns our client and the official one. The official client is aimed at srv
// directly, as its users must do; ours finds srv as the channel's HTTPS endpoint through a
// control plane that answers GetSignalingChannelEndpoint.
func wireClients(t *testing.T, srv *wiretest.Server) (*signaling.Client, *official.Client) {
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"ResourceEndpointList":[{"Protocol":"HTTPS","ResourceEndpoint":%q},{"Protocol":"WSS","ResourceEndpoint":"wss://unused"}]}`, srv.URL)
	}))
	t.Cleanup(control.Close)
	ours := signaling.New(signaling.Options{Options: kvs.Options{Region: "us-west-2", BaseEndpoint: control.URL, Credentials: wiretest.Credentials, RetryMaxAttempts: 1}})
	theirs := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, RetryMaxAttempts: 1})
	return ours, theirs
}

func TestOperationsCoverOfficialClient(t *testing.T) {
	ops := differential.Operations(&official.Client{})
	if len(ops) != 2 {
		t.Errorf("official client has %d operations, want 2", len(ops))
	}
	for _, op := range ops {
		if !reflect.ValueOf(&signaling.Client{}).MethodByName(op).IsValid() {
			t.Errorf("signaling.Client lacks %s", op)
		}
	}
}

// differential aims both clients at srv. Role is ours only: it picks the endpoint and is not
// sent.
func newDifferential(t *testing.T, srv *wiretest.Server) differential.Clients {
	ours, theirs := wireClients(t, srv)
	return differential.Clients{Server: srv, Ours: ours, Official: theirs,
		Unsent: func(in reflect.Value) { in.Elem().FieldByName("Role").SetString("") }}
}

// TestRequestsMatchOfficialClient sends the same fully populated input through both clients and
// compares method, path, signed headers and the JSON body.
func TestRequestsMatchOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	newDifferential(t, srv).Requests(t)
}

// TestResponsesDecodeLikeOfficialClient serves a fully populated output to both clients and
// compares what they decode.
func TestResponsesDecodeLikeOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	newDifferential(t, srv).Responses(t)
}

// TestErrorsDecodeLikeOfficialClient serves each modeled error to both clients and checks that
// they agree on code and message, and that ours is the modeled type.
func TestErrorsDecodeLikeOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours, theirs := wireClients(t, srv)
	for code, target := range modeledErrors {
		t.Run(code, func(t *testing.T) {
			// The signaling-only errors carry their message in a lower-case "message" member.
			srv.Respond(wiretest.Response{
				Status: http.StatusBadRequest,
				Header: http.Header{"X-Amzn-Errortype": {code + ":http://internal.amazon.com/coral/com.amazonaws.kinesisvideosignaling/"},
					"X-Amzn-Requestid": {"req-" + code}},
				Body: []byte(`{"message":"details of ` + code + `"}`),
			})
			_, ourErr := ours.GetIceServerConfig(context.Background(), &signaling.GetIceServerConfigInput{ChannelARN: testChannelARN})
			_, theirErr := theirs.GetIceServerConfig(context.Background(), &official.GetIceServerConfigInput{ChannelARN: aws.String(testChannelARN)})
			srv.Take()
			differential.SameAPIError(t, ourErr, theirErr, target)
		})
	}
}

// modeledErrors maps each modeled error code of the signaling API to its Go type.
var modeledErrors = map[string]error{
	"ClientLimitExceededException": (*signaling.ClientLimitExceededException)(nil),
	"InvalidArgumentException":     (*signaling.InvalidArgumentException)(nil),
	"InvalidClientException":       (*signaling.InvalidClientException)(nil),
	"NotAuthorizedException":       (*signaling.NotAuthorizedException)(nil),
	"ResourceNotFoundException":    (*signaling.ResourceNotFoundException)(nil),
	"SessionExpiredException":      (*signaling.SessionExpiredException)(nil),
}

// TestConformsToModel checks every operation, member, type, enum, required flag, constraint and
// error of the signaling model against the signaling types.
func TestConformsToModel(t *testing.T) {
	m := wiretest.LoadModel(t, "kinesis-video-signaling/2019-12-04")
	if n := len(m.Operations); n != 2 {
		t.Errorf("model has %d operations, want 2", n)
	}
	wiretest.Conformance{Client: &signaling.Client{}, Errors: modeledErrors}.Check(t, m)
}
