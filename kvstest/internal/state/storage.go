// Storage: the media storage of signaling channels (DescribeMediaStorageConfiguration,
// UpdateMediaStorageConfiguration), the resources mapped to a stream
// (DescribeMappedResourceConfiguration) and the storage tier of streams
// (DescribeStreamStorageConfiguration, UpdateStreamStorageConfiguration).

package state

import (
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// mappedChannelType is the Type of a signaling channel in DescribeMappedResourceConfiguration.
const mappedChannelType = "SIGNALING_CHANNEL"

// DescribeMediaStorageConfiguration is the DescribeMediaStorageConfiguration operation.
func (s *State[M]) DescribeMediaStorageConfiguration(_ time.Time, in *kvs.DescribeMediaStorageConfigurationInput) (*kvs.DescribeMediaStorageConfigurationOutput, *apierr.Error) {
	ch, e := s.FindChannel(in.ChannelName, in.ChannelARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeMediaStorageConfigurationOutput{MediaStorageConfiguration: ch.Storage}, nil
}

// updateMediaStorageConfiguration maps a channel to the stream its media is stored in, or
// unmaps it. A stream stores the media of one channel at most.
func (s *State[M]) UpdateMediaStorageConfiguration(now time.Time, in *kvs.UpdateMediaStorageConfigurationInput) (*kvs.UpdateMediaStorageConfigurationOutput, *apierr.Error) {
	ch, e := s.FindChannel("", in.ChannelARN)
	if e == nil {
		e = ch.RequireActive(now)
	}
	if e != nil {
		return nil, e
	}
	cfg := kvs.MediaStorageConfiguration{Status: in.MediaStorageConfiguration.Status}
	var target *Stream[M]
	if cfg.Status == kvs.MediaStorageConfigurationStatusEnabled {
		arn := in.MediaStorageConfiguration.StreamARN
		if arn == "" {
			return nil, apierr.InvalidArgument("MediaStorageConfiguration.StreamARN is required when the Status is ENABLED.")
		}
		if target, e = s.FindStream("", arn); e == nil {
			e = target.RequireActive(now)
		}
		if e != nil {
			return nil, e
		}
		if target.Retention == 0 {
			return nil, apierr.NoDataRetention("The stream %s keeps no data (DataRetentionInHours is 0), so it cannot store the channel's media.", target.Name)
		}
		if target.ChannelARN != "" && target.ChannelARN != ch.ARN {
			return nil, apierr.ResourceInUse("The stream %s already stores the media of the channel %s.", target.Name, target.ChannelARN)
		}
		cfg.StreamARN = target.ARN
	}
	if old, ok := s.Streams.ByARN[ch.Storage.StreamARN]; ok && old.ChannelARN == ch.ARN {
		old.ChannelARN = ""
	}
	if target != nil {
		target.ChannelARN = ch.ARN
	}
	ch.Storage = cfg
	ch.SignalChange()
	return &kvs.UpdateMediaStorageConfigurationOutput{}, nil
}

// DescribeMappedResourceConfiguration is the DescribeMappedResourceConfiguration operation.
func (s *State[M]) DescribeMappedResourceConfiguration(_ time.Time, in *kvs.DescribeMappedResourceConfigurationInput) (*kvs.DescribeMappedResourceConfigurationOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	if in.NextToken != "" {
		return nil, apierr.InvalidArgument("The NextToken %q is not valid.", in.NextToken)
	}
	out := &kvs.DescribeMappedResourceConfigurationOutput{MappedResourceConfigurationList: []kvs.MappedResourceConfigurationListItem{}}
	if st.ChannelARN != "" {
		out.MappedResourceConfigurationList = append(out.MappedResourceConfigurationList,
			kvs.MappedResourceConfigurationListItem{Type: mappedChannelType, ARN: st.ChannelARN})
	}
	return out, nil
}

// DescribeStreamStorageConfiguration is the DescribeStreamStorageConfiguration operation.
func (s *State[M]) DescribeStreamStorageConfiguration(_ time.Time, in *kvs.DescribeStreamStorageConfigurationInput) (*kvs.DescribeStreamStorageConfigurationOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeStreamStorageConfigurationOutput{
		StreamName:                 st.Name,
		StreamARN:                  st.ARN,
		StreamStorageConfiguration: kvs.StreamStorageConfiguration{DefaultStorageTier: st.StorageTier},
	}, nil
}

// UpdateStreamStorageConfiguration is the UpdateStreamStorageConfiguration operation.
func (s *State[M]) UpdateStreamStorageConfiguration(now time.Time, in *kvs.UpdateStreamStorageConfigurationInput) (*kvs.UpdateStreamStorageConfigurationOutput, *apierr.Error) {
	st, e := s.findChangeableStream(now, in.StreamName, in.StreamARN, in.CurrentVersion)
	if e != nil {
		return nil, e
	}
	st.StorageTier = in.StreamStorageConfiguration.DefaultStorageTier
	st.Touch(now, s.cfg.Delays.StreamUpdate)
	return &kvs.UpdateStreamStorageConfigurationOutput{}, nil
}
