package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/kvsgo/sdk/kvs"
)

var streamsCommand = &command{
	name:    "streams",
	group:   groupStreams,
	usage:   "kvs streams [--prefix PREFIX] [--json]",
	summary: "list the streams",
	doc: `Lists the streams of the account in the region, every page of ListStreams, as a table of
name, status, data retention, media type and creation time, or as one JSON object per stream
(the service's StreamInfo) with --json.`,
	example: "kvs streams --prefix camera- --endpoint-url http://127.0.0.1:4567 --region us-east-1",
	aws:     true,
	setup: func(fs *flag.FlagSet) runFunc {
		prefix := fs.String("prefix", "", "list only the streams whose names begin with `PREFIX`")
		asJSON := fs.Bool("json", false, "print one JSON object per stream instead of a table")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			return listStreams(ctx, e, *prefix, *asJSON)
		}
	},
}

func listStreams(ctx context.Context, e *env, prefix string, asJSON bool) error {
	control, _, err := e.clients(ctx)
	if err != nil {
		return err
	}
	in := &kvs.ListStreamsInput{}
	if prefix != "" {
		in.StreamNameCondition = kvs.StreamNameCondition{ComparisonOperator: kvs.ComparisonOperatorBeginsWith, ComparisonValue: prefix}
	}
	table := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if !asJSON {
		fmt.Fprintln(table, "NAME\tSTATUS\tRETENTION\tMEDIA TYPE\tCREATED")
	}
	for s, err := range kvs.NewListStreamsPaginator(control, in).Items(ctx) {
		if err != nil {
			return fmt.Errorf("listing streams: %w", err)
		}
		if asJSON {
			if err := writeJSONLine(e.stdout, s); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(table, "%s\t%s\t%dh\t%s\t%s\n", s.StreamName, s.Status, s.DataRetentionInHours,
			orDash(s.MediaType), s.CreationTime.UTC().Format(time.RFC3339))
	}
	return table.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
