package mkv

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

// UnknownSize, passed as a size, asks for an element of unknown size: one
// that ends where the next element of the same or a higher level starts.
const UnknownSize = -1

// maxKnownSize is the largest data size an 8-octet VINT can carry; the
// all-ones value above it is reserved for "unknown".
const maxKnownSize = 1<<56 - 2

// vintLen returns the length of a VINT from its first octet: the number of
// leading zero bits plus one, or 0 when the octet is zero (a length beyond
// 8 octets, which EBML does not allow).
func vintLen(first byte) int {
	if first == 0 {
		return 0
	}
	return bits.LeadingZeros8(first) + 1
}

// readVint decodes a VINT of length l from b (len(b) >= l) with its marker
// bit removed. all reports whether every data bit was one (the reserved
// "unknown size" value).
func readVint(b []byte, l int) (v uint64, all bool) {
	v = uint64(b[0]) & (0xFF >> l)
	for i := 1; i < l; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, v == 1<<(7*l)-1
}

// readID decodes an element ID of at most 4 octets, keeping its marker
// bit. It returns the ID's length, or 0 when the octets cannot start an ID:
// a zero first octet, a length over 4, or a reserved all-ones value.
func readID(b []byte) (id uint32, n int) {
	n = vintLen(b[0])
	if n == 0 || n > 4 || len(b) < n {
		return 0, 0
	}
	for i := 0; i < n; i++ {
		id = id<<8 | uint32(b[i])
	}
	if _, all := readVint(b, n); all {
		return 0, 0
	}
	return id, n
}

// sizeLen is the length of the shortest VINT that holds n as a known size.
func sizeLen(n uint64) int {
	l := 1
	for l < 8 && n >= 1<<(7*l)-1 {
		l++
	}
	return l
}

// idLen is the encoded length of an element ID.
func idLen(id uint32) int {
	switch {
	case id >= 1<<24:
		return 4
	case id >= 1<<16:
		return 3
	case id >= 1<<8:
		return 2
	}
	return 1
}

// appendID appends an element ID.
func appendID(b []byte, id uint32) []byte {
	switch idLen(id) {
	case 4:
		return append(b, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	case 3:
		return append(b, byte(id>>16), byte(id>>8), byte(id))
	case 2:
		return append(b, byte(id>>8), byte(id))
	}
	return append(b, byte(id))
}

// appendSize appends n as a VINT of the shortest length. n must not exceed
// maxKnownSize; a negative n appends the one-octet unknown size.
func appendSize(b []byte, n int64) []byte {
	if n < 0 {
		return append(b, 0xFF)
	}
	l := sizeLen(uint64(n))
	v := uint64(n) | 1<<(7*l)
	for i := l - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// appendHead appends an element's ID and data size.
func appendHead(b []byte, id uint32, size int64) []byte {
	return appendSize(appendID(b, id), size)
}

// uintLen is the number of octets needed for v, at least one.
func uintLen(v uint64) int {
	if v == 0 {
		return 1
	}
	return (bits.Len64(v) + 7) / 8
}

// appendUint appends an unsigned integer element in its shortest form. Zero
// takes one octet rather than none: an empty integer means the element's
// default value, which is not zero for every element.
func appendUint(b []byte, id uint32, v uint64) []byte {
	l := uintLen(v)
	b = appendHead(b, id, int64(l))
	for i := l - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// appendBytes appends an element whose data is s (string or binary).
func appendBytes[T string | []byte](b []byte, id uint32, s T) []byte {
	return append(appendHead(b, id, int64(len(s))), s...)
}

// appendFloat appends a float element: 4 octets when the value survives a
// round trip through float32, 8 otherwise.
func appendFloat(b []byte, id uint32, f float64) []byte {
	if f32 := float32(f); float64(f32) == f {
		return binary.BigEndian.AppendUint32(appendHead(b, id, 4), math.Float32bits(f32))
	}
	return binary.BigEndian.AppendUint64(appendHead(b, id, 8), math.Float64bits(f))
}

// masterStart appends a master element's ID and reserves 8 octets for its
// size; masterEnd then writes the size in the shortest form and moves the
// children back over the unused octets.
func masterStart(b []byte, id uint32) (out []byte, mark int) {
	b = appendID(b, id)
	return append(b, 0, 0, 0, 0, 0, 0, 0, 0), len(b)
}

func masterEnd(b []byte, mark int) []byte {
	body := len(b) - mark - 8
	l := sizeLen(uint64(body))
	appendSize(b[mark:mark], int64(body))
	copy(b[mark+l:], b[mark+8:])
	return b[:len(b)-8+l]
}

var (
	errIDOctet    = errors.New("invalid element ID: first octet is zero or ID longer than 4 octets")
	errReservedID = errors.New("reserved element ID (all value bits set)")
	errSizeVint   = errors.New("invalid data size: VINT longer than 8 octets")
)

// parseHead decodes the element header at the start of b. When b is too
// short it returns, with no error, how many bytes it needs at least; the
// count grows as the ID and size lengths become known, so a streaming
// caller never asks for bytes beyond the header.
func parseHead(b []byte) (id uint32, size int64, hlen, need int, err error) {
	if len(b) == 0 {
		return 0, 0, 0, 1, nil
	}
	n := vintLen(b[0])
	if n == 0 || n > 4 {
		return 0, 0, 0, 0, errIDOctet
	}
	if len(b) < n+1 {
		return 0, 0, 0, n + 1, nil
	}
	if id, _ = readID(b); id == 0 {
		return 0, 0, 0, 0, errReservedID
	}
	sl := vintLen(b[n])
	if sl == 0 {
		return id, 0, 0, 0, errSizeVint
	}
	if len(b) < n+sl {
		return id, 0, 0, n + sl, nil
	}
	v, all := readVint(b[n:], sl)
	if all {
		return id, UnknownSize, n + sl, 0, nil
	}
	return id, int64(v), n + sl, 0, nil
}
