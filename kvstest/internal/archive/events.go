// What fragments marked with event metadata produce (PutMedia reads the tags: mediaapi,
// events.go): once such a fragment is PERSISTED, a stream with an enabled notification
// configuration records a notification, and one with an enabled image generation configuration
// generates the images of the fragment; both happen before the fragment's PERSISTED
// acknowledgement is written (Service.Marked is mediaapi.Config.Marked), so a producer that saw
// it can read them at once.

package archive

import (
	"cmp"
	"encoding/json"
	"fmt"
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

// notificationTypePersisted is the NotificationType of every notification
// (kvstest.NotificationTypePersisted).
const notificationTypePersisted = "PERSISTED"

// Notification is a notification recorded for a marked fragment (kvstest.Notification, whose
// fields and JSON names it mirrors): the message the service publishes to Amazon SNS.
type Notification struct {
	TopicARN                       string            `json:"TopicArn"`
	StreamARN                      string            `json:"StreamArn"`
	FragmentNumber                 string            `json:"FragmentNumber"`
	FragmentStartProducerTimestamp int64             `json:"FragmentStartProducerTimestamp"`
	FragmentStartServerTimestamp   int64             `json:"FragmentStartServerTimestamp"`
	NotificationType               string            `json:"NotificationType"`
	NotificationPayload            map[string]string `json:"NotificationPayload"`
}

// GeneratedImage is an image generated from a marked fragment (kvstest.GeneratedImage, whose
// fields it mirrors).
type GeneratedImage struct {
	StreamName     string
	FragmentNumber string
	Timestamp      time.Time
	Format         kvs.Format
	Destination    string
	Key            string
	Metadata       map[string]string
	Data           []byte
	Error          string
}

// Notifications returns the notifications recorded for the stream so far, oldest first.
func (s *Service) Notifications(streamName string) []Notification {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return slices.Clone(s.events.notifications[streamName])
}

// GeneratedImages returns the images generated for the stream so far, oldest first.
func (s *Service) GeneratedImages(streamName string) []GeneratedImage {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return slices.Clone(s.events.images[streamName])
}

// eventRecords keeps what the events of marked fragments produced, per stream name.
type eventRecords struct {
	mu            sync.Mutex
	notifications map[string][]Notification
	images        map[string][]GeneratedImage
	logMu         sync.Mutex // serializes the lines of the notification log
}

// Marked returns what the PERSISTED acknowledgement of f waits for: the notification and
// the images of its events, when the stream's configurations are enabled; nil when there is
// nothing to do.
func (s *Service) Marked(st *mediaapi.Stream, f *mediaapi.Fragment, ev mediaapi.Events) func() {
	s.cfg.State.Mu.Lock()
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
	s.cfg.State.Unlock()
	if notify == nil && images == nil {
		return nil
	}
	return func() {
		if notify != nil {
			s.recordNotification(name, Notification{
				TopicARN: notify.DestinationConfig.Uri, StreamARN: arn, FragmentNumber: f.Number,
				FragmentStartProducerTimestamp: f.ProducerTimestamp.UnixMilli(), FragmentStartServerTimestamp: f.ServerTimestamp.UnixMilli(),
				NotificationType: notificationTypePersisted, NotificationPayload: ev.NotifyPayload,
			})
		}
		if images != nil {
			s.generateImages(name, f, *images, ev)
		}
	}
}

func (s *Service) recordNotification(stream string, n Notification) {
	s.events.mu.Lock()
	if s.events.notifications == nil {
		s.events.notifications = map[string][]Notification{}
	}
	s.events.notifications[stream] = append(s.events.notifications[stream], n)
	s.events.mu.Unlock()
	if w := s.cfg.NotificationLog; w != nil {
		line, err := json.Marshal(n)
		if err != nil {
			return
		}
		s.events.logMu.Lock()
		_, err = w.Write(append(line, '\n'))
		s.events.logMu.Unlock()
		if err != nil {
			s.logf("kvstest: writing the notification log: %v", err)
		}
	}
}

// generateImages decodes an image of f at every sampling interval from its start, on the
// configuration's clock, in its format and size.
func (s *Service) generateImages(stream string, f *mediaapi.Fragment, cfg kvs.ImageGenerationConfiguration, ev mediaapi.Events) {
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
			data, err := r.decode(s.cfg.Context, decoder, shot)
			if err != nil {
				img.Error = "ffmpeg failed: " + err.Error()
			}
			img.Data = data
		}
		if img.Error == "" && s.cfg.ImageDir != "" {
			if err := writeImageFile(s.cfg.ImageDir, bucket, img); err != nil {
				img.Error = err.Error()
			}
		}
		if img.Error != "" {
			s.logf("kvstest: image of fragment %s at %v: %s", f.Number, t, img.Error)
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
