package kvstest_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

const hubARN = "arn:aws:iot:us-east-1:123456789012:thing/hub-1"

func edgeConfig(hub string) kvs.EdgeConfig {
	return kvs.EdgeConfig{
		HubDeviceArn: hub,
		RecorderConfig: kvs.RecorderConfig{MediaSourceConfig: kvs.MediaSourceConfig{
			MediaUriSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:camera", MediaUriType: kvs.MediaUriTypeRTSPURI}},
		DeletionConfig: kvs.DeletionConfig{EdgeRetentionInHours: aws.Int32(48), DeleteAfterUpload: aws.Bool(false)},
	}
}

func TestEdgeConfiguration(t *testing.T) {
	c := newClock()
	s := start(t, kvstest.WithClock(c.Now), kvstest.WithDelays(kvstest.Delays{EdgeSync: time.Minute, EdgeDelete: time.Minute}))
	cl := client(s)
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "no-retention"}))
	_, err := cl.StartEdgeConfigurationUpdate(ctx, &kvs.StartEdgeConfigurationUpdateInput{StreamName: "no-retention", EdgeConfig: edgeConfig(hubARN)})
	wantCode(t, err, "NoDataRetentionException")

	for _, name := range []string{"cam-1", "cam-2", "cam-3"} {
		must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: 1}))
	}
	_, err = cl.DescribeEdgeConfiguration(ctx, &kvs.DescribeEdgeConfigurationInput{StreamName: "cam-1"})
	wantCode(t, err, "StreamEdgeConfigurationNotFoundException")
	if httpStatus(err) != 404 {
		t.Errorf("HTTP %d", httpStatus(err))
	}
	_, err = cl.StartEdgeConfigurationUpdate(ctx, &kvs.StartEdgeConfigurationUpdateInput{StreamName: "cam-1", EdgeConfig: edgeConfig("arn:aws:iot:us-east-1:123456789012:hub-1")})
	wantCode(t, err, "InvalidArgumentException")

	started := must[*kvs.StartEdgeConfigurationUpdateOutput](t)(cl.StartEdgeConfigurationUpdate(ctx, &kvs.StartEdgeConfigurationUpdateInput{
		StreamName: "cam-1", EdgeConfig: edgeConfig(hubARN)}))
	if started.SyncStatus != kvs.SyncStatusSyncing || started.StreamName != "cam-1" || *started.EdgeConfig.DeletionConfig.EdgeRetentionInHours != 48 {
		t.Fatalf("started %+v", started)
	}
	_, err = cl.StartEdgeConfigurationUpdate(ctx, &kvs.StartEdgeConfigurationUpdateInput{StreamName: "cam-1", EdgeConfig: edgeConfig(hubARN)})
	wantCode(t, err, "ResourceInUseException")
	c.Advance(time.Minute)
	described := must[*kvs.DescribeEdgeConfigurationOutput](t)(cl.DescribeEdgeConfiguration(ctx, &kvs.DescribeEdgeConfigurationInput{StreamName: "cam-1"}))
	if described.SyncStatus != kvs.SyncStatusInSync || !described.CreationTime.Equal(started.CreationTime) ||
		*described.EdgeConfig.DeletionConfig.DeleteAfterUpload {
		t.Fatalf("described %+v", described)
	}
	// Moving to another hub needs a delete first.
	_, err = cl.StartEdgeConfigurationUpdate(ctx, &kvs.StartEdgeConfigurationUpdateInput{StreamName: "cam-1", EdgeConfig: edgeConfig(hubARN + "x")})
	wantCode(t, err, "InvalidArgumentException")

	for _, name := range []string{"cam-3", "cam-2"} {
		must[*kvs.StartEdgeConfigurationUpdateOutput](t)(cl.StartEdgeConfigurationUpdate(ctx, &kvs.StartEdgeConfigurationUpdateInput{
			StreamName: name, EdgeConfig: edgeConfig(hubARN)}))
	}
	var listed []string
	for cfg, err := range kvs.NewListEdgeAgentConfigurationsPaginator(cl, &kvs.ListEdgeAgentConfigurationsInput{HubDeviceArn: hubARN, MaxResults: aws.Int32(2)}).Items(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, cfg.StreamName+"/"+string(cfg.SyncStatus))
	}
	if len(listed) != 3 || listed[0] != "cam-1/IN_SYNC" || listed[1] != "cam-2/SYNCING" || listed[2] != "cam-3/SYNCING" {
		t.Errorf("listed %v", listed)
	}
	other := must[*kvs.ListEdgeAgentConfigurationsOutput](t)(cl.ListEdgeAgentConfigurations(ctx, &kvs.ListEdgeAgentConfigurationsInput{HubDeviceArn: hubARN + "x"}))
	if len(other.EdgeConfigs) != 0 {
		t.Errorf("other hub: %v", other.EdgeConfigs)
	}

	must[*kvs.DeleteEdgeConfigurationOutput](t)(cl.DeleteEdgeConfiguration(ctx, &kvs.DeleteEdgeConfigurationInput{StreamName: "cam-1"}))
	if st := must[*kvs.DescribeEdgeConfigurationOutput](t)(cl.DescribeEdgeConfiguration(ctx, &kvs.DescribeEdgeConfigurationInput{StreamName: "cam-1"})).SyncStatus; st != kvs.SyncStatusDeleting {
		t.Errorf("status %s after delete", st)
	}
	c.Advance(time.Minute)
	_, err = cl.DeleteEdgeConfiguration(ctx, &kvs.DeleteEdgeConfigurationInput{StreamName: "cam-1"})
	wantCode(t, err, "StreamEdgeConfigurationNotFoundException")
}

