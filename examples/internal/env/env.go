// Package env gives the examples their AWS configuration: an in-process Kinesis Video Streams
// emulator by default, or the real service with -aws, so that every example runs on a fresh
// machine with no account and works unchanged against AWS.
package env

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/kvsgo/sdk/examples/internal/samples"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// Config returns the configuration to use and a function that releases it: the default AWS
// credential chain and region when useAWS, else a new in-process emulator (whose address is
// printed to log).
func Config(ctx context.Context, log io.Writer, useAWS bool) (aws.Config, func(), error) {
	if useAWS {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return aws.Config{}, nil, fmt.Errorf("loading AWS credentials: %w", err)
		}
		fmt.Fprintf(log, "using AWS in %s\n", cfg.Region)
		return cfg, func() {}, nil
	}
	srv, err := kvstest.Start(kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: time.Second}))
	if err != nil {
		return aws.Config{}, nil, err
	}
	fmt.Fprintf(log, "emulator listening at %s (use -aws for your account)\n", srv.URL)
	return srv.Config(), srv.Close, nil
}

// EnsureStream creates the stream when it does not exist, keeping media for retention hours, and
// waits until it is ACTIVE. It reports whether it created it.
func EnsureStream(ctx context.Context, control *kvs.Client, name string, retention int32) (bool, error) {
	_, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: retention})
	var inUse *kvs.ResourceInUseException
	created := err == nil
	if err != nil && !errors.As(err, &inUse) {
		return false, fmt.Errorf("creating stream %s: %w", name, err)
	}
	if err := kvs.NewStreamActiveWaiter(control).Wait(ctx, &kvs.DescribeStreamInput{StreamName: name}, 2*time.Minute); err != nil {
		return false, err
	}
	return created, nil
}

// Main runs an example: fn gets a context canceled by Ctrl-C and standard output; an error is
// printed to standard error with the example's name and ends the program with status 1.
func Main(name string, fn func(ctx context.Context, out io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := fn(ctx, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// Produce writes frames into a stream with a media.Producer, as fast as the service takes them,
// starting at start, and waits until every fragment is persisted.
func Produce(ctx context.Context, control *kvs.Client, stream string, tracks []media.TrackConfig, frames []media.Frame, start time.Time) error {
	client := media.New(media.Options{Options: control.Options(), Control: control})
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: stream, Tracks: tracks, StartTime: start})
	if err != nil {
		return err
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, f); err != nil {
			break // Close reports why
		}
	}
	return p.Close(ctx)
}

// TimeFlag defines a command-line flag that sets *t from an RFC 3339 time.
func TimeFlag(t *time.Time, name, usage string) {
	flag.Func(name, usage, func(s string) error {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return fmt.Errorf("want an RFC 3339 time such as 2026-11-21T10:00:00Z: %w", err)
		}
		*t = v
		return nil
	})
}

// StoreSamples gives an emulator's stream something to read back: it creates the stream and
// stores the bundled ten seconds of media as if recorded a minute ago, and returns when that
// media starts.
func StoreSamples(ctx context.Context, control *kvs.Client, stream string) (time.Time, error) {
	if _, err := EnsureStream(ctx, control, stream, 24); err != nil {
		return time.Time{}, err
	}
	start := time.Now().Add(-time.Minute).Truncate(time.Second)
	frames, err := samples.Frames(1)
	if err != nil {
		return time.Time{}, err
	}
	return start, Produce(ctx, control, stream, samples.Tracks(), frames, start)
}
