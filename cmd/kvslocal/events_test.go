package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// TestRunWritesEvents runs kvslocal with -image-dir and -notification-log, marks a fragment of
// H.264 for both events, and reads the notification's JSON line and the image files.
func TestRunWritesEvents(t *testing.T) {
	video, err := wiretest.ReadShared(filepath.Join("media", "h264-320x240-30fps-10s.h264"))
	if err != nil {
		wiretest.Skip(t, "samples: %v", err)
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		wiretest.Skip(t, "ffmpeg: %v", err)
	}
	dir := t.TempDir()
	logFile, imageDir := filepath.Join(dir, "notifications.jsonl"), filepath.Join(dir, "images")
	r, w := io.Pipe()
	stop := make(chan os.Signal, 1)
	status := make(chan int, 1)
	go func() {
		status <- run([]string{"-addr", "127.0.0.1:0", "-quiet", "-image-dir", imageDir, "-notification-log", logFile}, w, io.Discard, stop)
		w.Close()
	}()
	f := banner(t, r)
	go func() { _, _ = io.Copy(io.Discard, r) }()
	defer func() {
		stop <- os.Interrupt
		if got := <-status; got != 0 {
			t.Errorf("exit status %d", got)
		}
	}()

	cfg := aws.Config{Region: f["region"], BaseEndpoint: aws.String(f["endpoint"]),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: f["access key"], SecretAccessKey: f["secret key"]}, nil
		})}
	ctx := context.Background()
	control := kvs.NewFromConfig(cfg)
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := control.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: "cam",
		NotificationConfiguration: kvs.NotificationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			DestinationConfig: kvs.NotificationDestinationConfig{Uri: "arn:aws:sns:us-east-1:123456789012:t"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := control.UpdateImageGenerationConfiguration(ctx, &kvs.UpdateImageGenerationConfigurationInput{StreamName: "cam",
		ImageGenerationConfiguration: kvs.ImageGenerationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			ImageSelectorType: kvs.ImageSelectorTypeServerTimestamp, SamplingInterval: 1000, Format: kvs.FormatJPEG,
			DestinationConfig: kvs.ImageGenerationDestinationConfig{Uri: "s3://bucket/prefix", DestinationRegion: f["region"]}}}); err != nil {
		t.Fatal(err)
	}
	p, err := media.NewProducer(ctx, media.NewFromConfig(cfg), media.ProducerConfig{StreamName: "cam",
		Tracks: []media.TrackConfig{{Codec: media.CodecH264}}, FragmentDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ar, _ := media.NewAccessUnitReader(bytes.NewReader(video), media.CodecH264)
	for i := 0; i < 90; i++ {
		au, key, err := ar.Next()
		if err != nil {
			t.Fatal(err)
		}
		if i == 30 {
			if err := p.PutEventMetadata(media.FragmentEventNotification|media.FragmentEventImageGeneration, media.EventMetadata{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / 30, Keyframe: key, Data: au}); err != nil {
			t.Fatal(err)
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.Close(closeCtx); err != nil {
		t.Fatal(err)
	}

	line, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	var n struct{ StreamArn, FragmentNumber, NotificationType string }
	if err := json.Unmarshal(line, &n); err != nil || n.NotificationType != "PERSISTED" || !strings.Contains(n.StreamArn, ":stream/cam/") {
		t.Fatalf("notification log %q: %v", line, err)
	}
	images, err := filepath.Glob(filepath.Join(imageDir, "bucket", "prefix", "cam", n.FragmentNumber, "*.jpg"))
	if err != nil || len(images) == 0 {
		t.Fatalf("no image files of fragment %s under %s (%v)", n.FragmentNumber, imageDir, err)
	}
	for _, img := range images {
		if b, err := os.ReadFile(img); err != nil || !bytes.HasPrefix(b, []byte{0xff, 0xd8}) {
			t.Errorf("%s is not a JPEG (%v)", img, err)
		}
	}
}
