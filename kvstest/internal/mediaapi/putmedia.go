// PutMedia: the emulator reads the MKV stream as it arrives, turns each cluster into a
// fragment, acknowledges it, and keeps it for GetMedia and the archived-media operations.

package mediaapi

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// putMediaRequest is what the headers of a PutMedia request say.
type putMediaRequest struct {
	stream       *Stream
	relative     bool
	start        time.Time
	retention    func() int32 // the stream's retention now
	connectionAt time.Time
}

// PutMedia answers a PutMedia call: it reads the MKV stream as it arrives, and acknowledges each
// fragment as it is buffered, received and persisted.
func (s *Service) PutMedia(c *serve.Call) {
	lim := s.cfg.Limits
	req, e := s.openPutMedia(c.R, lim)
	if e != nil {
		c.W.Header().Set("Connection", "close")
		c.Fail(e)
		return
	}
	m := req.stream.Media
	defer func() {
		m.mu.Lock()
		m.writers--
		m.mu.Unlock()
	}()
	rc := http.NewResponseController(c.W)
	// Acknowledgements are written while the body is still being read: HTTP/1.1 servers in Go
	// stop reading a request body once the response starts unless told otherwise.
	_ = rc.EnableFullDuplex()
	c.SendContinue()
	c.W.Header().Set("Content-Type", "application/json")
	c.W.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	record := s.addConnection(req.stream.Name, c, req.connectionAt)
	in := &ingest{s: s, req: req, lim: lim, fault: s.nextPutFault(), acks: newAckStream(c.W, lim.IdleAckInterval, record.ack)}
	in.body = &ingestBody{r: c.R.Body, rc: rc, in: in, note: record.read}
	in.reader = mkv.NewReader(in.body, func(o *mkv.ReaderOptions) { o.Limits.MaxElementSize = lim.MaxFragmentSize })
	in.body.startDeadlines()
	abort := in.run()
	in.body.stopDeadlines()
	if abort {
		panic(http.ErrAbortHandler) // drop the connection without ending the response cleanly
	}
}

// openPutMedia checks the headers and the stream, and counts the connection.
func (s *Service) openPutMedia(r *http.Request, lim Limits) (*putMediaRequest, *apierr.Error) {
	name, arn := r.Header.Get("X-Amzn-Stream-Name"), r.Header.Get("X-Amzn-Stream-Arn")
	if (name == "") == (arn == "") {
		return nil, apierr.InvalidArgument("Exactly one of x-amzn-stream-name and x-amzn-stream-arn must be set.")
	}
	req := &putMediaRequest{connectionAt: time.Now()}
	switch tc := r.Header.Get("X-Amzn-Fragment-Timecode-Type"); tc {
	case string(media.FragmentTimecodeAbsolute):
	case string(media.FragmentTimecodeRelative):
		req.relative = true
	default:
		return nil, apierr.InvalidArgument("x-amzn-fragment-timecode-type must be ABSOLUTE or RELATIVE, got %q.", tc)
	}
	if v := r.Header.Get("X-Amzn-Producer-Start-Timestamp"); v != "" {
		t, ok := jsonwire.ParseEpochSeconds([]byte(v))
		if !ok {
			return nil, apierr.InvalidArgument("x-amzn-producer-start-timestamp %q is not a number of seconds.", v)
		}
		req.start = t
	} else if req.relative {
		return nil, apierr.InvalidArgument("x-amzn-producer-start-timestamp is needed with RELATIVE timecodes.")
	}
	now := s.cfg.State.Lock()
	st, e := s.cfg.State.FindStream(name, arn)
	if e == nil && !st.ServesMedia(now) {
		e = apierr.StreamNotFound()
	}
	s.cfg.State.Unlock()
	if e != nil {
		return nil, e
	}
	req.stream = st
	req.retention = func() int32 {
		s.cfg.State.Mu.Lock()
		defer s.cfg.State.Unlock()
		return st.Retention
	}
	m := st.Media
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case !m.putCalls.allow(time.Now(), lim.PutMediaCallsPerSecond):
		return nil, apierr.Throttled()
	case lim.PutMediaConnections > 0 && m.writers >= lim.PutMediaConnections:
		return nil, apierr.New(http.StatusBadRequest, "ConnectionLimitExceededException",
			"The stream %s already has %d PutMedia connection(s) open, the most it may have.", st.Name, m.writers)
	}
	m.writers++
	return req, nil
}

