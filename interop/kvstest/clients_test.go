package kvstest_test

// Every control-plane operation, through our kvs client and through the AWS SDK's own
// kinesisvideo client, against one emulator: the same scenario, with the same assertions on the
// emulator's behaviour, runs through both.

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/kvsgo/sdk/interop/differential"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// driver calls an operation with our input type and returns our output type.
type driver struct {
	name string
	call func(in any) (any, error)
}

// opName is the operation an input type is for: CreateStreamInput is for CreateStream.
func opName(in any) string {
	return strings.TrimSuffix(reflect.TypeOf(in).Elem().Name(), "Input")
}

func invokeMethod(client any, op string, in reflect.Value) (reflect.Value, error) {
	res := reflect.ValueOf(client).MethodByName(op).Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
	err, _ := res[1].Interface().(error)
	return res[0], err
}

func oursDriver(s *kvstest.Server) driver {
	c := client(s)
	return driver{name: "kvs", call: func(in any) (any, error) {
		out, err := invokeMethod(c, opName(in), reflect.ValueOf(in))
		return out.Interface(), err
	}}
}

func officialDriver(s *kvstest.Server) driver {
	c := official.NewFromConfig(s.Config(), func(o *official.Options) { o.RetryMaxAttempts = 1 })
	ourClient := reflect.TypeFor[*kvs.Client]()
	return driver{name: "official", call: func(in any) (any, error) {
		op := opName(in)
		m := reflect.ValueOf(c).MethodByName(op)
		theirIn := reflect.New(m.Type().In(1).Elem())
		if err := differential.Convert(theirIn.Interface(), in); err != nil {
			return nil, err
		}
		pruneAbsent(theirIn.Elem(), reflect.ValueOf(in).Elem())
		theirOut, err := invokeMethod(c, op, theirIn)
		if err != nil {
			return nil, err
		}
		theirOut.Elem().FieldByName("ResultMetadata").SetZero()
		m2, _ := ourClient.MethodByName(op)
		out := reflect.New(m2.Type.Out(0).Elem())
		if err := differential.Convert(out.Interface(), theirOut.Interface()); err != nil {
			return nil, err
		}
		return out.Interface(), nil
	}}
}

// pruneAbsent sets to nil the struct pointers of the official input dst whose member in our
// input src is an empty struct: Convert makes them non-nil, and the official client would send
// them.
func pruneAbsent(dst, src reflect.Value) {
	for i := range src.NumField() {
		sf := src.Field(i)
		if sf.Kind() != reflect.Struct || sf.Type() == reflect.TypeFor[time.Time]() {
			continue
		}
		df := dst.FieldByName(src.Type().Field(i).Name)
		if df.Kind() != reflect.Pointer || df.IsNil() {
			continue
		}
		if sf.IsZero() {
			df.SetZero()
			continue
		}
		pruneAbsent(df.Elem(), sf)
	}
}

// call runs the operation of in through d and returns its output.
func call[Out any](t *testing.T, d driver, in any) *Out {
	t.Helper()
	out, err := d.call(in)
	if err != nil {
		t.Fatalf("%s: %s: %v", d.name, opName(in), err)
	}
	return out.(*Out)
}

// callFails runs the operation of in through d and checks that it fails with code.
func callFails(t *testing.T, d driver, in any, code string) {
	t.Helper()
	_, err := d.call(in)
	if got := codeOf(err); got != code {
		t.Fatalf("%s: %s: error %q (%v), want %q", d.name, opName(in), got, err, code)
	}
}

func codeOf(err error) string { return code(err) }

func TestEveryOperationThroughBothClients(t *testing.T) {
	s := start(t)
	for _, d := range []driver{oursDriver(s), officialDriver(s)} {
		t.Run(d.name, func(t *testing.T) { exercise(t, d, d.name+"-") })
	}
	// Every operation of the official client was served to both clients.
	ct := reflect.TypeFor[*official.Client]()
	ops := 0
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		if m.Type.NumIn() != 4 || m.Type.NumOut() != 2 || m.Type.In(1) != reflect.TypeFor[context.Context]() {
			continue
		}
		ops++
		if n := s.Calls(kvstest.Operation(m.Name)); n < 2 {
			t.Errorf("%s was called %d times", m.Name, n)
		}
	}
	if ops != 32 {
		t.Errorf("the official client has %d operations, want 32", ops)
	}
}

