package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

var getCommand = &command{
	name:    "get",
	group:   groupMedia,
	usage:   "kvs get --stream NAME [--start SELECTOR] [--idle DURATION] [-o FILE|- | --split DIR]",
	summary: "download a stream as MKV (GetMedia, resuming after disconnects)",
	doc: `Reads a stream with GetMedia from the point --start names and writes it as MKV to -o (standard
output by default): one MKV document per fragment, as GetMedia returns them, with the service's
tags (fragment number, timestamps, continuation token), so that kvs dump reads them all and ffprobe
or mkvinfo read the first. It reconnects after the ends of responses, network failures and
throttling, resuming after the last fragment written, with no gap and no duplicate. SELECTOR is
now (the newest fragment, then follow the stream), earliest, fragment:NUMBER (after that fragment),
server:TIME or producer:TIME (RFC 3339, by the service's or the producer's clock), or token:TOKEN
(a continuation token). It ends after --idle without a new fragment: by default never for now,
5s for the other selectors. On an interrupt (Ctrl-C) it ends cleanly, with status 0, and prints on
standard error the --start token:TOKEN that resumes after the last complete fragment written (a
fragment cut short by the interrupt is read again in full). With --split DIR it writes each
fragment as its own playable MKV file in DIR instead, named SEQUENCE-FRAGMENTNUMBER.mkv (a file
appears once its fragment is complete; documents without media, such as error reports, get none).`,
	example: `kvs get --stream camera-1 --start earliest -o camera-1.mkv
kvs get --stream camera-1 --start earliest --split camera-1/
kvs get --stream camera-1 --start producer:2024-05-01T12:00:00Z --idle 10s | kvs dump`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		var o getOptions
		fs.StringVar(&o.stream, "stream", "", "`NAME` of the stream to read (required)")
		fs.StringVar(&o.start, "start", "now", "start at `SELECTOR`: now, earliest, fragment:N, server:TIME, producer:TIME or token:T")
		fs.Var(&o.idle, "idle", "end after `DURATION` without a new fragment (default: never for --start now, 5s otherwise; 0: never)")
		fs.StringVar(&o.output, "o", "-", "write the MKV to `FILE` (- for standard output)")
		fs.StringVar(&o.split, "split", "", "write one MKV file per fragment into `DIR` (created if missing) instead of -o")
		fs.BoolVar(&o.verbose, "v", false, "print a line per fragment on standard error")
		fs.BoolVar(&o.quiet, "q", false, "print no progress or summary (an interrupt still prints the resume token)")
		fs.StringVar(&o.dataEndpoint, "data-endpoint", "", dataEndpointUsage)
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q (the output goes to -o FILE)", args)
			}
			if o.split != "" && o.output != "-" {
				return usagef("-o and --split exclude each other")
			}
			return get(ctx, e, &o)
		}
	},
}

// getOptions are the flags of kvs get.
type getOptions struct {
	stream, start, output string
	dataEndpoint          string
	split                 string
	idle                  idleFlag
	verbose, quiet        bool
}

// idleFlag is --idle: a duration, or unset to take the default of the start selector.
type idleFlag struct {
	d   time.Duration
	set bool
}

func (f *idleFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return f.d.String()
}

func (f *idleFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("want a duration such as 5s or 1m, not %q", s)
	}
	f.d, f.set = d, true
	return nil
}

// defaultIdle is how long kvs get waits for a new fragment when not following the newest ones.
const defaultIdle = 5 * time.Second

// timeout returns the idle timeout for a start selector: 0 follows the stream forever.
func (f *idleFlag) timeout(start media.StartSelectorType) time.Duration {
	switch {
	case f.set:
		return f.d
	case start == media.StartSelectorTypeNow:
		return 0
	}
	return defaultIdle
}

