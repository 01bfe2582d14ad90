package archived

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/kvsgo/sdk/internal/backoff"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// ExportInput asks [Client.Export] for the media of a time range, of any length.
type ExportInput struct {
	// StreamName or StreamARN names the stream.
	StreamName, StreamARN string
	// Selector is the clock and the range of fragment start times to export.
	Selector FragmentSelector
	// Format is the container written: ExportFormatMKV (the default) or ExportFormatMP4.
	Format ExportFormat
	// Deduplicate keeps one fragment per producer timestamp, the one ingested last, as
	// FragmentRange.Deduplicate does.
	Deduplicate bool
	// Concurrency is how many GetMediaForFragmentList calls run at once (4 by default).
	Concurrency int
	// CallsPerSecond spaces the calls (5 by default: the service's limit per stream).
	CallsPerSecond float64
	// BatchBytes bounds the fragments asked for in one call by their listed sizes (16 MB by
	// default; at most 1000 fragments a call). Memory use is about (Concurrency + 1) ×
	// BatchBytes, as batches that arrive early wait for the earlier ones to be written.
	BatchBytes int64
	// MaxAttempts bounds the attempts of a batch whose call or payload fails, or in which the
	// service could not serve a fragment (5 by default). Attempts back off exponentially with
	// full jitter from 100 ms to 10 s.
	MaxAttempts int
	// Progress, when set, is called after each fragment written, from the goroutine that
	// called Export.
	Progress func(ExportProgress)
}

// ExportFormat is the container [Client.Export] writes.
type ExportFormat string

// Export formats.
const (
	// ExportFormatMKV is one Matroska document: the tracks of the first fragment, then one
	// cluster per fragment, its frames as stored. Any codec.
	ExportFormatMKV ExportFormat = "mkv"
	// ExportFormatMP4 is fragmented MP4 (an init segment, then one moof and mdat per fragment),
	// for H.264 video and AAC audio tracks.
	ExportFormatMP4 ExportFormat = "mp4"
)

// ExportProgress is how far an export got.
type ExportProgress struct {
	// Fragments and Frames are what was written so far; Bytes the frame bytes among them.
	Fragments, Frames int
	Bytes             int64
	// TotalFragments and TotalBytes are what the range holds, as listed.
	TotalFragments int
	TotalBytes     int64
	// Start and End are the producer timestamps of the first fragment and of the end of the
	// last one written.
	Start, End time.Time
}

// ExportOutput sums up a finished export.
type ExportOutput struct {
	ExportProgress
	// Calls counts the GetMediaForFragmentList calls, Retries those that repeated a batch.
	Calls, Retries int
}

