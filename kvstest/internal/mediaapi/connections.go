// The record of the PutMedia connections a service accepted: when their headers and first body
// bytes arrived, their headers, the start of their bodies and their acknowledgements.

package mediaapi

import (
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/media"
)

// Connection describes one PutMedia request the service accepted (kvstest.PutMediaConnection,
// whose fields it mirrors).
type Connection struct {
	StreamName          string
	Header              http.Header
	PayloadHash         string
	Accepted, FirstByte time.Time
	Bytes               int64
	Body                []byte // up to Config.Capture bytes
	Acks                []media.Ack
}

// Connections returns a copy of the record of every PutMedia connection accepted, oldest first.
func (s *Service) Connections() []Connection {
	s.conns.mu.Lock()
	list := slices.Clone(s.conns.list)
	s.conns.mu.Unlock()
	out := make([]Connection, len(list))
	for i, r := range list {
		r.mu.Lock()
		c := r.c
		out[i] = *c
		out[i].Header = c.Header.Clone()
		out[i].Body = slices.Clone(c.Body)
		out[i].Acks = slices.Clone(c.Acks)
		r.mu.Unlock()
	}
	return out
}

// connections is the record behind Connections. Each connection's record has a lock of its own,
// so that noting the bytes of every read does not serialise the connections on one lock.
type connections struct {
	mu   sync.Mutex
	list []*connRecord
}

// addConnection records a new connection.
func (s *Service) addConnection(stream string, c0 *serve.Call, at time.Time) *connRecord {
	r := &connRecord{c: &Connection{StreamName: stream, Header: c0.R.Header.Clone(), PayloadHash: c0.PayloadHash, Accepted: at},
		capture: s.cfg.Capture}
	s.conns.mu.Lock()
	s.conns.list = append(s.conns.list, r)
	s.conns.mu.Unlock()
	return r
}

// connRecord is the record of one connection, and updates it.
type connRecord struct {
	mu      sync.Mutex // guards c
	c       *Connection
	capture int
}

// read notes body bytes read.
func (r *connRecord) read(p []byte) {
	if len(p) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
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
	r.mu.Lock()
	r.c.Acks = append(r.c.Acks, a)
	r.mu.Unlock()
}
