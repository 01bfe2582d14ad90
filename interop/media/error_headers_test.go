package media_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia"
	officialtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia/types"
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// TestMediaErrorHeaderSpellings decodes media-API errors whose code and request ID come in
// either spelling: x-amzn-ErrorType/x-amzn-RequestId, which the service sends and the official
// clients read, and x-amz-ErrorType/x-amz-RequestId, which the media API reference names. The
// official Go client is run beside ours as the reference for the x-amzn- spelling.
func TestMediaErrorHeaderSpellings(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours := media.New(media.Options{Options: kvs.Options{Region: "us-west-2", Credentials: wiretest.Credentials, RetryMaxAttempts: 1}, Endpoint: srv.URL})
	theirs := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, RetryMaxAttempts: 1})
	ctx := context.Background()
	for _, tc := range []struct {
		name            string
		header          http.Header
		officialDecodes bool
	}{
		{"x-amzn-", http.Header{"x-amzn-ErrorType": {"ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.kinesisvideo.v20170930/"}, "x-amzn-RequestId": {"req-1"}}, true},
		{"x-amz-", http.Header{"x-amz-ErrorType": {"ResourceNotFoundException"}, "x-amz-RequestId": {"req-1"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			respond := func() {
				srv.Respond(wiretest.Response{Status: 404, Header: tc.header, Body: []byte(`{"Message":"The requested stream is not found or not active."}`)})
			}
			respond()
			_, err := ours.GetMedia(ctx, &media.GetMediaInput{StreamName: "cam", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}})
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != "ResourceNotFoundException" {
				t.Errorf("ours: %v", err)
			}
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.ServiceRequestID() != "req-1" {
				t.Errorf("ours: no request ID in %v", err)
			}
			respond()
			_, err = theirs.GetMedia(ctx, &official.GetMediaInput{StreamName: aws.String("cam"), StartSelector: &officialtypes.StartSelector{StartSelectorType: "NOW"}})
			var rnf *officialtypes.ResourceNotFoundException
			if got := errors.As(err, &rnf); got != tc.officialDecodes {
				t.Errorf("the official client decoded ResourceNotFoundException: %v, expected %v (%v)", got, tc.officialDecodes, err)
			}
			srv.Take()
		})
	}
}
