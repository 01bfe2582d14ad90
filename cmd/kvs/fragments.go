package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/kvsgo/sdk/archived"
)

var fragmentsCommand = &command{
	name:    "fragments",
	group:   groupArchived,
	usage:   "kvs fragments --stream NAME [--from TIME] [--to TIME] [--clock server|producer] [--json]",
	summary: "list the stored fragments of a time range (ListFragments)",
	doc: `Lists the fragments of a stream that start between --from (an hour ago by default) and --to
(now by default), every page of ListFragments, sorted by their start on --clock: a table of
fragment number, producer and server timestamps (UTC), length and size, or one JSON object per
fragment (the service's Fragment) with --json. A range without fragments prints nothing and says
so on standard error. ` + timeDoc,
	example: `kvs fragments --stream camera-1 --from -10m
kvs fragments --stream camera-1 --clock producer --from 2026-11-21T10:00:00Z --to +1h --json`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		name := fs.String("stream", "", "`NAME` of the stream (required)")
		r := timeRange{from: "-1h", to: "now"}
		r.register(fs, "list the fragments that start at or after `TIME`", "list the fragments that start at or before `TIME`")
		asJSON := fs.Bool("json", false, "print one JSON object per fragment instead of a table")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			if err := requireStream(*name); err != nil {
				return err
			}
			sel, err := r.selector(time.Now(), 0)
			if err != nil {
				return err
			}
			return listFragments(ctx, e, *name, sel, *asJSON)
		}
	},
}

// listFragments prints the fragments sel selects, sorted by its clock.
func listFragments(ctx context.Context, e *env, stream string, sel archived.FragmentSelector, asJSON bool) error {
	control, client, err := e.archivedClients(ctx)
	if err != nil {
		return err
	}
	frags, err := client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: stream, Selector: sel})
	if err != nil {
		return archivedError(ctx, control, stream, "listing the fragments", err)
	}
	if len(frags) == 0 {
		r := sel.TimestampRange
		fmt.Fprintf(e.stderr, "kvs fragments: no fragment of stream %q starts from %s to %s (%s)\n", stream,
			formatTime(r.StartTimestamp), formatTime(r.EndTimestamp), sel.FragmentSelectorType)
		return nil
	}
	if asJSON {
		for _, f := range frags {
			if err := writeJSONLine(e.stdout, f); err != nil {
				return err
			}
		}
		return nil
	}
	table := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(table, "FRAGMENT NUMBER\tPRODUCER TIME\tSERVER TIME\tLENGTH\tSIZE")
	for _, f := range frags {
		length := time.Duration(f.FragmentLengthInMilliseconds) * time.Millisecond
		fmt.Fprintf(table, "%s\t%s\t%s\t%v\t%s\n", f.FragmentNumber, formatTime(f.ProducerTimestamp), formatTime(f.ServerTimestamp),
			length, formatBytes(f.FragmentSizeInBytes))
	}
	return table.Flush()
}
