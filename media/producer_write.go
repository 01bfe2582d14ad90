package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/mkv"
)

// ErrProducerClosed is returned by WriteFrame once Close was called, including by a WriteFrame
// that was waiting for room in the buffer when Close began.
var ErrProducerClosed = errors.New("media: the producer is closed")

// WriteFrame adds a frame to the stream. Frames of one track must come in presentation order;
// the tracks of a multi-track stream are interleaved by timestamp. It returns once the frame is
// encoded into the current fragment (the sender streams it at once): it does not wait for the
// network, except under the Block buffer policy when the buffer is full: it waits for room
// until ctx ends (returning an error that wraps ctx.Err(), with the frame not written) or Close
// is called (ErrProducerClosed). Video frames before the first key frame cannot be decoded and are dropped (counted in
// Stats, and reported by an EventFramesDropped). Other tracks' frames up to one second before
// that key frame start the first fragment with it; older ones are dropped the same way.
func (p *Producer) WriteFrame(ctx context.Context, f Frame) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.fatal != nil:
		return p.fatal
	case p.closing:
		return ErrProducerClosed
	}
	t := p.w.track(f.Track)
	if t == nil {
		return fmt.Errorf("media: frame of track %d, which the producer does not have", f.Track)
	}
	tc, err := p.w.timecode(f)
	if err != nil {
		return err
	}
	if p.cfg.Buffer.Policy == Block {
		for p.buf.over(p.cfg.Buffer) {
			if err := p.wait(ctx); err != nil {
				return fmt.Errorf("media: waiting for room in the buffer: %w", err)
			}
			switch {
			case p.fatal != nil:
				return p.fatal
			case p.closing:
				return ErrProducerClosed
			}
		}
	}
	p.stats.FramesWritten++
	p.stats.BytesWritten += int64(len(f.Data))
	p.w.writes++
	if t.video {
		data, key, err := p.w.adapter.convertVideo(t, f.Data, f.Keyframe)
		if err != nil {
			return fmt.Errorf("media: track %d: %w", t.cfg.Number, err)
		}
		p.queue(t, tc, key, data)
	} else {
		err := p.w.adapter.splitAudio(t, f.Data, func(frame []byte, offset time.Duration) error {
			p.queue(t, tc+offset.Milliseconds(), true, frame)
			return nil
		})
		if err != nil {
			return fmt.Errorf("media: track %d: %w", t.cfg.Number, err)
		}
	}
	p.enforceBuffer()
	p.wakeSender()
	return nil
}

// writeState is the producer's framing state: tracks, the reorder queues and the open fragment.
type writeState struct {
	cfg      ProducerConfig
	tracks   []*track
	adapter  adapter
	queues   []frameQueue // per track, used when there are several
	maxTC    int64        // the newest timecode queued
	open     *fragment
	lastTC   int64 // the timecode of the last frame encoded
	seq      uint64
	meta     []mkv.SimpleTag // for the next fragment
	persist  []mkv.SimpleTag // for every fragment
	hasVideo bool
	header   []byte      // the stream header, once every track is described
	dropped  int         // frames dropped since the last report
	preroll  []heldFrame // other tracks' frames waiting for the first key frame
	// writes counts the frames written; lastWrite is when the sender's tick (flushIdle) last
	// saw the count change, at writesSeen: the time of every frame costs a clock read.
	writes, writesSeen uint64
	lastWrite          time.Time
	newest             []int64 // per track, the timecode of its newest frame
	interval           []int64 // per track, the time between its last two frames
	seen               []bool  // per track, whether a frame came
	// pool lends the blocks fragments and queued frames are kept in (the client's).
	pool *blockPool
	// startMilli and startSub split StartTime into Unix milliseconds and the nanoseconds after,
	// so that a frame's timecode costs integer arithmetic only.
	startMilli, startSub int64
	// interleaveMs, reorderMs and fragmentMs are the interleave and reorder windows and the
	// fragment duration in milliseconds, the unit of timecodes.
	interleaveMs, reorderMs, fragmentMs int64
	scratch                             []byte   // an element being encoded before it is written to a fragment
	blockSlices                         [][]byte // a released fragment's empty list of blocks, for the next one
	eventMetadata
}

// eventMetadata is the event metadata pending for the next fragment (PutEventMetadata).
type eventMetadata struct {
	events     FragmentEvent
	eventItems int    // metadata items the events count for
	eventTags  []byte // their Tags elements, written before the fragment's cluster
}