// ingest is the state of one PutMedia connection.
type ingest struct {
	s      *Service
	req    *putMediaRequest
	lim    Limits
	fault  PutFault
	acks   *ackStream
	body   *ingestBody
	reader *mkv.Reader

	documents int
	info      mkv.Info
	tracks    []mkv.TrackEntry
	metadata  []mkv.SimpleTag // for the next fragment
	events    Events          // for the next fragment
	eventTags int             // the event tags and pairs in events
	metaErr   media.AckErrorID
	cur       *Fragment
	curEvents Events
	seen      map[uint64]bool // tracks with frames in cur
	chunk     frameChunk      // where cur's frames are copied
	last      int64           // the timecode of the previous fragment
	haveLast  bool
	received  int
}

var errCut = errors.New("kvstest: connection cut by an injected fault")

// run reads the body to its end or to an error. It reports whether the connection must be
// dropped abruptly (an injected cut).
func (in *ingest) run() (abort bool) {
	deleted := in.req.stream.Deleted
	for {
		select {
		case <-deleted:
			in.fail(media.AckErrStreamNotActive)
			return false
		default:
		}
		ev, err := in.reader.Next()
		if err != nil {
			return in.end(err)
		}
		if id := in.apply(ev); id != 0 {
			in.fail(id)
			return false
		}
		if in.cutNow() {
			in.discard()
			in.acks.close()
			return true
		}
	}
}

// end handles the end of the body: a clean end completes the last fragment; an injected cut,
// a broken connection or a timeout discards it.
func (in *ingest) end(err error) (abort bool) {
	var se *mkv.SyntaxError
	switch {
	case err == io.EOF:
		if id := cmp.Or(in.finish(), in.metaErr); id != 0 {
			in.fail(id)
			return false
		}
		in.acks.close()
		return false
	case errors.Is(err, errCut):
		in.discard()
		in.acks.close()
		return true
	case errors.As(err, &se) && !isNetworkError(se.Err):
		in.fail(media.AckErrInvalidMKVData)
		return false
	case errors.Is(err, os.ErrDeadlineExceeded) && time.Since(in.req.connectionAt) >= in.lim.MaxConnectionDuration:
		in.fail(media.AckErrMaxConnectionDurationReached)
		return false
	}
	in.discard() // the producer went away, or sent nothing for IdleTimeout
	in.acks.close()
	return false
}

func isNetworkError(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, errCut) ||
		errors.Is(err, http.ErrBodyReadAfterClose) || errors.Is(err, io.ErrClosedPipe) || strings.Contains(err.Error(), "connection")
}

// apply handles one element of the stream and returns an error id when the stream breaks a rule.
func (in *ingest) apply(ev mkv.Event) media.AckErrorID {
	switch ev.Kind {
	case mkv.KindDocumentStart:
		in.documents++
		if in.documents > 1 {
			return media.AckErrInvalidMKVData // one EBML header and Segment per connection
		}
	case mkv.KindInfo:
		in.info = *ev.Info
	case mkv.KindTracks:
		if len(ev.Tracks) > mkv.MaxTracks {
			return media.AckErrMoreThanAllowedTracksFound
		}
		in.tracks = ev.Tracks
	case mkv.KindTags:
		if id := in.finish(); id != 0 {
			return id
		}
		return in.addMetadata(ev.Tags)
	case mkv.KindClusterStart:
		if id := in.finish(); id != 0 {
			return id
		}
		return in.start(ev.Cluster.Timecode)
	case mkv.KindFrame:
		return in.addFrame(ev.Frame)
	case mkv.KindClusterEnd, mkv.KindDocumentEnd:
		return in.finish()
	}
	return 0
}

