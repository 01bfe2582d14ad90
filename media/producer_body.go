package media

import (
	"errors"
	"io"
	"sync"
)

// body is the request body of one PutMedia connection: the connection's writer (writeLoop)
// produces it.
//
// An HTTP client that copies the body with io.Copy, as net/http's transport does, calls
// WriteTo: the writer then runs on the client's own goroutine and hands each run of encoded
// bytes to the request straight from the fragment's blocks, with no pipe, no copy and no
// goroutine of its own. Each Write is everything encoded since the previous Write began, up to
// the end of a block (blockSize, 64 KiB): frames that arrived while a write was in flight go
// out together in the next one (one HTTP chunk, one flush), and a frame that arrives while the
// connection is idle goes out at once, alone. Nothing waits to be batched, so coalescing adds
// no latency; it only replaces writes that would have queued behind one another.
//
// An HTTP client that reads the body instead gets the same bytes through Read, from the writer
// on a goroutine of its own behind an io.Pipe.
type body struct {
	p *Producer
	c *conn

	mu       sync.Mutex
	w        io.Writer      // where the writer writes, once it started
	pr       *io.PipeReader // Read's pipe, once Read was called
	pw       *io.PipeWriter
	closed   error         // set by close: the writer no longer starts
	finished chan struct{} // closed when the writer returns
	ended    bool          // (guarded by Producer.mu) the writer ended the body on purpose
}

func newBody(p *Producer, c *conn) *body {
	return &body{p: p, c: c, finished: make(chan struct{})}
}

// errBodyClosed is what the body returns when asked for data after its connection ended.
var errBodyClosed = errors.New("media: the PutMedia body's connection ended")

// WriteTo runs the connection's writer, writing to w, and returns when the writer is done: nil
// when it ended the body on purpose (the upload is complete), an error when the connection
// broke.
func (b *body) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	b.mu.Lock()
	switch {
	case b.closed != nil:
		b.mu.Unlock()
		return 0, b.closed
	case b.pr != nil: // Read came first: the rest goes through the pipe
		b.mu.Unlock()
		return io.Copy(cw, readerOnly{b})
	case b.w != nil:
		b.mu.Unlock()
		return 0, errors.New("media: the PutMedia body is being written already")
	}
	b.w = cw
	b.mu.Unlock()
	b.p.writeLoop(b.c)
	close(b.finished)
	b.p.mu.Lock()
	ended, reason := b.ended, b.c.writeErr
	b.p.mu.Unlock()
	if ended {
		return cw.n, nil
	}
	select {
	case <-b.c.broken: // the writer stopped for the connection's reason
		reason = b.c.reason
	default:
	}
	if reason == nil {
		reason = errBodyClosed
	}
	return cw.n, reason
}

// Read reads the body through a pipe fed by the writer on a goroutine of its own, started at the
// first call.
func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.pr == nil {
		if b.closed != nil {
			b.mu.Unlock()
			return 0, b.closed
		}
		if b.w != nil {
			b.mu.Unlock()
			return 0, errors.New("media: the PutMedia body is being written already")
		}
		b.pr, b.pw = io.Pipe()
		b.w = b.pw
		go func() {
			b.p.writeLoop(b.c)
			close(b.finished)
		}()
	}
	pr := b.pr
	b.mu.Unlock()
	return pr.Read(p)
}

// end ends the body on purpose, at a fragment boundary: the writer returns next, and the upload
// is complete. Call with Producer.mu held.
func (b *body) end() {
	b.ended = true
	b.mu.Lock()
	pw := b.pw
	b.mu.Unlock()
	if pw != nil {
		pw.Close()
	}
}

// abort makes a body read through Read fail with err (the writer, woken by the connection's
// broken channel, returns next).
func (b *body) abort(err error) {
	b.mu.Lock()
	pw := b.pw
	b.mu.Unlock()
	if pw != nil {
		pw.CloseWithError(err)
	}
}

// close ends the body for good once its connection ended (the request canceled, its response
// closed): a writer not started yet never starts, and close waits for one that did to return,
// so that no two connections' writers send at once. reason is what Read and WriteTo return
// from then on.
func (b *body) close(reason error) {
	if reason == nil {
		reason = errBodyClosed
	}
	b.mu.Lock()
	if b.closed == nil {
		b.closed = reason
	}
	started, pr := b.w != nil, b.pr
	b.mu.Unlock()
	if pr != nil {
		pr.CloseWithError(reason)
	}
	if started {
		<-b.finished
	}
}

// write writes p where the writer writes.
func (b *body) write(p []byte) error {
	_, err := b.w.Write(p) // b.w is set before the writer starts and never changes
	return err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// readerOnly hides a reader's other methods (WriteTo) from io.Copy.
type readerOnly struct{ io.Reader }
