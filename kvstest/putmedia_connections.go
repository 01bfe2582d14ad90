// A record of the PutMedia connections a server accepted: when their headers and first body
// bytes arrived (a client waiting for a "100 Continue" that never comes shows as a gap), their
// headers, and optionally the start of their bodies.

package kvstest

import (
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/media"
)

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
	s.putConns.mu.Lock()
	defer s.putConns.mu.Unlock()
	out := make([]PutMediaConnection, len(s.putConns.list))
	for i, c := range s.putConns.list {
		out[i] = *c
		out[i].Header = c.Header.Clone()
		out[i].Body = slices.Clone(c.Body)
		out[i].Acks = slices.Clone(c.Acks)
	}
	return out
}

// putMediaConnections is the record behind PutMediaConnections.
type putMediaConnections struct {
	mu   sync.Mutex
	list []*PutMediaConnection
}

// addPutMediaConnection records a new connection.
func (s *Server) addPutMediaConnection(stream string, c0 *serve.Call, at time.Time) *connRecord {
	c := &PutMediaConnection{StreamName: stream, Header: c0.R.Header.Clone(), PayloadHash: c0.PayloadHash, Accepted: at}
	s.putConns.mu.Lock()
	s.putConns.list = append(s.putConns.list, c)
	s.putConns.mu.Unlock()
	return &connRecord{conns: &s.putConns, c: c, capture: s.opts.putMediaCapture}
}

// connRecord updates the record of one connection.
type connRecord struct {
	conns   *putMediaConnections
	c       *PutMediaConnection
	capture int
}

// read notes body bytes read.
func (r *connRecord) read(p []byte) {
	if len(p) == 0 {
		return
	}
	r.conns.mu.Lock()
	defer r.conns.mu.Unlock()
	c := r.c
	if c.FirstByte.IsZero() {
		c.FirstByte = time.Now()
	}
	c.Bytes += int64(len(p))
	if room := r.capture - len(c.Body); room > 0 {
		c.Body = append(c.Body, p[:min(room, len(p))]...)
	}
}

// ack notes an acknowledgement written.
func (r *connRecord) ack(a media.Ack) {
	r.conns.mu.Lock()
	r.c.Acks = append(r.c.Acks, a)
	r.conns.mu.Unlock()
}
