package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/kvsgo/sdk/kvs"
)

var createStreamCommand = &command{
	name:    "create-stream",
	group:   groupStreams,
	usage:   "kvs create-stream --stream NAME [--retention HOURS] [--media-type TYPE] [flags]",
	summary: "create a stream and wait until it is ACTIVE",
	doc: `Creates a stream (CreateStream), waits until it is ACTIVE, and prints its ARN. A retention
of 0 hours makes a stream that keeps no media: it can only be read live.`,
	example: "kvs create-stream --stream camera-1 --retention 48 --media-type video/h264",
	aws:     true,
	setup: func(fs *flag.FlagSet) runFunc {
		var in kvs.CreateStreamInput
		fs.StringVar(&in.StreamName, "stream", "", "`NAME` of the stream to create (required)")
		retention := fs.Int("retention", defaultRetention, "how many `HOURS` the stream keeps its media")
		fs.StringVar(&in.MediaType, "media-type", "", "media `TYPE` of the stream, e.g. video/h264")
		fs.StringVar(&in.DeviceName, "device", "", "`NAME` of the device that writes to the stream")
		fs.StringVar(&in.KmsKeyId, "kms-key", "", "`ID` of the KMS key that encrypts the media (default: the service's key)")
		wait := fs.Duration("wait", streamReadyTimeout, "wait up to `DURATION` for the stream to be ACTIVE (0: do not wait)")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			if err := requireStream(in.StreamName); err != nil {
				return err
			}
			if *retention < 0 {
				return usagef("--retention %d: want 0 or more hours", *retention)
			}
			in.DataRetentionInHours = int32(*retention)
			control, _, err := e.clients(ctx)
			if err != nil {
				return err
			}
			arn, err := createStream(ctx, control, &in, *wait)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, arn)
			return nil
		}
	},
}

// defaultRetention is the retention, in hours, of the streams kvs creates.
const defaultRetention = 24
