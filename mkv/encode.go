package mkv

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// AppName is what the writer puts in MuxingApp and WritingApp when the
// caller leaves them empty.
const AppName = "kvsgo"

// EndOfFragmentTagName is the SimpleTag name that the KVS producer SDK
// (PIC, EOFR_METADATA_NAME) sends, with an empty string value, in a Tags
// element of its own to close the open fragment when no frame has come
// for a while. Tags is a level-1 element, so it also ends an open Cluster
// of unknown size.
const EndOfFragmentTagName = "AWS_KINESISVIDEO_END_OF_FRAGMENT"

// MaxTracks is the most tracks a writer accepts: the limit of KVS.
const MaxTracks = 3

// ebmlHeader is the EBML header every document starts with: EBML version 1,
// IDs up to 4 octets, sizes up to 8, DocType "matroska" version 2 (the
// first with SimpleBlock; nothing newer is written).
var ebmlHeader = func() []byte {
	b, mark := masterStart(nil, idEBML)
	b = appendUint(b, idEBMLVersion, 1)
	b = appendUint(b, idEBMLReadVersion, 1)
	b = appendUint(b, idEBMLMaxIDLength, 4)
	b = appendUint(b, idEBMLMaxSizeLength, 8)
	b = appendBytes(b, idDocType, "matroska")
	b = appendUint(b, idDocTypeVersion, 2)
	b = appendUint(b, idDocTypeReadVersion, 2)
	return masterEnd(b, mark)
}()

// endOfFragment is the encoded end-of-fragment Tags element.
var endOfFragment, _ = AppendTags(nil, []Tag{{SimpleTags: []SimpleTag{{Name: EndOfFragmentTagName}}}})

// AppendHeader appends what opens a stream: the EBML header, a Segment of
// unknown size, Info and Tracks. An empty SegmentUID is replaced by a
// random one, a zero TimecodeScale by 1 ms, empty MuxingApp and WritingApp
// by AppName, and a zero track UID by the track number. Fields the caller
// set are written even where they equal a Matroska default. On error dst
// is returned unchanged. It does not allocate when dst has room.
func AppendHeader(dst []byte, info Info, tracks []TrackEntry) ([]byte, error) {
	if err := checkInfo(&info); err != nil {
		return dst, err
	}
	if err := checkTracks(tracks); err != nil {
		return dst, err
	}
	dst = append(dst, ebmlHeader...)
	dst = appendHead(dst, idSegment, UnknownSize)
	dst = appendInfo(dst, &info)
	b, mark := masterStart(dst, idTracks)
	for i := range tracks {
		b = appendTrackEntry(b, &tracks[i])
	}
	return masterEnd(b, mark), nil
}

func checkInfo(info *Info) error {
	if n := len(info.SegmentUID); n != 0 && n != 16 {
		return invalidf("SegmentUID is %d bytes, want 16", n)
	}
	if info.Duration < 0 || math.IsNaN(info.Duration) || math.IsInf(info.Duration, 0) {
		return invalidf("Duration %v", info.Duration)
	}
	return nil
}

