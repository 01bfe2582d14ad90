// The frames of a fragment as they lie in a segment file: one after another, each a small
// header (track, timecode, key-frame flag, length) and its bytes.

package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// castagnoli is the CRC-32C table of the fragments' checksums.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const keyframeFlag = 1

// maxFrameHeader is the longest header of a frame: three varints and the flags.
const maxFrameHeader = 3*binary.MaxVarintLen64 + 1

// writeFrames writes frames to w and returns the bytes written and their CRC-32C.
func writeFrames(w io.Writer, frames []Frame) (int64, uint32, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	sum := crc32.New(castagnoli)
	out := io.MultiWriter(bw, sum)
	var n int64
	var hdr [maxFrameHeader]byte
	for _, fr := range frames {
		h := binary.AppendUvarint(hdr[:0], fr.Track)
		h = binary.AppendVarint(h, fr.Timecode)
		flags := byte(0)
		if fr.Keyframe {
			flags = keyframeFlag
		}
		h = append(h, flags)
		h = binary.AppendUvarint(h, uint64(len(fr.Data)))
		if _, err := out.Write(h); err != nil {
			return n, 0, err
		}
		if _, err := out.Write(fr.Data); err != nil {
			return n, 0, err
		}
		n += int64(len(h) + len(fr.Data))
	}
	return n, sum.Sum32(), bw.Flush()
}

// frameReader decodes the frames of one fragment from exactly length bytes of r, checking their
// CRC-32C at the end.
type frameReader struct {
	r      *bufio.Reader
	sum    hash.Hash32
	left   int64 // bytes of the fragment not read yet
	want   uint32
	offset int64 // of the next frame, from the fragment's start
}

func newFrameReader(r io.Reader, length int64, crc uint32) *frameReader {
	sum := crc32.New(castagnoli)
	return &frameReader{r: bufio.NewReaderSize(io.TeeReader(io.LimitReader(r, length), sum), 64<<10), sum: sum, left: length, want: crc}
}

// errCorrupt is wrapped by the errors of a fragment whose bytes do not decode or do not match
// their checksum.
var errCorrupt = errors.New("store: corrupt fragment")

// next returns the next frame, or io.EOF after the last one once the checksum matched.
func (fr *frameReader) next() (Frame, error) {
	if fr.left == 0 {
		if got := fr.sum.Sum32(); got != fr.want {
			return Frame{}, fmt.Errorf("%w: checksum %08x, the index says %08x", errCorrupt, got, fr.want)
		}
		return Frame{}, io.EOF
	}
	start := fr.offset
	track, err := fr.uvarint()
	if err != nil {
		return Frame{}, fr.fail(start, "track", err)
	}
	tc, err := binary.ReadVarint(fr)
	if err != nil {
		return Frame{}, fr.fail(start, "timecode", err)
	}
	flags, err := fr.ReadByte()
	if err != nil || flags&^keyframeFlag != 0 {
		return Frame{}, fr.fail(start, "flags", err)
	}
	size, err := fr.uvarint()
	if err != nil {
		return Frame{}, fr.fail(start, "length", err)
	}
	if size > uint64(fr.left) {
		return Frame{}, fr.fail(start, "length", fmt.Errorf("%d bytes, %d left in the fragment", size, fr.left))
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(fr.r, data); err != nil {
		return Frame{}, fr.fail(start, "data", err)
	}
	fr.left -= int64(size)
	fr.offset += int64(size)
	return Frame{Track: track, Timecode: tc, Keyframe: flags == keyframeFlag, Data: data}, nil
}

func (fr *frameReader) uvarint() (uint64, error) { return binary.ReadUvarint(fr) }

// ReadByte reads one header byte, counting it against the fragment's length.
func (fr *frameReader) ReadByte() (byte, error) {
	if fr.left == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	b, err := fr.r.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	fr.left--
	fr.offset++
	return b, nil
}

func (fr *frameReader) fail(at int64, what string, err error) error {
	if err == nil {
		err = errors.New("invalid")
	}
	return fmt.Errorf("%w: the frame at byte %d: its %s: %v", errCorrupt, at, what, err)
}
