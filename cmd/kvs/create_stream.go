package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kvsgo/sdk/kvs"
)

var createStreamCommand = &command{
	name:    "create-stream",
	group:   groupStreams,
	usage:   "kvs create-stream --stream NAME [--retention DURATION] [--media-type TYPE] [flags]",
	summary: "create a stream and wait until it is ACTIVE",
	doc: `Creates a stream (CreateStream), waits until it is ACTIVE, and prints its ARN. The retention
is a duration in whole hours (48h, 7d, or a bare number of hours as in the API's
DataRetentionInHours); 0 makes a stream that keeps no media: it can only be read live.`,
	example: "kvs create-stream --stream camera-1 --retention 48h --media-type video/h264",
	aws:     true,
	setup: func(fs *flag.FlagSet) runFunc {
		var in kvs.CreateStreamInput
		fs.StringVar(&in.StreamName, "stream", "", "`NAME` of the stream to create (required)")
		retention := fs.String("retention", defaultRetention, "how long the stream keeps its media: a `DURATION` in whole hours (48h, 7d, 48)")
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
			hours, err := parseRetention(*retention)
			if err != nil {
				return usagef("--retention %s: %v", *retention, err)
			}
			in.DataRetentionInHours = hours
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

// defaultRetention is the retention of the streams kvs creates.
const defaultRetention = "24h"

// maxRetentionHours is the longest retention the service accepts (ten years).
const maxRetentionHours = 87600

// parseRetention reads a retention: a Go duration in whole hours ("48h", "90m" is refused), a
// number of days ("7d"), or a bare number of hours ("48", the API's unit).
func parseRetention(s string) (int32, error) {
	var d time.Duration
	switch n, err := strconv.ParseInt(s, 10, 64); {
	case err == nil:
		d = time.Duration(n) * time.Hour
	case strings.HasSuffix(s, "d"):
		days, err := strconv.ParseInt(strings.TrimSuffix(s, "d"), 10, 64)
		if err != nil {
			return 0, errors.New("want a duration such as 48h or 7d")
		}
		d = time.Duration(days) * 24 * time.Hour
	default:
		if d, err = time.ParseDuration(s); err != nil {
			return 0, errors.New("want a duration such as 48h or 7d")
		}
	}
	switch {
	case d < 0:
		return 0, errors.New("want 0 or more")
	case d%time.Hour != 0:
		return 0, errors.New("the service keeps media for whole hours")
	case d/time.Hour > maxRetentionHours:
		return 0, fmt.Errorf("the service keeps media for at most %d hours (10 years)", maxRetentionHours)
	}
	return int32(d / time.Hour), nil
}
