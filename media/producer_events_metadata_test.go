package media_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// TestProducerEventMetadata marks a fragment for a notification and image generation: the
// emulator records the notification with the pairs as its payload, and images of that fragment
// only (ffmpeg permitting).
func TestProducerEventMetadata(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	srv, client, name := emulator(t, 24)
	ctx := context.Background()
	control := kvs.NewFromConfig(srv.Config())
	if _, err := control.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: name,
		NotificationConfiguration: kvs.NotificationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			DestinationConfig: kvs.NotificationDestinationConfig{Uri: "arn:aws:sns:us-east-1:123456789012:t"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := control.UpdateImageGenerationConfiguration(ctx, &kvs.UpdateImageGenerationConfigurationInput{StreamName: name,
		ImageGenerationConfiguration: kvs.ImageGenerationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			ImageSelectorType: kvs.ImageSelectorTypeProducerTimestamp, SamplingInterval: 1000, Format: kvs.FormatPNG,
			DestinationConfig: kvs.ImageGenerationDestinationConfig{Uri: "s3://b/p", DestinationRegion: srv.Region}}}); err != nil {
		t.Fatal(err)
	}
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), FragmentDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	meta := media.EventMetadata{ImagePrefix: "front/", Pairs: []media.MetadataPair{{Name: "door", Value: "open"}}}
	for i, f := range frames {
		if i == len(frames)/2 {
			if err := p.PutEventMetadata(media.FragmentEventNotification|media.FragmentEventImageGeneration, meta); err != nil {
				t.Fatal(err)
			}
			if err := p.PutEventMetadata(media.FragmentEventNotification, media.EventMetadata{}); err == nil {
				t.Error("a second notification for the same fragment was accepted")
			}
		}
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.Close(closeCtx); err != nil {
		t.Fatal(err)
	}
	notes := srv.Notifications(name)
	if len(notes) != 1 || notes[0].NotificationPayload["door"] != "open" || notes[0].NotificationType != kvstest.NotificationTypePersisted {
		t.Fatalf("notifications %+v", notes)
	}
	images := srv.GeneratedImages(name)
	if len(images) == 0 {
		t.Fatal("no images")
	}
	for _, img := range images {
		if img.FragmentNumber != notes[0].FragmentNumber || !strings.HasPrefix(img.Key, "p/front/"+name+"/") || img.Metadata["door"] != "open" {
			t.Errorf("image %+v", img)
		}
		if img.Error == "" && string(img.Data[1:4]) != "PNG" {
			t.Errorf("image at %v is not a PNG", img.Timestamp)
		}
	}
}

func TestPutEventMetadataRules(t *testing.T) {
	_, client, name := emulator(t, 24)
	p, err := media.NewProducer(context.Background(), client, media.ProducerConfig{StreamName: name, Tracks: avTracks()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	long := strings.Repeat("x", 257)
	for _, tt := range []struct {
		name   string
		events media.FragmentEvent
		meta   media.EventMetadata
	}{
		{"no event", 0, media.EventMetadata{}},
		{"unknown event", 8, media.EventMetadata{}},
		{"reserved name", media.FragmentEventNotification, media.EventMetadata{Pairs: []media.MetadataPair{{Name: "AWS_X", Value: "1"}}}},
		{"reserved name in lower case", media.FragmentEventNotification, media.EventMetadata{Pairs: []media.MetadataPair{{Name: "aws_x", Value: "1"}}}},
		{"empty name", media.FragmentEventNotification, media.EventMetadata{Pairs: []media.MetadataPair{{Value: "1"}}}},
		{"long value", media.FragmentEventNotification, media.EventMetadata{Pairs: []media.MetadataPair{{Name: "a", Value: long}}}},
		{"long prefix", media.FragmentEventImageGeneration, media.EventMetadata{ImagePrefix: long}},
		{"too many items", media.FragmentEventNotification | media.FragmentEventImageGeneration,
			media.EventMetadata{Pairs: []media.MetadataPair{{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}, {"e", ""}}}},
	} {
		if err := p.PutEventMetadata(tt.events, tt.meta); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}
