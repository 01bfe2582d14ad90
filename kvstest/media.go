// The media APIs, PutMedia and GetMedia, served by internal/mediaapi, and the archived-media
// APIs, served by internal/archive: their routes, the faults of the media APIs (connections cut,
// acknowledgements stalled or turned into errors) and the record of the PutMedia connections.

package kvstest

import (
	"net/http"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/archive"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/media"
)

func init() {
	streamRoute(dataPlane, http.MethodPost, "/putMedia", "PutMedia", func(s *Server, c *serve.Call) { s.media.PutMedia(c) })
	addRoute(dataPlane, "/getMedia", &route{op: "GetMedia", method: http.MethodPost, handle: func(s *Server, c *serve.Call) { s.media.GetMedia(c) }})
	for _, rt := range archive.Routes() {
		addRoute(dataPlane, rt.Path, &route{op: rt.Op, method: rt.Method, sessionToken: rt.SessionToken,
			handle: func(s *Server, c *serve.Call) { rt.Handle(s.archive, c) }})
	}
}

// newMedia returns the media API of the server, over its state and store.
func (s *Server) newMedia() *mediaapi.Service {
	return mediaapi.New(mediaapi.Config{
		State:        s.state,
		Store:        s.dur.store,
		Limits:       mediaapi.Limits(s.opts.media.withDefaults()),
		Logf:         s.opts.logf,
		NextPutFault: func() mediaapi.PutFault { return mediaapi.PutFault(s.nextPutMediaFault()) },
		NextGetFault: func() mediaapi.GetFault { return mediaapi.GetFault(s.nextGetMediaFault()) },
		Capture:      s.opts.putMediaCapture,
		Marked:       func(st *stream, f *mediaapi.Fragment, ev mediaapi.Events) func() { return s.archive.Marked(st, f, ev) },
	})
}

// newArchive returns the archived-media API of the server, over its state and media API.
func (s *Server) newArchive() *archive.Service {
	o := s.opts
	return archive.New(archive.Config{
		State:           s.state,
		Media:           s.media,
		Limits:          archive.Limits(o.archived.limits.withDefaults()),
		FFmpeg:          o.archived.ffmpeg,
		LookPath:        !o.archived.ffmpegSet,
		Logf:            o.logf,
		Context:         s.ctx,
		ImageDir:        o.events.imageDir,
		NotificationLog: o.events.notificationLog,
	})
}

// PutMediaFault changes how the emulator serves one PutMedia connection. Zero fields do nothing.
type PutMediaFault struct {
	// CutAfterBytes drops the connection abruptly (no acknowledgement, no clean end) once this
	// many bytes of the body were read.
	CutAfterBytes int64
	// CutAfterFragments drops the connection abruptly once this many fragments were received
	// and acknowledged.
	CutAfterFragments int
	// StallAfterFragments stops every acknowledgement once this many fragments were
	// acknowledged: the connection stays open and reads on, silent. Set Stall to use it (so that
	// zero means at once).
	StallAfterFragments int
	Stall               bool
	// ErrorAckID answers the fragment after ErrorAfterFragments received ones with an ERROR
	// acknowledgement of this id (4000, 5000...), then ends the connection, as the service does.
	ErrorAckID          int
	ErrorAfterFragments int
}

// GetMediaFault changes how the emulator serves one GetMedia response.
type GetMediaFault struct {
	// CutAfterBytes drops the connection abruptly once this many bytes of the response were sent.
	CutAfterBytes int64
}

// mediaFaults queues the faults of the next connections.
type mediaFaults struct {
	mu  sync.Mutex
	put []PutMediaFault
	get []GetMediaFault
}

// AddPutMediaFaults queues faults for the next PutMedia connections, one fault per connection
// in order, whatever their stream.
func (s *Server) AddPutMediaFaults(faults ...PutMediaFault) {
	s.mediaFaults.mu.Lock()
	defer s.mediaFaults.mu.Unlock()
	s.mediaFaults.put = append(s.mediaFaults.put, faults...)
}

// AddGetMediaFaults queues faults for the next GetMedia responses, one per response in order.
func (s *Server) AddGetMediaFaults(faults ...GetMediaFault) {
	s.mediaFaults.mu.Lock()
	defer s.mediaFaults.mu.Unlock()
	s.mediaFaults.get = append(s.mediaFaults.get, faults...)
}

func (s *Server) nextPutMediaFault() PutMediaFault {
	s.mediaFaults.mu.Lock()
	defer s.mediaFaults.mu.Unlock()
	return popFront(&s.mediaFaults.put)
}

func (s *Server) nextGetMediaFault() GetMediaFault {
	s.mediaFaults.mu.Lock()
	defer s.mediaFaults.mu.Unlock()
	return popFront(&s.mediaFaults.get)
}

// popFront removes and returns the first element of q, or the zero value when q is empty.
func popFront[T any](q *[]T) T {
	var zero T
	if len(*q) == 0 {
		return zero
	}
	v := (*q)[0]
	*q = (*q)[1:]
	return v
}

// PutMediaConnection describes one PutMedia request the server accepted.
type PutMediaConnection struct {
	// StreamName is the stream written to.
	StreamName string
	// Header holds the request's headers.
	Header http.Header
	// PayloadHash is the payload hash the request was signed with: the hash of an empty body, or
	// UNSIGNED-PAYLOAD.
	PayloadHash string
	// Accepted is when the server had read the request's headers; FirstByte when the first byte
	// of the body arrived (zero when none has).
	Accepted, FirstByte time.Time
	// Bytes counts the body bytes read so far.
	Bytes int64
	// Body holds the first bytes of the body, up to the size set with WithPutMediaCapture.
	Body []byte
	// Acks are the acknowledgements written to the client, in order.
	Acks []media.Ack
}

// WaitBeforeBody returns how long the client took to send its body after its headers.
func (c PutMediaConnection) WaitBeforeBody() time.Duration {
	if c.FirstByte.IsZero() {
		return 0
	}
	return c.FirstByte.Sub(c.Accepted)
}

// WithPutMediaCapture keeps the first max bytes of every PutMedia body in the connection
// records (see Server.PutMediaConnections).
func WithPutMediaCapture(max int) Option {
	return func(o *options) { o.putMediaCapture = max }
}

// PutMediaConnections returns a record of every PutMedia connection the server accepted, oldest
// first.
func (s *Server) PutMediaConnections() []PutMediaConnection {
	conns := s.media.Connections()
	out := make([]PutMediaConnection, len(conns))
	for i, c := range conns {
		out[i] = PutMediaConnection(c)
	}
	return out
}
