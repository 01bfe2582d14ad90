package mkv

import (
	"fmt"
	"strings"
)

// Helpers that build EBML by hand for reader tests.

// el builds an element of known size from its children.
func el(id uint32, children ...[]byte) []byte {
	body := join(children...)
	return append(appendHead(nil, id, int64(len(body))), body...)
}

// unk builds an element of unknown size.
func unk(id uint32, children ...[]byte) []byte {
	return append(appendHead(nil, id, UnknownSize), join(children...)...)
}

// wide builds an element whose size takes all 8 octets.
func wide(id uint32, children ...[]byte) []byte {
	body := join(children...)
	b := appendID(nil, id)
	b = append(b, 0x01, 0, 0, 0, 0, 0, 0, byte(len(body)))
	return append(b, body...)
}

func u(id uint32, v uint64) []byte { return appendUint(nil, id, v) }

func str(id uint32, s string) []byte { return appendBytes(nil, id, s) }

func join(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// ebmlHead is a minimal EBML header.
var ebmlHead = el(idEBML, str(idDocType, "matroska"), u(idDocTypeVersion, 4))

// sblock builds a SimpleBlock for track 1.
func sblock(rel int16, flags byte, data ...byte) []byte {
	return el(idSimpleBlock, []byte{0x81, byte(uint16(rel) >> 8), byte(rel), flags}, data)
}

// summary renders events compactly for comparisons.
func summary(evs []Event) string {
	var sb strings.Builder
	for _, ev := range evs {
		switch ev.Kind {
		case KindDocumentStart:
			sb.WriteString("Doc ")
		case KindInfo:
			fmt.Fprintf(&sb, "Info(%d) ", ev.Info.TimecodeScale)
		case KindTracks:
			fmt.Fprintf(&sb, "Tracks(%d) ", len(ev.Tracks))
		case KindTags:
			fmt.Fprintf(&sb, "Tags(%s:%s) ", ev.TagsPosition.String()[:1], ev.Tags[0].SimpleTags[0].Name)
		case KindClusterStart:
			fmt.Fprintf(&sb, "C(%d) ", ev.Cluster.Timecode)
		case KindFrame:
			k := ""
			if ev.Frame.Keyframe {
				k = "k"
			}
			fmt.Fprintf(&sb, "F%d@%d%s:%x ", ev.Frame.Track, ev.Frame.Timecode, k, ev.Frame.Data)
		case KindClusterEnd:
			sb.WriteString("/C ")
		case KindDocumentEnd:
			sb.WriteString("/Doc ")
		}
	}
	return strings.TrimSpace(sb.String())
}
