package mkv_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/mkv"
)

// TestSimpleTagsDirectlyInTags reads a Tags element laid out as the KVS producer SDK writes
// event metadata with pairs: a Tag, then SimpleTags directly in the Tags. They belong to the Tag
// before them; a SimpleTag before any Tag is skipped.
func TestSimpleTagsDirectlyInTags(t *testing.T) {
	simple := func(name, value string) []byte {
		b := append([]byte{0x45, 0xA3, 0x80 | byte(len(name))}, name...)
		b = append(b, 0x44, 0x87, 0x80|byte(len(value)))
		b = append(b, value...)
		return append([]byte{0x67, 0xC8, 0x80 | byte(len(b))}, b...)
	}
	tag := simple("EVENT", "")
	tag = append([]byte{0x73, 0x73, 0x80 | byte(len(tag))}, tag...)
	inner := append(simple("orphan", "x"), tag...)
	inner = append(inner, simple("k1", "v1")...)
	inner = append(inner, simple("k2", "v2")...)
	tags := append([]byte{0x12, 0x54, 0xC3, 0x67, 0x80 | byte(len(inner))}, inner...)

	doc, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	if err != nil {
		t.Fatal(err)
	}
	r := mkv.NewReader(bytes.NewReader(append(doc, tags...)))
	for {
		ev, err := r.Next()
		if err != nil {
			t.Fatalf("no Tags: %v", err)
		}
		if ev.Kind != mkv.KindTags {
			continue
		}
		if len(ev.Tags) != 1 {
			t.Fatalf("%d Tags, want 1", len(ev.Tags))
		}
		var got []string
		for _, st := range ev.Tags[0].SimpleTags {
			got = append(got, st.Name+"="+st.String)
		}
		if want := "EVENT= k1=v1 k2=v2"; strings.Join(got, " ") != want {
			t.Fatalf("SimpleTags %q, want %q", got, want)
		}
		return
	}
}
