package kvstest_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/mkv"
)

// eventTags appends a Tags element with one Tag: the event's SimpleTag, then pairs.
func (b *body) eventTags(event string, pairs ...string) *body {
	st := []mkv.SimpleTag{{Name: event}}
	for i := 0; i+1 < len(pairs); i += 2 {
		st = append(st, mkv.SimpleTag{Name: pairs[i], String: pairs[i+1]})
	}
	b.b, _ = mkv.AppendTags(b.b, []mkv.Tag{{SimpleTags: st}})
	return b
}

func TestPutMediaEventTags(t *testing.T) {
	var log bytes.Buffer
	srv, client, control, name := mediaSetup(t, 24, kvstest.WithNotificationLog(&log))
	if _, err := control.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: name,
		NotificationConfiguration: kvs.NotificationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			DestinationConfig: kvs.NotificationDestinationConfig{Uri: "arn:aws:sns:us-east-1:123456789012:t"}}}); err != nil {
		t.Fatal(err)
	}
	t.Run("accepted and notified", func(t *testing.T) {
		b := newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).
			eventTags("AWS_KINESISVIDEO_NOTIFICATION", "door", "open").eventTags("AWS_KINESISVIDEO_IMAGE_GENERATION", "AWS_KINESISVIDEO_IMAGE_PREFIX", "p/").
			cluster(t0+1000, [2]int64{1, 0})
		acks, err := put(t, client, name, bytes.NewReader(b.b))
		if got, want := kinds(acks), "BUFFERING RECEIVED PERSISTED BUFFERING RECEIVED PERSISTED"; err != nil || got != want {
			t.Fatalf("acks %s (%v), want %s", got, err, want)
		}
		notes := srv.Notifications(name)
		if len(notes) != 1 || notes[0].FragmentNumber != acks[3].FragmentNumber || notes[0].NotificationPayload["door"] != "open" ||
			notes[0].FragmentStartProducerTimestamp != t0+1000 || notes[0].StreamARN == "" {
			t.Fatalf("notifications %+v", notes)
		}
		var logged kvstest.Notification
		if err := json.Unmarshal(log.Bytes(), &logged); err != nil || logged.FragmentNumber != notes[0].FragmentNumber || logged.TopicARN == "" {
			t.Fatalf("log %q: %v", log.String(), err)
		}
		if imgs := srv.GeneratedImages(name); len(imgs) != 0 {
			t.Errorf("%d images without an image generation configuration", len(imgs))
		}
	})
	for _, tt := range []struct {
		name string
		b    *body
	}{
		{"a reserved pair name", newBody(t, videoTrack).eventTags("AWS_KINESISVIDEO_NOTIFICATION", "AWS_X", "1")},
		{"an image prefix with a notification", newBody(t, videoTrack).eventTags("AWS_KINESISVIDEO_NOTIFICATION", "AWS_KINESISVIDEO_IMAGE_PREFIX", "p")},
		{"another AWS_KINESISVIDEO_ name", newBody(t, videoTrack).tags("AWS_KINESISVIDEO_SOMETHING")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			acks, err := put(t, client, name, bytes.NewReader(tt.b.cluster(t0+5000, [2]int64{1, 0}).b))
			if err != nil || kinds(acks) != "ERROR:INVALID_FRAGMENT_METADATA" {
				t.Fatalf("acks %s (%v)", kinds(acks), err)
			}
			if a := acks[0]; a.FragmentTimecode != t0+5000 || a.FragmentNumber == "" {
				t.Errorf("the error ack %+v does not name the fragment the tags came with", a)
			}
		})
	}
}

// TestMediaWhileCreatingAndDeleting: a stream serves its data plane from CreateStream on, while
// CREATING (the C producer goes straight to GetDataEndpoint and PutMedia), and no longer once
// DELETING.
func TestMediaWhileCreatingAndDeleting(t *testing.T) {
	_, client, control, name := mediaSetup(t, 24, kvstest.WithDelays(kvstest.Delays{StreamCreate: time.Hour}))
	desc, err := control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: name})
	if err != nil || desc.StreamInfo.Status != kvs.StatusCreating {
		t.Fatalf("status %v, %v", desc.StreamInfo.Status, err)
	}
	if _, err := control.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: name, APIName: kvs.APINamePutMedia}); err != nil {
		t.Fatalf("GetDataEndpoint while CREATING: %v", err)
	}
	acks, err := put(t, client, name, bytes.NewReader(newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).b))
	if got := kinds(acks); err != nil || got != "BUFFERING RECEIVED PERSISTED" {
		t.Fatalf("PutMedia while CREATING: %s, %v", got, err)
	}

	_, client2, control2, name2 := mediaSetup(t, 24, kvstest.WithDelays(kvstest.Delays{StreamDelete: time.Hour}))
	d2, _ := control2.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: name2})
	if _, err := control2.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: d2.StreamInfo.StreamARN}); err != nil {
		t.Fatal(err)
	}
	_, err = control2.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: name2, APIName: kvs.APINamePutMedia})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = put(t, client2, name2, bytes.NewReader(newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).b))
	if code(err) != "ResourceNotFoundException" {
		t.Fatalf("PutMedia while DELETING: %v", err)
	}
}