// parseStart reads a --start selector.
func parseStart(s string) (media.StartSelector, error) {
	kind, value, hasValue := strings.Cut(s, ":")
	var sel media.StartSelector
	var problem string
	switch kind {
	case "now", "earliest":
		sel.StartSelectorType = media.StartSelectorTypeNow
		if kind == "earliest" {
			sel.StartSelectorType = media.StartSelectorTypeEarliest
		}
		if hasValue {
			problem = kind + " takes no value"
		}
	case "fragment":
		sel = media.StartSelector{StartSelectorType: media.StartSelectorTypeFragmentNumber, AfterFragmentNumber: value}
		if !media.ValidFragmentNumber(value) {
			problem = "a fragment number is up to 128 decimal digits"
		}
	case "server", "producer":
		sel.StartSelectorType = media.StartSelectorTypeServerTimestamp
		if kind == "producer" {
			sel.StartSelectorType = media.StartSelectorTypeProducerTimestamp
		}
		t, err := time.Parse(time.RFC3339Nano, value)
		if err != nil {
			problem = "the time must be RFC 3339, such as 2024-05-01T12:00:00Z or 2024-05-01T14:00:00.5+02:00"
		}
		sel.StartTimestamp = t
	case "token":
		sel = media.StartSelector{StartSelectorType: media.StartSelectorTypeContinuationToken, ContinuationToken: value}
		if value == "" {
			problem = "the continuation token is missing"
		}
	default:
		problem = "unknown selector"
	}
	if problem != "" {
		return sel, usagef("--start %q: %s; want now, earliest, fragment:NUMBER, server:TIME, producer:TIME or token:TOKEN", s, problem)
	}
	return sel, nil
}

// getRun is one run of kvs get.
type getRun struct {
	o        *getOptions
	con      *console
	consumer *media.Consumer
	idle     time.Duration
	finish   func(error) error // closes the output, see createOutput
	inBand   int               // in-band errors the service reported

	fragmentFrames int // frames of the fragment being written

	fragments, frames, bytes atomic.Int64 // what was written, read by the progress line
}

// get runs kvs get.
func get(ctx context.Context, e *env, o *getOptions) error {
	if err := requireStream(o.stream); err != nil {
		return err
	}
	start, err := parseStart(o.start)
	if err != nil {
		return err
	}
	_, client, err := e.mediaClients(ctx, o.dataEndpoint)
	if err != nil {
		return err
	}
	r := &getRun{o: o, con: newConsole(e), idle: o.idle.timeout(start.StartSelectorType)}
	r.consumer, err = media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: o.stream, Start: start, IdleTimeout: r.idle})
	if isNotFound(err) {
		return fmt.Errorf("stream %q does not exist: %w", o.stream, err)
	}
	if err != nil {
		return err
	}
	defer r.consumer.Close()
	var out chunkWriter
	if o.split != "" {
		sp, err := newSplitOutput(o.split)
		if err != nil {
			return err
		}
		out, r.finish = sp, sp.finish
	} else {
		w, finish, err := createOutput(e, o.output)
		if err != nil {
			return err
		}
		out, r.finish = streamOutput{w: w, name: outputName(o.output)}, finish
	}
	finish := r.finish

	stopProgress := startProgress(r.con, o.quiet, func() (string, int64) {
		return "kvs get: " + r.counts(), r.bytes.Load()
	})
	defer stopProgress()
	var w docWriter
	for {
		c, err := r.consumer.NextChunk(ctx)
		if err != nil {
			stopProgress()
			return r.end(ctx, err)
		}
		doc, err := w.chunk(c)
		if err != nil {
			return finish(err)
		}
		if err := out.write(c, doc); err != nil {
			return finish(err)
		}
		r.count(c)
	}
}

// count updates the counters with a chunk written, and reports the end of a fragment.
func (r *getRun) count(c media.Chunk) {
	switch c.Kind {
	case media.ChunkFrame:
		r.frames.Add(1)
		r.bytes.Add(int64(len(c.Frame.Data)))
		r.fragmentFrames++
	case media.ChunkFragmentEnd:
		f := c.Fragment
		r.fragments.Add(1)
		if f.Err != nil {
			r.inBand++
			r.con.Printf("kvs get: %v", f.Err)
		}
		if r.o.verbose {
			r.con.Printf("kvs get: fragment %s, producer time %s, %d frames", orDash(f.FragmentNumber), formatTime(f.ProducerTimestamp), r.fragmentFrames)
		}
		r.fragmentFrames = 0
	}
}

// counts sums up what was written.
func (r *getRun) counts() string {
	return fmt.Sprintf("%d fragments, %d frames, %s", r.fragments.Load(), r.frames.Load(), formatBytes(r.bytes.Load()))
}

