// What fragments marked with event metadata produce (the tags are read by internal/mediaapi,
// events.go): once such a fragment is PERSISTED, a stream with an enabled
// notification configuration records a notification, and one with an enabled image generation
// configuration generates the images of the fragment; both happen before the fragment's
// PERSISTED acknowledgement is written, so a producer that saw it can read them at once.

package kvstest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/state"
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

// eventRecords keeps what the events of marked fragments produced, per stream name.
type eventRecords struct {
	mu            sync.Mutex
	notifications map[string][]Notification
	images        map[string][]GeneratedImage
	logMu         sync.Mutex // serializes the lines of the notification log
}

// Notifications returns the notifications recorded for the stream so far, oldest first. Every
// notification of a fragment is recorded before that fragment's PERSISTED acknowledgement.
func (s *Server) Notifications(streamName string) []Notification {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return slices.Clone(s.events.notifications[streamName])
}

// GeneratedImages returns the images generated for the stream so far, oldest first. Every image
// of a fragment is generated before that fragment's PERSISTED acknowledgement.
func (s *Server) GeneratedImages(streamName string) []GeneratedImage {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return slices.Clone(s.events.images[streamName])
}

// deliverEvents returns what the PERSISTED acknowledgement of f waits for: the notification and
// the images of its events, when the stream's configurations are enabled; nil when there is
// nothing to do.
func (s *Server) deliverEvents(st *stream, f *mediaapi.Fragment, ev mediaapi.Events) func() {
	s.state.Mu.Lock()
	var notify *kvs.NotificationConfiguration
	var images *kvs.ImageGenerationConfiguration
	if ev.Notify && st.Notification != nil && st.Notification.Status == kvs.ConfigurationStatusEnabled {
		c := *st.Notification
		notify = &c
	}
	if ev.Images && st.Images != nil && st.Images.Status == kvs.ConfigurationStatusEnabled {
		c := *st.Images
		images = &c
	}
	name, arn := st.Name, st.ARN
	s.state.Unlock()
	if notify == nil && images == nil {
		return nil
	}
	return func() {
		if notify != nil {
			s.recordNotification(name, Notification{
				TopicARN: notify.DestinationConfig.Uri, StreamARN: arn, FragmentNumber: f.Number,
				FragmentStartProducerTimestamp: f.ProducerTimestamp.UnixMilli(), FragmentStartServerTimestamp: f.ServerTimestamp.UnixMilli(),
				NotificationType: NotificationTypePersisted, NotificationPayload: ev.NotifyPayload,
			})
		}
		if images != nil {
			s.generateImages(name, f, *images, ev)
		}
	}
}

func (s *Server) recordNotification(stream string, n Notification) {
	s.events.mu.Lock()
	if s.events.notifications == nil {
		s.events.notifications = map[string][]Notification{}
	}
	s.events.notifications[stream] = append(s.events.notifications[stream], n)
	s.events.mu.Unlock()
	if w := s.opts.events.notificationLog; w != nil {
		line, err := json.Marshal(n)
		if err != nil {
			return
		}
		s.events.logMu.Lock()
		_, err = w.Write(append(line, '\n'))
		s.events.logMu.Unlock()
		if err != nil && s.opts.logf != nil {
			s.opts.logf("kvstest: writing the notification log: %v", err)
		}
	}
}

// generateImages decodes an image of f at every sampling interval from its start, on the
// configuration's clock, in its format and size.
func (s *Server) generateImages(stream string, f *mediaapi.Fragment, cfg kvs.ImageGenerationConfiguration, ev mediaapi.Events) {
	r := &imageRequest{png: cfg.Format == kvs.FormatPNG, quality: 80}
	if q, err := strconv.Atoi(cfg.FormatConfig[kvs.FormatConfigKeyJPEGQuality]); err == nil {
		r.quality = q
	}
	if cfg.WidthPixels != nil {
		r.width = int(*cfg.WidthPixels)
	}
	if cfg.HeightPixels != nil {
		r.height = int(*cfg.HeightPixels)
	}
	k := clockOf(archived.FragmentSelectorType(cfg.ImageSelectorType))
	start := k.start(f)
	interval := time.Duration(max(cfg.SamplingInterval, state.MinSamplingInterval)) * time.Millisecond
	decoder, why := s.imageDecoder()
	frags := []*mediaapi.Fragment{f}
	ext := ".jpg"
	if r.png {
		ext = ".png"
	}
	bucket, base := splitS3URI(cfg.DestinationConfig.Uri)
	for t := start; !t.After(start.Add(fragmentLength(f))); t = t.Add(interval) {
		img := GeneratedImage{StreamName: stream, FragmentNumber: f.Number, Timestamp: t, Format: cfg.Format,
			Destination: cfg.DestinationConfig.Uri, Metadata: ev.ImagePayload,
			Key: joinKey(base, ev.ImagePrefix+stream, f.Number, strconv.FormatInt(t.UnixMilli(), 10)+ext)}
		shot, _, err := findShot(frags, k, t)
		switch {
		case err != nil:
			img.Error = "reading the fragment from the store: " + err.Error()
		case shot.track == nil:
			img.Error = "the fragment has no H.264 or H.265 video to make an image of"
		case decoder == "":
			img.Error = why
		default:
			data, err := r.decode(s.ctx, decoder, shot)
			if err != nil {
				img.Error = "ffmpeg failed: " + err.Error()
			}
			img.Data = data
		}
		if img.Error == "" && s.opts.events.imageDir != "" {
			if err := writeImageFile(s.opts.events.imageDir, bucket, img); err != nil {
				img.Error = err.Error()
			}
		}
		if img.Error != "" && s.opts.logf != nil {
			s.opts.logf("kvstest: image of fragment %s at %v: %s", f.Number, t, img.Error)
		}
		s.events.mu.Lock()
		if s.events.images == nil {
			s.events.images = map[string][]GeneratedImage{}
		}
		s.events.images[stream] = append(s.events.images[stream], img)
		s.events.mu.Unlock()
	}
}

// splitS3URI splits "s3://bucket/some/path" into its bucket and path.
func splitS3URI(uri string) (bucket, path string) {
	rest, _ := strings.CutPrefix(uri, "s3://")
	bucket, path, _ = strings.Cut(rest, "/")
	return cmp.Or(bucket, "images"), strings.Trim(path, "/")
}

func joinKey(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.Trim(p, "/"); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "/")
}

// writeImageFile writes img to dir/bucket/key, refusing a key that would leave dir.
func writeImageFile(dir, bucket string, img GeneratedImage) error {
	path := filepath.Join(dir, filepath.FromSlash(bucket), filepath.FromSlash(img.Key))
	if rel, err := filepath.Rel(dir, path); err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("the image key %q leaves the image directory", img.Key)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing the image: %w", err)
	}
	if err := os.WriteFile(path, img.Data, 0o644); err != nil {
		return fmt.Errorf("writing the image: %w", err)
	}
	return nil
}
