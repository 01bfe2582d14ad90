package media

// Event metadata: marks on a fragment that make the service act on it (a notification to the
// stream's Amazon SNS topic, images to its S3 destination), written as the official producer
// SDK's putKinesisVideoEventMetadata writes them, byte for byte.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// FragmentEvent is a set of events a fragment can be marked for.
type FragmentEvent uint8

// Fragment events; combine them with |.
const (
	// FragmentEventImageGeneration asks for the fragment's images, made as the stream's image
	// generation configuration says.
	FragmentEventImageGeneration FragmentEvent = 1 << iota
	// FragmentEventNotification asks for a notification once the fragment is persisted, sent as
	// the stream's notification configuration says.
	FragmentEventNotification
)

// The tag names of event metadata.
const (
	NotificationTagName    = "AWS_KINESISVIDEO_NOTIFICATION"
	ImageGenerationTagName = "AWS_KINESISVIDEO_IMAGE_GENERATION"
	ImagePrefixTagName     = "AWS_KINESISVIDEO_IMAGE_PREFIX"
)

// Limits of event metadata, as the producer SDK and the service apply them.
const (
	maxEventPairs      = 10
	maxEventNameSize   = 128
	maxEventValueSize  = 256
	maxImagePrefixSize = 256
)

// EventMetadata is the optional part of PutEventMetadata.
type EventMetadata struct {
	// ImagePrefix is prepended to the object keys of the images (image generation only).
	ImagePrefix string
	// Pairs are name/value pairs sent with each event: in the notification's payload, in the
	// images' metadata. Names must not start with "AWS"; at most 10 pairs.
	Pairs []MetadataPair
}

// MetadataPair is one name/value pair of EventMetadata.
type MetadataPair struct {
	Name, Value string
}

// PutEventMetadata marks the next fragment for events: a notification and/or image generation
// (events is FragmentEventNotification, FragmentEventImageGeneration or both), with meta's pairs.
// Each event is a Tags element before the fragment's cluster, with its own copy of the pairs; an
// event already pending for the next fragment is an error, and the events count toward the 10
// metadata items a fragment may carry (see PutFragmentMetadata).
func (p *Producer) PutEventMetadata(events FragmentEvent, meta EventMetadata) error {
	if events == 0 || events&^(FragmentEventNotification|FragmentEventImageGeneration) != 0 {
		return fmt.Errorf("media: PutEventMetadata needs FragmentEventNotification and/or FragmentEventImageGeneration, got %#x", uint8(events))
	}
	if len(meta.Pairs) > maxEventPairs {
		return fmt.Errorf("media: event metadata has %d pairs, more than %d", len(meta.Pairs), maxEventPairs)
	}
	for _, kv := range meta.Pairs {
		switch {
		case kv.Name == "" || len(kv.Name) > maxEventNameSize:
			return fmt.Errorf("media: event metadata name must have 1 to %d bytes, got %d", maxEventNameSize, len(kv.Name))
		case strings.HasPrefix(strings.ToUpper(kv.Name), reservedMetadataNamePrefix):
			return fmt.Errorf("media: event metadata name %q starts with AWS, which the service reserves", kv.Name)
		case len(kv.Value) > maxEventValueSize:
			return fmt.Errorf("media: event metadata value of %q has %d bytes, more than %d", kv.Name, len(kv.Value), maxEventValueSize)
		}
	}
	if len(meta.ImagePrefix) > maxImagePrefixSize || strings.HasPrefix(strings.ToUpper(meta.ImagePrefix), reservedMetadataNamePrefix) {
		return fmt.Errorf("media: image prefix %q must have at most %d bytes and not start with AWS", meta.ImagePrefix, maxImagePrefixSize)
	}
	items := 0
	if events&FragmentEventNotification != 0 {
		items += 1 + len(meta.Pairs)
	}
	if events&FragmentEventImageGeneration != 0 {
		items += 1 + len(meta.Pairs)
		if meta.ImagePrefix != "" {
			items++
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	w := &p.w
	if dup := w.events & events; dup != 0 {
		return fmt.Errorf("media: the next fragment is already marked for %v", dup)
	}
	if n := len(w.meta) + len(w.persist) + w.eventItems + items; n > maxFragmentMetadata {
		return fmt.Errorf("media: a fragment can carry at most %d metadata items; these events would make %d", maxFragmentMetadata, n)
	}
	w.events |= events
	w.eventItems += items
	w.eventTags = appendEventMetadata(w.eventTags, events, meta)
	return nil
}

// String names the events of the set.
func (e FragmentEvent) String() string {
	var names []string
	if e&FragmentEventImageGeneration != 0 {
		names = append(names, "IMAGE_GENERATION")
	}
	if e&FragmentEventNotification != 0 {
		names = append(names, "NOTIFICATION")
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// takeEventMetadata returns the event metadata pending for the next fragment and clears it.
func (w *writeState) takeEventMetadata() []byte {
	b := w.eventTags
	w.eventTags, w.events, w.eventItems = nil, 0, 0
	return b
}

// The EBML IDs of event metadata.
var (
	idTags      = []byte{0x12, 0x54, 0xC3, 0x67}
	idTag       = []byte{0x73, 0x73}
	idSimpleTag = []byte{0x67, 0xC8}
	idTagName   = []byte{0x45, 0xA3}
	idTagString = []byte{0x44, 0x87}
)

// appendEventMetadata appends the Tags elements of events as the producer SDK writes them: the
// notification's first, then the image generation's; every size in 8 bytes (0x01 and 7 bytes);
// each Tags holding a Tag with the event's SimpleTag (an empty string value), then, directly in
// the Tags after that Tag, a SimpleTag per pair (the image prefix first).
func appendEventMetadata(b []byte, events FragmentEvent, meta EventMetadata) []byte {
	if events&FragmentEventNotification != 0 {
		b = appendEventTags(b, NotificationTagName, "", meta.Pairs)
	}
	if events&FragmentEventImageGeneration != 0 {
		pairs := meta.Pairs
		if meta.ImagePrefix != "" {
			pairs = append([]MetadataPair{{ImagePrefixTagName, meta.ImagePrefix}}, meta.Pairs...)
		}
		b = appendEventTags(b, ImageGenerationTagName, "", pairs)
	}
	return b
}

func appendEventTags(b []byte, name, value string, pairs []MetadataPair) []byte {
	var body []byte
	body = appendFixedElement(body, idTag, appendSimpleTag(nil, name, value))
	for _, kv := range pairs {
		body = appendSimpleTag(body, kv.Name, kv.Value)
	}
	return appendFixedElement(b, idTags, body)
}

func appendSimpleTag(b []byte, name, value string) []byte {
	inner := appendFixedElement(nil, idTagName, []byte(name))
	inner = appendFixedElement(inner, idTagString, []byte(value))
	return appendFixedElement(b, idSimpleTag, inner)
}

// appendFixedElement appends an element with its size in 8 bytes, as the producer SDK writes it.
func appendFixedElement(b, id, data []byte) []byte {
	b = append(b, id...)
	b = binary.BigEndian.AppendUint64(b, 1<<56|uint64(len(data)))
	return append(b, data...)
}
