package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/kvs"
)

var deleteStreamCommand = &command{
	name:    "delete-stream",
	group:   groupStreams,
	usage:   "kvs delete-stream --stream NAME [--wait DURATION]",
	summary: "delete a stream and its media",
	doc: `Deletes a stream and all its media (DeleteStream, which takes the stream's ARN: kvs looks it
up first), then waits until the stream is gone.`,
	example: "kvs delete-stream --stream camera-1",
	aws:     true,
	setup: func(fs *flag.FlagSet) runFunc {
		name := fs.String("stream", "", "`NAME` of the stream to delete (required)")
		wait := fs.Duration("wait", time.Minute, "wait up to `DURATION` for the stream to be gone (0: do not wait)")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			if err := requireStream(*name); err != nil {
				return err
			}
			control, _, err := e.clients(ctx)
			if err != nil {
				return err
			}
			info, err := describeStream(ctx, control, *name)
			if err != nil {
				return err
			}
			if _, err := control.DeleteStream(ctx, &kvs.DeleteStreamInput{StreamARN: info.StreamARN}); err != nil {
				return fmt.Errorf("deleting stream %q: %w", *name, err)
			}
			if *wait > 0 {
				w := kvs.NewStreamDeletedWaiter(control, func(o *kvs.WaiterOptions) { o.PollInterval = 250 * time.Millisecond })
				if err := w.Wait(ctx, &kvs.DescribeStreamInput{StreamName: *name}, *wait); err != nil {
					return fmt.Errorf("waiting for stream %q to be deleted: %w", *name, err)
				}
			}
			fmt.Fprintf(e.stdout, "deleted %s\n", info.StreamARN)
			return nil
		}
	},
}
