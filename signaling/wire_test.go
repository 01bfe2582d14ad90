package signaling_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/signaling"
)

var staticCreds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token", Source: "test"}, nil
})

// wireClients returns our client and the official one. The official client is aimed at srv
// directly, as its users must do; ours finds srv as the channel's HTTPS endpoint through a
// control plane that answers GetSignalingChannelEndpoint.
func wireClients(t *testing.T, srv *wiretest.Server) (*signaling.Client, *official.Client) {
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"ResourceEndpointList":[{"Protocol":"HTTPS","ResourceEndpoint":%q},{"Protocol":"WSS","ResourceEndpoint":"wss://unused"}]}`, srv.URL)
	}))
	t.Cleanup(control.Close)
	ours := signaling.New(signaling.Options{Options: kvs.Options{Region: "us-west-2", BaseEndpoint: control.URL, Credentials: staticCreds, RetryMaxAttempts: 1}})
	theirs := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: staticCreds, RetryMaxAttempts: 1})
	return ours, theirs
}

// wireOperations lists the official client's operations.
func wireOperations() []string {
	var ops []string
	ct := reflect.TypeFor[*official.Client]()
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		if m.Type.NumIn() == 4 && m.Type.NumOut() == 2 && m.Type.In(1) == reflect.TypeFor[context.Context]() {
			ops = append(ops, m.Name)
		}
	}
	return ops
}

func callOp(client any, op string, in reflect.Value) (any, error) {
	res := reflect.ValueOf(client).MethodByName(op).Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
	err, _ := res[1].Interface().(error)
	return res[0].Interface(), err
}

// inputs returns a filled input of ours and the same input as the official type. Role is ours
// only (it picks the endpoint and is not sent), so it is left out of the conversion.
func inputs(t *testing.T, ours, theirs any, op string, variant int) (reflect.Value, reflect.Value) {
	t.Helper()
	in := reflect.New(reflect.ValueOf(ours).MethodByName(op).Type().In(1).Elem())
	wiretest.Fill(in.Interface(), variant)
	conv := reflect.New(in.Elem().Type())
	conv.Elem().Set(in.Elem())
	conv.Elem().FieldByName("Role").SetString("")
	theirIn := reflect.New(reflect.ValueOf(theirs).MethodByName(op).Type().In(1).Elem())
	if err := wiretest.Convert(theirIn.Interface(), conv.Interface()); err != nil {
		t.Fatal(err)
	}
	return in, theirIn
}

func TestOperationsCoverOfficialClient(t *testing.T) {
	ops := wireOperations()
	if len(ops) != 2 {
		t.Errorf("official client has %d operations, want 2", len(ops))
	}
	for _, op := range ops {
		if !reflect.ValueOf(&signaling.Client{}).MethodByName(op).IsValid() {
			t.Errorf("signaling.Client lacks %s", op)
		}
	}
}

// TestRequestsMatchOfficialClient sends the same fully populated input through both clients and
// compares method, path, signed headers and the JSON body.
func TestRequestsMatchOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours, theirs := wireClients(t, srv)
	for _, op := range wireOperations() {
		t.Run(op, func(t *testing.T) {
			for variant := range 2 {
				in, theirIn := inputs(t, ours, theirs, op, variant)
				if _, err := callOp(ours, op, in); err != nil {
					t.Fatalf("ours: %v", err)
				}
				if _, err := callOp(theirs, op, theirIn); err != nil {
					t.Fatalf("official: %v", err)
				}
				reqs := srv.Take()
				if len(reqs) != 2 {
					t.Fatalf("captured %d requests, want 2", len(reqs))
				}
				got, want := reqs[0], reqs[1]
				if got.Method != want.Method || got.Path != want.Path {
					t.Errorf("request line: ours %s %s, official %s %s", got.Method, got.Path, want.Method, want.Path)
				}
				if diff := cmp.Diff(want.SignedHeaders, got.SignedHeaders); diff != "" {
					t.Errorf("signed headers differ (-official +ours):\n%s", diff)
				}
				if g, w := got.Header.Get("Content-Type"), want.Header.Get("Content-Type"); g != w {
					t.Errorf("Content-Type: ours %q, official %q", g, w)
				}
				var gotBody, wantBody any
				if err := json.Unmarshal(got.Body, &gotBody); err != nil {
					t.Fatalf("our body %s: %v", got.Body, err)
				}
				if err := json.Unmarshal(want.Body, &wantBody); err != nil {
					t.Fatalf("official body %s: %v", want.Body, err)
				}
				if diff := cmp.Diff(wantBody, gotBody); diff != "" {
					t.Errorf("bodies differ (-official +ours):\n%s", diff)
				}
			}
		})
	}
}

// TestResponsesDecodeLikeOfficialClient serves a fully populated output to both clients and
// compares what they decode.
func TestResponsesDecodeLikeOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours, theirs := wireClients(t, srv)
	for _, op := range wireOperations() {
		t.Run(op, func(t *testing.T) {
			sample := reflect.New(reflect.ValueOf(ours).MethodByName(op).Type().Out(0).Elem()).Interface()
			wiretest.Fill(sample, 1)
			body, err := jsonwire.Marshal(sample)
			if err != nil {
				t.Fatal(err)
			}
			srv.Respond(wiretest.Response{Body: body, Header: http.Header{"Content-Type": {"application/json"}}})
			in, theirIn := inputs(t, ours, theirs, op, 0)
			got, err := callOp(ours, op, in)
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			want, err := callOp(theirs, op, theirIn)
			if err != nil {
				t.Fatalf("official: %v", err)
			}
			if diff := cmp.Diff(wiretest.Tree(want), wiretest.Tree(got)); diff != "" {
				t.Errorf("decoded outputs differ (-official +ours):\n%s", diff)
			}
			if diff := cmp.Diff(wiretest.Tree(sample), wiretest.Tree(got)); diff != "" {
				t.Errorf("decoded output differs from what was served (-served +decoded):\n%s", diff)
			}
			srv.Take()
		})
	}
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
			var ourAPI, theirAPI smithy.APIError
			if !errors.As(ourErr, &ourAPI) || !errors.As(theirErr, &theirAPI) {
				t.Fatalf("not API errors: ours %v, official %v", ourErr, theirErr)
			}
			if ourAPI.ErrorCode() != theirAPI.ErrorCode() || ourAPI.ErrorMessage() != theirAPI.ErrorMessage() {
				t.Errorf("ours %s/%q, official %s/%q", ourAPI.ErrorCode(), ourAPI.ErrorMessage(), theirAPI.ErrorCode(), theirAPI.ErrorMessage())
			}
			if !errors.As(ourErr, reflect.New(reflect.TypeOf(target)).Interface()) {
				t.Errorf("errors.As(%T) failed on %v", target, ourErr)
			}
			normalize := strings.NewReplacer("api error ", "", "exceeded maximum number of attempts, 1, ", "")
			if g, w := normalize.Replace(ourErr.Error()), normalize.Replace(theirErr.Error()); g != w {
				t.Errorf("messages differ:\nours     %s\nofficial %s", g, w)
			}
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