func TestMediaStorageAndMappedResources(t *testing.T) {
	s := start(t)
	cl := client(s)
	ch1 := must[*kvs.CreateSignalingChannelOutput](t)(cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "c1"})).ChannelARN
	ch2 := must[*kvs.CreateSignalingChannelOutput](t)(cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "c2"})).ChannelARN
	keeps := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "keeps", DataRetentionInHours: 1})).StreamARN
	keepsNone := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "keeps-none"})).StreamARN

	storage := func(channelName string) kvs.MediaStorageConfiguration {
		t.Helper()
		return must[*kvs.DescribeMediaStorageConfigurationOutput](t)(cl.DescribeMediaStorageConfiguration(ctx,
			&kvs.DescribeMediaStorageConfigurationInput{ChannelName: channelName})).MediaStorageConfiguration
	}
	mapped := func(streamName string) []kvs.MappedResourceConfigurationListItem {
		t.Helper()
		return must[*kvs.DescribeMappedResourceConfigurationOutput](t)(cl.DescribeMappedResourceConfiguration(ctx,
			&kvs.DescribeMappedResourceConfigurationInput{StreamName: streamName})).MappedResourceConfigurationList
	}
	update := func(channel string, cfg kvs.MediaStorageConfiguration) error {
		_, err := cl.UpdateMediaStorageConfiguration(ctx, &kvs.UpdateMediaStorageConfigurationInput{ChannelARN: channel, MediaStorageConfiguration: cfg})
		return err
	}
	enabled := func(stream string) kvs.MediaStorageConfiguration {
		return kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusEnabled, StreamARN: stream}
	}
	if got := storage("c1"); got.Status != kvs.MediaStorageConfigurationStatusDisabled || got.StreamARN != "" {
		t.Fatalf("default storage %+v", got)
	}
	wantCode(t, update(ch1, kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusEnabled}), "InvalidArgumentException")
	wantCode(t, update(ch1, enabled(keepsNone)), "NoDataRetentionException")
	if err := update(ch1, enabled(keeps)); err != nil {
		t.Fatal(err)
	}
	if got := storage("c1"); got != enabled(keeps) {
		t.Errorf("storage %+v", got)
	}
	if got := mapped("keeps"); len(got) != 1 || got[0].ARN != ch1 || got[0].Type != "SIGNALING_CHANNEL" {
		t.Errorf("mapped %+v", got)
	}
	wantCode(t, update(ch2, enabled(keeps)), "ResourceInUseException")
	if err := update(ch1, kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusDisabled}); err != nil {
		t.Fatal(err)
	}
	if got := mapped("keeps"); len(got) != 0 {
		t.Errorf("mapped after disabling %+v", got)
	}
	if err := update(ch2, enabled(keeps)); err != nil {
		t.Fatal(err)
	}
	// Deleting the stream unmaps the channel.
	must[*kvs.DeleteStreamOutput](t)(cl.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: keeps}))
	if got := storage("c2"); got.Status != kvs.MediaStorageConfigurationStatusDisabled {
		t.Errorf("storage after the stream's deletion %+v", got)
	}
}

func TestStreamStorageConfiguration(t *testing.T) {
	s := start(t)
	cl := client(s)
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}))
	describe := func() *kvs.DescribeStreamStorageConfigurationOutput {
		return must[*kvs.DescribeStreamStorageConfigurationOutput](t)(cl.DescribeStreamStorageConfiguration(ctx, &kvs.DescribeStreamStorageConfigurationInput{StreamName: "s"}))
	}
	if got := describe(); got.StreamStorageConfiguration.DefaultStorageTier != kvs.DefaultStorageTierHot || got.StreamName != "s" || got.StreamARN == "" {
		t.Fatalf("default %+v", got)
	}
	v := must[*kvs.DescribeStreamOutput](t)(cl.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "s"})).StreamInfo.Version
	warm := kvs.StreamStorageConfiguration{DefaultStorageTier: kvs.DefaultStorageTierWarm}
	must[*kvs.UpdateStreamStorageConfigurationOutput](t)(cl.UpdateStreamStorageConfiguration(ctx, &kvs.UpdateStreamStorageConfigurationInput{
		StreamName: "s", CurrentVersion: v, StreamStorageConfiguration: warm}))
	if got := describe().StreamStorageConfiguration; got != warm {
		t.Errorf("after update %+v", got)
	}
	_, err := cl.UpdateStreamStorageConfiguration(ctx, &kvs.UpdateStreamStorageConfigurationInput{StreamName: "s", CurrentVersion: v, StreamStorageConfiguration: warm})
	wantCode(t, err, "VersionMismatchException")
	// A tier given at creation is kept.
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "w", StreamStorageConfiguration: warm}))
	out := must[*kvs.DescribeStreamStorageConfigurationOutput](t)(cl.DescribeStreamStorageConfiguration(ctx, &kvs.DescribeStreamStorageConfigurationInput{StreamName: "w"}))
	if out.StreamStorageConfiguration != warm {
		t.Errorf("created warm: %+v", out.StreamStorageConfiguration)
	}
}