func (w *writeState) init(tracks []*track, cfg ProducerConfig, pool *blockPool) {
	w.cfg, w.tracks, w.pool = cfg, tracks, pool
	w.startMilli = cfg.StartTime.UnixMilli()
	w.startSub = int64(cfg.StartTime.Nanosecond() % int(time.Millisecond))
	w.interleaveMs, w.reorderMs = cfg.InterleaveWindow.Milliseconds(), cfg.ReorderWindow.Milliseconds()
	w.fragmentMs = cfg.FragmentDuration.Milliseconds()
	w.queues = make([]frameQueue, len(tracks))
	w.newest, w.interval, w.seen = make([]int64, len(tracks)), make([]int64, len(tracks)), make([]bool, len(tracks))
	for _, t := range tracks {
		w.hasVideo = w.hasVideo || t.video
	}
	w.lastWrite = time.Now()
}

func (w *writeState) track(number uint64) *track {
	for _, t := range w.tracks {
		if t.cfg.Number == number {
			return t
		}
	}
	return nil
}

// timecode converts a frame's time to a timecode in milliseconds: the Unix time of
// StartTime + f.Timestamp, rounded down, for ABSOLUTE timecodes; f.Timestamp for RELATIVE ones.
func (w *writeState) timecode(f Frame) (int64, error) {
	if w.cfg.FragmentTimecodeType == FragmentTimecodeAbsolute {
		ns := w.startSub + int64(f.Timestamp)
		ms := ns / int64(time.Millisecond)
		if ns%int64(time.Millisecond) < 0 {
			ms--
		}
		return w.startMilli + ms, nil
	}
	tc := f.Timestamp.Milliseconds()
	if tc < 0 {
		return 0, fmt.Errorf("media: frame at %v is before the producer's StartTime %v, which RELATIVE timecodes count from", w.cfg.StartTime.Add(f.Timestamp), w.cfg.StartTime)
	}
	return tc, nil
}

// putMetadata records fragment metadata.
func (w *writeState) putMetadata(tag mkv.SimpleTag, persistent bool) error {
	if len(w.meta)+len(w.persist)+w.eventItems >= maxFragmentMetadata {
		return fmt.Errorf("media: a fragment can carry at most %d metadata pairs", maxFragmentMetadata)
	}
	if persistent {
		w.persist = append(w.persist, tag)
	} else {
		w.meta = append(w.meta, tag)
	}
	return nil
}

// headerReady builds the stream header once every track is described.
func (w *writeState) headerReady() bool {
	if w.header != nil {
		return true
	}
	entries := make([]mkv.TrackEntry, 0, len(w.tracks))
	for _, t := range w.tracks {
		if !t.ready {
			return false
		}
		entries = append(entries, t.entry)
	}
	h, err := mkv.AppendHeader(nil, mkv.Info{TimecodeScale: mkv.DefaultTimecodeScale}, entries)
	if err != nil {
		return false
	}
	w.header = h
	return true
}

// frameQueue holds a track's frames until they can be written in timestamp order. A small
// frame's data lives in arena, which is reused once the queue drains; a large one's (a key
// frame waiting for the other tracks to reach it) in blocks of its own, which move to the
// fragment without another copy.
type frameQueue struct {
	frames []queuedFrame
	head   int
	arena  []byte
	blocks blockList
}

type queuedFrame struct {
	tc         int64
	key        bool
	start, end int // its bytes in arena, or how many bytes its blocks hold (start 0)
	blocks     int // how many of the first blocks of the queue's blocks hold it; 0 in arena
}

// apartSize is the frame size from which a queued frame is kept in blocks of its own.
const apartSize = blockSize / 4

func (q *frameQueue) empty() bool { return q.head == len(q.frames) }

// queue passes a converted frame to the fragmenter: directly for a single track, or for
// several when nothing waits and every other track is close enough (see eligible), otherwise
// through the reorder queues, from which frames leave in timestamp order.
func (p *Producer) queue(t *track, tc int64, key bool, data []byte) {
	w := &p.w
	if len(w.tracks) == 1 {
		p.emit(t, tc, key, data, nil)
		return
	}
	i := t.index
	if w.seen[i] && tc > w.newest[i] {
		w.interval[i] = tc - w.newest[i]
	}
	w.newest[i], w.seen[i] = tc, true
	w.maxTC = max(w.maxTC, tc)
	q := &w.queues[i]
	if !p.queuedFrames() && p.eligible(i, tc, key, false) {
		p.emit(t, tc, key, data, nil) // the common case of a live stream: no copy, no wait
		p.drain(false)
		return
	}
	if len(data) >= apartSize {
		n := q.blocks.writeApart(w.pool, data)
		q.frames = append(q.frames, queuedFrame{tc: tc, key: key, end: len(data), blocks: n})
	} else {
		start := len(q.arena)
		q.arena = append(q.arena, data...)
		q.frames = append(q.frames, queuedFrame{tc: tc, key: key, start: start, end: len(q.arena)})
	}
	p.drain(false)
}

