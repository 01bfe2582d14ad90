package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/kvsgo/sdk/internal/backoff"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

var putCommand = &command{
	name:    "put",
	group:   groupMedia,
	usage:   "kvs put --stream NAME [--create] [--format auto|mkv|h264|h265] [--fps RATE] [flags] [FILE|-]",
	summary: "upload MKV or raw H.264/H.265 to a stream (PutMedia)",
	doc: `Uploads media to a stream with PutMedia from FILE, or from standard input when FILE is "-" or
absent. The input is Matroska (a file, or ffmpeg's "-f matroska -" or GStreamer's matroskamux
output; H.264, H.265, AAC, G.711 and PCM tracks), or with --format h264 or h265 a raw Annex-B
elementary stream, which needs --fps for its timestamps. The frames are sent as fast as possible
(--realtime paces them at their media time), cut into fragments at key frames; every fragment is
kept until the service acknowledges it as persisted, and sent again over a new connection after a
failure. Progress goes to standard error every second (-q silences it; -v adds a line per
acknowledgement). kvs put exits with status 0 only when every fragment was persisted, and 1
otherwise, saying why; an interrupt stops reading the input, waits for the fragments already sent
and exits with status 130.`,
	example: `ffmpeg -re -f lavfi -i testsrc2=size=640x480:rate=30 -c:v libx264 -pix_fmt yuv420p -g 60 -bf 0 -f matroska - | kvs put --stream camera-1 --create
kvs put --stream camera-1 --format h264 --fps 30 recording.h264`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		var o putOptions
		fs.StringVar(&o.stream, "stream", "", "`NAME` of the stream to write to (required)")
		fs.BoolVar(&o.create, "create", false, "create the stream when it does not exist, and wait until it is ACTIVE")
		fs.StringVar(&o.retention, "retention", defaultRetention, "with --create: how long a new stream keeps its media, a `DURATION` in whole hours (48h, 7d, 48)")
		fs.StringVar(&o.format, "format", formatAuto, "input `FORMAT`: auto (MKV, recognized by its header), mkv, h264 or h265 (raw Annex-B)")
		fs.Float64Var(&o.fps, "fps", 0, "frame `RATE` of raw H.264/H.265 input (required with --format h264|h265)")
		fs.DurationVar(&o.fragmentDuration, "fragment-duration", media.DefaultFragmentDuration, "target fragment `DURATION`: a fragment ends at the first key frame after it")
		fs.BoolVar(&o.realtime, "realtime", false, "send each frame at its media time rather than as fast as possible")
		fs.DurationVar(&o.wait, "wait", time.Minute, "wait up to `DURATION` at the end of the input for the last acknowledgements")
		fs.BoolVar(&o.verbose, "v", false, "print every acknowledgement and connection on standard error")
		fs.BoolVar(&o.quiet, "q", false, "print no progress or summary, only errors")
		fs.StringVar(&o.dataEndpoint, "data-endpoint", "", dataEndpointUsage)
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 1 {
				return usagef("one input at most, got %q", args)
			}
			return put(ctx, e, &o, append(args, "-")[0])
		}
	},
}

// putOptions are the flags of kvs put.
type putOptions struct {
	stream, format         string
	create                 bool
	retention              string
	retentionHours         int32
	fps                    float64
	fragmentDuration, wait time.Duration
	realtime               bool
	verbose, quiet         bool
	dataEndpoint           string
}

// dataEndpointUsage documents --data-endpoint, a flag of kvs put and kvs get.
const dataEndpointUsage = "send the media requests to `URL` (such as a proxy) instead of the endpoint GetDataEndpoint returns"

// checkEndpointURL checks the value of a flag that names an endpoint: an http:// or https:// URL.
func checkEndpointURL(flagName, value string) error {
	if u, err := url.Parse(value); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--%s %q: want an http:// or https:// URL", flagName, value)
	}
	return nil
}

// mediaClients returns the clients of kvs put and kvs get. With dataEndpoint set (their
// --data-endpoint), every media request goes there and no data endpoint is looked up.
func (e *env) mediaClients(ctx context.Context, dataEndpoint string) (*kvs.Client, *media.Client, error) {
	if dataEndpoint != "" {
		if err := checkEndpointURL("data-endpoint", dataEndpoint); err != nil {
			return nil, nil, err
		}
	}
	control, client, err := e.clients(ctx)
	if err != nil || dataEndpoint == "" {
		return control, client, err
	}
	return control, media.New(client.Options(), func(o *media.Options) { o.Endpoint = dataEndpoint }), nil
}