// exercise runs every operation through d, on resources named with prefix.
func exercise(t *testing.T, d driver, prefix string) {
	cam, cam2, door := prefix+"cam", prefix+"cam2", prefix+"door"

	// Streams: create, describe, list with pages, update with versions.
	arn := call[kvs.CreateStreamOutput](t, d, &kvs.CreateStreamInput{StreamName: cam, DataRetentionInHours: 24, MediaType: "video/h264",
		Tags: map[string]string{"team": "video"}}).StreamARN
	call[kvs.CreateStreamOutput](t, d, &kvs.CreateStreamInput{StreamName: cam2})
	callFails(t, d, &kvs.CreateStreamInput{StreamName: cam}, "ResourceInUseException")
	info := call[kvs.DescribeStreamOutput](t, d, &kvs.DescribeStreamInput{StreamName: cam}).StreamInfo
	if info.StreamARN != arn || info.Status != kvs.StatusActive || info.DataRetentionInHours != 24 || info.MediaType != "video/h264" || info.CreationTime.IsZero() {
		t.Fatalf("described %+v", info)
	}
	callFails(t, d, &kvs.DescribeStreamInput{StreamName: prefix + "missing"}, "ResourceNotFoundException")
	listIn := &kvs.ListStreamsInput{MaxResults: aws.Int32(1), StreamNameCondition: kvs.StreamNameCondition{
		ComparisonOperator: kvs.ComparisonOperatorBeginsWith, ComparisonValue: cam}}
	page1 := call[kvs.ListStreamsOutput](t, d, listIn)
	listIn.NextToken = page1.NextToken
	page2 := call[kvs.ListStreamsOutput](t, d, listIn)
	if len(page1.StreamInfoList) != 1 || page1.StreamInfoList[0].StreamName != cam || page1.NextToken == "" ||
		len(page2.StreamInfoList) != 1 || page2.StreamInfoList[0].StreamName != cam2 || page2.NextToken != "" {
		t.Fatalf("pages %+v %+v", page1, page2)
	}
	call[kvs.UpdateStreamOutput](t, d, &kvs.UpdateStreamInput{StreamARN: arn, CurrentVersion: info.Version, DeviceName: "camera"})
	callFails(t, d, &kvs.UpdateStreamInput{StreamARN: arn, CurrentVersion: info.Version, DeviceName: "other"}, "VersionMismatchException")
	version := func() string {
		return call[kvs.DescribeStreamOutput](t, d, &kvs.DescribeStreamInput{StreamARN: arn}).StreamInfo.Version
	}
	call[kvs.UpdateDataRetentionOutput](t, d, &kvs.UpdateDataRetentionInput{StreamName: cam, CurrentVersion: version(),
		Operation: kvs.UpdateDataRetentionOperationIncreaseDataRetention, DataRetentionChangeInHours: 24})
	if got := call[kvs.DescribeStreamOutput](t, d, &kvs.DescribeStreamInput{StreamARN: arn}).StreamInfo; got.DataRetentionInHours != 48 || got.DeviceName != "camera" {
		t.Fatalf("after updates %+v", got)
	}

	// Stream tags, with the limit of 50.
	call[kvs.TagStreamOutput](t, d, &kvs.TagStreamInput{StreamName: cam, Tags: manyTags(49, 0)})
	callFails(t, d, &kvs.TagStreamInput{StreamName: cam, Tags: manyTags(1, 49)}, "TagsPerResourceExceededLimitException")
	call[kvs.UntagStreamOutput](t, d, &kvs.UntagStreamInput{StreamARN: arn, TagKeyList: []string{"key-00", "team"}})
	if tags := call[kvs.ListTagsForStreamOutput](t, d, &kvs.ListTagsForStreamInput{StreamName: cam}).Tags; len(tags) != 48 || tags["key-01"] != "v" {
		t.Fatalf("%d tags", len(tags))
	}

	// Data endpoint, storage tier, notifications, images.
	if ep := call[kvs.GetDataEndpointOutput](t, d, &kvs.GetDataEndpointInput{StreamName: cam, APIName: kvs.APINameGetMedia}).DataEndpoint; ep != strings.TrimSuffix(ep, "/") || ep == "" {
		t.Fatalf("data endpoint %q", ep)
	}
	if tier := call[kvs.DescribeStreamStorageConfigurationOutput](t, d, &kvs.DescribeStreamStorageConfigurationInput{StreamARN: arn}).StreamStorageConfiguration; tier.DefaultStorageTier != kvs.DefaultStorageTierHot {
		t.Fatalf("tier %+v", tier)
	}
	call[kvs.UpdateStreamStorageConfigurationOutput](t, d, &kvs.UpdateStreamStorageConfigurationInput{StreamName: cam, CurrentVersion: version(),
		StreamStorageConfiguration: kvs.StreamStorageConfiguration{DefaultStorageTier: kvs.DefaultStorageTierWarm}})
	notif := kvs.NotificationConfiguration{Status: kvs.ConfigurationStatusEnabled,
		DestinationConfig: kvs.NotificationDestinationConfig{Uri: "arn:aws:sns:us-east-1:123456789012:topic"}}
	call[kvs.UpdateNotificationConfigurationOutput](t, d, &kvs.UpdateNotificationConfigurationInput{StreamName: cam, NotificationConfiguration: notif})
	if got := call[kvs.DescribeNotificationConfigurationOutput](t, d, &kvs.DescribeNotificationConfigurationInput{StreamName: cam}).NotificationConfiguration; got != notif {
		t.Fatalf("notification %+v", got)
	}
	images := kvs.ImageGenerationConfiguration{Status: kvs.ConfigurationStatusEnabled, ImageSelectorType: kvs.ImageSelectorTypeProducerTimestamp,
		DestinationConfig: kvs.ImageGenerationDestinationConfig{Uri: "s3://bucket/images", DestinationRegion: "us-east-1"},
		SamplingInterval:  1000, Format: kvs.FormatPNG, HeightPixels: aws.Int32(480)}
	call[kvs.UpdateImageGenerationConfigurationOutput](t, d, &kvs.UpdateImageGenerationConfigurationInput{StreamARN: arn, ImageGenerationConfiguration: images})
	if got := call[kvs.DescribeImageGenerationConfigurationOutput](t, d, &kvs.DescribeImageGenerationConfigurationInput{StreamARN: arn}).ImageGenerationConfiguration; got.Format != kvs.FormatPNG || *got.HeightPixels != 480 {
		t.Fatalf("images %+v", got)
	}

	// Edge configuration.
	hub := "arn:aws:iot:us-east-1:123456789012:thing/" + prefix + "hub"
	call[kvs.StartEdgeConfigurationUpdateOutput](t, d, &kvs.StartEdgeConfigurationUpdateInput{StreamName: cam, EdgeConfig: edgeConfig(hub)})
	if st := call[kvs.DescribeEdgeConfigurationOutput](t, d, &kvs.DescribeEdgeConfigurationInput{StreamName: cam}).SyncStatus; st != kvs.SyncStatusInSync {
		t.Fatalf("sync status %s", st)
	}
	if cfgs := call[kvs.ListEdgeAgentConfigurationsOutput](t, d, &kvs.ListEdgeAgentConfigurationsInput{HubDeviceArn: hub}).EdgeConfigs; len(cfgs) != 1 || cfgs[0].StreamARN != arn {
		t.Fatalf("edge configs %+v", cfgs)
	}
	call[kvs.DeleteEdgeConfigurationOutput](t, d, &kvs.DeleteEdgeConfigurationInput{StreamARN: arn})
	callFails(t, d, &kvs.DescribeEdgeConfigurationInput{StreamName: cam}, "StreamEdgeConfigurationNotFoundException")

	// Signaling channels, their tags, endpoints and media storage.
	chARN := call[kvs.CreateSignalingChannelOutput](t, d, &kvs.CreateSignalingChannelInput{ChannelName: door}).ChannelARN
	ch := call[kvs.DescribeSignalingChannelOutput](t, d, &kvs.DescribeSignalingChannelInput{ChannelARN: chARN}).ChannelInfo
	if ch.ChannelName != door || ch.ChannelStatus != kvs.StatusActive || *ch.SingleMasterConfiguration.MessageTtlSeconds != 60 {
		t.Fatalf("channel %+v", ch)
	}
	call[kvs.UpdateSignalingChannelOutput](t, d, &kvs.UpdateSignalingChannelInput{ChannelARN: chARN, CurrentVersion: ch.Version,
		SingleMasterConfiguration: kvs.SingleMasterConfiguration{MessageTtlSeconds: aws.Int32(120)}})
	callFails(t, d, &kvs.UpdateSignalingChannelInput{ChannelARN: chARN, CurrentVersion: ch.Version}, "VersionMismatchException")
	listed := call[kvs.ListSignalingChannelsOutput](t, d, &kvs.ListSignalingChannelsInput{ChannelNameCondition: kvs.ChannelNameCondition{ComparisonValue: door}}).ChannelInfoList
	if len(listed) != 1 || *listed[0].SingleMasterConfiguration.MessageTtlSeconds != 120 {
		t.Fatalf("listed %+v", listed)
	}
	call[kvs.TagResourceOutput](t, d, &kvs.TagResourceInput{ResourceARN: chARN, Tags: []kvs.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}})
	call[kvs.UntagResourceOutput](t, d, &kvs.UntagResourceInput{ResourceARN: chARN, TagKeyList: []string{"a"}})
	if tags := call[kvs.ListTagsForResourceOutput](t, d, &kvs.ListTagsForResourceInput{ResourceARN: chARN}).Tags; fmt.Sprint(tags) != "map[b:2]" {
		t.Fatalf("channel tags %v", tags)
	}
	eps := call[kvs.GetSignalingChannelEndpointOutput](t, d, &kvs.GetSignalingChannelEndpointInput{ChannelARN: chARN,
		SingleMasterChannelEndpointConfiguration: kvs.SingleMasterChannelEndpointConfiguration{
			Protocols: []kvs.ChannelProtocol{kvs.ChannelProtocolWSS, kvs.ChannelProtocolHTTPS}, Role: kvs.ChannelRoleViewer}}).ResourceEndpointList
	if len(eps) != 2 || !strings.HasPrefix(eps[0].ResourceEndpoint, "ws://") || !strings.HasPrefix(eps[1].ResourceEndpoint, "http://") {
		t.Fatalf("endpoints %+v", eps)
	}
	call[kvs.UpdateMediaStorageConfigurationOutput](t, d, &kvs.UpdateMediaStorageConfigurationInput{ChannelARN: chARN,
		MediaStorageConfiguration: kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusEnabled, StreamARN: arn}})
	if got := call[kvs.DescribeMediaStorageConfigurationOutput](t, d, &kvs.DescribeMediaStorageConfigurationInput{ChannelName: door}).MediaStorageConfiguration; got.StreamARN != arn {
		t.Fatalf("media storage %+v", got)
	}
	mapped := call[kvs.DescribeMappedResourceConfigurationOutput](t, d, &kvs.DescribeMappedResourceConfigurationInput{StreamName: cam}).MappedResourceConfigurationList
	if !slices.Equal(mapped, []kvs.MappedResourceConfigurationListItem{{Type: "SIGNALING_CHANNEL", ARN: chARN}}) {
		t.Fatalf("mapped %+v", mapped)
	}

	// Deletions.
	call[kvs.DeleteSignalingChannelOutput](t, d, &kvs.DeleteSignalingChannelInput{ChannelARN: chARN})
	call[kvs.DeleteStreamOutput](t, d, &kvs.DeleteStreamInput{StreamARN: arn, CurrentVersion: version()})
	callFails(t, d, &kvs.DescribeSignalingChannelInput{ChannelName: door}, "ResourceNotFoundException")
	callFails(t, d, &kvs.DescribeStreamInput{StreamARN: arn}, "ResourceNotFoundException")
}

// manyTags returns n tags, key-<from> onwards.
func manyTags(n, from int) map[string]string {
	tags := map[string]string{}
	for i := range n {
		tags[fmt.Sprintf("key-%02d", from+i)] = "v"
	}
	return tags
}

// edgeConfig is an edge configuration for the hub device hub.
func edgeConfig(hub string) kvs.EdgeConfig {
	return kvs.EdgeConfig{
		HubDeviceArn: hub,
		RecorderConfig: kvs.RecorderConfig{MediaSourceConfig: kvs.MediaSourceConfig{
			MediaUriSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:camera", MediaUriType: kvs.MediaUriTypeRTSPURI}},
		DeletionConfig: kvs.DeletionConfig{EdgeRetentionInHours: aws.Int32(48), DeleteAfterUpload: aws.Bool(false)},
	}
}
