// GetMedia: the emulator streams a stream's fragments, stored and arriving, as the service's MKV
// documents, and ends the response when nothing new arrives for a while.

package mediaapi

import (
	"context"
	"net/http"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/media"
)

// FragmentNotFound is the in-band error of a start fragment that does not exist.
const FragmentNotFound = 4000

// GetMedia answers a GetMedia call: the stream's fragments from the selector on, stored and
// arriving, until nothing new arrives for Limits.GetMediaIdle.
func (s *Service) GetMedia(c *serve.Call) {
	in := new(media.GetMediaInput)
	e := apierr.Decode(c.Body, in)
	if e == nil {
		e = checkStartSelector(in.StartSelector)
	}
	if e != nil {
		c.Fail(e)
		return
	}
	now := s.cfg.State.Lock()
	st, e := s.cfg.State.FindStream(in.StreamName, in.StreamARN)
	if e == nil && st.Status(now) != "ACTIVE" {
		e = apierr.StreamNotFound()
	}
	s.cfg.State.Unlock()
	if e != nil {
		c.Fail(e)
		return
	}
	lim := s.cfg.Limits
	m := st.Media
	m.mu.Lock()
	allowed := m.getCalls.allow(time.Now(), lim.GetMediaCallsPerSecond)
	readers := m.readers
	if allowed && readers < lim.GetMediaConnections {
		m.readers++
	}
	after, found := startAfter(m, in.StartSelector)
	m.mu.Unlock()
	switch {
	case !allowed:
		c.Fail(apierr.Throttled())
		return
	case readers >= lim.GetMediaConnections:
		c.Fail(apierr.New(http.StatusBadRequest, "ConnectionLimitExceededException",
			"The stream %s already has %d GetMedia connections open, the most it may have.", st.Name, readers))
		return
	}
	defer func() {
		m.mu.Lock()
		m.readers--
		m.mu.Unlock()
	}()
	out := NewWriter(c.W, s.nextGetFault().CutAfterBytes, lim.GetMediaRate)
	c.W.Header().Set("Content-Type", "video/webm")
	c.W.WriteHeader(http.StatusOK)
	out.Flush()
	if !found {
		out.Send(AppendErrorDocument(nil, getMediaTags, after, FragmentNotFound, "Requested fragment is not found"))
		out.Finish()
		return
	}
	r := &mediaReader{s: s, st: st, out: out, after: after, idle: lim.GetMediaIdle, ctx: c.R.Context(),
		endAt: time.Now().Add(lim.GetMediaMaxDuration)}
	r.run()
	out.Finish()
}

// checkStartSelector checks that a selector carries the member its type needs: the service
// refuses the call (InvalidArgumentException) rather than pick a start.
func checkStartSelector(sel media.StartSelector) *apierr.Error {
	switch sel.StartSelectorType {
	case media.StartSelectorTypeFragmentNumber:
		if sel.AfterFragmentNumber == "" {
			return apierr.InvalidArgument("StartSelector.AfterFragmentNumber is required when StartSelectorType is FRAGMENT_NUMBER.")
		}
	case media.StartSelectorTypeServerTimestamp, media.StartSelectorTypeProducerTimestamp:
		if sel.StartTimestamp.IsZero() {
			return apierr.InvalidArgument("StartSelector.StartTimestamp is required when StartSelectorType is %s.", sel.StartSelectorType)
		}
	case media.StartSelectorTypeContinuationToken:
		if sel.ContinuationToken == "" {
			return apierr.InvalidArgument("StartSelector.ContinuationToken is required when StartSelectorType is CONTINUATION_TOKEN.")
		}
	}
	return nil
}

// startAfter returns the number of the fragment after which reading starts ("" for the very
// first), and false when the selector names a fragment that does not exist. Call with m.mu held.
func startAfter(m *Media, sel media.StartSelector) (string, bool) {
	frags := m.fragments
	last := ""
	if len(frags) > 0 {
		last = frags[len(frags)-1].Number
	}
	switch sel.StartSelectorType {
	case media.StartSelectorTypeEarliest:
		return "", true
	case media.StartSelectorTypeFragmentNumber, media.StartSelectorTypeContinuationToken:
		n := sel.AfterFragmentNumber
		if sel.StartSelectorType == media.StartSelectorTypeContinuationToken {
			n = sel.ContinuationToken
		}
		return n, IndexOf(frags, n) >= 0
	case media.StartSelectorTypeServerTimestamp, media.StartSelectorTypeProducerTimestamp:
		i := indexAtTime(frags, sel.StartTimestamp, sel.StartSelectorType == media.StartSelectorTypeProducerTimestamp)
		if i == 0 {
			return "", true
		}
		return frags[i-1].Number, true
	}
	// NOW: the fragment being received, if any, else the next.
	if m.live != nil {
		return previousNumber(m.live.Number), true
	}
	return last, true
}

// previousNumber returns a number just below n, so that reading "after" it starts with n.
func previousNumber(n string) string {
	b := []byte(n)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] > '0' {
			b[i]--
			return string(b)
		}
		b[i] = '9'
	}
	return ""
}

// mediaReader streams the fragments after a point.
type mediaReader struct {
	s     *Service
	st    *Stream
	out   *Writer
	ctx   context.Context // the request's
	after string
	idle  time.Duration
	endAt time.Time // the response ends at the first fragment boundary after it
	buf   []byte    // reused for each write
}