// put runs kvs put.
func put(ctx context.Context, e *env, o *putOptions, path string) error {
	if err := requireStream(o.stream); err != nil {
		return err
	}
	hours, err := parseRetention(o.retention)
	if err != nil {
		return usagef("--retention %s: %v", o.retention, err)
	}
	o.retentionHours = hours
	if o.fps < 0 || (o.fps > 0 && o.format != formatH264 && o.format != formatH265) {
		return usagef("--fps goes with --format h264 or h265, and must be positive")
	}
	if o.dataEndpoint != "" {
		if err := checkEndpointURL("data-endpoint", o.dataEndpoint); err != nil {
			return err
		}
	}
	in, name, err := openInput(e, path)
	if err != nil {
		return err
	}
	defer in.Close()
	src, err := openSource(in, o.format, o.fps) // reads the input's header: checked before any call
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	control, client, err := e.mediaClients(ctx, o.dataEndpoint)
	if err != nil {
		return err
	}
	keepUntil, err := prepareStream(ctx, control, o)
	if err != nil {
		return err
	}
	// The producer lives past an interrupt, so that Close can still wait for what was sent.
	p, err := media.NewProducer(context.WithoutCancel(ctx), client, media.ProducerConfig{
		StreamName: o.stream, Tracks: src.Tracks(), FragmentDuration: o.fragmentDuration,
		KeepUntil: keepUntil, Buffer: media.BufferConfig{Policy: media.Block},
	})
	if err != nil {
		return err
	}
	u := &upload{o: o, con: newConsole(e), p: p, keepUntil: keepUntil, began: time.Now()}
	return u.run(ctx, src, name)
}

// prepareStream checks that the stream exists, creating it with --create, and returns the
// acknowledgement that means a fragment is safe: PERSISTED, or RECEIVED for a stream that keeps
// no media.
func prepareStream(ctx context.Context, control *kvs.Client, o *putOptions) (media.AckEventType, error) {
	info, err := describeStream(ctx, control, o.stream)
	var missing *streamNotFoundError
	switch {
	case errors.As(err, &missing) && o.create:
		in := &kvs.CreateStreamInput{StreamName: o.stream, DataRetentionInHours: o.retentionHours}
		if _, err := createStream(ctx, control, in, streamReadyTimeout); err != nil {
			return "", err
		}
		info.DataRetentionInHours = in.DataRetentionInHours
	case errors.As(err, &missing):
		return "", fmt.Errorf("%w (give --create to create it)", err)
	case err != nil:
		return "", err
	case info.Status != kvs.StatusActive:
		if err := waitActive(ctx, control, o.stream, streamReadyTimeout); err != nil {
			return "", err
		}
	}
	if info.DataRetentionInHours == 0 {
		return media.AckEventReceived, nil
	}
	return media.AckEventPersisted, nil
}

// upload is one run of kvs put: it feeds the producer and reports its events and progress.
type upload struct {
	o         *putOptions
	con       *console
	p         *media.Producer
	keepUntil media.AckEventType
	began     time.Time
}