func appendInfo(dst []byte, info *Info) []byte {
	b, mark := masterStart(dst, idInfo)
	scale := info.TimecodeScale
	if scale == 0 {
		scale = DefaultTimecodeScale
	}
	b = appendUint(b, idTimecodeScale, scale)
	if len(info.SegmentUID) == 16 {
		b = appendBytes(b, idSegmentUID, info.SegmentUID)
	} else {
		b = appendHead(b, idSegmentUID, 16)
		for range 2 {
			v := rand.Uint64()
			b = append(b, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
		}
	}
	if info.Title != "" {
		b = appendBytes(b, idTitle, info.Title)
	}
	b = appendBytes(b, idMuxingApp, orDefault(info.MuxingApp, AppName))
	b = appendBytes(b, idWritingApp, orDefault(info.WritingApp, AppName))
	if info.Duration > 0 {
		b = appendFloat(b, idDuration, info.Duration)
	}
	return masterEnd(b, mark)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func checkTracks(tracks []TrackEntry) error {
	if len(tracks) == 0 || len(tracks) > MaxTracks {
		return invalidf("%d tracks, want 1 to %d", len(tracks), MaxTracks)
	}
	for i := range tracks {
		t := &tracks[i]
		switch {
		case t.Number == 0 || t.Number > maxKnownSize:
			return invalidf("track %d: number %d", i, t.Number)
		case t.Type == 0:
			return invalidf("track %d: no type", t.Number)
		case t.CodecID == "":
			return invalidf("track %d: no CodecID", t.Number)
		case t.Audio.SamplingFrequency < 0 || math.IsNaN(t.Audio.SamplingFrequency) || math.IsInf(t.Audio.SamplingFrequency, 0):
			return invalidf("track %d: sampling frequency %v", t.Number, t.Audio.SamplingFrequency)
		}
		for j := range i {
			if tracks[j].Number == t.Number {
				return invalidf("track number %d used twice", t.Number)
			}
		}
	}
	return nil
}

func appendTrackEntry(dst []byte, t *TrackEntry) []byte {
	b, mark := masterStart(dst, idTrackEntry)
	b = appendUint(b, idTrackNumber, t.Number)
	uid := t.UID
	if uid == 0 {
		uid = t.Number
	}
	b = appendUint(b, idTrackUID, uid)
	b = appendUint(b, idTrackType, uint64(t.Type))
	if t.Name != "" {
		b = appendBytes(b, idName, t.Name)
	}
	b = appendBytes(b, idCodecID, t.CodecID)
	if len(t.CodecPrivate) > 0 {
		b = appendBytes(b, idCodecPrivate, t.CodecPrivate)
	}
	if t.DefaultDuration != 0 {
		b = appendUint(b, idDefaultDuration, t.DefaultDuration)
	}
	if v := t.Video; v.PixelWidth != 0 || v.PixelHeight != 0 {
		vb, vmark := masterStart(b, idVideo)
		vb = appendUint(vb, idPixelWidth, v.PixelWidth)
		vb = appendUint(vb, idPixelHeight, v.PixelHeight)
		b = masterEnd(vb, vmark)
	}
	if a := t.Audio; a.SamplingFrequency != 0 || a.Channels != 0 || a.BitDepth != 0 {
		ab, amark := masterStart(b, idAudio)
		if a.SamplingFrequency != 0 {
			ab = appendFloat(ab, idSamplingFrequency, a.SamplingFrequency)
		}
		if a.Channels != 0 {
			ab = appendUint(ab, idChannels, a.Channels)
		}
		if a.BitDepth != 0 {
			ab = appendUint(ab, idBitDepth, a.BitDepth)
		}
		b = masterEnd(ab, amark)
	}
	return masterEnd(b, mark)
}

// AppendTags appends one Tags element holding tags. Each Tag needs at
// least one SimpleTag and each SimpleTag a name; Targets is always written
// (RFC 9559 makes it mandatory), empty when the Tag applies to the whole
// segment. A SimpleTag with a nil Binary carries its String, even an empty
// one. On error dst is returned unchanged. It does not allocate when dst
// has room.
func AppendTags(dst []byte, tags []Tag) ([]byte, error) {
	if len(tags) == 0 {
		return dst, invalidf("Tags needs at least one Tag")
	}
	start := len(dst)
	b, mark := masterStart(dst, idTags)
	for i := range tags {
		t := &tags[i]
		if len(t.SimpleTags) == 0 {
			return dst[:start], invalidf("Tag %d has no SimpleTag", i)
		}
		var tmark int
		b, tmark = masterStart(b, idTag)
		b = appendTargets(b, &t.Targets)
		var err error
		if b, err = appendSimpleTags(b, t.SimpleTags, 1); err != nil {
			return dst[:start], err
		}
		b = masterEnd(b, tmark)
	}
	return masterEnd(b, mark), nil
}

func appendTargets(dst []byte, t *Targets) []byte {
	b, mark := masterStart(dst, idTargets)
	if t.TypeValue != 0 {
		b = appendUint(b, idTargetTypeValue, t.TypeValue)
	}
	if t.Type != "" {
		b = appendBytes(b, idTargetType, t.Type)
	}
	for _, uid := range t.TrackUIDs {
		b = appendUint(b, idTagTrackUID, uid)
	}
	return masterEnd(b, mark)
}

func appendSimpleTags(b []byte, tags []SimpleTag, depth int) ([]byte, error) {
	if depth > maxTagDepth {
		return b, invalidf("SimpleTags nested deeper than %d", maxTagDepth)
	}
	for i := range tags {
		st := &tags[i]
		if st.Name == "" {
			return b, invalidf("SimpleTag without a name")
		}
		var mark int
		b, mark = masterStart(b, idSimpleTag)
		b = appendBytes(b, idTagName, st.Name)
		if st.Language != "" {
			b = appendBytes(b, idTagLanguage, st.Language)
		}
		if st.Binary != nil {
			b = appendBytes(b, idTagBinary, st.Binary)
		} else {
			b = appendBytes(b, idTagString, st.String)
		}
		var err error
		if b, err = appendSimpleTags(b, st.Nested, depth+1); err != nil {
			return b, err
		}
		b = masterEnd(b, mark)
	}
	return b, nil
}

// AppendEndOfFragment appends the Tags element that marks the end of a
// fragment the way the KVS producer SDK does: one SimpleTag named
// EndOfFragmentTagName with an empty string.
func AppendEndOfFragment(dst []byte) []byte {
	return append(dst, endOfFragment...)
}

// AppendClusterStart appends the start of a Cluster and its Timecode (in
// TimecodeScale units, not negative). blocksSize is the total size of the
// blocks that will follow, or UnknownSize for a cluster that stays open
// until the next level-1 element, as a live stream needs.
func AppendClusterStart(dst []byte, timecode, blocksSize int64) ([]byte, error) {
	if timecode < 0 {
		return dst, invalidf("cluster timecode %d is negative", timecode)
	}
	size := int64(UnknownSize)
	if blocksSize >= 0 {
		size = int64(idLen(idTimecode)+1+uintLen(uint64(timecode))) + blocksSize
		if size > maxKnownSize {
			return dst, invalidf("cluster of %d bytes", size)
		}
	}
	dst = appendHead(dst, idCluster, size)
	return appendUint(dst, idTimecode, uint64(timecode)), nil
}

// AppendSimpleBlock appends f as a SimpleBlock of the cluster whose
// timecode is clusterTimecode. f.Timecode minus clusterTimecode must fit in
// an int16; otherwise the error wraps ErrTimecodeRange and nothing is
// appended. It does not allocate when dst has room.
func AppendSimpleBlock(dst []byte, clusterTimecode int64, f Frame) ([]byte, error) {
	dst, err := AppendSimpleBlockHeader(dst, clusterTimecode, f, len(f.Data))
	if err != nil {
		return dst, err
	}
	return append(dst, f.Data...), nil
}

// AppendSimpleBlockHeader appends what [AppendSimpleBlock] appends before
// the frame's bytes (the element header, track number, relative timecode
// and flags; 16 bytes at most) for a frame of dataLen bytes, for a caller
// that writes those bytes after it itself, in pieces or from memory it
// already holds. f.Data is not read. Errors are those of AppendSimpleBlock.
func AppendSimpleBlockHeader(dst []byte, clusterTimecode int64, f Frame, dataLen int) ([]byte, error) {
	if clusterTimecode < 0 {
		return dst, invalidf("cluster timecode %d is negative", clusterTimecode)
	}
	rel := f.Timecode - clusterTimecode // wraps only when f.Timecode < 0
	if rel < math.MinInt16 || rel > math.MaxInt16 || (f.Timecode < 0 && rel >= 0) {
		return dst, fmt.Errorf("%w: frame %d, cluster %d", ErrTimecodeRange, f.Timecode, clusterTimecode)
	}
	if f.Track == 0 || f.Track > maxKnownSize {
		return dst, invalidf("track number %d", f.Track)
	}
	flags := byte(0)
	if f.Keyframe {
		flags |= 0x80
	}
	if f.Invisible {
		flags |= 0x08
	}
	if f.Discardable {
		flags |= 0x01
	}
	dst = appendHead(dst, idSimpleBlock, int64(sizeLen(f.Track)+3+dataLen))
	dst = appendSize(dst, int64(f.Track))
	return append(dst, byte(uint16(rel)>>8), byte(rel), flags), nil
}
