// The media of a stream: the fragments PutMedia stored, the one being received, and the readers
// waiting for more. GetMedia and the archived-media operations read from here.

package mediaapi

import (
	"sort"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// Fragment is one fragment as the service keeps it: the producer's header, the fragment's
// metadata, the service's own numbering and timestamps, and its frames while it is received
// (once stored, they are read from the store: frames.go).
type Fragment struct {
	store.Fragment

	complete  bool // every frame arrived (RECEIVED)
	discarded bool // the producer's connection ended inside it: it is not kept

	released bool             // its frames are no longer in memory but in the store
	store    store.MediaStore // where its frames are, once stored
	key      string           // its stream in the store

	// The chunks of a fragment that is not kept go back to the pool once no GetMedia reader
	// is sending it (chunks.go). Guarded by the stream's media lock.
	chunks  [][]byte   // the chunks its frames lie in, until they go back
	pool    *chunkPool // where they go back to
	holders int        // GetMedia readers sending it
	dropped bool       // not kept: the ingest is done with it
}

// Frame is one frame of a stored fragment.
type Frame = store.Frame

// Duration returns the time from the fragment's first frame to its last.
func (f *Fragment) Duration() time.Duration {
	return mkv.Timestamp(f.Stats.Last-f.Stats.First, f.TimecodeScale)
}

// Media is the media of one stream, with a lock of its own so that long-running readers and
// writers never hold the state lock (state.State.Mu) while they wait.
type Media struct {
	mu        sync.Mutex
	fragments []*Fragment   // kept fragments, in arrival order (and so in number order)
	live      *Fragment     // the fragment being received, if any
	changed   chan struct{} // closed and replaced when a frame or fragment arrives or ends, if watched
	watched   bool          // a reader took changed (watch) since it was last replaced
	writers   int           // open PutMedia connections
	readers   int           // open GetMedia connections
	putCalls  rateWindow
	getCalls  rateWindow
	newFrags  pacer // paces the start of fragments (Limits.FragmentRate)
}

// NewMedia returns the media of a new stream: none yet.
func NewMedia() *Media {
	return &Media{changed: make(chan struct{})}
}

// signal wakes the readers waiting for media. Call with m.mu held. When no reader took the
// channel since the last signal, there is no one to wake and nothing is replaced: a stream
// without readers costs no channel per frame.
func (m *Media) signal() {
	if !m.watched {
		return
	}
	close(m.changed)
	m.changed, m.watched = make(chan struct{}), false
}

// watch returns the channel that the next change closes. Call with m.mu held, after looking at
// the media: a change made after the call closes the channel returned.
func (m *Media) watch() <-chan struct{} {
	m.watched = true
	return m.changed
}

// Snapshot returns the kept fragments. The slice is a copy; the fragments themselves are never
// changed once complete.
func (m *Media) Snapshot() []*Fragment {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Fragment(nil), m.fragments...)
}

// IndexAfter returns the index of the first kept fragment numbered above number.
func IndexAfter(frags []*Fragment, number string) int {
	return sort.Search(len(frags), func(i int) bool { return media.CompareFragmentNumbers(frags[i].Number, number) > 0 })
}

// IndexOf returns the index of the kept fragment numbered number, or -1.
func IndexOf(frags []*Fragment, number string) int {
	i := sort.Search(len(frags), func(i int) bool { return media.CompareFragmentNumbers(frags[i].Number, number) >= 0 })
	if i < len(frags) && frags[i].Number == number {
		return i
	}
	return -1
}

// indexAtTime returns the index of the first kept fragment that contains t or starts after it,
// by server or producer time.
func indexAtTime(frags []*Fragment, t time.Time, producer bool) int {
	for i, f := range frags {
		start := f.ServerTimestamp
		if producer {
			start = f.ProducerTimestamp
		}
		if !start.Add(f.Duration()).Before(t) {
			return i
		}
	}
	return len(frags)
}

// rateWindow counts calls in the last second, for the per-stream call limits.
type rateWindow struct {
	calls []time.Time
}

// allow records a call at now and reports whether it is within limit calls per second (a
// limit of zero or less allows every call).
func (w *rateWindow) allow(now time.Time, limit int) bool {
	if limit <= 0 {
		return true
	}
	cut := now.Add(-time.Second)
	kept := w.calls[:0]
	for _, t := range w.calls {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	w.calls = kept
	if len(w.calls) >= limit {
		return false
	}
	w.calls = append(w.calls, now)
	return true
}

// pacer spaces work out to a rate in units (bytes, fragments) per second.
type pacer struct {
	next time.Time // when the work reserved so far is done at the rate
}

// reserve books n units at rate per second and returns how long to wait before they may go:
// nothing while the work reserved before them is done, else until it is. A rate of zero or less
// never waits.
func (p *pacer) reserve(now time.Time, n int64, rate float64) time.Duration {
	if rate <= 0 {
		return 0
	}
	start := p.next
	if start.Before(now) {
		start = now
	}
	p.next = start.Add(time.Duration(float64(n) / rate * float64(time.Second)))
	return start.Sub(now)
}

// paceSlice is how much of a byte-paced transfer moves at once: a twentieth of a second's worth
// (at least 4 KiB), so that the pace is smooth.
func paceSlice(rate int64) int {
	return int(max(rate/20, 4<<10))
}

// Restored adds a fragment found in the store at startup (Service.RestoreFragment) after the
// fragments kept so far; fragments are restored in number order, before the server serves.
func (m *Media) Restored(f *Fragment) {
	m.mu.Lock()
	m.fragments = append(m.fragments, f)
	m.mu.Unlock()
}
