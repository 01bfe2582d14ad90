// Notification and image generation configurations of streams: DescribeNotificationConfiguration,
// UpdateNotificationConfiguration, DescribeImageGenerationConfiguration and
// UpdateImageGenerationConfiguration. PutMedia acts on them for marked fragments
// (putmedia_events.go).

package state

import (
	"reflect"
	"strconv"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// MinSamplingInterval is the shortest interval between generated images, in milliseconds.
const MinSamplingInterval = 200

// setStreamConfig stores an enabled-or-disabled configuration of a stream; a zero config (the
// member absent from the request) removes it. Enabling one needs the stream to keep data.
func setStreamConfig[C, M any](st *Stream[M], now time.Time, cfg C, enabled bool, what string, field **C) *apierr.Error {
	if e := st.RequireActive(now); e != nil {
		return e
	}
	if reflect.ValueOf(cfg).IsZero() {
		*field = nil
		return nil
	}
	if enabled && st.Retention == 0 {
		return apierr.NoDataRetention("The stream %s keeps no data (DataRetentionInHours is 0), so %s cannot be enabled.", st.Name, what)
	}
	*field = &cfg
	return nil
}

// DescribeNotificationConfiguration is the DescribeNotificationConfiguration operation.
func (s *State[M]) DescribeNotificationConfiguration(_ time.Time, in *kvs.DescribeNotificationConfigurationInput) (*kvs.DescribeNotificationConfigurationOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	out := &kvs.DescribeNotificationConfigurationOutput{}
	if st.Notification != nil {
		out.NotificationConfiguration = *st.Notification
	}
	return out, nil
}

// UpdateNotificationConfiguration is the UpdateNotificationConfiguration operation.
func (s *State[M]) UpdateNotificationConfiguration(now time.Time, in *kvs.UpdateNotificationConfigurationInput) (*kvs.UpdateNotificationConfigurationOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e == nil {
		cfg := in.NotificationConfiguration
		e = setStreamConfig(st, now, cfg, cfg.Status == kvs.ConfigurationStatusEnabled, "notifications", &st.Notification)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.UpdateNotificationConfigurationOutput{}, nil
}

// DescribeImageGenerationConfiguration is the DescribeImageGenerationConfiguration operation.
func (s *State[M]) DescribeImageGenerationConfiguration(_ time.Time, in *kvs.DescribeImageGenerationConfigurationInput) (*kvs.DescribeImageGenerationConfigurationOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	out := &kvs.DescribeImageGenerationConfigurationOutput{}
	if st.Images != nil {
		out.ImageGenerationConfiguration = *st.Images
	}
	return out, nil
}

// UpdateImageGenerationConfiguration is the UpdateImageGenerationConfiguration operation.
func (s *State[M]) UpdateImageGenerationConfiguration(now time.Time, in *kvs.UpdateImageGenerationConfigurationInput) (*kvs.UpdateImageGenerationConfigurationOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	cfg := in.ImageGenerationConfiguration
	if !reflect.ValueOf(cfg).IsZero() {
		if e := s.checkImageGeneration(&cfg); e != nil {
			return nil, e
		}
	}
	if e := setStreamConfig(st, now, cfg, cfg.Status == kvs.ConfigurationStatusEnabled, "image generation", &st.Images); e != nil {
		return nil, e
	}
	return &kvs.UpdateImageGenerationConfigurationOutput{}, nil
}

// checkImageGeneration applies the rules the API reference states beyond the model: a sampling
// interval of at least 200 ms, a JPEG quality from 1 to 100, and images delivered in the stream's
// region.
func (s *State[M]) checkImageGeneration(cfg *kvs.ImageGenerationConfiguration) *apierr.Error {
	if cfg.SamplingInterval < MinSamplingInterval {
		return apierr.InvalidArgument("SamplingInterval %d ms is below the minimum of %d ms.", cfg.SamplingInterval, MinSamplingInterval)
	}
	if q, ok := cfg.FormatConfig[kvs.FormatConfigKeyJPEGQuality]; ok {
		if n, err := strconv.Atoi(q); err != nil || n < 1 || n > 100 {
			return apierr.InvalidArgument("FormatConfig JPEGQuality must be a whole number from 1 to 100, got %q.", q)
		}
	}
	if r := cfg.DestinationConfig.DestinationRegion; r != s.cfg.Region {
		return apierr.InvalidArgument("DestinationConfig.DestinationRegion %s must be the stream's region, %s.", r, s.cfg.Region)
	}
	return nil
}
