package media_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// ExampleProducer_PutEventMetadata marks a fragment for a notification: once the fragment is
// persisted, the stream's notification configuration sends it, with the pairs as its payload.
func ExampleProducer_PutEventMetadata() {
	ctx := context.Background()
	srv := kvstest.NewServer()
	defer srv.Close()
	control := kvs.NewFromConfig(srv.Config())
	_, _ = control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "door-cam", DataRetentionInHours: 24})
	_, _ = control.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: "door-cam",
		NotificationConfiguration: kvs.NotificationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			DestinationConfig: kvs.NotificationDestinationConfig{Uri: "arn:aws:sns:us-east-1:123456789012:doors"}}})

	p, err := media.NewProducer(ctx, media.NewFromConfig(srv.Config()), media.ProducerConfig{StreamName: "door-cam",
		Tracks: []media.TrackConfig{{Codec: media.CodecG711ALaw}}, FragmentDuration: time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	frame := make([]byte, 160) // 20 ms of 8 kHz A-law
	for i := range 100 {
		if i == 50 { // the door opened: mark the next fragment
			err := p.PutEventMetadata(media.FragmentEventNotification, media.EventMetadata{
				Pairs: []media.MetadataPair{{Name: "door", Value: "open"}}})
			if err != nil {
				fmt.Println(err)
			}
		}
		_ = p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * 20 * time.Millisecond, Keyframe: true, Data: frame})
	}
	if err := p.Close(ctx); err != nil {
		fmt.Println(err)
	}
	for _, n := range srv.Notifications("door-cam") {
		fmt.Println(n.NotificationType, n.NotificationPayload["door"])
	}
	// Output: PERSISTED open
}