// addMetadata records the producer's metadata and event tags for the next fragment; the
// end-of-fragment tag only ends the current one. Metadata that breaks a rule fails the fragment
// it comes with, when that fragment starts, so that the ERROR acknowledgement names it.
func (in *ingest) addMetadata(tags []mkv.Tag) media.AckErrorID {
	fail := func(id media.AckErrorID) { in.metaErr = cmp.Or(in.metaErr, id) }
	for _, tag := range tags {
		if event, id := in.events.add(tag, &in.eventTags); event {
			fail(id)
			continue
		}
		for _, st := range tag.SimpleTags {
			switch {
			case st.Name == mkv.EndOfFragmentTagName:
			case strings.HasPrefix(strings.ToUpper(st.Name), "AWS"):
				fail(media.AckErrInvalidFragmentMetadata)
			default:
				in.metadata = append(in.metadata, st)
			}
		}
	}
	if len(in.metadata)+in.eventTags > in.lim.MaxFragmentMetadata {
		fail(media.AckErrFragmentMetadataLimitReached)
	}
	return 0
}

// start opens a fragment at cluster timecode tc.
func (in *ingest) start(tc int64) media.AckErrorID {
	if in.tracks == nil {
		return media.AckErrInvalidMKVData // a cluster before the Tracks
	}
	if in.haveLast && tc < in.last {
		return media.AckErrFragmentTimecodeLesserThanPrevious
	}
	scale := in.info.TimecodeScale
	if scale == 0 {
		scale = mkv.DefaultTimecodeScale
	}
	producer := time.Unix(0, 0).Add(mkv.Timestamp(tc, scale))
	if in.req.relative {
		producer = in.req.start.Add(mkv.Timestamp(tc, scale))
	}
	if tc < 0 && !in.req.relative {
		return media.AckErrInvalidProducerTimestamp
	}
	in.paceFragment()
	now := in.s.cfg.State.Now()
	f := &Fragment{Fragment: store.Fragment{
		Number: in.s.numbers.Next(now), ServerTimestamp: now, ProducerTimestamp: producer.Round(time.Millisecond).UTC(),
		Timecode: tc, TimecodeScale: scale, Info: in.info, Tracks: in.tracks, Tags: in.metadata,
	}}
	in.metadata = nil
	in.cur, in.seen, in.chunk = f, map[uint64]bool{}, frameChunk{pool: in.s.chunks}
	in.curEvents, in.events, in.eventTags = in.events, Events{}, 0
	if id := in.metaErr; id != 0 {
		in.metaErr = 0
		return id
	}
	m := in.req.stream.Media
	m.mu.Lock()
	m.live = f
	m.signal()
	m.mu.Unlock()
	if in.fault.ErrorAckID != 0 && in.received == in.fault.ErrorAfterFragments {
		return media.AckErrorID(in.fault.ErrorAckID)
	}
	in.acks.send(media.Ack{EventType: media.AckEventBuffering, FragmentTimecode: tc, FragmentNumber: f.Number}, time.Time{})
	return 0
}

// paceFragment waits, when Limits.FragmentRate paces the stream's fragments, until a new
// one may start; reading the body waits meanwhile.
func (in *ingest) paceFragment() {
	if in.lim.FragmentRate <= 0 {
		return
	}
	m := in.req.stream.Media
	m.mu.Lock()
	wait := m.newFrags.reserve(time.Now(), 1, float64(in.lim.FragmentRate))
	m.mu.Unlock()
	time.Sleep(wait)
}

