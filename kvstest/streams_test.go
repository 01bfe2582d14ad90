package kvstest_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

var streamARNPattern = regexp.MustCompile(`^arn:aws:kinesisvideo:eu-west-1:210987654321:stream/camera-1/[0-9]{13}$`)

func TestStreamLifecycle(t *testing.T) {
	c := newClock()
	s := start(t, kvstest.WithClock(c.Now), kvstest.WithRegion("eu-west-1"), kvstest.WithAccountID("210987654321"),
		kvstest.WithDelays(kvstest.Delays{StreamCreate: 10 * time.Second, StreamUpdate: 5 * time.Second, StreamDelete: 30 * time.Second}))
	cl := client(s)
	created := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{
		StreamName: "camera-1", DataRetentionInHours: 24, MediaType: "video/h264", DeviceName: "cam", Tags: map[string]string{"site": "lab"}}))
	if !streamARNPattern.MatchString(created.StreamARN) {
		t.Fatalf("ARN %q", created.StreamARN)
	}
	describe := func() kvs.StreamInfo {
		t.Helper()
		return must[*kvs.DescribeStreamOutput](t)(cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamARN: created.StreamARN})).StreamInfo
	}
	info := describe()
	want := kvs.StreamInfo{StreamName: "camera-1", StreamARN: created.StreamARN, MediaType: "video/h264", DeviceName: "cam",
		KmsKeyId: "arn:aws:kms:eu-west-1:210987654321:alias/aws/kinesisvideo", Status: kvs.StatusCreating,
		DataRetentionInHours: 24, Version: info.Version, CreationTime: info.CreationTime}
	if info != want {
		t.Fatalf("described %+v\nwant      %+v", info, want)
	}
	if d := c.Now().Sub(info.CreationTime); d < 0 || d > time.Millisecond {
		t.Errorf("CreationTime %v, clock %v", info.CreationTime, c.Now())
	}
	if !strings.HasSuffix(created.StreamARN, fmt.Sprint(info.CreationTime.UnixMilli())) {
		t.Errorf("ARN %s does not end with the creation time %d", created.StreamARN, info.CreationTime.UnixMilli())
	}

	// A CREATING stream cannot be changed.
	_, err := cl.UpdateStream(ctx, &kvs.UpdateStreamInput{StreamName: "camera-1", CurrentVersion: info.Version, MediaType: "video/h265"})
	wantCode(t, err, "ResourceInUseException")

	c.Advance(10 * time.Second)
	if info = describe(); info.Status != kvs.StatusActive {
		t.Fatalf("status %s after the create delay", info.Status)
	}

	// Updates need the current version and give a new one.
	v1 := info.Version
	must[*kvs.UpdateStreamOutput](t)(cl.UpdateStream(ctx, &kvs.UpdateStreamInput{StreamName: "camera-1", CurrentVersion: v1, MediaType: "video/h265"}))
	info = describe()
	if info.Version == v1 || info.MediaType != "video/h265" || info.DeviceName != "cam" || info.Status != kvs.StatusUpdating {
		t.Fatalf("after UpdateStream: %+v", info)
	}
	c.Advance(5 * time.Second)
	_, err = cl.UpdateStream(ctx, &kvs.UpdateStreamInput{StreamName: "camera-1", CurrentVersion: v1, DeviceName: "other"})
	wantCode(t, err, "VersionMismatchException")
	if httpStatus(err) != 400 {
		t.Errorf("VersionMismatchException with HTTP %d", httpStatus(err))
	}

	// Retention goes up and down within 0 and 87600 hours.
	retention := func(op kvs.UpdateDataRetentionOperation, hours int32) error {
		_, err := cl.UpdateDataRetention(ctx, &kvs.UpdateDataRetentionInput{StreamName: "camera-1", CurrentVersion: describe().Version,
			Operation: op, DataRetentionChangeInHours: hours})
		c.Advance(5 * time.Second)
		return err
	}
	if err := retention(kvs.UpdateDataRetentionOperationIncreaseDataRetention, 48); err != nil {
		t.Fatal(err)
	}
	if err := retention(kvs.UpdateDataRetentionOperationDecreaseDataRetention, 70); err != nil {
		t.Fatal(err)
	}
	if got := describe().DataRetentionInHours; got != 2 {
		t.Errorf("retention %d, want 24+48-70", got)
	}
	wantCode(t, retention(kvs.UpdateDataRetentionOperationDecreaseDataRetention, 3), "InvalidArgumentException")
	wantCode(t, retention(kvs.UpdateDataRetentionOperationIncreaseDataRetention, 87599), "InvalidArgumentException")

	// A name is unique.
	_, err = cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera-1"})
	wantCode(t, err, "ResourceInUseException")

	// Deletion checks the version, then the stream is DELETING for a while, then gone.
	_, err = cl.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: created.StreamARN, CurrentVersion: v1})
	wantCode(t, err, "VersionMismatchException")
	must[*kvs.DeleteStreamOutput](t)(cl.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: created.StreamARN, CurrentVersion: describe().Version}))
	if st := describe().Status; st != kvs.StatusDeleting {
		t.Fatalf("status %s after DeleteStream", st)
	}
	_, err = cl.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: created.StreamARN})
	wantCode(t, err, "ResourceInUseException")
	_, err = cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera-1"})
	wantCode(t, err, "ResourceInUseException")
	c.Advance(30 * time.Second)
	_, err = cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "camera-1"})
	wantCode(t, err, "ResourceNotFoundException")
	if httpStatus(err) != 404 || !strings.Contains(err.Error(), "The requested stream is not found or not active.") {
		t.Errorf("err = %v", err)
	}

	// The name is free again, and the new stream has a new ARN.
	again := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera-1"}))
	if again.StreamARN == created.StreamARN {
		t.Errorf("recreated stream reuses the ARN %s", again.StreamARN)
	}
}

