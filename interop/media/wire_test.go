package media_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia"
	officialtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia/types"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/interop/differential"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// TestConformsToModel checks GetMedia's types against the kinesis-video-media model.
func TestConformsToModel(t *testing.T) {
	m := wiretest.LoadModel(t, "kinesis-video-media/2017-09-30")
	wiretest.Conformance{Client: &media.Client{}, Streaming: reflect.TypeFor[io.ReadCloser](), Errors: map[string]error{
		"ClientLimitExceededException":     (*media.ClientLimitExceededException)(nil),
		"ConnectionLimitExceededException": (*media.ConnectionLimitExceededException)(nil),
		"InvalidArgumentException":         (*media.InvalidArgumentException)(nil),
		"InvalidEndpointException":         (*media.InvalidEndpointException)(nil),
		"NotAuthorizedException":           (*media.NotAuthorizedException)(nil),
		"ResourceNotFoundException":        (*media.ResourceNotFoundException)(nil),
	}}.Check(t, m)
}

// TestGetMediaMatchesOfficialClient sends the same GetMedia through both clients and compares
// the requests, the decoded payloads and the errors.
func TestGetMediaMatchesOfficialClient(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	ours := media.New(media.Options{Options: kvs.Options{Region: "us-west-2", Credentials: wiretest.Credentials, RetryMaxAttempts: 1}, Endpoint: srv.URL})
	theirs := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, RetryMaxAttempts: 1})
	ctx := context.Background()
	start := time.UnixMilli(1700000000123).UTC()
	for _, sel := range []media.StartSelector{
		{StartSelectorType: media.StartSelectorTypeNow},
		{StartSelectorType: media.StartSelectorTypeProducerTimestamp, StartTimestamp: start},
		{StartSelectorType: media.StartSelectorTypeFragmentNumber, AfterFragmentNumber: "91343852333181432392682062607743920146159169392"},
		{StartSelectorType: media.StartSelectorTypeContinuationToken, ContinuationToken: "abc_123.x-y"},
	} {
		srv.Respond(wiretest.Response{Header: http.Header{"Content-Type": {"video/webm"}}, Body: []byte("mkv bytes")})
		out, err := ours.GetMedia(ctx, &media.GetMediaInput{StreamName: "cam", StartSelector: sel})
		if err != nil {
			t.Fatal(err)
		}
		ourBody, _ := io.ReadAll(out.Payload)
		out.Payload.Close()
		theirSel := &officialtypes.StartSelector{StartSelectorType: officialtypes.StartSelectorType(sel.StartSelectorType)}
		if !sel.StartTimestamp.IsZero() {
			theirSel.StartTimestamp = aws.Time(sel.StartTimestamp)
		}
		if sel.AfterFragmentNumber != "" {
			theirSel.AfterFragmentNumber = aws.String(sel.AfterFragmentNumber)
		}
		if sel.ContinuationToken != "" {
			theirSel.ContinuationToken = aws.String(sel.ContinuationToken)
		}
		theirOut, err := theirs.GetMedia(ctx, &official.GetMediaInput{StreamName: aws.String("cam"), StartSelector: theirSel})
		if err != nil {
			t.Fatal(err)
		}
		theirBody, _ := io.ReadAll(theirOut.Payload)
		theirOut.Payload.Close()
		reqs := srv.Take()
		differential.SameRequest(t, reqs[0], reqs[1])
		if string(ourBody) != string(theirBody) || out.ContentType != aws.ToString(theirOut.ContentType) {
			t.Errorf("payloads: ours %q %q, official %q %q", out.ContentType, ourBody, aws.ToString(theirOut.ContentType), theirBody)
		}
	}
	for _, code := range []string{"ResourceNotFoundException", "InvalidEndpointException", "ConnectionLimitExceededException", "NotAuthorizedException"} {
		srv.Respond(wiretest.Response{Status: 400, Header: http.Header{"X-Amzn-Errortype": {code}}, Body: []byte(`{"message":"m"}`)})
		_, ourErr := ours.GetMedia(ctx, &media.GetMediaInput{StreamName: "cam", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}})
		_, theirErr := theirs.GetMedia(ctx, &official.GetMediaInput{StreamName: aws.String("cam"), StartSelector: &officialtypes.StartSelector{StartSelectorType: "NOW"}})
		srv.Take()
		if ourErr == nil || theirErr == nil {
			t.Fatalf("%s: ours %v, official %v", code, ourErr, theirErr)
		}
		var api interface{ ErrorCode() string }
		if !errors.As(ourErr, &api) || api.ErrorCode() != code {
			t.Errorf("%s: ours %v", code, ourErr)
		}
	}
}

// TestOfficialClientReadsTheEmulator reads a stream produced by our producer with the official
// client's GetMedia, and decodes its payload with our fragment reader: the first two fragments
// hold the frames written, in order per track, with the same bytes, key flags and times.
func TestOfficialClientReadsTheEmulator(t *testing.T) {
	start := time.Date(2026, 11, 21, 23, 0, 0, 0, time.UTC)
	const name = "camera"
	srv, control, frames := differential.SampleStream(t, name, start, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond}))
	ctx := context.Background()
	ep, err := control.DataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: name, APIName: kvs.APINameGetMedia})
	if err != nil {
		t.Fatal(err)
	}
	cfg := srv.Config()
	cfg.BaseEndpoint = aws.String(ep)
	theirs := official.NewFromConfig(cfg, func(o *official.Options) { o.HTTPClient = differential.KeepRequestBodies(o.HTTPClient) })
	out, err := theirs.GetMedia(ctx, &official.GetMediaInput{StreamName: aws.String(name),
		StartSelector: &officialtypes.StartSelector{StartSelectorType: officialtypes.StartSelectorTypeEarliest}})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Payload.Close()
	r := media.NewFragmentReader(out.Payload)
	var frags []*media.Fragment
	for len(frags) < 2 {
		f, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		frags = append(frags, f)
	}
	written := map[uint64][]media.Frame{}
	for _, f := range frames {
		written[f.Track] = append(written[f.Track], f)
	}
	for _, frag := range frags {
		for _, got := range frag.Frames {
			if len(written[got.Track]) == 0 {
				t.Fatalf("track %d: more frames came back than were written", got.Track)
			}
			want := written[got.Track][0]
			written[got.Track] = written[got.Track][1:]
			at := start.Add(want.Timestamp).Truncate(time.Millisecond)
			if !bytes.Equal(got.Data, want.Data) || got.Keyframe != want.Keyframe || !frag.FrameTime(got).Equal(at) {
				t.Fatalf("track %d: key %v at %v (%d bytes), want key %v at %v (%d bytes)",
					got.Track, got.Keyframe, frag.FrameTime(got), len(got.Data), want.Keyframe, at, len(want.Data))
			}
		}
	}
	if aws.ToString(out.ContentType) != "video/webm" {
		t.Errorf("content type %q", aws.ToString(out.ContentType))
	}
	line, _ := json.Marshal(frags[0].Summary())
	t.Logf("first fragment: %s", line)
}
