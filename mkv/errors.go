package mkv

import (
	"errors"
	"fmt"
)

// Errors that a *SyntaxError may wrap; test for them with errors.Is.
var (
	// ErrTooLarge means an element, a CodecPrivate, a tag name or a count
	// of items is above the reader's Limits.
	ErrTooLarge = errors.New("above the configured limit")
	// ErrCRC means a CRC-32 element does not match the data it covers.
	ErrCRC = errors.New("CRC-32 mismatch")
)

// Errors the encoding side returns (wrapped with detail); test for them
// with errors.Is.
var (
	// ErrTimecodeRange means a block's timecode minus its cluster's does not
	// fit the signed 16-bit field of a block.
	ErrTimecodeRange = errors.New("mkv: block timecode out of int16 range relative to its cluster")
	// ErrInvalid means an argument cannot be encoded: a bad track entry, an
	// empty tag name, a frame for an undeclared track, and so on.
	ErrInvalid = errors.New("mkv: invalid argument")
	// ErrClosed is returned by a Writer after Close.
	ErrClosed = errors.New("mkv: writer closed")
)

// A SyntaxError describes malformed, truncated or over-limit input. Offset
// is the byte offset in the stream of the element at fault (counted from
// the first byte the Reader read), ID its element ID (0 when the ID itself
// could not be read).
type SyntaxError struct {
	Offset int64  // stream offset of the element at fault
	ID     uint32 // its element ID, 0 when unknown
	Err    error  // what is wrong
}

// Error formats the error with the element's name when it is known.
func (e *SyntaxError) Error() string {
	if e.ID == 0 {
		return fmt.Sprintf("mkv: offset %d: %v", e.Offset, e.Err)
	}
	if name := elementName(e.ID); name != "" {
		return fmt.Sprintf("mkv: offset %d: %s (0x%X): %v", e.Offset, name, e.ID, e.Err)
	}
	return fmt.Sprintf("mkv: offset %d: element 0x%X: %v", e.Offset, e.ID, e.Err)
}

// Unwrap returns the underlying error (io.ErrUnexpectedEOF for truncated
// input, ErrTooLarge, ErrCRC, or a descriptive error).
func (e *SyntaxError) Unwrap() error { return e.Err }

// Limits bound what a Reader accepts, so that hostile input cannot make it
// allocate without end. Every size is checked before any allocation. A zero
// field takes its default.
type Limits struct {
	// MaxElementSize bounds any element the Reader holds in memory whole:
	// a block, Info, Tracks, Tags or the EBML header. Default 64 MiB, at
	// most 1 GiB.
	MaxElementSize int64
	// MaxCodecPrivate bounds a track's CodecPrivate. Default 1 MiB.
	MaxCodecPrivate int
	// MaxTagName bounds a TagName. Default 4 KiB.
	MaxTagName int
	// MaxTags bounds the SimpleTags (nested ones included) in one Tags
	// element. Default 4096.
	MaxTags int
	// MaxTracks bounds the TrackEntries in one Tracks element. Default 64.
	MaxTracks int
}

// Default limits.
const (
	DefaultMaxElementSize  = 64 << 20
	DefaultMaxCodecPrivate = 1 << 20
	DefaultMaxTagName      = 4 << 10
	DefaultMaxTags         = 4096
	DefaultMaxTracks       = 64
)

// maxElementLimit caps MaxElementSize so that sizes fit an int on every
// platform.
const maxElementLimit = 1 << 30

// maxTagDepth bounds how deeply SimpleTags may nest, so that decoding
// recursion stays shallow whatever the input.
const maxTagDepth = 32

func (l Limits) withDefaults() Limits {
	if l.MaxElementSize <= 0 {
		l.MaxElementSize = DefaultMaxElementSize
	}
	l.MaxElementSize = min(l.MaxElementSize, maxElementLimit)
	if l.MaxCodecPrivate <= 0 {
		l.MaxCodecPrivate = DefaultMaxCodecPrivate
	}
	if l.MaxTagName <= 0 {
		l.MaxTagName = DefaultMaxTagName
	}
	if l.MaxTags <= 0 {
		l.MaxTags = DefaultMaxTags
	}
	if l.MaxTracks <= 0 {
		l.MaxTracks = DefaultMaxTracks
	}
	return l
}

// invalidf returns an error wrapping ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}
