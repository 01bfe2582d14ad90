// Package hostile builds hostile inputs for the SDK's parsers: inputs small on the wire that
// make a careless parser recurse without bound, run for minutes, or allocate gigabytes. The
// parsers' tests and fuzz targets take their seeds from here, and the package's own tests run
// each input against its parser in a child process with a memory limit, measuring peak RSS.
package hostile

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// NestedBoxes returns an MP4 file of an ftyp box and a moov box that holds depth boxes of type
// typ, each inside the previous one: 8 bytes per level.
func NestedBoxes(depth int, typ string) []byte {
	ftyp := []byte("\x00\x00\x00\x10ftypisom\x00\x00\x02\x00")
	out := make([]byte, 0, len(ftyp)+8+8*depth)
	out = append(out, ftyp...)
	out = appendBoxHeader(out, 8+8*uint32(depth), "moov")
	for i := range depth {
		out = appendBoxHeader(out, 8*uint32(depth-i), typ)
	}
	return out
}

// ManyBoxes returns an MP4 file of an ftyp box and a moov box that holds n empty boxes of type
// typ side by side.
func ManyBoxes(n int, typ string) []byte {
	out := []byte("\x00\x00\x00\x10ftypisom\x00\x00\x02\x00")
	out = appendBoxHeader(out, 8+8*uint32(n), "moov")
	for range n {
		out = appendBoxHeader(out, 8, typ)
	}
	return out
}

func appendBoxHeader(b []byte, size uint32, typ string) []byte {
	b = binary.BigEndian.AppendUint32(b, size)
	return append(b, typ...)
}

// Matroska element IDs used below.
const (
	idEBML          = 0x1A45DFA3
	idDocType       = 0x4282
	idSegment       = 0x18538067
	idInfo          = 0x1549A966
	idTimecodeScale = 0x2AD7B1
	idTracks        = 0x1654AE6B
	idTrackEntry    = 0xAE
	idTrackNumber   = 0xD7
	idTrackUID      = 0x73C5
	idTrackType     = 0x83
	idCodecID       = 0x86
	idCluster       = 0x1F43B675
	idTimecode      = 0xE7
	idSimpleBlock   = 0xA3
	unknownSize     = 0x01FFFFFFFFFFFFFF
)

// MKVHeader returns the start of a KVS-style MKV document: EBML header, a Segment of unknown
// size, Info (TimecodeScale 1 ms) and Tracks with one video track (number 1, V_MPEG4/ISO/AVC).
func MKVHeader() []byte {
	var b []byte
	b = appendElement(b, idEBML, appendElement(nil, idDocType, []byte("matroska")))
	b = appendID(b, idSegment)
	b = binary.BigEndian.AppendUint64(b, unknownSize)
	b = appendElement(b, idInfo, appendElement(nil, idTimecodeScale, []byte{0x0F, 0x42, 0x40}))
	entry := appendElement(nil, idTrackNumber, []byte{1})
	entry = appendElement(entry, idTrackUID, []byte{1})
	entry = appendElement(entry, idTrackType, []byte{1})
	entry = appendElement(entry, idCodecID, []byte("V_MPEG4/ISO/AVC"))
	return appendElement(b, idTracks, appendElement(nil, idTrackEntry, entry))
}

// OneByteFrames returns one KVS-style MKV document whose single cluster (of unknown size)
// holds frames SimpleBlocks of one byte each: 7 bytes of input per frame, the smallest frame
// Matroska can carry. The first frame is a key frame; block timecodes count up and wrap
// within the int16 range.
func OneByteFrames(frames int) []byte {
	b := MKVHeader()
	b = appendID(b, idCluster)
	b = binary.BigEndian.AppendUint64(b, unknownSize)
	b = appendElement(b, idTimecode, []byte{0})
	var out bytes.Buffer
	out.Grow(len(b) + 7*frames)
	out.Write(b)
	block := []byte{idSimpleBlock, 0x85, 0x81, 0, 0, 0x80, 0x00}
	for i := range frames {
		binary.BigEndian.PutUint16(block[3:5], uint16(i%32768))
		if i == 1 {
			block[5] = 0
		}
		block[6] = byte(i)
		out.Write(block)
	}
	return out.Bytes()
}

// HugeElement returns an MKV document header followed by an element with the given ID that
// claims size bytes (the input ends long before).
func HugeElement(id uint32, size uint64) []byte {
	b := MKVHeader()
	b = appendID(b, id)
	return binary.BigEndian.AppendUint64(b, 0x0100000000000000|size)
}

func appendID(b []byte, id uint32) []byte {
	switch {
	case id > 0xFFFFFF:
		return binary.BigEndian.AppendUint32(b, id)
	case id > 0xFFFF:
		return append(b, byte(id>>16), byte(id>>8), byte(id))
	case id > 0xFF:
		return append(b, byte(id>>8), byte(id))
	}
	return append(b, byte(id))
}

// appendElement appends an element with an 8-byte size.
func appendElement(b []byte, id uint32, body []byte) []byte {
	b = appendID(b, id)
	b = binary.BigEndian.AppendUint64(b, 0x0100000000000000|uint64(len(body)))
	return append(b, body...)
}

// NestedJSON returns depth nested JSON arrays, opened and never closed when open is true:
// "[[[[…".
func NestedJSON(depth int, open bool) []byte {
	s := strings.Repeat("[", depth)
	if !open {
		s += strings.Repeat("]", depth)
	}
	return []byte(s)
}

// NestedJSONObject returns depth nested JSON objects under the key key: {"key":{"key":{…}}}.
func NestedJSONObject(depth int, key string) []byte {
	open := `{"` + key + `":`
	return []byte(strings.Repeat(open, depth) + "{}" + strings.Repeat("}", depth))
}

// UnendedAck returns an acknowledgement stream of one object that opens and never closes,
// padded to size bytes.
func UnendedAck(size int) []byte {
	b := make([]byte, size)
	copy(b, `{"EventType":"PERSISTED","FragmentNumber":"`)
	for i := 43; i < size; i++ {
		b[i] = '9'
	}
	return b
}

// ManyAcks returns n tiny acknowledgement objects (`{}`, which carry no event type) followed by
// one PERSISTED acknowledgement.
func ManyAcks(n int) []byte {
	return []byte(strings.Repeat("{}\n", n) + `{"EventType":"PERSISTED","FragmentTimecode":1,"FragmentNumber":"1"}` + "\n")
}