// end reports how kvs get ended: after the idle timeout, on an interrupt, or on an error.
func (r *getRun) end(ctx context.Context, err error) error {
	token := r.consumer.ContinuationToken()
	resume := "resume with --start token:" + token
	if token == "" {
		resume = "no fragment to resume after"
	}
	n := r.fragments.Load()
	switch {
	case errors.Is(err, io.EOF):
		if !r.o.quiet {
			r.con.Printf("kvs get: %s; no new fragment for %v; %s", r.counts(), r.idle, resume)
		}
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		r.con.Printf("kvs get: interrupted after %d fragments; %s", n, resume)
	case isNotFound(err):
		return r.finish(fmt.Errorf("stream %q does not exist: %w", r.o.stream, err))
	default:
		return r.finish(fmt.Errorf("reading stream %q after %d fragments (%s): %w", r.o.stream, n, resume, err))
	}
	if err := r.finish(nil); err != nil {
		return err
	}
	if r.inBand > 0 {
		return fmt.Errorf("the service reported errors in %d fragments (kvs dump shows them as error members)", r.inBand)
	}
	return nil
}

// chunkWriter takes the encoded chunks of kvs get.
type chunkWriter interface {
	write(c media.Chunk, doc []byte) error
}

// streamOutput writes every document to one file or standard output.
type streamOutput struct {
	w    io.Writer
	name string
}

func (o streamOutput) write(_ media.Chunk, doc []byte) error {
	if _, err := o.w.Write(doc); err != nil {
		return fmt.Errorf("writing %s: %w", o.name, err)
	}
	return nil
}

// splitOutput writes each fragment's document to a file of its own in a directory: to a
// ".part" file while it arrives, renamed once the fragment is complete.
type splitOutput struct {
	dir  string
	seq  int
	cur  *os.File
	name string // the final name of cur
}

func newSplitOutput(dir string) (*splitOutput, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &splitOutput{dir: dir}, nil
}

func (o *splitOutput) write(c media.Chunk, doc []byte) error {
	if c.Kind == media.ChunkFragmentStart {
		if c.Fragment.Timecode < 0 {
			return nil // no media: no file
		}
		o.seq++
		o.name = filepath.Join(o.dir, fmt.Sprintf("%06d-%s.mkv", o.seq, orDash(c.Fragment.FragmentNumber)))
		f, err := os.Create(o.name + ".part")
		if err != nil {
			return err
		}
		o.cur = f
	}
	if o.cur == nil {
		return nil
	}
	if _, err := o.cur.Write(doc); err != nil {
		return fmt.Errorf("writing %s: %w", o.cur.Name(), err)
	}
	if c.Kind != media.ChunkFragmentEnd {
		return nil
	}
	f := o.cur
	o.cur = nil
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	return os.Rename(f.Name(), o.name)
}

// finish removes the file of a fragment cut short and returns the command's error.
func (o *splitOutput) finish(err error) error {
	if o.cur != nil {
		_ = o.cur.Close()
		_ = os.Remove(o.cur.Name())
		o.cur = nil
	}
	return err
}

// createOutput opens the output of kvs get or kvs clip: a new file, or standard output for
// "-". finish closes it and returns the error of the command, removing a file that received
// nothing when the command failed.
func createOutput(e *env, path string) (io.Writer, func(error) error, error) {
	if path == "-" || path == "" {
		return e.stdout, func(err error) error { return err }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		info, statErr := f.Stat()
		if closeErr := f.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("writing %s: %w", path, closeErr)
		}
		if err != nil && statErr == nil && info.Size() == 0 {
			_ = os.Remove(path)
		}
		return err
	}, nil
}

func outputName(path string) string {
	if path == "-" || path == "" {
		return "standard output"
	}
	return path
}

// formatTime writes a fragment time as the summaries do, or "-" when absent.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(media.RFC3339Milli)
}

// docWriter encodes the chunks of a consumer as the MKV documents GetMedia sends, one per
// fragment, as they arrive: at the start of a fragment the EBML header and Segment, Info and
// Tracks, a Tags element with the producer's tags and the service's fragment number and
// timestamps, and the start of the Cluster (of unknown size); then each frame byte for byte as a
// SimpleBlock; at the end a Tags element with the service's trailing tags (millis behind now,
// continuation token, in-band error) and any tag that came after the cluster. A document
// without tracks (an error report) gets a placeholder H.264 track, as Matroska requires one and
// as the emulator's error documents have.
type docWriter struct {
	buf      []byte
	tagsSent int             // how many of the fragment's producer tags were written
	sent     map[string]bool // the service tags written
}