// addFrame appends a frame to the open fragment, for the live readers too.
func (in *ingest) addFrame(fr mkv.Frame) media.AckErrorID {
	f := in.cur
	known := false
	for _, t := range in.tracks {
		known = known || t.Number == fr.Track
	}
	switch {
	case f == nil:
		return media.AckErrInvalidMKVData
	case !known:
		return media.AckErrTrackNumberMismatch
	case f.Size+int64(len(fr.Data)) > in.lim.MaxFragmentSize:
		return media.AckErrMaxFragmentSizeReached
	case mkv.Timestamp(fr.Timecode-f.Timecode, f.TimecodeScale) > in.lim.MaxFragmentDuration:
		return media.AckErrMaxFragmentDurationReached
	}
	in.seen[fr.Track] = true
	data := in.chunk.copy(fr.Data) // outside the lock: readers only see it once appended
	m := in.req.stream.Media
	m.mu.Lock()
	f.Frames = append(f.Frames, Frame{Track: fr.Track, Timecode: fr.Timecode, Keyframe: fr.Keyframe, Data: data})
	f.Size += int64(len(fr.Data))
	m.signal()
	m.mu.Unlock()
	return 0
}

// finish completes the open fragment: it is checked, kept when the stream keeps data, and
// acknowledged.
func (in *ingest) finish() media.AckErrorID {
	f := in.cur
	if f == nil {
		return 0
	}
	select {
	case <-in.req.stream.Deleted:
		return media.AckErrStreamNotActive
	default:
	}
	for _, t := range in.tracks {
		if !in.seen[t.Number] {
			return media.AckErrFramesMissingForTrack
		}
	}
	keep := in.req.retention() > 0
	if keep {
		// Stored (with a data directory: on disk) before RECEIVED and PERSISTED are sent.
		if id := in.s.persist(in.req.stream, f); id != 0 {
			return id
		}
	}
	m := in.req.stream.Media
	m.mu.Lock()
	f.complete = true
	if keep {
		f.release()
		m.fragments = append(m.fragments, f)
	} else {
		f.unkept(in.chunk) // no one may reach it after this but the readers sending it
	}
	in.chunk = frameChunk{}
	if m.live == f {
		m.live = nil
	}
	m.signal()
	m.mu.Unlock()
	in.cur = nil
	in.last, in.haveLast = f.Timecode, true
	in.received++
	ack := media.Ack{FragmentTimecode: f.Timecode, FragmentNumber: f.Number}
	ack.EventType = media.AckEventReceived
	in.acks.send(ack, time.Time{})
	if keep {
		ack.EventType = media.AckEventPersisted
		in.acks.sendAfter(ack, time.Now().Add(in.lim.PersistDelay), in.s.marked(in.req.stream, f, in.curEvents))
	}
	in.curEvents = Events{}
	if in.fault.Stall && in.received == in.fault.StallAfterFragments {
		in.acks.close() // written so far; nothing after
		in.acks = newAckStream(discardWriter{}, in.lim.IdleAckInterval, nil)
	}
	return 0
}

// discard drops the open fragment: its connection ended inside it.
func (in *ingest) discard() {
	f := in.cur
	if f == nil {
		return
	}
	m := in.req.stream.Media
	m.mu.Lock()
	f.discarded = true
	f.unkept(in.chunk)
	in.chunk = frameChunk{}
	if m.live == f {
		m.live = nil
	}
	m.signal()
	m.mu.Unlock()
	in.cur = nil
}

// fail sends an ERROR acknowledgement for the open fragment (discarded) and ends the response,
// as the service does.
func (in *ingest) fail(id media.AckErrorID) {
	ack := media.Ack{EventType: media.AckEventError, ErrorID: id}
	if in.cur != nil {
		ack.FragmentTimecode, ack.FragmentNumber = in.cur.Timecode, in.cur.Number
	}
	in.discard()
	in.acks.send(ack, time.Time{})
	in.acks.close()
	in.drain()
}

// drain reads what the producer already sent, for a moment, before the response ends: closing a
// connection with unread data resets it, and the reset can destroy the acknowledgements still
// on their way to the producer.
func (in *ingest) drain() {
	in.body.stopDeadlines()
	_ = in.body.rc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = io.Copy(io.Discard, io.LimitReader(in.body.r, 1<<20))
}