// Export writes the fragments of a time range to w as one Matroska document, in order:
// the tracks of the first fragment, then one cluster per fragment with its frames. It lists
// the range with ListFragments and fetches the media with GetMediaForFragmentList, several
// calls at once within the service's rate, retrying failed batches, so that ranges of hours
// export as fast as the service serves them; unlike GetClip it has no limit of size or
// fragment count. Fragments whose tracks differ from the first fragment's (a producer that
// restarted with another codec configuration) end the export with an error naming the
// fragment, as one document cannot hold them. On error, what was written is a valid prefix
// of the export up to the last whole fragment, and the error says where it stopped.
func (c *Client) Export(ctx context.Context, in *ExportInput, w io.Writer, optFns ...func(*Options)) (*ExportOutput, error) {
	cfg := *in
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.CallsPerSecond <= 0 {
		cfg.CallsPerSecond = 5
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = 16 << 20
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	switch cfg.Format {
	case "":
		cfg.Format = ExportFormatMKV
	case ExportFormatMKV, ExportFormatMP4:
	default:
		return nil, fmt.Errorf("archived: ExportInput.Format %q: want %q or %q", cfg.Format, ExportFormatMKV, ExportFormatMP4)
	}
	frags, err := c.FragmentsInRange(ctx, FragmentRange{StreamName: in.StreamName, StreamARN: in.StreamARN, Selector: in.Selector,
		SortBy: FragmentSelectorTypeProducerTimestamp, Deduplicate: in.Deduplicate}, optFns...)
	if err != nil {
		return nil, err
	}
	e := &exporter{c: c, in: &cfg, optFns: optFns, pace: time.Duration(float64(time.Second) / cfg.CallsPerSecond)}
	e.out.TotalFragments = len(frags)
	if n := len(frags); n > 0 {
		last := frags[n-1]
		e.length = last.ProducerTimestamp.Add(time.Duration(last.FragmentLengthInMilliseconds) * time.Millisecond).Sub(frags[0].ProducerTimestamp)
	}
	for _, f := range frags {
		e.out.TotalBytes += f.FragmentSizeInBytes
	}
	if len(frags) == 0 {
		return &e.out, fmt.Errorf("archived: export of stream %s%s: no fragments in the range", in.StreamName, in.StreamARN)
	}
	err = e.run(ctx, batches(frags, cfg.BatchBytes), w)
	return &e.out, err
}

// batches splits fragments into runs of at most maxBytes (by listed size) and 1000
// fragments; a fragment larger than maxBytes gets a batch of its own.
func batches(frags []Fragment, maxBytes int64) [][]Fragment {
	var out [][]Fragment
	start, size := 0, int64(0)
	for i, f := range frags {
		if i > start && (size+f.FragmentSizeInBytes > maxBytes || i-start == 1000) {
			out = append(out, frags[start:i])
			start, size = i, 0
		}
		size += f.FragmentSizeInBytes
	}
	return append(out, frags[start:])
}

type exporter struct {
	c      *Client
	in     *ExportInput
	optFns []func(*Options)
	pace   time.Duration // between the starts of two calls
	mu     sync.Mutex    // guards the call counts and next
	next   time.Time     // when the next call may start
	out    ExportOutput
	sink   sink
	tracks []mkv.TrackEntry
	scale  uint64
	length time.Duration // of the range, as listed: the document's Duration
}

// sink is the container an export writes.
type sink interface {
	// fragment writes one fragment; close ends the file.
	fragment(f *media.Fragment) error
	close() error
}

// batchResult is a fetched batch, or why it could not be.
type batchResult struct {
	frags []*media.Fragment
	err   error
}

// run fetches the batches with bounded concurrency and writes them in order.
func (e *exporter) run(ctx context.Context, all [][]Fragment, w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	results := make([]chan batchResult, len(all))
	for i := range results {
		results[i] = make(chan batchResult, 1)
	}
	// Fetchers take batches in order; a batch is fetched only while fewer than Concurrency+1
	// batches are fetched or waiting to be written, which bounds memory.
	slots := make(chan struct{}, e.in.Concurrency+1)
	next := make(chan int)
	for range e.in.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				frags, err := e.fetch(ctx, all[i])
				results[i] <- batchResult{frags, err}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range all {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for i := range all {
		var r batchResult
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return e.stopped(ctx.Err())
		}
		<-slots
		if r.err != nil {
			return e.stopped(r.err)
		}
		for _, f := range r.frags {
			if err := e.write(w, f); err != nil {
				return e.stopped(err)
			}
		}
	}
	if e.sink != nil {
		if err := e.sink.close(); err != nil {
			return e.stopped(err)
		}
	}
	return nil
}

// stopped says where an export stopped.
func (e *exporter) stopped(err error) error {
	return fmt.Errorf("archived: export of stream %s%s stopped after %d of %d fragments: %w",
		e.in.StreamName, e.in.StreamARN, e.out.Fragments, e.out.TotalFragments, err)
}

// fetch returns the fragments of one batch, in the batch's order, retrying the fragments
// that did not come.
func (e *exporter) fetch(ctx context.Context, batch []Fragment) ([]*media.Fragment, error) {
	got := make(map[string]*media.Fragment, len(batch))
	var last error
	for attempt := range e.in.MaxAttempts {
		var missing []string
		for _, f := range batch {
			if got[f.FragmentNumber] == nil {
				missing = append(missing, f.FragmentNumber)
			}
		}
		if len(missing) == 0 {
			break
		}
		if attempt > 0 {
			e.mu.Lock()
			e.out.Retries++
			e.mu.Unlock()
			if err := backoff.Sleep(ctx, backoff.Policy{}.Delay(attempt)); err != nil {
				return nil, err
			}
		}
		if err := backoff.Sleep(ctx, e.slot()); err != nil {
			return nil, err
		}
		e.mu.Lock()
		e.out.Calls++
		e.mu.Unlock()
		last = e.call(ctx, missing, got)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	out := make([]*media.Fragment, 0, len(batch))
	for _, f := range batch {
		g := got[f.FragmentNumber]
		if g == nil {
			return nil, fmt.Errorf("fragment %s not served after %d attempts: %w", f.FragmentNumber, e.in.MaxAttempts, last)
		}
		out = append(out, g)
	}
	return out, nil
}

// slot reserves the next start of a call, CallsPerSecond apart from the others, and returns how
// long to wait for it.
func (e *exporter) slot() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	at := now
	if e.next.After(now) {
		at = e.next
	}
	e.next = at.Add(e.pace)
	return at.Sub(now)
}

// call asks for the fragments once, keeping those that came whole.
func (e *exporter) call(ctx context.Context, numbers []string, got map[string]*media.Fragment) error {
	resp, err := e.c.GetMediaForFragmentList(ctx, &GetMediaForFragmentListInput{StreamName: e.in.StreamName, StreamARN: e.in.StreamARN,
		Fragments: numbers}, e.optFns...)
	if err != nil {
		return err
	}
	var errs []error
	for f, err := range resp.Fragments() {
		var se *media.StreamError
		switch {
		case errors.As(err, &se):
			errs = append(errs, err)
		case err != nil:
			return errors.Join(append(errs, err)...)
		case f.Err != nil:
			errs = append(errs, f.Err)
		case slices.Contains(numbers, f.FragmentNumber):
			got[f.FragmentNumber] = f
		}
	}
	return errors.Join(errs...)
}

// write appends one fragment to the file, starting it at the first fragment.
func (e *exporter) write(w io.Writer, f *media.Fragment) error {
	if e.sink == nil {
		e.scale = f.TimecodeScale
		if e.scale == 0 {
			e.scale = mkv.DefaultTimecodeScale
		}
		e.tracks = f.Tracks
		var err error
		if e.in.Format == ExportFormatMP4 {
			e.sink, err = newMP4Sink(w, f.Tracks)
		} else {
			e.sink, err = newMKVSink(w, f.Tracks, e.scale, e.length)
		}
		if err != nil {
			return fmt.Errorf("fragment %s: %w", f.FragmentNumber, err)
		}
		e.out.Start = f.ProducerTimestamp
	}
	if f.TimecodeScale != 0 && f.TimecodeScale != e.scale || !sameTracks(f.Tracks, e.tracks) {
		return fmt.Errorf("fragment %s has other tracks or another timecode scale than the first fragment of the range: export the ranges before and after it separately", f.FragmentNumber)
	}
	if f.Timecode < 0 {
		return nil // no cluster: nothing to play
	}
	if err := e.sink.fragment(f); err != nil {
		return fmt.Errorf("fragment %s: %w", f.FragmentNumber, err)
	}
	var end time.Duration
	for _, fr := range f.Frames {
		e.out.Frames++
		e.out.Bytes += int64(len(fr.Data))
		end = max(end, fr.Timestamp-time.Duration(f.Timecode)*time.Duration(e.scale))
	}
	e.out.Fragments++
	e.out.End = f.ProducerTimestamp.Add(end)
	if e.in.Progress != nil {
		e.in.Progress(e.out.ExportProgress)
	}
	return nil
}

// mkvSink writes one Matroska document.
type mkvSink struct {
	mw    *mkv.Writer
	scale int64
}

func newMKVSink(w io.Writer, tracks []mkv.TrackEntry, scale uint64, length time.Duration) (*mkvSink, error) {
	mw, err := mkv.NewWriter(w, mkv.WriterOptions{
		Info: mkv.Info{TimecodeScale: scale, Duration: float64(length) / float64(scale)}, Tracks: tracks})
	if err != nil {
		return nil, err
	}
	return &mkvSink{mw: mw, scale: int64(scale)}, nil
}

func (s *mkvSink) fragment(f *media.Fragment) error {
	if err := s.mw.StartCluster(f.Timecode); err != nil {
		return err
	}
	for _, fr := range f.Frames {
		if err := s.mw.WriteFrame(mkv.Frame{Track: fr.Track, Timecode: int64(fr.Timestamp) / s.scale, Keyframe: fr.Keyframe, Data: fr.Data}); err != nil {
			return err
		}
	}
	return s.mw.EndCluster()
}

func (s *mkvSink) close() error { return s.mw.Close() }

// sameTracks reports whether two fragments' tracks are one document's.
func sameTracks(a, b []mkv.TrackEntry) bool {
	return slices.EqualFunc(a, b, func(x, y mkv.TrackEntry) bool {
		return x.Number == y.Number && x.Type == y.Type && x.CodecID == y.CodecID && string(x.CodecPrivate) == string(y.CodecPrivate)
	})
}
