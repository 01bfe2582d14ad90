package kvstest_test

// Behaviour the service documents that the AWS SDK's clients once found the emulator without:
// each test goes through one of them (the tests through the AWS CLI are in kvstest's own tests).

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	officialmedia "github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia"
	mediatypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia/types"
	officialsignaling "github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling"

	"github.com/kvsgo/sdk/interop/differential"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// officialMedia returns the AWS SDK's GetMedia client, pointed at the server's media endpoint.
func officialMedia(s *kvstest.Server) *officialmedia.Client {
	return officialmedia.NewFromConfig(s.Config(), func(o *officialmedia.Options) {
		o.BaseEndpoint, o.RetryMaxAttempts = aws.String(s.DataURL), 1
		o.HTTPClient = differential.KeepRequestBodies(o.HTTPClient)
	})
}

// TestGetMediaSelectorNeedsItsMember checks that GetMedia refuses a start selector that lacks the
// member its type calls for, through the AWS SDK's client: the service answers
// InvalidArgumentException instead of picking a start. kvstest's own test of the same name goes
// through the AWS CLI.
func TestGetMediaSelectorNeedsItsMember(t *testing.T) {
	s := start(t)
	must[*kvs.CreateStreamOutput](t)(client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1}))
	theirs := officialMedia(s)
	selectors := []mediatypes.StartSelectorType{
		mediatypes.StartSelectorTypeFragmentNumber, mediatypes.StartSelectorTypeServerTimestamp,
		mediatypes.StartSelectorTypeProducerTimestamp, mediatypes.StartSelectorTypeContinuationToken,
	}
	for _, sel := range selectors {
		out, err := theirs.GetMedia(ctx, &officialmedia.GetMediaInput{StreamName: aws.String("s"),
			StartSelector: &mediatypes.StartSelector{StartSelectorType: sel}})
		if err == nil {
			out.Payload.Close()
		}
		if code := code(err); code != "InvalidArgumentException" {
			t.Errorf("%s without its member: %v (code %q), want InvalidArgumentException", sel, err, code)
		}
	}
	// With the member, the same selectors are accepted (the answer may be an in-band error).
	out, err := theirs.GetMedia(ctx, &officialmedia.GetMediaInput{StreamName: aws.String("s"),
		StartSelector: &mediatypes.StartSelector{StartSelectorType: mediatypes.StartSelectorTypeServerTimestamp, StartTimestamp: aws.Time(time.Now())}})
	if err != nil {
		t.Fatalf("SERVER_TIMESTAMP with StartTimestamp: %v", err)
	}
	out.Payload.Close()
}

// TestGetMediaConnectionLimit checks the documented limit of three concurrent GetMedia
// connections per stream: a fourth gets ConnectionLimitExceededException from the AWS SDK's
// client, and once one closes a new one is accepted. The connections held open are our
// client's: the AWS SDK's sometimes drops a streaming response as it returns it (smithy-go
// closes the request body while the transport may still be finishing the request).
func TestGetMediaConnectionLimit(t *testing.T) {
	s := start(t, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: time.Hour, GetMediaCallsPerSecond: 1000}))
	cl := client(s)
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1}))
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "t", DataRetentionInHours: 1}))
	ours := media.New(media.Options{Options: cl.Options(), Control: cl, Endpoint: s.DataURL}, func(o *media.Options) { o.RetryMaxAttempts = 1 })
	now := media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}
	var open []io.Closer
	defer func() {
		for _, o := range open {
			o.Close()
		}
	}()
	hold := func(stream string) error {
		out, err := ours.GetMedia(ctx, &media.GetMediaInput{StreamName: stream, StartSelector: now})
		if err == nil {
			open = append(open, out.Payload)
		}
		return err
	}
	for i := range kvstest.DefaultGetMediaConnections {
		if err := hold("s"); err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
	}
	theirs := officialMedia(s)
	in := &officialmedia.GetMediaInput{StreamName: aws.String("s"), StartSelector: &mediatypes.StartSelector{StartSelectorType: mediatypes.StartSelectorTypeNow}}
	_, err := theirs.GetMedia(ctx, in)
	var limit *mediatypes.ConnectionLimitExceededException
	if !errors.As(err, &limit) {
		t.Fatalf("a fourth connection: %v, want ConnectionLimitExceededException", err)
	}
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
		t.Errorf("a fourth connection: %v, want HTTP 400", err)
	}
	// Another stream has connections of its own.
	if err := hold("t"); err != nil {
		t.Fatalf("another stream: %v", err)
	}

	// The server frees the place when it sees the connection close, which takes a moment.
	open[0].Close()
	open = open[1:]
	deadline := time.Now().Add(waitLimit)
	for {
		out, err := theirs.GetMedia(ctx, in)
		if err == nil {
			out.Payload.Close()
			break
		}
		if !errors.As(err, &limit) || time.Now().After(deadline) {
			t.Fatalf("after closing one: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestIceServerCredentialsKeepToTheModel checks through the AWS SDK's signaling client that the
// TURN user names and passwords match the model's pattern for them.
func TestIceServerCredentialsKeepToTheModel(t *testing.T) {
	s := start(t)
	channel := must[*kvs.CreateSignalingChannelOutput](t)(client(s).CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "door"}))
	theirs := officialsignaling.NewFromConfig(s.Config(), func(o *officialsignaling.Options) {
		o.BaseEndpoint, o.RetryMaxAttempts = aws.String(s.SignalingURL), 1
	})
	pattern := regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,256}$`) // Username and Password in the model
	for range 3 {
		out, err := theirs.GetIceServerConfig(ctx, &officialsignaling.GetIceServerConfigInput{ChannelARN: aws.String(channel.ChannelARN), ClientId: aws.String("viewer-1")})
		if err != nil {
			t.Fatal(err)
		}
		for _, ice := range out.IceServerList {
			if !pattern.MatchString(aws.ToString(ice.Username)) || !pattern.MatchString(aws.ToString(ice.Password)) {
				t.Fatalf("user name %q, password %q: outside the model's pattern", aws.ToString(ice.Username), aws.ToString(ice.Password))
			}
			if err := s.VerifyTURNCredentials(aws.ToString(ice.Username), aws.ToString(ice.Password)); err != nil {
				t.Fatal(err)
			}
		}
	}
}