// cutNow reports whether an injected fault drops the connection now.
func (in *ingest) cutNow() bool {
	return in.fault.CutAfterFragments > 0 && in.received >= in.fault.CutAfterFragments
}

// ingestBody reads the request body for the ingest: it ends a read that waited IdleTimeout for
// data, tells the acknowledgements when data arrives, and cuts the connection when a fault says
// so.
//
// The connection's read deadline is its end (MaxConnectionDuration), set once; the idle timeout
// is a timer, not a deadline moved on every read (a SetReadDeadline per read was a visible share
// of the emulator's CPU at hundreds of producers). The timer fires IdleTimeout after the read in
// progress began, and only then moves the deadline to now, which ends that read as the moved
// deadline did; a read begun after it fired restores the deadline first. So a read fails
// exactly when it waited IdleTimeout, as before, and the time spent between reads (pacing,
// persisting) does not count.
type ingestBody struct {
	r    io.Reader
	rc   *http.ResponseController
	in   *ingest
	read int64
	pace pacer        // Limits.IngestRate
	note func([]byte) // records the bytes read (Connections)

	end       time.Time // the connection's end: MaxConnectionDuration after it opened
	mu        sync.Mutex
	idle      *time.Timer // fires IdleTimeout after the read in progress began
	readStart time.Time   // when the read in progress (or the last read) began
	fired     bool        // the timer moved the deadline to now: the next read restores it
	stopped   bool        // the handler is done with the connection
}

// startDeadlines sets the connection's read deadline to its end and starts the idle timer.
func (b *ingestBody) startDeadlines() {
	b.end = b.in.req.connectionAt.Add(b.in.lim.MaxConnectionDuration)
	_ = b.rc.SetReadDeadline(b.end)
	b.mu.Lock()
	b.readStart = time.Now()
	b.idle = time.AfterFunc(b.in.lim.IdleTimeout, b.checkIdle)
	b.mu.Unlock()
}

// checkIdle runs when the idle timer fires: it ends a read that waited IdleTimeout, else waits
// for the rest of the current read's IdleTimeout.
func (b *ingestBody) checkIdle() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	if wait := time.Until(b.readStart.Add(b.in.lim.IdleTimeout)); wait > 0 {
		b.idle.Reset(wait)
		return
	}
	b.fired = true
	_ = b.rc.SetReadDeadline(time.Now())
}

// stopDeadlines stops the idle timer; after it returns, the timer moves no deadline. Call
// before the handler sets a deadline of its own or returns.
func (b *ingestBody) stopDeadlines() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	if b.idle != nil {
		b.idle.Stop()
	}
}

func (b *ingestBody) Read(p []byte) (int, error) {
	in := b.in
	if limit := in.fault.CutAfterBytes; limit > 0 {
		if b.read >= limit {
			return 0, errCut
		}
		p = p[:min(int64(len(p)), limit-b.read)]
	}
	b.mu.Lock()
	b.readStart = time.Now()
	if b.fired && !b.stopped {
		// The timer ended a read that came back with data at that very moment, or fired between
		// reads: this read has its full IdleTimeout.
		b.fired = false
		_ = b.rc.SetReadDeadline(b.end)
		b.idle.Reset(in.lim.IdleTimeout)
	}
	b.mu.Unlock()
	rate := in.lim.IngestRate
	if rate > 0 {
		p = p[:min(len(p), paceSlice(rate))]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	if n > 0 {
		b.note(p[:n])
		now := time.Now()
		in.acks.lastData.Store(now.UnixNano())
		if rate > 0 {
			time.Sleep(b.pace.reserve(now, int64(n), float64(rate)))
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("reading the PutMedia body: %w", err)
	}
	return n, err
}

// discardWriter swallows the acknowledgements of a stalled connection.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}
