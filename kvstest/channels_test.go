package kvstest_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

var channelARNPattern = regexp.MustCompile(`^arn:aws:kinesisvideo:us-east-1:123456789012:channel/door/[0-9]{13}$`)

func TestChannelLifecycle(t *testing.T) {
	c := newClock()
	s := start(t, kvstest.WithClock(c.Now), kvstest.WithDelays(kvstest.Delays{ChannelCreate: time.Second, ChannelUpdate: time.Second, ChannelDelete: time.Second}))
	cl := client(s)
	arn := must[*kvs.CreateSignalingChannelOutput](t)(cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{
		ChannelName: "door", Tags: []kvs.Tag{{Key: "site", Value: "lab"}}})).ChannelARN
	if !channelARNPattern.MatchString(arn) {
		t.Fatalf("ARN %q", arn)
	}
	describe := func() kvs.ChannelInfo {
		t.Helper()
		return must[*kvs.DescribeSignalingChannelOutput](t)(cl.DescribeSignalingChannel(ctx, &kvs.DescribeSignalingChannelInput{ChannelName: "door"})).ChannelInfo
	}
	info := describe()
	if info.ChannelStatus != kvs.StatusCreating || info.ChannelType != kvs.ChannelTypeSingleMaster ||
		info.SingleMasterConfiguration.MessageTtlSeconds == nil || *info.SingleMasterConfiguration.MessageTtlSeconds != 60 {
		t.Fatalf("new channel %+v", info)
	}
	_, err := cl.GetSignalingChannelEndpoint(ctx, &kvs.GetSignalingChannelEndpointInput{ChannelARN: arn})
	wantCode(t, err, "ResourceInUseException")
	c.Advance(time.Second)

	v1 := describe().Version
	must[*kvs.UpdateSignalingChannelOutput](t)(cl.UpdateSignalingChannel(ctx, &kvs.UpdateSignalingChannelInput{
		ChannelARN: arn, CurrentVersion: v1, SingleMasterConfiguration: kvs.SingleMasterConfiguration{MessageTtlSeconds: aws.Int32(30)}}))
	info = describe()
	if info.Version == v1 || *info.SingleMasterConfiguration.MessageTtlSeconds != 30 || info.ChannelStatus != kvs.StatusUpdating {
		t.Fatalf("updated channel %+v", info)
	}
	c.Advance(time.Second)
	_, err = cl.UpdateSignalingChannel(ctx, &kvs.UpdateSignalingChannelInput{ChannelARN: arn, CurrentVersion: v1})
	wantCode(t, err, "VersionMismatchException")
	_, err = cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "door"})
	wantCode(t, err, "ResourceInUseException")

	_, err = cl.DeleteSignalingChannel(ctx, &kvs.DeleteSignalingChannelInput{ChannelARN: arn, CurrentVersion: v1})
	wantCode(t, err, "VersionMismatchException")
	must[*kvs.DeleteSignalingChannelOutput](t)(cl.DeleteSignalingChannel(ctx, &kvs.DeleteSignalingChannelInput{ChannelARN: arn}))
	if st := describe().ChannelStatus; st != kvs.StatusDeleting {
		t.Fatalf("status %s after delete", st)
	}
	c.Advance(time.Second)
	_, err = cl.DescribeSignalingChannel(ctx, &kvs.DescribeSignalingChannelInput{ChannelARN: arn})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestChannelRules(t *testing.T) {
	s := start(t)
	cl := client(s)
	_, err := cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "mesh", ChannelType: kvs.ChannelTypeFullMesh})
	wantCode(t, err, "InvalidArgumentException")
	for _, name := range []string{"door-1", "door-2", "yard"} {
		must[*kvs.CreateSignalingChannelOutput](t)(cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{
			ChannelName: name, SingleMasterConfiguration: kvs.SingleMasterConfiguration{MessageTtlSeconds: aws.Int32(5)}}))
	}
	var names []string
	for ch, err := range kvs.NewListSignalingChannelsPaginator(cl, &kvs.ListSignalingChannelsInput{MaxResults: aws.Int32(1),
		ChannelNameCondition: kvs.ChannelNameCondition{ComparisonOperator: kvs.ComparisonOperatorBeginsWith, ComparisonValue: "door"}}).Items(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if *ch.SingleMasterConfiguration.MessageTtlSeconds != 5 {
			t.Errorf("TTL %d", *ch.SingleMasterConfiguration.MessageTtlSeconds)
		}
		names = append(names, ch.ChannelName)
	}
	if len(names) != 2 || names[0] != "door-1" || names[1] != "door-2" {
		t.Errorf("listed %v", names)
	}
}

