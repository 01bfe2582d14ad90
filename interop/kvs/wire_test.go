package kvs_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/interop/differential"
	"github.com/kvsgo/sdk/kvs"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// clients returns our client and the official one, both aimed at srv.
func clients(srv *wiretest.Server) (*kvs.Client, *official.Client) {
	ours := kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: srv.URL, Credentials: wiretest.Credentials, RetryMaxAttempts: 1})
	theirs := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, RetryMaxAttempts: 1})
	return ours, theirs
}

func TestOperationsCoverOfficialClient(t *testing.T) {
	ops := differential.Operations(&official.Client{})
	if len(ops) != 32 {
		t.Errorf("official client has %d operations, want 32", len(ops))
	}
	for _, op := range ops {
		if !reflect.ValueOf(&kvs.Client{}).MethodByName(op).IsValid() {
			t.Errorf("kvs.Client lacks %s", op)
		}
	}
}

func newDifferential() (differential.Clients, func()) {
	srv := wiretest.NewServer()
	ours, theirs := clients(srv)
	return differential.Clients{Server: srv, Ours: ours, Official: theirs}, srv.Close
}

// TestRequestsMatchOfficialClient sends the same fully populated input through both clients
// and compares method, path, signed headers and the JSON body.
func TestRequestsMatchOfficialClient(t *testing.T) {
	d, done := newDifferential()
	defer done()
	d.Requests(t)
}

// TestResponsesDecodeLikeOfficialClient serves a fully populated output to both clients and
// compares what they decode.
func TestResponsesDecodeLikeOfficialClient(t *testing.T) {
	d, done := newDifferential()
	defer done()
	d.Responses(t)
}

// TestErrorsDecodeLikeOfficialClient serves each modeled error to both clients and checks that
// they agree on code and message, and that ours is the modeled type.
func TestErrorsDecodeLikeOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours, theirs := clients(srv)
	for code, target := range modeledErrors {
		t.Run(code, func(t *testing.T) {
			srv.Respond(wiretest.Response{
				Status: http.StatusBadRequest,
				Header: http.Header{"X-Amzn-Errortype": {code + ":http://internal.amazon.com/coral/com.amazon.kinesisvideo.v20170930/"},
					"X-Amzn-Requestid": {"req-" + code}},
				Body: []byte(`{"message":"details of ` + code + `"}`),
			})
			_, ourErr := ours.DescribeStream(context.Background(), &kvs.DescribeStreamInput{StreamName: "s"})
			_, theirErr := theirs.DescribeStream(context.Background(), &official.DescribeStreamInput{StreamName: aws.String("s")})
			srv.Take()
			differential.SameAPIError(t, ourErr, theirErr, target)
		})
	}
}

// modeledErrors maps each modeled error code of the control plane to its Go type.
var modeledErrors = map[string]error{
	"AccessDeniedException":                    (*kvs.AccessDeniedException)(nil),
	"AccountChannelLimitExceededException":     (*kvs.AccountChannelLimitExceededException)(nil),
	"AccountStreamLimitExceededException":      (*kvs.AccountStreamLimitExceededException)(nil),
	"ClientLimitExceededException":             (*kvs.ClientLimitExceededException)(nil),
	"DeviceStreamLimitExceededException":       (*kvs.DeviceStreamLimitExceededException)(nil),
	"InvalidArgumentException":                 (*kvs.InvalidArgumentException)(nil),
	"InvalidDeviceException":                   (*kvs.InvalidDeviceException)(nil),
	"InvalidResourceFormatException":           (*kvs.InvalidResourceFormatException)(nil),
	"NoDataRetentionException":                 (*kvs.NoDataRetentionException)(nil),
	"NotAuthorizedException":                   (*kvs.NotAuthorizedException)(nil),
	"ResourceInUseException":                   (*kvs.ResourceInUseException)(nil),
	"ResourceNotFoundException":                (*kvs.ResourceNotFoundException)(nil),
	"StreamEdgeConfigurationNotFoundException": (*kvs.StreamEdgeConfigurationNotFoundException)(nil),
	"TagsPerResourceExceededLimitException":    (*kvs.TagsPerResourceExceededLimitException)(nil),
	"VersionMismatchException":                 (*kvs.VersionMismatchException)(nil),
}
