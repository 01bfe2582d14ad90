package archived

import (
	"encoding/binary"
	"fmt"
)

// MaxClipBoxes bounds the number of MP4 boxes ParseClip decodes. A clip of the service's
// largest size (200 fragments) has a few thousand; the bound keeps the decoder's memory
// proportional to a small multiple of the input even for a file made only of box headers.
const MaxClipBoxes = 1 << 18

// boxRole says what ParseClip's pre-scan does with a box, given where it sits.
type boxRole uint8

const (
	// roleSkip boxes are not needed: the pre-scan renames them to "free", so the decoder
	// keeps their bytes (the file's offsets stay valid) but never looks inside them.
	roleSkip boxRole = iota
	// roleLeaf boxes are decoded, and have no child boxes.
	roleLeaf
	// roleContainer boxes hold child boxes right after their header.
	roleContainer
	// roleStsd is the sample description box: version, flags and an entry count, then the
	// sample entries.
	roleStsd
	// roleVisualEntry and roleAudioEntry are sample entries: fixed fields, then child boxes
	// (the decoder configuration among them).
	roleVisualEntry
	roleAudioEntry
)

// Layout of the boxes the pre-scan looks into (ISO/IEC 14496-12).
const (
	boxHeaderLen     = 8
	largeBoxHeader   = 16
	stsdFieldsLen    = 8  // version and flags, entry count
	visualEntryLen   = 78 // sample entry (8) and visual sample entry (70) fields
	audioEntryLen    = 28 // sample entry (8) and audio sample entry (20) fields
	qtVersionOffset  = 8  // QuickTime sound description version, within the audio fields
	qtV1ExtraLen     = 16 // fields a QuickTime version 1 sound description adds
	qtV2ExtraLen     = 36 // and version 2
	qtV2MarkerOffset = audioEntryLen + 16
	qtV2Marker       = 0x7F000000
)

// clipBoxRole is the schema of what ParseClip reads: for each parent (the file is ""), the
// children it decodes. Everything else is skipped, so the decoder's nesting is at most the
// depth of this schema (eight boxes) whatever the input holds.
func clipBoxRole(parent, child string) boxRole {
	switch parent {
	case "":
		switch child {
		case "moov", "moof":
			return roleContainer
		case "ftyp", "styp", "mdat", "free", "skip":
			return roleLeaf
		}
	case "moov":
		switch child {
		case "trak", "mvex":
			return roleContainer
		case "mvhd":
			return roleLeaf
		}
	case "trak":
		switch child {
		case "mdia":
			return roleContainer
		case "tkhd":
			return roleLeaf
		}
	case "mdia":
		switch child {
		case "minf":
			return roleContainer
		case "mdhd", "hdlr":
			return roleLeaf
		}
	case "minf":
		switch child {
		case "stbl":
			return roleContainer
		}
	case "stbl":
		switch child {
		case "stsd":
			return roleStsd
		case "stts", "ctts", "stss", "stsc", "stsz", "stco", "co64":
			return roleLeaf
		}
	case "stsd":
		switch child {
		case "avc1", "avc3", "hvc1", "hev1", "av01", "vp08", "vp09", "mp4v", "encv":
			return roleVisualEntry
		case "mp4a", "enca", "ac-3", "ec-3", "Opus", "fLaC":
			return roleAudioEntry
		}
	case "mvex":
		switch child {
		case "trex", "mehd":
			return roleLeaf
		}
	case "moof":
		switch child {
		case "traf":
			return roleContainer
		case "mfhd":
			return roleLeaf
		}
	case "traf":
		switch child {
		case "tfhd", "tfdt", "trun":
			return roleLeaf
		}
	default:
		if child == "avcC" || child == "hvcC" || child == "esds" {
			return roleLeaf // in a sample entry
		}
	}
	return roleSkip
}

// clipScan is the pre-scan of a clip's box tree ParseClip runs before decoding: it checks
// that every box it will decode lies within its parent, counts them against MaxClipBoxes,
// and renames the boxes it will not decode to "free" in place. It takes time linear in the
// number of boxes and never recurses deeper than the schema.
type clipScan struct {
	data  []byte
	boxes int
	moovs int
	// codecs holds the type of the first sample entry of each track of the moov box, in
	// order, as the file has it (a skipped entry reads as "free" to the decoder).
	codecs []string
}

// scanClip pre-scans data (modifying it as described at clipScan) and returns the sample
// entry types of its tracks.
func scanClip(data []byte) ([]string, error) {
	s := &clipScan{data: data}
	if err := s.children("", 0, len(data)); err != nil {
		return nil, err
	}
	return s.codecs, nil
}

