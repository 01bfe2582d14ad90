// The memory store: everything in the process, gone with it.

package store

import (
	"fmt"
	"iter"
	"slices"
	"sync"
)

// Memory is a MediaStore that keeps everything in memory. It keeps the frames Put gives it
// without copying them.
type Memory struct {
	mu      sync.Mutex
	streams map[string]map[string]*Fragment
	state   []byte
	closed  bool
}

// NewMemory returns an empty memory store.
func NewMemory() *Memory {
	return &Memory{streams: map[string]map[string]*Fragment{}}
}

// Put keeps f.
func (m *Memory) Put(stream string, f *Fragment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	frags := m.streams[stream]
	if frags == nil {
		frags = map[string]*Fragment{}
		m.streams[stream] = frags
	}
	f.Stats = statsOf(f)
	frags[f.Number] = f
	return nil
}

// Index returns the metadata of stream's fragments, in number order.
func (m *Memory) Index(stream string) ([]Fragment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	out := make([]Fragment, 0, len(m.streams[stream]))
	for _, f := range m.streams[stream] {
		c := *f
		c.Frames = nil
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Fragment) int {
		if lessNumber(a.Number, b.Number) {
			return -1
		}
		return 1
	})
	return out, nil
}

// Frames yields the frames of one fragment.
func (m *Memory) Frames(stream, number string) iter.Seq2[Frame, error] {
	return func(yield func(Frame, error) bool) {
		m.mu.Lock()
		f, closed := m.streams[stream][number], m.closed
		m.mu.Unlock()
		switch {
		case closed:
			yield(Frame{}, ErrClosed)
			return
		case f == nil:
			yield(Frame{}, fmt.Errorf("%w: stream %s has no fragment %s", ErrNotFound, stream, number))
			return
		}
		for _, fr := range f.Frames {
			if !yield(fr, nil) {
				return
			}
		}
	}
}

// Remove forgets fragments of stream.
func (m *Memory) Remove(stream string, numbers ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	for _, n := range numbers {
		delete(m.streams[stream], n)
	}
	return nil
}

// Drop forgets stream.
func (m *Memory) Drop(stream string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	delete(m.streams, stream)
	return nil
}

// Streams returns the streams the store has.
func (m *Memory) Streams() ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	out := make([]string, 0, len(m.streams))
	for s := range m.streams {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, nil
}

// SaveState keeps a copy of state.
func (m *Memory) SaveState(state []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.state = slices.Clone(state)
	return nil
}

// State returns the last state saved.
func (m *Memory) State() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	return slices.Clone(m.state), nil
}

// Close drops everything.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed, m.streams, m.state = true, nil, nil
	return nil
}