// eligible reports whether the frame at tc of track i, older than every queued frame, may be
// written now: every other track has a frame queued, or has reached tc minus the interleave
// window, or has fallen more than the reorder window behind the newest frame. A key frame that
// opens a fragment waits until every other track's next frame, a frame interval after its
// newest, is due at or after it, so that the frames of the previous fragment end up in it.
func (p *Producer) eligible(i int, tc int64, key, all bool) bool {
	w := &p.w
	if all {
		return true
	}
	need := tc - w.interleaveMs
	cut := key && w.tracks[i].video && w.open != nil && p.dueCut(w.tracks[i], tc, true)
	for j := range w.queues {
		switch {
		case j == i || !w.queues[j].empty():
		case cut:
			if !w.seen[j] || w.newest[j]+w.interval[j] < tc {
				if tc > w.maxTC-w.reorderMs {
					return false
				}
			}
		case w.seen[j] && w.newest[j] >= need:
		case tc <= w.maxTC-w.reorderMs:
		default:
			return false
		}
	}
	return true
}

// drain writes queued frames in timestamp order while the oldest may be written (see
// eligible), or every one when all.
func (p *Producer) drain(all bool) {
	w := &p.w
	for {
		best := -1
		for i := range w.queues {
			q := &w.queues[i]
			if !q.empty() && (best < 0 || q.frames[q.head].tc < w.queues[best].frames[w.queues[best].head].tc) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		q := &w.queues[best]
		f := q.frames[q.head]
		if !p.eligible(best, f.tc, f.key, all) {
			return
		}
		q.head++
		if f.blocks > 0 {
			p.emit(w.tracks[best], f.tc, f.key, nil, &apartFrame{from: &q.blocks, blocks: f.blocks, size: f.end})
		} else {
			p.emit(w.tracks[best], f.tc, f.key, q.arena[f.start:f.end], nil)
		}
		if q.empty() {
			q.frames, q.head, q.arena = q.frames[:0], 0, q.arena[:0]
		}
	}
}

// apartFrame is a queued frame kept in blocks of its own: the first blocks of from, holding
// size bytes.
type apartFrame struct {
	from         *blockList
	blocks, size int
}

// detach takes the frame's blocks from the queue and returns a copy of its bytes, the blocks
// given back to pool: for the rare frame that does not go to a fragment as it is.
func (a *apartFrame) detach(pool *blockPool) []byte {
	var l blockList
	l.take(a.from, a.blocks, a.size)
	data := make([]byte, 0, a.size)
	for _, b := range l.blocks {
		data = append(data, b...)
	}
	l.free(pool)
	return data
}

// emit encodes one frame into the open fragment, starting a new fragment first when due. The
// frame's bytes are data, or those of apart, whose blocks then move to the fragment.
func (p *Producer) emit(t *track, tc int64, key bool, data []byte, apart *apartFrame) {
	w := &p.w
	switch open := w.open; {
	case open == nil:
		if w.hasVideo && !(t.video && key) {
			if apart != nil {
				data = apart.detach(w.pool)
			}
			p.holdBeforeKeyframe(t, tc, data)
			return
		}
		p.openWithPreroll(tc)
	case tc-open.timecode > maxFragmentSpan:
		p.stats.ForcedFragmentCuts++ // no key frame in time: a fragment cannot span more
		p.sealOpen(false)
		p.openFragment(tc)
	case p.dueCut(t, tc, key):
		p.sealOpen(false)
		p.openFragment(tc)
	}
	open := w.open
	size := len(data)
	if apart != nil {
		size = apart.size
	}
	head, err := mkv.AppendSimpleBlockHeader(w.scratch[:0], open.timecode, mkv.Frame{Track: t.cfg.Number, Timecode: tc, Keyframe: key}, size)
	w.scratch = head
	if err != nil { // a frame earlier than the cluster by more than the int16 range
		if apart != nil {
			apart.detach(w.pool)
		}
		w.dropped++
		p.stats.FramesDropped++
		return
	}
	before := open.data.size
	open.data.write(w.pool, head)
	if apart != nil {
		open.data.take(apart.from, apart.blocks, apart.size)
	} else {
		open.data.write(w.pool, data)
	}
	open.frames++
	open.tracks |= 1 << t.index
	open.lastTC = max(open.lastTC, tc)
	w.lastTC = max(w.lastTC, tc)
	p.buf.bytes += int64(open.data.size - before)
}

// prerollSpan is how long before the first key frame of a fragment other tracks' frames are
// kept for it: audio often starts a little before the video's first key frame.
const prerollSpan = 1000 // ms

// heldFrame is a frame waiting for a fragment to open.
type heldFrame struct {
	track *track
	tc    int64
	data  []byte
}

// holdBeforeKeyframe keeps a frame that came before any fragment could open: another track's
// frame is kept for the fragment the next key frame opens; a video frame that is not a key frame
// cannot be decoded there and is dropped (and reported).
func (p *Producer) holdBeforeKeyframe(t *track, tc int64, data []byte) {
	w := &p.w
	if t.video {
		w.dropped++
		p.stats.FramesDropped++
		return
	}
	for len(w.preroll) > 0 && w.preroll[0].tc < tc-prerollSpan { // too old for any fragment
		w.preroll = w.preroll[1:]
		w.dropped++
		p.stats.FramesDropped++
	}
	w.preroll = append(w.preroll, heldFrame{track: t, tc: tc, data: append([]byte(nil), data...)})
}

// openWithPreroll opens a fragment for the key frame at timecode tc, with the held frames that
// are recent enough first. The fragment starts at the earliest of them, as ffmpeg and mkvmerge
// start a cluster with the audio that precedes the first video frame, so that no frame's
// timecode is before its cluster's. A held frame later than the key frame (the key frame came
// late, past the reorder window) is kept too.
func (p *Producer) openWithPreroll(tc int64) {
	w := &p.w
	held, start := w.preroll[:0], tc
	for _, h := range w.preroll {
		if h.tc < tc-prerollSpan {
			w.dropped++
			p.stats.FramesDropped++
			continue
		}
		held, start = append(held, h), min(start, h.tc)
	}
	w.preroll = nil
	p.openFragment(start)
	for _, h := range held {
		p.emit(h.track, h.tc, true, h.data, nil)
	}
}

// reportDropped reports the frames dropped since the last report, for the reason why.
func (p *Producer) reportDropped(why error) {
	if w := &p.w; w.dropped > 0 {
		p.events.push(ProducerEvent{Type: EventFramesDropped, Frames: w.dropped, Err: why})
		w.dropped = 0
	}
}

// dueCut reports whether a frame starts a new fragment: a key frame (of the video track, if
// there is one) after the target duration, once the open fragment has frames of every track.
// Frames of other tracks written just before it may be later than it (by the interleave
// window at most): they stay at the end of the fragment they were written to.
func (p *Producer) dueCut(t *track, tc int64, key bool) bool {
	w := &p.w
	open := w.open
	if !key || (w.hasVideo && !t.video) || tc-open.timecode < w.fragmentMs {
		return false
	}
	return open.tracks == 1<<len(w.tracks)-1
}

// openFragment starts a fragment at timecode tc, with the pending metadata.
func (p *Producer) openFragment(tc int64) {
	w := &p.w
	p.reportDropped(errors.New("media: frames before the first key frame of a fragment cannot be decoded"))
	w.seq++
	f := &fragment{seq: w.seq, timecode: tc, lastTC: tc}
	f.data.blocks, w.blockSlices = w.blockSlices, nil
	b := w.scratch[:0]
	if tags := append(w.persist[:len(w.persist):len(w.persist)], w.meta...); len(tags) > 0 {
		b, _ = mkv.AppendTags(b, []mkv.Tag{{SimpleTags: tags}})
		w.meta = nil
	}
	b = append(b, w.takeEventMetadata()...)
	b, _ = mkv.AppendClusterStart(b, tc, mkv.UnknownSize)
	w.scratch = b
	f.data.write(w.pool, b)
	p.buf.bytes += int64(f.data.size)
	p.buf.frags = append(p.buf.frags, f)
	w.open = f
}

// recycle gives the blocks of a released fragment back to the pool, unless a connection's
// writer is still sending it: the writer does once it is done (see doneSending).
func (w *writeState) recycle(f *fragment) {
	if !f.inUse {
		f.data.free(w.pool)
		if cap(f.data.blocks) > cap(w.blockSlices) {
			w.blockSlices = f.data.blocks
		}
		f.data.blocks = nil
	}
}

// sealOpen ends the open fragment. idle marks an end forced by a pause in the frames: the
// fragment then ends with the end-of-fragment tags, so that the service completes it now.
func (p *Producer) sealOpen(idle bool) {
	w := &p.w
	f := w.open
	if f == nil {
		return
	}
	if idle {
		w.scratch = mkv.AppendEndOfFragment(w.scratch[:0])
		f.data.write(w.pool, w.scratch)
		f.endsFragment = true
		p.buf.bytes += int64(len(w.scratch))
	}
	f.sealed, f.sealedAt = true, time.Now()
	w.open = nil
	p.stats.FragmentsProduced++
}

// flushIdle ends the open fragment after a pause of IdleFragmentTimeout in the frames, as
// measured by the sender's ticks (a quarter of the timeout at most).
func (p *Producer) flushIdle(now time.Time) {
	if w := &p.w; w.writes != w.writesSeen {
		w.writesSeen, w.lastWrite = w.writes, now
		return
	}
	if p.w.open == nil && !p.queuedFrames() || now.Sub(p.w.lastWrite) < p.cfg.IdleFragmentTimeout {
		return
	}
	p.drain(true)
	if p.w.open != nil {
		p.sealOpen(true)
		p.wakeSender()
	}
}

func (p *Producer) queuedFrames() bool {
	for i := range p.w.queues {
		if !p.w.queues[i].empty() {
			return true
		}
	}
	return false
}

// Close ends the stream: it writes the frames still queued, ends the last fragment, and waits
// until every fragment is acknowledged (PERSISTED, or RECEIVED under KeepUntil RECEIVED) or ctx
// ends, reconnecting as needed. It returns nil only when every fragment the producer made
// reached the service and was acknowledged; otherwise a *CloseError says how many fragments
// are left, were rejected or were dropped, and why (ctx's error when it ended first). When
// Close returns, the producer's goroutines have stopped and its connection is closed.
//
// Close may be called from any goroutine, while WriteFrame, NextEvent or another Close wait:
// a WriteFrame waiting for room returns ErrProducerClosed at once, NextEvent returns the
// remaining events and then io.EOF. Calls after the first finished return its result.
func (p *Producer) Close(ctx context.Context) error {
	p.mu.Lock()
	if !p.closing {
		p.closing = true
		p.drain(true)
		p.sealOpen(false)
		if n := len(p.w.preroll); n > 0 { // no key frame came to start a fragment for them
			p.w.preroll = nil
			p.w.dropped += n
			p.stats.FramesDropped += n
			p.reportDropped(errors.New("media: the stream ended before a key frame could start a fragment for these frames"))
		}
		p.broadcast()
	}
	p.wakeSender()
	var waitErr error
	for !p.closed && !p.buf.allAcknowledged() && p.fatal == nil {
		if waitErr = p.wait(ctx); waitErr != nil {
			break
		}
	}
	if !p.closed {
		p.closed, p.closeErr = true, p.closeResult(waitErr)
		p.broadcast()
	}
	result := p.closeErr
	p.mu.Unlock()
	p.cancel()
	<-p.done
	return result
}

// ErrCloseIncomplete is wrapped by the *CloseError of a Close that could not get every
// fragment acknowledged.
var ErrCloseIncomplete = errors.New("media: not every fragment was acknowledged")

// CloseError says what Close left unfinished, or what did not reach the service.
type CloseError struct {
	// Unacknowledged counts fragments that did not reach KeepUntil (not received, or received but
	// not persisted).
	Unacknowledged int
	// Failed counts fragments the service rejected for good (see EventFragmentFailed); Dropped
	// counts fragments the DropOldest buffer policy dropped.
	Failed, Dropped int
	// Err is why: the context's error, the producer's fatal error, or a description of the
	// rejections and drops.
	Err error
}

// Error describes the unfinished work.
func (e *CloseError) Error() string {
	return fmt.Sprintf("media: producer closed with %d fragments unacknowledged, %d rejected and %d dropped: %v",
		e.Unacknowledged, e.Failed, e.Dropped, e.Err)
}

// Unwrap returns ErrCloseIncomplete and the cause.
func (e *CloseError) Unwrap() []error { return []error{ErrCloseIncomplete, e.Err} }

func (p *Producer) closeResult(waitErr error) error {
	e := &CloseError{Unacknowledged: p.buf.unacknowledged(), Failed: p.stats.FragmentsFailed, Dropped: p.stats.FragmentsDropped}
	switch {
	case p.fatal != nil:
		e.Err = p.fatal
	case waitErr != nil:
		e.Err = waitErr
	case e.Failed > 0 || e.Dropped > 0:
		e.Err = errors.New("fragments were rejected by the service or dropped by the buffer policy")
	default:
		return nil
	}
	return e
}