func (r *mediaReader) run() {
	m := r.st.Media
	quietSince := time.Now()
	for !r.out.cut && time.Now().Before(r.endAt) {
		m.mu.Lock()
		var next *Fragment
		if i := IndexAfter(m.fragments, r.after); i < len(m.fragments) {
			next = m.fragments[i]
		} else if m.live != nil && media.CompareFragmentNumbers(m.live.Number, r.after) > 0 {
			next = m.live
		}
		if next != nil {
			next.hold()
		}
		var changed <-chan struct{}
		if next == nil {
			changed = m.watch()
		}
		m.mu.Unlock()
		if next != nil {
			more := r.send(next)
			m.mu.Lock()
			next.unhold()
			m.mu.Unlock()
			if !more {
				return
			}
			r.after, quietSince = next.Number, time.Now()
			continue
		}
		wait := r.idle - time.Since(quietSince)
		if wait <= 0 {
			return // nothing new for a while: the service ends the response
		}
		t := time.NewTimer(wait)
		select {
		case <-changed:
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
			return
		case <-r.st.Deleted:
			t.Stop()
			return
		}
		t.Stop()
	}
}

// send writes one fragment's document. A fragment still arriving is written frame by frame as
// its frames come; when its producer's connection drops inside it, the response is dropped too,
// since the document cannot be completed. A stored fragment's frames (the rest of them, for one
// that was live) are read from the store. It reports whether reading goes on.
func (r *mediaReader) send(f *Fragment) bool {
	m := r.st.Media
	buf := AppendDocumentStart(r.buf[:0], f, getMediaTags)
	for sent, fresh := 0, true; ; fresh = false {
		m.mu.Lock()
		if f.stored() {
			m.mu.Unlock()
			var more bool
			r.buf, more = r.s.WriteStored("GetMedia", r.out, f, buf, sent, fresh, getMediaTags,
				func(b []byte) []byte { return appendDocumentEnd(b, f, r.behind(f)) })
			return more
		}
		frames, complete, discarded, changed := f.Frames[sent:], f.complete, f.discarded, m.watch()
		m.mu.Unlock()
		// The frames at hand go out in one write: a whole stored fragment at once, a live one as
		// its frames come.
		for _, fr := range frames {
			buf = appendFrame(buf, f, fr)
		}
		sent += len(frames)
		done := complete && sent == len(f.Frames)
		if done {
			buf = appendDocumentEnd(buf, f, r.behind(f))
		}
		r.out.Send(buf)
		r.buf, buf = buf, buf[:0]
		switch {
		case r.out.cut:
			return false
		case discarded:
			r.out.Abort()
			return false
		case done:
			return true
		}
		select {
		case <-changed:
		case <-r.st.Deleted:
			return false
		case <-r.ctx.Done():
			return false
		}
	}
}

// behind returns how far f is behind the newest fragment of the stream.
func (r *mediaReader) behind(f *Fragment) time.Duration {
	m := r.st.Media
	m.mu.Lock()
	defer m.mu.Unlock()
	newest := f.ServerTimestamp
	if n := len(m.fragments); n > 0 {
		newest = m.fragments[n-1].ServerTimestamp
	}
	if m.live != nil && m.live.ServerTimestamp.After(newest) {
		newest = m.live.ServerTimestamp
	}
	return newest.Sub(f.ServerTimestamp)
}

// Writer writes a media response, flushing each piece, at Limits.GetMediaRate when
// set, and drops the connection once a fault's byte budget is spent.
type Writer struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	limit   int64 // bytes to send before the connection is cut; zero for no limit
	rate    int64 // bytes per second; zero for no pacing
	pace    pacer
	written int64
	cut     bool // the fault fired: the handler must drop the connection
}

// NewWriter returns a Writer of the response w: cut after limit bytes (none when zero), paced at
// rate bytes per second (unpaced when zero).
func NewWriter(w http.ResponseWriter, limit, rate int64) *Writer {
	return &Writer{w: w, rc: http.NewResponseController(w), limit: limit, rate: rate}
}

// Send writes b, flushing each piece.
func (o *Writer) Send(b []byte) {
	if o.cut {
		return
	}
	if o.limit > 0 && o.written+int64(len(b)) >= o.limit {
		b = b[:o.limit-o.written]
		o.cut = true
	}
	step := len(b)
	if o.rate > 0 {
		step = paceSlice(o.rate)
	}
	for len(b) > 0 {
		piece := b[:min(step, len(b))]
		b = b[len(piece):]
		if o.rate > 0 {
			time.Sleep(o.pace.reserve(time.Now(), int64(len(piece)), float64(o.rate)))
		}
		n, err := o.w.Write(piece)
		o.written += int64(n)
		o.Flush()
		if err != nil {
			return // the reader went away
		}
	}
}

// Flush sends what was written.
func (o *Writer) Flush() { _ = o.rc.Flush() }

// Abort marks the response to be dropped without a clean end.
func (o *Writer) Abort() { o.cut = true }

// Finish ends the handler: cleanly, or by dropping the connection after a fault or an abort.
func (o *Writer) Finish() {
	if o.cut {
		panic(http.ErrAbortHandler)
	}
}