// children walks the boxes of parent that lie in data[start:end].
func (s *clipScan) children(parent string, start, end int) error {
	var singles []string
	for pos := start; pos < end; {
		typ, size, hdr, err := s.header(parent, pos, end)
		if err != nil {
			return err
		}
		if s.boxes++; s.boxes > MaxClipBoxes {
			return fmt.Errorf("archived: the clip has more than %d boxes", MaxClipBoxes)
		}
		role := clipBoxRole(parent, typ)
		if role >= roleContainer && parent != "" && parent != "moov" && parent != "moof" {
			for _, t := range singles {
				if t == typ {
					return fmt.Errorf("archived: box %s holds a second %s box (at offset %d)", parent, typ, pos)
				}
			}
			singles = append(singles, typ)
		}
		body, next := pos+hdr, pos+size
		switch role {
		case roleSkip:
			copy(s.data[pos+4:pos+8], "free")
		case roleContainer:
			if typ == "moov" {
				if s.moovs++; s.moovs > 1 {
					return fmt.Errorf("archived: a second moov box at offset %d", pos)
				}
			}
			if typ == "trak" && parent == "moov" {
				s.codecs = append(s.codecs, "")
			}
			err = s.children(typ, body, next)
		case roleStsd:
			if next-body < stsdFieldsLen {
				return fmt.Errorf("archived: box stsd at offset %d is too short (%d bytes)", pos, size)
			}
			err = s.entries(body+stsdFieldsLen, next)
		case roleVisualEntry:
			if next-body < visualEntryLen {
				return fmt.Errorf("archived: sample entry %s at offset %d is too short (%d bytes)", typ, pos, size)
			}
			err = s.children(typ, body+visualEntryLen, next)
		case roleAudioEntry:
			err = s.audioEntry(typ, pos, body, next)
		}
		if err != nil {
			return err
		}
		pos = next
	}
	return nil
}

// header reads the header of the box at data[pos:], which must end by end.
func (s *clipScan) header(parent string, pos, end int) (typ string, size, hdr int, err error) {
	where := "the file"
	if parent != "" {
		where = "box " + parent
	}
	if end-pos < boxHeaderLen {
		return "", 0, 0, fmt.Errorf("archived: %d stray bytes at offset %d of %s", end-pos, pos, where)
	}
	typ, size64, hdr := string(s.data[pos+4:pos+8]), uint64(binary.BigEndian.Uint32(s.data[pos:])), boxHeaderLen
	switch size64 {
	case 0:
		return "", 0, 0, fmt.Errorf("archived: box %q at offset %d has size 0 (up to the end of the file), which is not supported", typ, pos)
	case 1:
		if typ != "mdat" || end-pos < largeBoxHeader {
			return "", 0, 0, fmt.Errorf("archived: box %q at offset %d has a 64-bit size, which only mdat may have", typ, pos)
		}
		size64, hdr = binary.BigEndian.Uint64(s.data[pos+8:]), largeBoxHeader
	}
	if size64 < uint64(hdr) || size64 > uint64(end-pos) {
		return "", 0, 0, fmt.Errorf("archived: box %q at offset %d has size %d, but %s has %d bytes left", typ, pos, size64, where, end-pos)
	}
	return typ, int(size64), hdr, nil
}

// entries walks the sample entries of an stsd box, recording the first one's type.
func (s *clipScan) entries(start, end int) error {
	if start < end && len(s.codecs) > 0 && s.codecs[len(s.codecs)-1] == "" {
		typ, _, _, err := s.header("stsd", start, end)
		if err != nil {
			return err
		}
		s.codecs[len(s.codecs)-1] = typ
	}
	return s.children("stsd", start, end)
}

// audioEntry walks an audio sample entry. The decoder would look for child boxes both where a
// QuickTime version 1 or 2 sound description puts them and where ISO puts them; the pre-scan
// picks the layout whose children fill the entry and rewrites the entry into ISO form (the
// QuickTime fields become a free box, the version 0), so the decoder reads only what was
// checked.
func (s *clipScan) audioEntry(typ string, pos, body, end int) error {
	if end-body < audioEntryLen {
		return fmt.Errorf("archived: sample entry %s at offset %d is too short (%d bytes)", typ, pos, end-pos)
	}
	extra := 0
	switch binary.BigEndian.Uint16(s.data[body+qtVersionOffset:]) {
	case 1:
		extra = qtV1ExtraLen
	case 2:
		if end-body >= qtV2MarkerOffset+4 && binary.BigEndian.Uint32(s.data[body+qtV2MarkerOffset:]) == qtV2Marker {
			extra = qtV2ExtraLen
		}
	}
	if extra > 0 && (end-body < audioEntryLen+extra || !s.tiles(body+audioEntryLen+extra, end)) {
		extra = 0
	}
	binary.BigEndian.PutUint16(s.data[body+qtVersionOffset:], 0)
	if extra > 0 {
		free := s.data[body+audioEntryLen:]
		binary.BigEndian.PutUint32(free, uint32(extra))
		copy(free[4:8], "free")
	}
	return s.children(typ, body+audioEntryLen, end)
}

// tiles reports whether data[start:end] is a sequence of well-formed box headers that
// exactly fills it.
func (s *clipScan) tiles(start, end int) bool {
	for pos := start; pos < end; {
		_, size, _, err := s.header("", pos, end)
		if err != nil {
			return false
		}
		pos += size
	}
	return true
}
