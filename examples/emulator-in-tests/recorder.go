// Package recorder is a small application that an SDK user might write, kept here to show how
// to test such code with kvstest: a Recorder stores a camera's frames in a Kinesis video stream,
// marking the fragments where motion was seen. Its test (recorder_test.go) runs it against the
// in-process emulator, with injected throttling and connection failures.
package recorder

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// Recorder writes a camera's H.264 frames to a stream.
type Recorder struct {
	producer *media.Producer
}

// Open creates the stream when it does not exist yet and starts recording into it.
func Open(ctx context.Context, cfg aws.Config, stream string) (*Recorder, error) {
	control := kvs.NewFromConfig(cfg)
	_, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: stream, DataRetentionInHours: 72, MediaType: "video/h264"})
	var exists *kvs.ResourceInUseException
	if err != nil && !errors.As(err, &exists) {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	if err := kvs.NewStreamActiveWaiter(control).Wait(ctx, &kvs.DescribeStreamInput{StreamName: stream}, time.Minute); err != nil {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	client := media.New(media.Options{Options: control.Options(), Control: control})
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: stream, Tracks: []media.TrackConfig{{Codec: media.CodecH264}}})
	if err != nil {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	return &Recorder{producer: p}, nil
}

// Frame records one access unit taken at the given offset from the start of the recording. When
// motion is true, the fragment that holds the frame is marked with motion=yes.
func (r *Recorder) Frame(ctx context.Context, at time.Duration, accessUnit []byte, motion bool) error {
	if motion {
		if err := r.producer.PutFragmentMetadata("motion", "yes", false); err != nil {
			return err
		}
	}
	return r.producer.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: at, Data: accessUnit})
}

// Close ends the recording once everything is stored.
func (r *Recorder) Close(ctx context.Context) error {
	return r.producer.Close(ctx)
}
