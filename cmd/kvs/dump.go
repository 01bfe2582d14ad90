package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"

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
Unlike ffprobe and mkvinfo, it reads every document of a stream, not only the first. Fragments of
any size stream through in constant memory. A malformed or truncated stream is reported on
standard error, with exit status 1, after the fragments before it and the readable part of the
fragment it cut short (whose line has an "incomplete" member with the error).`,
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

// dumpFile prints the summary of every fragment of one input. It reads chunk by chunk, so that
// fragments of any size stream through in constant memory; the summary of a fragment cut short
// by the end of the input or by malformed data shows what was readable, with an "incomplete"
// member saying why, before the error.
func dumpFile(e *env, path string) error {
	in, name, err := openInput(e, path)
	if err != nil {
		return err
	}
	defer in.Close()
	fr := media.NewFragmentReader(in)
	frames := map[string]int{}
	var open *media.Fragment // the fragment being read
	for n := 0; ; {
		c, err := fr.ReadChunk()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if open != nil {
				s := summarize(open, frames)
				s.Incomplete = err.Error()
				if werr := writeJSONLine(e.stdout, s); werr != nil {
					return fmt.Errorf("writing the summary: %w", werr)
				}
			}
			return fmt.Errorf("%s: malformed stream after %d fragments: %w", name, n, err)
		}
		switch c.Kind {
		case media.ChunkFragmentStart:
			open = c.Fragment
			clear(frames)
		case media.ChunkFrame:
			frames[strconv.FormatUint(c.Frame.Track, 10)]++
		case media.ChunkFragmentEnd:
			open = nil
			n++
			if err := writeJSONLine(e.stdout, summarize(c.Fragment, frames)); err != nil {
				return fmt.Errorf("writing the summary: %w", err)
			}
		}
	}
}

// summarize is the fragment's summary with the frame counts of its chunks.
func summarize(f *media.Fragment, frames map[string]int) media.FragmentSummary {
	s := f.Summary()
	for track, count := range frames {
		s.Frames[track] = count
	}
	return s
}