// chunk encodes one chunk and returns the bytes to write, valid until the next call.
func (w *docWriter) chunk(c media.Chunk) ([]byte, error) {
	f, err := c.Fragment, error(nil)
	w.buf = w.buf[:0]
	switch c.Kind {
	case media.ChunkFragmentStart:
		err = w.start(f)
	case media.ChunkFrame:
		block := mkv.Frame{Track: c.Frame.Track, Timecode: int64(c.Frame.Timestamp) / timecodeScale(f), Keyframe: c.Frame.Keyframe, Data: c.Frame.Data}
		w.buf, err = mkv.AppendSimpleBlock(w.buf, f.Timecode, block)
	case media.ChunkFragmentEnd:
		err = w.tags(f, true)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding fragment %s: %w", orDash(f.FragmentNumber), err)
	}
	return w.buf, nil
}

func (w *docWriter) start(f *media.Fragment) error {
	tracks := f.Tracks
	if len(tracks) == 0 {
		tracks = []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}}
	}
	var err error
	if w.buf, err = mkv.AppendHeader(w.buf, mkv.Info{TimecodeScale: f.TimecodeScale}, tracks); err != nil {
		return err
	}
	w.tagsSent, w.sent = 0, map[string]bool{}
	if err := w.tags(f, false); err != nil {
		return err
	}
	if f.Timecode >= 0 {
		w.buf, err = mkv.AppendClusterStart(w.buf, f.Timecode, mkv.UnknownSize)
	}
	return err
}

// tags writes the producer's tags not written yet and the service's: before the cluster those
// that go there, at the end all the rest.
func (w *docWriter) tags(f *media.Fragment, end bool) error {
	var tags []mkv.Tag
	if producer := f.Tags[w.tagsSent:]; len(producer) > 0 {
		tags = append(tags, mkv.Tag{SimpleTags: producer})
		w.tagsSent = len(f.Tags)
	}
	var service []mkv.SimpleTag
	for _, name := range orderServiceTags(f.ServiceTags) {
		if !w.sent[name] && (end || !trailingServiceTags[name]) {
			service = append(service, mkv.SimpleTag{Name: name, String: f.ServiceTags[name]})
			w.sent[name] = true
		}
	}
	if len(service) > 0 {
		tags = append(tags, mkv.Tag{SimpleTags: service})
	}
	if len(tags) == 0 {
		return nil
	}
	var err error
	w.buf, err = mkv.AppendTags(w.buf, tags)
	return err
}

// timecodeScale is the fragment's timecode unit in nanoseconds.
func timecodeScale(f *media.Fragment) int64 {
	if f.TimecodeScale == 0 {
		return mkv.DefaultTimecodeScale
	}
	return int64(f.TimecodeScale)
}

// serviceTagOrder is the order the service writes its tags in; the trailing ones follow the
// cluster.
var serviceTagOrder = []string{
	media.TagFragmentNumber, media.TagServerTimestamp, media.TagProducerTimestamp,
	media.TagServerSideTimestamp, media.TagProducerSideTimestamp,
	media.TagMillisBehindNow, media.TagContinuationToken,
	media.TagErrorCode, media.TagErrorID, media.TagExceptionErrorCode, media.TagExceptionMessage,
}

var trailingServiceTags = map[string]bool{
	media.TagMillisBehindNow: true, media.TagContinuationToken: true,
	media.TagErrorCode: true, media.TagErrorID: true, media.TagExceptionErrorCode: true, media.TagExceptionMessage: true,
}

// orderServiceTags returns the names of the service's tags: the known ones in the service's
// order, then the others by name.
func orderServiceTags(tags map[string]string) []string {
	names := make([]string, 0, len(tags))
	for name := range tags {
		names = append(names, name)
	}
	rank := func(name string) int {
		if i := slices.Index(serviceTagOrder, name); i >= 0 {
			return i
		}
		return len(serviceTagOrder)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names
}
