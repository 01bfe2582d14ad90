package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/kvsgo/sdk/media"
)

var dumpCommand = &command{
	name:    "dump",
	group:   groupMedia,
	usage:   "kvs dump [FILE|-]...",
	summary: "print one JSON line per fragment of a GetMedia or MKV stream",
	doc: `Reads GetMedia output (as kvs get writes it), or any MKV stream or file, and prints one
compact JSON object per fragment (one per MKV document) on standard output: fragmentNumber,
serverTimestamp and producerTimestamp (RFC 3339, UTC, milliseconds), millisBehindNow and
continuationToken when present, frames (track number → frame count), tags (the producer's tags)
and error ({"id","code"}) for an error the service reported in the stream, after which reading
goes on. It reads standard input when no FILE (or "-") is given, and several files in turn.
Unlike ffprobe and mkvinfo, it reads every document of a stream, not only the first. A malformed
stream is reported on standard error, with exit status 1, after the fragments before it.`,
	example: "kvs get --stream camera-1 --start earliest | kvs dump",
	setup: func(fs *flag.FlagSet) runFunc {
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				args = []string{"-"}
			}
			for _, path := range args {
				if err := dumpFile(e, path); err != nil {
					return err
				}
			}
			return nil
		}
	},
}

// dumpFile prints the summary of every fragment of one input.
func dumpFile(e *env, path string) error {
	in, name, err := openInput(e, path)
	if err != nil {
		return err
	}
	defer in.Close()
	fr := media.NewFragmentReader(in)
	for n := 0; ; n++ {
		f, err := fr.Next()
		var inBand *media.StreamError
		switch {
		case err == io.EOF:
			return nil
		case err != nil && !errors.As(err, &inBand):
			return fmt.Errorf("%s: malformed stream after %d fragments: %w", name, n, err)
		}
		if err := writeJSONLine(e.stdout, f.Summary()); err != nil {
			return fmt.Errorf("writing the summary: %w", err)
		}
	}
}
