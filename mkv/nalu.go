package mkv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

var startCode = []byte{0, 0, 1}

// ErrNotAnnexB means the data does not begin with an Annex-B start code.
var ErrNotAnnexB = errors.New("mkv: not an Annex-B byte stream (no start code)")

// nextNALU returns the NAL unit that starts b (b begins just after a start
// code) and what follows its end: the next start code or the end of b. The
// zero bytes before a start code (trailing_zero_8bits, or the first byte
// of a 4-byte start code) are not part of the NAL unit.
func nextNALU(b []byte) (nalu, rest []byte) {
	i := bytes.Index(b, startCode)
	if i < 0 {
		nalu, rest = b, nil
	} else {
		nalu, rest = b[:i], b[i+3:]
	}
	for len(nalu) > 0 && nalu[len(nalu)-1] == 0 {
		nalu = nalu[:len(nalu)-1]
	}
	return nalu, rest
}

// annexBStart skips the leading zeros and the first start code of an
// Annex-B byte stream.
func annexBStart(b []byte) ([]byte, error) {
	i := 0
	for i < len(b) && b[i] == 0 {
		i++
	}
	if i < 2 || i >= len(b) || b[i] != 1 {
		return nil, ErrNotAnnexB
	}
	return b[i+1:], nil
}

// forEachNALU calls fn for each non-empty NAL unit of an Annex-B stream,
// stopping when fn returns false.
func forEachNALU(annexB []byte, fn func(nalu []byte) bool) error {
	b, err := annexBStart(annexB)
	if err != nil {
		return err
	}
	for len(b) > 0 {
		var nalu []byte
		nalu, b = nextNALU(b)
		if len(nalu) > 0 && !fn(nalu) {
			break
		}
	}
	return nil
}

// AppendLengthPrefixed converts an Annex-B byte stream (NAL units after
// 3- or 4-byte start codes, as encoders emit) into NAL units each preceded
// by its 4-byte big-endian length, the form Matroska and MP4 store, and
// appends them to dst. Every NAL unit is kept. It does not allocate when
// dst has room.
func AppendLengthPrefixed(dst, annexB []byte) ([]byte, error) {
	err := forEachNALU(annexB, func(nalu []byte) bool {
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(nalu)))
		dst = append(dst, nalu...)
		return true
	})
	return dst, err
}

// AppendAnnexB converts NAL units with 4-byte length prefixes into an
// Annex-B byte stream with 4-byte start codes and appends it to dst. On a
// length that overruns the data it returns dst unchanged and an error.
func AppendAnnexB(dst, lengthPrefixed []byte) ([]byte, error) {
	start := len(dst)
	for b := lengthPrefixed; len(b) > 0; {
		if len(b) < 4 {
			return dst[:start], fmt.Errorf("mkv: %d trailing bytes cannot hold a NAL unit length", len(b))
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return dst[:start], fmt.Errorf("mkv: NAL unit length %d overruns the %d bytes left", n, len(b)-4)
		}
		dst = append(dst, 0, 0, 0, 1)
		dst = append(dst, b[4:4+n]...)
		b = b[4+n:]
	}
	return dst, nil
}

// appendParamSetArray appends a count and 16-bit-length-prefixed NAL units,
// as decoder configuration records store parameter sets. countBits is the
// width of the count field (its other bits are set, being reserved).
func appendParamSetArray(dst []byte, sets [][]byte, countBits uint) ([]byte, error) {
	if err := checkParamSets(sets, countBits); err != nil {
		return dst, err
	}
	dst = append(dst, byte(len(sets))|^byte(1<<countBits-1))
	for _, ps := range sets {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(ps)))
		dst = append(dst, ps...)
	}
	return dst, nil
}

// checkParamSets checks that sets fit a decoder configuration record: a
// count of countBits bits and 16-bit lengths.
func checkParamSets(sets [][]byte, countBits uint) error {
	if len(sets) >= 1<<countBits {
		return invalidf("%d parameter sets, at most %d fit", len(sets), 1<<countBits-1)
	}
	for _, ps := range sets {
		if len(ps) > math.MaxUint16 {
			return invalidf("parameter set of %d bytes", len(ps))
		}
	}
	return nil
}

// readParamSetArray reads count 16-bit-length-prefixed NAL units from b.
func readParamSetArray(b []byte, count int) (sets [][]byte, rest []byte, err error) {
	for range count {
		if len(b) < 2 {
			return nil, nil, errors.New("parameter set length truncated")
		}
		n := int(binary.BigEndian.Uint16(b))
		if n > len(b)-2 {
			return nil, nil, fmt.Errorf("parameter set of %d bytes overruns the %d left", n, len(b)-2)
		}
		sets = append(sets, clone(b[2:2+n]))
		b = b[2+n:]
	}
	return sets, b, nil
}