func TestStreamsAreActiveAtOnceByDefault(t *testing.T) {
	s := start(t)
	cl := client(s)
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}))
	out := must[*kvs.DescribeStreamOutput](t)(cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "s"}))
	if out.StreamInfo.Status != kvs.StatusActive || out.StreamInfo.DataRetentionInHours != 0 {
		t.Errorf("%+v", out.StreamInfo)
	}
	// The waiter of the kvs package sees it at once.
	if err := kvs.NewStreamActiveWaiter(cl).Wait(ctx, &kvs.DescribeStreamInput{StreamName: "s"}, time.Second); err != nil {
		t.Error(err)
	}
	must[*kvs.DeleteStreamOutput](t)(cl.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: out.StreamInfo.StreamARN}))
	_, err := cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "s"})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestFindingStreams(t *testing.T) {
	s := start(t)
	cl := client(s)
	a := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "a"})).StreamARN
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "b"}))
	tests := []struct {
		name, streamName, arn, code string
	}{
		{"by name", "a", "", ""},
		{"by ARN", "", a, ""},
		{"by both", "a", a, ""},
		{"neither", "", "", "InvalidArgumentException"},
		{"name and ARN of different streams", "b", a, "InvalidArgumentException"},
		{"malformed ARN", "", "arn:aws:kinesisvideo:us-east-1:123456789012:stream/a", "InvalidArgumentException"},
		{"ARN of another region", "", strings.Replace(a, "us-east-1", "us-west-2", 1), "ResourceNotFoundException"},
		{"ARN of another account", "", strings.Replace(a, "123456789012", "000000000000", 1), "ResourceNotFoundException"},
		{"unknown name", "c", "", "ResourceNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: tt.streamName, StreamARN: tt.arn})
			wantCode(t, err, tt.code)
		})
	}
}

func TestListStreamsPagination(t *testing.T) {
	s := start(t)
	cl := client(s)
	var names []string
	for i := range 25 {
		name := fmt.Sprintf("cam-%02d", i)
		names = append(names, name)
		must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name}))
	}
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "mic-1"}))

	var got []string
	pages := 0
	p := kvs.NewListStreamsPaginator(cl, &kvs.ListStreamsInput{MaxResults: aws.Int32(10),
		StreamNameCondition: kvs.StreamNameCondition{ComparisonOperator: kvs.ComparisonOperatorBeginsWith, ComparisonValue: "cam-"}})
	for p.HasMorePages() {
		out := must[*kvs.ListStreamsOutput](t)(p.NextPage(ctx))
		pages++
		for _, si := range out.StreamInfoList {
			got = append(got, si.StreamName)
		}
		if pages == 1 {
			// A stream deleted or added mid-listing does not disturb the rest of it (cam-09 was on
			// the first page).
			del := must[*kvs.DescribeStreamOutput](t)(cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "cam-09"}))
			must[*kvs.DeleteStreamOutput](t)(cl.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: del.StreamInfo.StreamARN}))
			must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "cam-99"}))
			names = append(names, "cam-99")
		}
	}
	if pages != 3 || strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%d pages: %v\nwant %v", pages, got, names)
	}

	all := must[*kvs.ListStreamsOutput](t)(cl.ListStreams(ctx, nil))
	if len(all.StreamInfoList) != 26 || all.NextToken != "" {
		t.Errorf("default page: %d streams, token %q", len(all.StreamInfoList), all.NextToken)
	}

	for _, token := range []string{"bm90IGEgdG9rZW4=", "x"} {
		_, err := cl.ListStreams(ctx, &kvs.ListStreamsInput{NextToken: token})
		wantCode(t, err, "InvalidArgumentException")
	}
	// A token of another listing is refused.
	first := must[*kvs.ListStreamsOutput](t)(cl.ListStreams(ctx, &kvs.ListStreamsInput{MaxResults: aws.Int32(1)}))
	_, err := cl.ListSignalingChannels(ctx, &kvs.ListSignalingChannelsInput{NextToken: first.NextToken})
	wantCode(t, err, "InvalidArgumentException")
}

func TestAccountLimits(t *testing.T) {
	s := start(t, kvstest.WithLimits(kvstest.Limits{Streams: 2, Channels: 1}))
	cl := client(s)
	for _, name := range []string{"a", "b"} {
		must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name}))
	}
	_, err := cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "c"})
	wantCode(t, err, "AccountStreamLimitExceededException")
	must[*kvs.CreateSignalingChannelOutput](t)(cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "a"}))
	_, err = cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "b"})
	wantCode(t, err, "AccountChannelLimitExceededException")
}