func TestSignalingChannelEndpoints(t *testing.T) {
	s := start(t)
	cl := client(s)
	arn := must[*kvs.CreateSignalingChannelOutput](t)(cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "door"})).ChannelARN
	endpoints := func(protocols ...kvs.ChannelProtocol) ([]kvs.ResourceEndpointListItem, error) {
		out, err := cl.GetSignalingChannelEndpoint(ctx, &kvs.GetSignalingChannelEndpointInput{ChannelARN: arn,
			SingleMasterChannelEndpointConfiguration: kvs.SingleMasterChannelEndpointConfiguration{Protocols: protocols, Role: kvs.ChannelRoleMaster}})
		if err != nil {
			return nil, err
		}
		return out.ResourceEndpointList, nil
	}
	got := must[[]kvs.ResourceEndpointListItem](t)(endpoints(kvs.ChannelProtocolHTTPS, kvs.ChannelProtocolWSS, kvs.ChannelProtocolHTTPS))
	want := []kvs.ResourceEndpointListItem{{Protocol: "HTTPS", ResourceEndpoint: s.SignalingURL}, {Protocol: "WSS", ResourceEndpoint: s.SignalingWebSocketURL}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("endpoints %v, want %v", got, want)
	}
	if len(must[[]kvs.ResourceEndpointListItem](t)(endpoints())) != 2 {
		t.Error("no protocols asked: want WSS and HTTPS")
	}
	if s.SignalingWebSocketURL[:5] != "ws://" || s.SignalingURL[:7] != "http://" {
		t.Errorf("URLs %s %s", s.SignalingWebSocketURL, s.SignalingURL)
	}
	_, err := endpoints(kvs.ChannelProtocolWebRTC)
	wantCode(t, err, "InvalidArgumentException")

	// With media storage, the channel has a WEBRTC endpoint.
	stream := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1})).StreamARN
	must[*kvs.UpdateMediaStorageConfigurationOutput](t)(cl.UpdateMediaStorageConfiguration(ctx, &kvs.UpdateMediaStorageConfigurationInput{
		ChannelARN: arn, MediaStorageConfiguration: kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusEnabled, StreamARN: stream}}))
	if got := must[[]kvs.ResourceEndpointListItem](t)(endpoints(kvs.ChannelProtocolWebRTC)); len(got) != 1 || got[0].ResourceEndpoint != s.SignalingURL {
		t.Errorf("WEBRTC endpoints %v", got)
	}
	_, err = cl.GetSignalingChannelEndpoint(ctx, &kvs.GetSignalingChannelEndpointInput{ChannelARN: arn + "0"})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestDataEndpoint(t *testing.T) {
	c := newClock()
	s := start(t, kvstest.WithClock(c.Now), kvstest.WithDelays(kvstest.Delays{StreamDelete: time.Minute}))
	cl := client(s)
	arn := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"})).StreamARN
	// The media APIs get DataURL, the archived-media ones ArchivedURL: different hosts.
	for _, api := range kvs.APIName("").Values() {
		out := must[*kvs.GetDataEndpointOutput](t)(cl.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: "s", APIName: api}))
		want := s.ArchivedURL
		if api == kvs.APINamePutMedia || api == kvs.APINameGetMedia {
			want = s.DataURL
		}
		if out.DataEndpoint != want || s.DataURL == s.URL || s.DataURL == s.ArchivedURL {
			t.Errorf("%s: %q (data %q, archived %q, control %q)", api, out.DataEndpoint, s.DataURL, s.ArchivedURL, s.URL)
		}
	}
	// The cache of the kvs client resolves through the emulator as well.
	if ep := must[string](t)(cl.DataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamARN: arn, APIName: kvs.APINameGetMedia})); ep != s.DataURL {
		t.Errorf("DataEndpoint %q", ep)
	}
	_, err := cl.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: "missing", APIName: kvs.APINamePutMedia})
	wantCode(t, err, "ResourceNotFoundException")
	must[*kvs.DeleteStreamOutput](t)(cl.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: arn}))
	_, err = cl.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: "s", APIName: kvs.APINamePutMedia})
	wantCode(t, err, "ResourceNotFoundException")
}