func TestNotificationAndImageConfigurations(t *testing.T) {
	s := start(t)
	cl := client(s)
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1}))
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "live"}))

	notif := kvs.NotificationConfiguration{Status: kvs.ConfigurationStatusEnabled,
		DestinationConfig: kvs.NotificationDestinationConfig{Uri: "arn:aws:sns:us-east-1:123456789012:topic"}}
	describeNotif := func() kvs.NotificationConfiguration {
		return must[*kvs.DescribeNotificationConfigurationOutput](t)(cl.DescribeNotificationConfiguration(ctx,
			&kvs.DescribeNotificationConfigurationInput{StreamName: "s"})).NotificationConfiguration
	}
	if got := describeNotif(); got != (kvs.NotificationConfiguration{}) {
		t.Fatalf("default %+v", got)
	}
	must[*kvs.UpdateNotificationConfigurationOutput](t)(cl.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: "s", NotificationConfiguration: notif}))
	if got := describeNotif(); got != notif {
		t.Errorf("stored %+v", got)
	}
	_, err := cl.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: "live", NotificationConfiguration: notif})
	wantCode(t, err, "NoDataRetentionException")
	// Without a configuration, the update removes it.
	must[*kvs.UpdateNotificationConfigurationOutput](t)(cl.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: "s"}))
	if got := describeNotif(); got != (kvs.NotificationConfiguration{}) {
		t.Errorf("after removal %+v", got)
	}

	images := kvs.ImageGenerationConfiguration{
		Status: kvs.ConfigurationStatusEnabled, ImageSelectorType: kvs.ImageSelectorTypeServerTimestamp,
		DestinationConfig: kvs.ImageGenerationDestinationConfig{Uri: "s3://bucket/prefix", DestinationRegion: "us-east-1"},
		SamplingInterval:  500, Format: kvs.FormatJPEG, FormatConfig: map[kvs.FormatConfigKey]string{kvs.FormatConfigKeyJPEGQuality: "90"},
		WidthPixels: aws.Int32(640),
	}
	updateImages := func(stream string, change func(*kvs.ImageGenerationConfiguration)) error {
		cfg := images
		cfg.FormatConfig = map[kvs.FormatConfigKey]string{kvs.FormatConfigKeyJPEGQuality: "90"}
		change(&cfg)
		_, err := cl.UpdateImageGenerationConfiguration(ctx, &kvs.UpdateImageGenerationConfigurationInput{StreamName: stream, ImageGenerationConfiguration: cfg})
		return err
	}
	if err := updateImages("s", func(*kvs.ImageGenerationConfiguration) {}); err != nil {
		t.Fatal(err)
	}
	got := must[*kvs.DescribeImageGenerationConfigurationOutput](t)(cl.DescribeImageGenerationConfiguration(ctx,
		&kvs.DescribeImageGenerationConfigurationInput{StreamName: "s"})).ImageGenerationConfiguration
	if got.SamplingInterval != 500 || got.FormatConfig[kvs.FormatConfigKeyJPEGQuality] != "90" || *got.WidthPixels != 640 || got.HeightPixels != nil {
		t.Errorf("stored %+v", got)
	}
	for name, tc := range map[string]struct {
		stream string
		change func(*kvs.ImageGenerationConfiguration)
		code   string
	}{
		"interval below 200 ms":  {"s", func(c *kvs.ImageGenerationConfiguration) { c.SamplingInterval = 199 }, "InvalidArgumentException"},
		"JPEG quality 101":       {"s", func(c *kvs.ImageGenerationConfiguration) { c.FormatConfig[kvs.FormatConfigKeyJPEGQuality] = "101" }, "InvalidArgumentException"},
		"other region":           {"s", func(c *kvs.ImageGenerationConfiguration) { c.DestinationConfig.DestinationRegion = "eu-west-1" }, "InvalidArgumentException"},
		"no retention":           {"live", func(*kvs.ImageGenerationConfiguration) {}, "NoDataRetentionException"},
		"disabled, no retention": {"live", func(c *kvs.ImageGenerationConfiguration) { c.Status = kvs.ConfigurationStatusDisabled }, ""},
	} {
		if err := updateImages(tc.stream, tc.change); code(err) != tc.code {
			t.Errorf("%s: %v, want %q", name, err, tc.code)
		}
	}
}
