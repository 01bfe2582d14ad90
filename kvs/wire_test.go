package kvs_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
)

var testCreds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token", Source: "test"}, nil
})

// clients returns our client and the official one, both aimed at srv.
func clients(srv *wiretest.Server) (*kvs.Client, *official.Client) {
	ours := kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: srv.URL, Credentials: testCreds, RetryMaxAttempts: 1})
	theirs := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: testCreds, RetryMaxAttempts: 1})
	return ours, theirs
}

// operations lists the official client's operations: its methods shaped like
// Op(ctx, *OpInput, ...func(*Options)) (*OpOutput, error).
func operations(t *testing.T) []string {
	t.Helper()
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

// call invokes client.op(ctx, in) by reflection and returns the output and error.
func call(client any, op string, in reflect.Value) (any, error) {
	m := reflect.ValueOf(client).MethodByName(op)
	res := m.Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
	err, _ := res[1].Interface().(error)
	return res[0].Interface(), err
}

func inputFor(client any, op string) reflect.Value {
	m := reflect.ValueOf(client).MethodByName(op)
	return reflect.New(m.Type().In(1).Elem())
}

func TestOperationsCoverOfficialClient(t *testing.T) {
	ops := operations(t)
	if len(ops) != 32 {
		t.Errorf("official client has %d operations, want 32", len(ops))
	}
	for _, op := range ops {
		if !reflect.ValueOf(&kvs.Client{}).MethodByName(op).IsValid() {
			t.Errorf("kvs.Client lacks %s", op)
		}
	}
}

// TestRequestsMatchOfficialClient sends the same fully populated input through both clients
// and compares method, path, signed headers and the JSON body.
func TestRequestsMatchOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours, theirs := clients(srv)
	for _, op := range operations(t) {
		t.Run(op, func(t *testing.T) {
			for variant := range 2 {
				in := inputFor(ours, op)
				wiretest.Fill(in.Interface(), variant)
				theirIn := inputFor(theirs, op)
				if err := wiretest.Convert(theirIn.Interface(), in.Interface()); err != nil {
					t.Fatal(err)
				}
				if _, err := call(ours, op, in); err != nil {
					t.Fatalf("ours: %v", err)
				}
				if _, err := call(theirs, op, theirIn); err != nil {
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
	ours, theirs := clients(srv)
	for _, op := range operations(t) {
		t.Run(op, func(t *testing.T) {
			outType := reflect.ValueOf(ours).MethodByName(op).Type().Out(0).Elem()
			sample := reflect.New(outType).Interface()
			wiretest.Fill(sample, 1)
			body, err := jsonwire.Marshal(sample)
			if err != nil {
				t.Fatal(err)
			}
			srv.Respond(wiretest.Response{Body: body, Header: http.Header{"Content-Type": {"application/json"}}})
			in := inputFor(ours, op)
			wiretest.Fill(in.Interface(), 0)
			theirIn := inputFor(theirs, op)
			if err := wiretest.Convert(theirIn.Interface(), in.Interface()); err != nil {
				t.Fatal(err)
			}
			got, err := call(ours, op, in)
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			want, err := call(theirs, op, theirIn)
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
			var ourAPI, theirAPI smithy.APIError
			if !errors.As(ourErr, &ourAPI) || !errors.As(theirErr, &theirAPI) {
				t.Fatalf("not API errors: ours %v, official %v", ourErr, theirErr)
			}
			if ourAPI.ErrorCode() != theirAPI.ErrorCode() || ourAPI.ErrorMessage() != theirAPI.ErrorMessage() {
				t.Errorf("ours %s/%q, official %s/%q", ourAPI.ErrorCode(), ourAPI.ErrorMessage(), theirAPI.ErrorCode(), theirAPI.ErrorMessage())
			}
			ptr := reflect.New(reflect.TypeOf(target))
			if !errors.As(ourErr, ptr.Interface()) {
				t.Errorf("errors.As(%T) failed on %v", target, ourErr)
			}
			// The official client knows only the errors each operation models and prints the others
			// as "api error X"; ours types every modeled error and also retries throttling.
			normalize := strings.NewReplacer("api error ", "", "exceeded maximum number of attempts, 1, ", "")
			if g, w := normalize.Replace(ourErr.Error()), normalize.Replace(theirErr.Error()); g != w {
				t.Errorf("messages differ:\nours     %s\nofficial %s", g, w)
			}
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
