package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/kvs"
)

// usageError is a mistake in the command line: exit status 2, with the usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitError ends a command with a given status, after printing err when there is one.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// Exit statuses besides 0, 1 (failure) and 2 (usage).
const exitInterrupted = 130 // as a shell reports a command ended by SIGINT

// describeError shortens the SDK's errors for people: a service error reads
// "Operation: Code: message (request ID …)" instead of the full operation error chain, and the
// context our code added in front is kept.
func describeError(err error) string {
	msg := err.Error()
	var op *smithy.OperationError
	var api smithy.APIError
	if !errors.As(err, &op) || !errors.As(err, &api) {
		return msg
	}
	short := op.Operation() + ": " + api.ErrorCode()
	if m := api.ErrorMessage(); m != "" {
		short += ": " + m
	}
	var withID interface{ ServiceRequestID() string }
	if errors.As(err, &withID) && withID.ServiceRequestID() != "" {
		short += " (request ID " + withID.ServiceRequestID() + ")"
	}
	if full := op.Error(); strings.Contains(msg, full) {
		return strings.Replace(msg, full, short, 1)
	}
	return short
}

// isNotFound reports whether err says that a resource does not exist.
func isNotFound(err error) bool {
	var nf *kvs.ResourceNotFoundException
	return errors.As(err, &nf)
}

// streamNotFoundError says that a stream does not exist.
type streamNotFoundError struct{ name, region string }

func (e *streamNotFoundError) Error() string {
	return fmt.Sprintf("stream %q does not exist in %s", e.name, e.region)
}

// describeStream returns what the service says of a stream, or a *streamNotFoundError.
func describeStream(ctx context.Context, control *kvs.Client, name string) (kvs.StreamInfo, error) {
	out, err := control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: name})
	if isNotFound(err) {
		return kvs.StreamInfo{}, &streamNotFoundError{name, control.Options().Region}
	}
	if err != nil {
		return kvs.StreamInfo{}, fmt.Errorf("describing stream %q: %w", name, err)
	}
	return out.StreamInfo, nil
}

// createStream creates a stream and, when wait is positive, waits up to that long for it to be
// ACTIVE. It returns the stream's ARN.
func createStream(ctx context.Context, control *kvs.Client, in *kvs.CreateStreamInput, wait time.Duration) (string, error) {
	out, err := control.CreateStream(ctx, in)
	if err != nil {
		return "", fmt.Errorf("creating stream %q: %w", in.StreamName, err)
	}
	if wait > 0 {
		if err := waitActive(ctx, control, in.StreamName, wait); err != nil {
			return out.StreamARN, err
		}
	}
	return out.StreamARN, nil
}

// streamReadyTimeout is how long kvs waits for a new stream to be ACTIVE.
const streamReadyTimeout = 2 * time.Minute

// waitActive waits up to wait for a stream to be ACTIVE.
func waitActive(ctx context.Context, control *kvs.Client, name string, wait time.Duration) error {
	w := kvs.NewStreamActiveWaiter(control, func(o *kvs.WaiterOptions) { o.PollInterval = 250 * time.Millisecond })
	if err := w.Wait(ctx, &kvs.DescribeStreamInput{StreamName: name}, wait); err != nil {
		return fmt.Errorf("waiting for stream %q to be ACTIVE: %w", name, err)
	}
	return nil
}

// requireStream checks the --stream flag.
func requireStream(name string) error {
	if name == "" {
		return usagef("--stream NAME is required")
	}
	return nil
}

// ebmlMagic is the EBML header ID, the first bytes of every Matroska document.
var ebmlMagic = []byte{0x1A, 0x45, 0xDF, 0xA3}

// openInput opens a command's input: path, or standard input for "-" or "". It returns a name
// for messages.
func openInput(e *env, path string) (io.ReadCloser, string, error) {
	if path == "" || path == "-" {
		return io.NopCloser(e.stdin), "standard input", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	return f, path, nil
}

// console serializes what several goroutines print on standard error and, on a terminal, keeps
// the progress line below the messages, rewriting it in place.
type console struct {
	mu     sync.Mutex
	w      io.Writer
	tty    bool
	status string // the progress line on display (terminal only)
}

func newConsole(e *env) *console { return &console{w: e.stderr, tty: e.stderrTTY} }

// Printf prints a message line.
func (c *console) Printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	line := fmt.Sprintf(format, args...)
	if c.tty && c.status != "" {
		fmt.Fprintf(c.w, "\r\x1b[K%s\n%s", line, c.status)
		return
	}
	fmt.Fprintln(c.w, line)
}

// Status shows a progress line: rewritten in place on a terminal, a line of its own elsewhere.
func (c *console) Status(line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.tty {
		fmt.Fprintln(c.w, line)
		return
	}
	c.status = line
	fmt.Fprintf(c.w, "\r\x1b[K%s", line)
}

// clearStatus removes the progress line from a terminal.
func (c *console) clearStatus() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tty && c.status != "" {
		fmt.Fprint(c.w, "\r\x1b[K")
		c.status = ""
	}
}

// startProgress shows a progress line at most once a second, while the transfer changes:
// status returns what to show (counts) and the byte count the current rate is computed from.
// Calling the returned function stops it and clears the line. It shows nothing when quiet.
func startProgress(c *console, quiet bool, status func() (counts string, bytes int64)) (stop func()) {
	if quiet {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		lastShown, lastBytes, lastTime := "", int64(0), time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				counts, n := status()
				if counts != lastShown {
					c.Status(fmt.Sprintf("%s (%s)", counts, formatRate(n-lastBytes, now.Sub(lastTime))))
					lastShown = counts
				}
				lastBytes, lastTime = n, now
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
			c.clearStatus()
		})
	}
}

// progressInterval is how often progress may be shown.
const progressInterval = time.Second

// formatBytes writes a byte count with an SI unit: "512 B", "1.5 MB".
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, prefix := float64(n)/unit, "k"
	for _, p := range []string{"M", "G", "T"} {
		if v < unit {
			break
		}
		v, prefix = v/unit, p
	}
	return fmt.Sprintf("%.1f %sB", v, prefix)
}

// formatRate writes a transfer rate: n bytes in d.
func formatRate(n int64, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return formatBytes(int64(float64(n)/d.Seconds())) + "/s"
}

// archivedError says what kvs was doing with which stream when an archived-media call failed.
// The service answers ResourceNotFoundException both for a stream that does not exist and for a
// range without media: kvs asks DescribeStream which, and returns a *streamNotFoundError for a
// missing stream.
func archivedError(ctx context.Context, control *kvs.Client, stream, doing string, err error) error {
	var missing *streamNotFoundError
	if isNotFound(err) && ctx.Err() == nil {
		if _, derr := describeStream(ctx, control, stream); errors.As(derr, &missing) {
			return missing
		}
	}
	return fmt.Errorf("%s of stream %q: %w", doing, stream, err)
}

// writeJSONLine writes v as one line of JSON, as the --json outputs and kvs dump do.
func writeJSONLine(w io.Writer, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(line, '\n'))
	return err
}