// run sends the frames of src, closes the producer and says whether every fragment is safe.
func (u *upload) run(ctx context.Context, src frameSource, name string) error {
	events := make(chan struct{})
	go func() {
		defer close(events)
		u.watch()
	}()
	stopProgress := startProgress(u.con, u.o.quiet, func() (string, int64) {
		st := u.p.Stats()
		return "kvs put: " + u.counts(st), st.BytesWritten
	})
	sendErr := u.send(ctx, src, name)
	interrupted := ctx.Err() != nil
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), u.o.wait)
	defer cancel()
	closeErr := u.p.Close(closeCtx)
	<-events
	stopProgress()

	st := u.p.Stats()
	if !u.o.quiet {
		elapsed := time.Since(u.began)
		u.con.Printf("kvs put: %s in %.1fs (%s)", u.counts(st), elapsed.Seconds(), formatRate(st.BytesWritten, elapsed))
	}
	var errs []error
	if sendErr != nil {
		errs = append(errs, sendErr)
	}
	var ce *media.CloseError
	if closeErr != nil && !(errors.As(closeErr, &ce) && ce.Unacknowledged == 0 && (ce.Failed > 0 || ce.Dropped > 0)) {
		// Rejected and dropped fragments are reported on their own below; anything else
		// Close found wrong is reported as it is.
		errs = append(errs, fmt.Errorf("not every fragment was %s: %w", describeKeep(u.keepUntil), closeErr))
	}
	if st.FragmentsFailed > 0 {
		errs = append(errs, fmt.Errorf("the service rejected %d fragments", st.FragmentsFailed))
	}
	if st.FragmentsDropped > 0 {
		errs = append(errs, fmt.Errorf("the buffer dropped %d fragments", st.FragmentsDropped))
	}
	if st.FramesWritten == 0 && sendErr == nil && !interrupted {
		errs = append(errs, fmt.Errorf("%s holds no frames", name))
	}
	switch {
	case len(errs) > 0:
		err := errs[0]
		for _, e := range errs[1:] {
			err = fmt.Errorf("%w; %w", err, e)
		}
		return err
	case interrupted:
		return &exitError{code: exitInterrupted, err: fmt.Errorf("interrupted: stopped reading %s after %d frames", name, st.FramesWritten)}
	}
	return nil
}

// send writes the frames of src until its end, an error of the input or an interrupt. An error
// of the producer that stopped it for good is not returned: Close reports it.
func (u *upload) send(ctx context.Context, src frameSource, name string) error {
	start := time.Now()
	for {
		f, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if u.o.realtime {
			if err := backoff.Sleep(ctx, time.Until(start.Add(f.Timestamp))); err != nil {
				return nil // interrupted
			}
		}
		if err := u.p.WriteFrame(ctx, f); err != nil {
			if ctx.Err() != nil || u.p.Err() != nil {
				return nil
			}
			return fmt.Errorf("%s: frame at %v: %w", name, f.Timestamp, err)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// watch reports the producer's events until it has stopped.
func (u *upload) watch() {
	for {
		ev, err := u.p.NextEvent(context.Background())
		if err != nil {
			return // io.EOF: the producer stopped and every event was read
		}
		if ev.Missed > 0 && u.o.verbose {
			u.con.Printf("kvs put: %d events were missed", ev.Missed)
		}
		switch ev.Type {
		case media.EventAck:
			if u.o.verbose {
				u.con.Printf("kvs put: %s", describeAck(ev.Ack))
			}
		case media.EventConnected:
			if u.o.verbose {
				u.con.Printf("kvs put: connected")
			}
		case media.EventReconnect:
			if !u.o.quiet {
				u.con.Printf("kvs put: reconnecting, %d fragments to send again: %v", ev.Resent, ev.Err)
			}
		case media.EventFramesDropped:
			if !u.o.quiet {
				u.con.Printf("kvs put: dropped %d frames before the first key frame: %v", ev.Frames, ev.Err)
			}
		case media.EventFragmentFailed, media.EventFragmentDropped, media.EventFatal:
			u.con.Printf("kvs put: %v", ev.Err)
		}
	}
}

// describeAck writes an acknowledgement on one line.
func describeAck(a media.Ack) string {
	switch a.EventType {
	case media.AckEventIdle:
		return "ack IDLE"
	case media.AckEventError:
		return fmt.Sprintf("ack ERROR fragment %s timecode %d: %d %s", orDash(a.FragmentNumber), a.FragmentTimecode, a.ErrorID, a.ErrorID.Meaning())
	}
	return fmt.Sprintf("ack %s fragment %s timecode %d", a.EventType, orDash(a.FragmentNumber), a.FragmentTimecode)
}

func describeKeep(keep media.AckEventType) string {
	if keep == media.AckEventReceived {
		return "received"
	}
	return "persisted"
}

// counts sums up the upload: frames (and those dropped), fragments safe, bytes.
func (u *upload) counts(st media.ProducerStats) string {
	safe := st.FragmentsPersisted
	if u.keepUntil == media.AckEventReceived {
		safe = st.FragmentsReceived
	}
	dropped := ""
	if st.FramesDropped > 0 {
		dropped = fmt.Sprintf(" (%d dropped)", st.FramesDropped)
	}
	return fmt.Sprintf("%d frames%s, %d/%d fragments %s, %s", st.FramesWritten, dropped, safe, st.FragmentsProduced,
		describeKeep(u.keepUntil), formatBytes(st.BytesWritten))
}
