// Event metadata of PutMedia: a producer marks a fragment for a notification and/or for image
// generation with the tags the producer SDKs' putKinesisVideoEventMetadata writes before the
// fragment's cluster, AWS_KINESISVIDEO_NOTIFICATION and AWS_KINESISVIDEO_IMAGE_GENERATION (with an
// optional AWS_KINESISVIDEO_IMAGE_PREFIX), each the first SimpleTag of its Tag, followed by the
// user's name/value pairs. What a marked fragment produces once PERSISTED is Config.Marked's.

package mediaapi

import (
	"strings"

	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// The tag names of event metadata.
const (
	eventNotificationTag    = "AWS_KINESISVIDEO_NOTIFICATION"
	eventImageGenerationTag = "AWS_KINESISVIDEO_IMAGE_GENERATION"
	eventImagePrefixTag     = "AWS_KINESISVIDEO_IMAGE_PREFIX"
)

// The limits of event metadata: the documented sizes of a user pair (the producer SDK checks
// the same), and of an image prefix.
const (
	maxEventTagName    = 128
	maxEventTagValue   = 256
	maxImagePrefixSize = 256
)

// Events are the events a fragment is marked with.
type Events struct {
	Notify        bool              // AWS_KINESISVIDEO_NOTIFICATION
	NotifyPayload map[string]string // its user pairs
	Images        bool              // AWS_KINESISVIDEO_IMAGE_GENERATION
	ImagePrefix   string            // its AWS_KINESISVIDEO_IMAGE_PREFIX
	ImagePayload  map[string]string // its user pairs
}

// Any reports whether the fragment is marked at all.
func (ev *Events) Any() bool { return ev.Notify || ev.Images }

// add reports whether tag is event metadata, and adds it to ev. A bad event tag gets
// INVALID_FRAGMENT_METADATA; count grows by the pairs the tag carries.
func (ev *Events) add(tag mkv.Tag, count *int) (bool, media.AckErrorID) {
	if len(tag.SimpleTags) == 0 {
		return false, 0
	}
	first := tag.SimpleTags[0]
	if first.Name != eventNotificationTag && first.Name != eventImageGenerationTag {
		return false, 0
	}
	payload := map[string]string{}
	prefix := ""
	for _, st := range tag.SimpleTags[1:] {
		*count++
		switch {
		case st.Name == eventImagePrefixTag && first.Name == eventImageGenerationTag:
			if len(st.String) > maxImagePrefixSize || strings.HasPrefix(strings.ToUpper(st.String), "AWS") {
				return true, media.AckErrInvalidFragmentMetadata
			}
			prefix = st.String
		case st.Name == "" || len(st.Name) > maxEventTagName || len(st.String) > maxEventTagValue,
			strings.HasPrefix(strings.ToUpper(st.Name), "AWS"), len(st.Nested) > 0, st.Binary != nil:
			return true, media.AckErrInvalidFragmentMetadata
		default:
			payload[st.Name] = st.String
		}
	}
	*count++
	if first.Name == eventNotificationTag {
		ev.Notify, ev.NotifyPayload = true, payload
	} else {
		ev.Images, ev.ImagePrefix, ev.ImagePayload = true, prefix, payload
	}
	return true, 0
}

// marked returns what the PERSISTED acknowledgement of f waits for: Config.Marked's work for a
// marked fragment, nil when there is nothing to do.
func (s *Service) marked(st *Stream, f *Fragment, ev Events) func() {
	if !ev.Any() || s.cfg.Marked == nil {
		return nil
	}
	return s.cfg.Marked(st, f, ev)
}
