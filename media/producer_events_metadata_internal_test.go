package media

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kvsgo/sdk/mkv"
)

// TestEventMetadataBytesAsTheCProducer compares the bytes PutEventMetadata writes with those the
// official C producer wrote for putKinesisVideoEventMetadata(NOTIFICATION | IMAGE_GENERATION),
// captured from its PutMedia body by kvstest's TestCProducerEvents.
func TestEventMetadataBytesAsTheCProducer(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "cproducer", "event-tags-notification-image.bin"))
	if err != nil {
		t.Fatal(err)
	}
	got := appendEventMetadata(nil, FragmentEventNotification|FragmentEventImageGeneration, EventMetadata{})
	if !bytes.Equal(got, want) {
		t.Fatalf("event metadata\n got %x\nwant %x", got, want)
	}
}

// TestEventMetadataLayout checks the layout with pairs, which the C producer's samples never
// send: every size in 8 bytes, the pairs as SimpleTags directly in the Tags after the Tag (the
// Tags grows around them, the Tag does not), the image prefix first; and mkv reads the pairs as
// part of the event's Tag.
func TestEventMetadataLayout(t *testing.T) {
	meta := EventMetadata{ImagePrefix: "cam1/", Pairs: []MetadataPair{{"door", "front"}, {"why", ""}}}
	b := appendEventMetadata(nil, FragmentEventImageGeneration, meta)
	simple := func(name, value string) []byte { return appendSimpleTag(nil, name, value) }
	inner := appendFixedElement(nil, idTag, simple(ImageGenerationTagName, ""))
	inner = append(inner, simple(ImagePrefixTagName, "cam1/")...)
	inner = append(inner, simple("door", "front")...)
	inner = append(inner, simple("why", "")...)
	if want := appendFixedElement(nil, idTags, inner); !bytes.Equal(b, want) {
		t.Fatalf("layout\n got %x\nwant %x", b, want)
	}
	if b[4] != 0x01 || !bytes.Equal(b[5:12], []byte{0, 0, 0, 0, 0, 0, byte(len(inner))}) {
		t.Fatalf("the Tags size is not 8 bytes: %x", b[4:12])
	}

	doc, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	if err != nil {
		t.Fatal(err)
	}
	doc = append(doc, b...)
	r := mkv.NewReader(bytes.NewReader(doc))
	for {
		ev, err := r.Next()
		if err != nil {
			t.Fatalf("no Tags read: %v", err)
		}
		if ev.Kind != mkv.KindTags {
			continue
		}
		var names []string
		for _, st := range ev.Tags[0].SimpleTags {
			names = append(names, st.Name+"="+st.String)
		}
		if got, want := names, []string{ImageGenerationTagName + "=", ImagePrefixTagName + "=cam1/", "door=front", "why="}; !slices.Equal(got, want) {
			t.Fatalf("read %q, want %q", got, want)
		}
		return
	}
}
