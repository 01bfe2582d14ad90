// Package mediaapi is the emulator's media API over the media of each stream: PutMedia (the
// ingest, its acknowledgements and the record of its connections), GetMedia, the stream's
// fragments as they are stored and arrive (Media), their frames read back from the store, their
// MKV documents, fragment numbering, and the retention sweep. The archived-media operations
// (package archive) read the same Media.
//
// A Service serves the operations of one server. It is made from a Config: the control-plane
// state (to find streams), the store, the limits, the log, and the hooks of injected faults and
// of marked fragments; it knows nothing of kvstest.Server.
package mediaapi

import (
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/state"
	"github.com/kvsgo/sdk/kvstest/internal/store"
)

// The control-plane state whose streams carry Media, and one such stream.
type (
	State  = state.State[*Media]
	Stream = state.Stream[*Media]
)

// Config is what a Service works with.
type Config struct {
	// State holds the streams, each with its Media.
	State *State
	// Store keeps the frames of stored fragments.
	Store store.MediaStore
	// Limits are the limits and timings of the media APIs, with every default filled in.
	Limits Limits
	// Logf logs what goes wrong behind a call (the store failing); nil logs nothing.
	Logf func(format string, args ...any)
	// NextPutFault and NextGetFault return the injected fault of each new PutMedia connection and
	// GetMedia response (the zero fault for none); nil injects none.
	NextPutFault func() PutFault
	NextGetFault func() GetFault
	// Capture is how many bytes of each PutMedia body the connection records keep.
	Capture int
	// Marked, when set, is called for each fragment PutMedia stored that came with event tags
	// (Events); what it returns, when not nil, runs before the fragment's PERSISTED
	// acknowledgement is written.
	Marked func(st *Stream, f *Fragment, ev Events) func()
}

// Service serves the media API of one server.
type Service struct {
	cfg     Config
	conns   connections
	numbers Numbers
	chunks  *chunkPool // of fragments not kept, for the next ones
}

// New returns a Service working with cfg.
func New(cfg Config) *Service {
	return &Service{cfg: cfg, chunks: newChunkPool()}
}

// Numbers returns the fragment numbering of the service.
func (s *Service) Numbers() *Numbers { return &s.numbers }

func (s *Service) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

func (s *Service) nextPutFault() PutFault {
	if s.cfg.NextPutFault == nil {
		return PutFault{}
	}
	return s.cfg.NextPutFault()
}

func (s *Service) nextGetFault() GetFault {
	if s.cfg.NextGetFault == nil {
		return GetFault{}
	}
	return s.cfg.NextGetFault()
}

// Limits are the limits and timings of the media APIs (kvstest.MediaLimits, whose fields they
// mirror one for one): calls per second and open connections per stream, the bounds of a
// fragment, the timings of PutMedia and GetMedia, and the paced throughputs (zero: unpaced).
type Limits struct {
	PutMediaCallsPerSecond int
	GetMediaCallsPerSecond int
	PutMediaConnections    int
	GetMediaConnections    int
	MaxFragmentSize        int64
	MaxFragmentDuration    time.Duration
	MaxFragmentMetadata    int
	IdleAckInterval        time.Duration
	IdleTimeout            time.Duration
	MaxConnectionDuration  time.Duration
	PersistDelay           time.Duration
	GetMediaIdle           time.Duration
	GetMediaMaxDuration    time.Duration
	IngestRate             int64
	FragmentRate           int
	GetMediaRate           int64
}

// PutFault changes how one PutMedia connection is served (kvstest.PutMediaFault).
type PutFault struct {
	CutAfterBytes       int64
	CutAfterFragments   int
	StallAfterFragments int
	Stall               bool
	ErrorAckID          int
	ErrorAfterFragments int
}

// GetFault changes how one GetMedia response is served (kvstest.GetMediaFault).
type GetFault struct {
	CutAfterBytes int64
}
