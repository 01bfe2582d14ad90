package archived_test

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/interop/differential"
	"github.com/kvsgo/sdk/kvs"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// wireClients returns our client and the official one, both aimed at srv as the data endpoint.
func wireClients(srv *wiretest.Server) (*archived.Client, *official.Client) {
	ours := archived.New(archived.Options{Options: kvs.Options{Region: "us-west-2", Credentials: wiretest.Credentials, RetryMaxAttempts: 1},
		Endpoint: srv.URL})
	theirs := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, RetryMaxAttempts: 1})
	return ours, theirs
}

func TestOperationsCoverOfficialClient(t *testing.T) {
	ops := differential.Operations(&official.Client{})
	if len(ops) != 6 {
		t.Errorf("official client has %d operations, want 6", len(ops))
	}
	for _, op := range ops {
		if !reflect.ValueOf(&archived.Client{}).MethodByName(op).IsValid() {
			t.Errorf("archived.Client lacks %s", op)
		}
	}
}

// prepare makes a filled input obey the rules that tags cannot express: the sample time is the
// start of every range, whose end is an hour (a minute for images) later, and HLS and DASH
// sessions replay from it.
func prepare(op string, in reflect.Value) {
	v := in.Elem()
	end := reflect.ValueOf(wiretest.SampleTime.Add(time.Hour))
	for _, path := range [][]string{{"FragmentSelector", "TimestampRange"}, {"ClipFragmentSelector", "TimestampRange"},
		{"HLSFragmentSelector", "TimestampRange"}, {"DASHFragmentSelector", "TimestampRange"}} {
		if f := v.FieldByName(path[0]); f.IsValid() {
			f.FieldByName(path[1]).FieldByName("EndTimestamp").Set(end)
		}
	}
	if f := v.FieldByName("PlaybackMode"); f.IsValid() {
		f.SetString(string(archived.PlaybackModeLiveReplay))
	}
	if op == "GetImages" {
		v.FieldByName("EndTimestamp").Set(reflect.ValueOf(wiretest.SampleTime.Add(time.Minute)))
		v.FieldByName("SamplingInterval").Set(reflect.ValueOf(aws.Int32(1000)))
	}
}

func newDifferential(srv *wiretest.Server) differential.Clients {
	ours, theirs := wireClients(srv)
	return differential.Clients{Server: srv, Ours: ours, Official: theirs, Prepare: prepare}
}

// TestRequestsMatchOfficialClient sends the same fully populated input of every operation
// through both clients and compares method, path, signed headers, Content-Type and JSON body.
func TestRequestsMatchOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	newDifferential(srv).Requests(t)
}

// TestResponsesDecodeLikeOfficialClient serves a fully populated output of each JSON operation
// to both clients and compares what they decode.
func TestResponsesDecodeLikeOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	newDifferential(srv).Responses(t)
}

// TestPayloadsMatchOfficialClient serves a media payload to GetClip and
// GetMediaForFragmentList through both clients and compares the content type and bytes.
func TestPayloadsMatchOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	newDifferential(srv).Payloads(t)
}

// TestErrorsDecodeLikeOfficialClient serves each modeled error to both clients, on a JSON and
// on a streaming operation, and checks that they agree on code and message, and that ours is
// the modeled type.
func TestErrorsDecodeLikeOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours, theirs := wireClients(srv)
	start, end := wiretest.SampleTime, wiretest.SampleTime.Add(time.Minute)
	calls := map[string]func() (error, error){
		"ListFragments": func() (error, error) {
			_, a := ours.ListFragments(context.Background(), &archived.ListFragmentsInput{StreamName: "s", NextToken: "dG9rZW4="})
			_, b := theirs.ListFragments(context.Background(), &official.ListFragmentsInput{StreamName: aws.String("s"), NextToken: aws.String("dG9rZW4=")})
			return a, b
		},
		"GetClip": func() (error, error) {
			sel := archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
				TimestampRange: archived.TimestampRange{StartTimestamp: start, EndTimestamp: end}}
			var in official.GetClipInput
			if err := differential.Convert(&in, &archived.GetClipInput{StreamName: "s", ClipFragmentSelector: sel}); err != nil {
				t.Fatal(err)
			}
			_, a := ours.GetClip(context.Background(), &archived.GetClipInput{StreamName: "s", ClipFragmentSelector: sel})
			_, b := theirs.GetClip(context.Background(), &in)
			return a, b
		},
	}
	for code, target := range modeledErrors {
		for op, call := range calls {
			t.Run(code+"/"+op, func(t *testing.T) {
				srv.Respond(wiretest.Response{
					Status: http.StatusBadRequest,
					Header: http.Header{"X-Amzn-Errortype": {code + ":http://internal.amazon.com/coral/com.amazon.kinesisvideo.v20170930/"},
						"X-Amzn-Requestid": {"req-" + code}},
					Body: []byte(`{"message":"details of ` + code + `"}`),
				})
				ourErr, theirErr := call()
				srv.Take()
				differential.SameAPIError(t, ourErr, theirErr, target)
			})
		}
	}
}

// modeledErrors maps each modeled error code of the archived-media API to its Go type.
var modeledErrors = map[string]error{
	"ClientLimitExceededException":        (*archived.ClientLimitExceededException)(nil),
	"InvalidArgumentException":            (*archived.InvalidArgumentException)(nil),
	"InvalidCodecPrivateDataException":    (*archived.InvalidCodecPrivateDataException)(nil),
	"InvalidMediaFrameException":          (*archived.InvalidMediaFrameException)(nil),
	"MissingCodecPrivateDataException":    (*archived.MissingCodecPrivateDataException)(nil),
	"NoDataRetentionException":            (*archived.NoDataRetentionException)(nil),
	"NotAuthorizedException":              (*archived.NotAuthorizedException)(nil),
	"ResourceNotFoundException":           (*archived.ResourceNotFoundException)(nil),
	"UnsupportedStreamMediaTypeException": (*archived.UnsupportedStreamMediaTypeException)(nil),
}

// TestConformsToModel checks every operation, member, type, enum, required flag, constraint and
// error of the archived-media model against the archived types.
func TestConformsToModel(t *testing.T) {
	m := wiretest.LoadModel(t, "kinesis-video-archived-media/2017-09-30")
	if n := len(m.Operations); n != 6 {
		t.Errorf("model has %d operations, want 6", n)
	}
	wiretest.Conformance{Client: &archived.Client{}, Errors: modeledErrors, Streaming: reflect.TypeFor[io.ReadCloser]()}.Check(t, m)
}
