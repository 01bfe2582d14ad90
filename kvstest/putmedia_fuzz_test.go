package kvstest_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// FuzzPutMediaBody sends arbitrary PutMedia bodies: the emulator never hangs or crashes, every
// acknowledgement is one the service sends, and an ERROR one carries a documented id. Seeds: a
// valid body, one with the C producer's captured event tags, one with bad event tags.
func FuzzPutMediaBody(f *testing.F) {
	valid := newBody(f, videoTrack).cluster(t0, [2]int64{1, 0}, [2]int64{1, 40}).b
	f.Add(valid)
	if capture, err := os.ReadFile(eventTagsCapture); err == nil {
		b := newBody(f, videoTrack).cluster(t0, [2]int64{1, 0}).b
		b = append(b, capture...)
		f.Add(newBodyFrom(b).cluster(t0+1000, [2]int64{1, 0}).b)
	}
	f.Add(newBody(f, videoTrack, audioTrack).eventTags("AWS_KINESISVIDEO_NOTIFICATION", "AWS_BAD", "x").cluster(t0, [2]int64{1, 0}, [2]int64{2, 1}).b)
	f.Add(newBody(f, videoTrack).eventTags("AWS_KINESISVIDEO_IMAGE_GENERATION", "AWS_KINESISVIDEO_IMAGE_PREFIX", "p/", "k", "v").b)

	srv := kvstest.NewServer(kvstest.WithMediaLimits(kvstest.MediaLimits{PutMediaCallsPerSecond: -1, IdleTimeout: 2 * time.Second}))
	defer srv.Close()
	control := kvs.NewFromConfig(srv.Config())
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "fuzz", DataRetentionInHours: 1}); err != nil {
		f.Fatal(err)
	}
	client := media.New(media.Options{Options: control.Options(), Control: control})
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := client.PutMedia(ctx, &media.PutMediaInput{StreamName: "fuzz", Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatalf("PutMedia: %v", err)
		}
		defer out.Acks.Close()
		for {
			a, err := out.Acks.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("acknowledgements: %v", err)
			}
			switch a.EventType {
			case media.AckEventBuffering, media.AckEventReceived, media.AckEventPersisted, media.AckEventIdle:
			case media.AckEventError:
				if a.ErrorID.String() == "" || a.ErrorID < 4000 {
					t.Fatalf("undocumented error id %d", a.ErrorID)
				}
			default:
				t.Fatalf("unknown acknowledgement %+v", a)
			}
		}
	})
}

// newBodyFrom continues a body built elsewhere.
func newBodyFrom(b []byte) *body { return &body{b: b} }
