package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kvsgo/sdk/archived"
)

var exportCommand = &command{
	name:    "export",
	group:   groupArchived,
	usage:   "kvs export --stream NAME --from TIME [--to TIME] [--clock server|producer] [--parallel N] [--format mkv|mp4] -o FILE|-",
	summary: "download a time range of any length as one MKV or MP4 file (GetMediaForFragmentList)",
	doc: `Downloads the fragments of a stream that start between --from and --to (now by default) and
writes them, in order, as one Matroska file, or fragmented MP4 for H.264 and AAC (--format mp4,
the default for a FILE ending in .mp4), to -o: a FILE, or - for standard output when that is
not a terminal. Unlike kvs clip it has no limit of size or fragment count: it lists the range
(ListFragments), then fetches the media with --parallel GetMediaForFragmentList calls at once,
at most 5 calls a second (the service's limit per stream), retrying failed calls. A progress bar
shows on standard error, and at the end a summary of what was written.
` + timeDoc,
	example: `kvs export --stream camera-1 --from -6h -o last-6-hours.mkv
kvs export --stream camera-1 --clock producer --from 2026-11-21T10:00:00Z --to +2h -o - | ffmpeg -i - -c copy out.mp4`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		var o exportOptions
		fs.StringVar(&o.stream, "stream", "", "`NAME` of the stream (required)")
		o.r = timeRange{to: "now"}
		o.r.register(fs, "export the fragments that start at or after `TIME` (required)",
			"export the fragments that start at or before `TIME`")
		fs.StringVar(&o.output, "o", "", "write the export to `FILE` (required; - for standard output)")
		fs.IntVar(&o.parallel, "parallel", 4, "run `N` GetMediaForFragmentList calls at once")
		fs.StringVar(&o.format, "format", "", "write `FORMAT`: mkv (any codec) or mp4 (fragmented MP4, H.264 and AAC); by default mp4 when FILE ends in .mp4, else mkv")
		fs.BoolVar(&o.quiet, "q", false, "print no progress or summary")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q (the output goes to -o FILE)", args)
			}
			return export(ctx, e, &o)
		}
	},
}

// exportOptions are the flags of kvs export.
type exportOptions struct {
	stream, output string
	r              timeRange
	parallel       int
	format         string
	quiet          bool
}

// export runs kvs export.
func export(ctx context.Context, e *env, o *exportOptions) error {
	if err := requireStream(o.stream); err != nil {
		return err
	}
	if err := checkMediaOutput(e, o.output, &o.r); err != nil {
		return err
	}
	if o.parallel < 1 {
		return usagef("--parallel %d: want at least 1", o.parallel)
	}
	format := archived.ExportFormat(o.format)
	switch {
	case o.format == "" && strings.HasSuffix(strings.ToLower(o.output), ".mp4"):
		format = archived.ExportFormatMP4
	case o.format == "":
		format = archived.ExportFormatMKV
	case format != archived.ExportFormatMKV && format != archived.ExportFormatMP4:
		return usagef("--format %q: want mkv or mp4", o.format)
	}
	sel, err := o.r.selector(time.Now(), 0)
	if err != nil {
		return err
	}
	control, client, err := e.archivedClients(ctx)
	if err != nil {
		return err
	}
	out, finish, err := createOutput(e, o.output)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var progress archived.ExportProgress
	stopProgress := startProgress(newConsole(e), o.quiet, func() (string, int64) {
		mu.Lock()
		defer mu.Unlock()
		return "kvs export: " + progressBar(progress), progress.Bytes
	})
	result, err := client.Export(ctx, &archived.ExportInput{StreamName: o.stream, Selector: sel, Concurrency: o.parallel, Format: format,
		Progress: func(p archived.ExportProgress) {
			mu.Lock()
			progress = p
			mu.Unlock()
		}}, out)
	stopProgress()
	if err != nil {
		if result == nil || result.Fragments == 0 {
			_ = finish(nil)
			return archivedError(ctx, control, o.stream, "exporting", err)
		}
		return finish(fmt.Errorf("exporting stream %q to %s: %w", o.stream, outputName(o.output), err))
	}
	if err := finish(nil); err != nil {
		return err
	}
	if !o.quiet {
		fmt.Fprintf(e.stderr, "kvs export: wrote %d fragments, %d frames (%s of media, %s to %s) to %s in %d calls (%d retried)\n",
			result.Fragments, result.Frames, formatBytes(result.Bytes), formatTime(result.Start), formatTime(result.End),
			outputName(o.output), result.Calls, result.Retries)
	}
	return nil
}

// checkMediaOutput checks the -o and --from of a command that writes media: -o is required, and
// - (standard output) only when that is not a terminal.
func checkMediaOutput(e *env, output string, r *timeRange) error {
	switch {
	case output == "":
		return usagef("-o FILE is required (- for standard output)")
	case output == "-" && e.stdoutTTY:
		return usagef("-o -: standard output is a terminal; give -o FILE or pipe the output")
	}
	return r.requireFrom()
}

// progressBar draws how far an export got: "[#########-----------]  45% 405/900 fragments 12 MB".
func progressBar(p archived.ExportProgress) string {
	const width = 20
	done := 0
	if p.TotalFragments > 0 {
		done = p.Fragments * width / p.TotalFragments
	}
	pct := 0
	if p.TotalFragments > 0 {
		pct = p.Fragments * 100 / p.TotalFragments
	}
	return fmt.Sprintf("[%s%s] %3d%% %d/%d fragments %s", strings.Repeat("#", done), strings.Repeat("-", width-done), pct,
		p.Fragments, p.TotalFragments, formatBytes(p.Bytes))
}
