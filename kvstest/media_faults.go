// Faults of the media APIs: connections cut, acknowledgements stalled or turned into errors.

package kvstest

import "sync"

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
