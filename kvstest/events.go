// The events of fragments marked with event metadata, as tests see them: the notifications and
// images the server recorded (produced by internal/archive, events.go), and where else they go.

package kvstest

import (
	"io"
	"time"

	"github.com/kvsgo/sdk/kvs"
)

// NotificationTypePersisted is the NotificationType of every notification: the service notifies
// once a marked fragment is persisted.
const NotificationTypePersisted = "PERSISTED"

// Notification is a notification the server recorded for a fragment marked with
// AWS_KINESISVIDEO_NOTIFICATION, on a stream whose notification configuration is enabled: the
// message the service publishes to the configuration's Amazon SNS topic.
type Notification struct {
	// TopicARN is the destination of the notification, the configuration's DestinationConfig.Uri.
	TopicARN string `json:"TopicArn"`
	// StreamARN is the stream's ARN.
	StreamARN string `json:"StreamArn"`
	// FragmentNumber is the marked fragment's number.
	FragmentNumber string `json:"FragmentNumber"`
	// FragmentStartProducerTimestamp and FragmentStartServerTimestamp are the start of the
	// fragment on each clock, in milliseconds since the Unix epoch.
	FragmentStartProducerTimestamp int64 `json:"FragmentStartProducerTimestamp"`
	FragmentStartServerTimestamp   int64 `json:"FragmentStartServerTimestamp"`
	// NotificationType is NotificationTypePersisted.
	NotificationType string `json:"NotificationType"`
	// NotificationPayload holds the user's name/value pairs that came with the event tag.
	NotificationPayload map[string]string `json:"NotificationPayload"`
}

// GeneratedImage is an image the server generated from a fragment marked with
// AWS_KINESISVIDEO_IMAGE_GENERATION, on a stream whose image generation configuration is enabled:
// one per sampling interval of the fragment, in the configuration's format and size.
type GeneratedImage struct {
	// StreamName is the stream's name, FragmentNumber the marked fragment's number.
	StreamName     string
	FragmentNumber string
	// Timestamp is the time the image shows, on the configuration's ImageSelectorType clock.
	Timestamp time.Time
	// Format is the configuration's format.
	Format kvs.Format
	// Destination is the configuration's DestinationConfig.Uri, e.g. "s3://bucket/path"; Key is
	// the object key of the image under it (see WithImageDir).
	Destination string
	Key         string
	// Metadata holds the user's name/value pairs that came with the event tag.
	Metadata map[string]string
	// Data is the encoded image; empty when it could not be decoded, and Error says why.
	Data  []byte
	Error string
}

// WithImageDir writes every generated image to a file under dir as well: dir/<bucket>/<key>,
// where bucket is the host of the configuration's s3:// destination and key is
// GeneratedImage.Key, "<destination path>/<image prefix><stream name>/<fragment number>/<unix
// milliseconds>.jpg" (or .png).
func WithImageDir(dir string) Option {
	return func(o *options) { o.events.imageDir = dir }
}

// WithNotificationLog writes every notification to w as well, as one line of JSON (the
// Notification's fields).
func WithNotificationLog(w io.Writer) Option {
	return func(o *options) { o.events.notificationLog = w }
}

// eventOptions are the destinations of the events of marked fragments.
type eventOptions struct {
	imageDir        string
	notificationLog io.Writer
}

// Notifications returns the notifications recorded for the stream so far, oldest first. Every
// notification of a fragment is recorded before that fragment's PERSISTED acknowledgement.
func (s *Server) Notifications(streamName string) []Notification {
	recorded := s.archive.Notifications(streamName)
	if recorded == nil {
		return nil
	}
	out := make([]Notification, len(recorded))
	for i, n := range recorded {
		out[i] = Notification(n)
	}
	return out
}

// GeneratedImages returns the images generated for the stream so far, oldest first. Every image
// of a fragment is generated before that fragment's PERSISTED acknowledgement.
func (s *Server) GeneratedImages(streamName string) []GeneratedImage {
	recorded := s.archive.GeneratedImages(streamName)
	if recorded == nil {
		return nil
	}
	out := make([]GeneratedImage, len(recorded))
	for i, img := range recorded {
		out[i] = GeneratedImage(img)
	}
	return out
}
