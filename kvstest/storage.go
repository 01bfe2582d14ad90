// Storage: the media storage of signaling channels (DescribeMediaStorageConfiguration,
// UpdateMediaStorageConfiguration), the resources mapped to a stream
// (DescribeMappedResourceConfiguration) and the storage tier of streams
// (DescribeStreamStorageConfiguration, UpdateStreamStorageConfiguration).

package kvstest

import (
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

func init() {
	controlOp("/describeMediaStorageConfiguration", "DescribeMediaStorageConfiguration", (*Server).describeMediaStorageConfiguration)
	controlOp("/updateMediaStorageConfiguration", "UpdateMediaStorageConfiguration", (*Server).updateMediaStorageConfiguration)
	controlOp("/describeMappedResourceConfiguration", "DescribeMappedResourceConfiguration", (*Server).describeMappedResourceConfiguration)
	controlOp("/describeStreamStorageConfiguration", "DescribeStreamStorageConfiguration", (*Server).describeStreamStorageConfiguration)
	controlOp("/updateStreamStorageConfiguration", "UpdateStreamStorageConfiguration", (*Server).updateStreamStorageConfiguration)
}

// mappedChannelType is the Type of a signaling channel in DescribeMappedResourceConfiguration.
const mappedChannelType = "SIGNALING_CHANNEL"

func (s *Server) describeMediaStorageConfiguration(_ time.Time, in *kvs.DescribeMediaStorageConfigurationInput) (*kvs.DescribeMediaStorageConfigurationOutput, *apierr.Error) {
	ch, e := s.findChannel(in.ChannelName, in.ChannelARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeMediaStorageConfigurationOutput{MediaStorageConfiguration: ch.storage}, nil
}

// updateMediaStorageConfiguration maps a channel to the stream its media is stored in, or
// unmaps it. A stream stores the media of one channel at most.
func (s *Server) updateMediaStorageConfiguration(now time.Time, in *kvs.UpdateMediaStorageConfigurationInput) (*kvs.UpdateMediaStorageConfigurationOutput, *apierr.Error) {
	ch, e := s.findChannel("", in.ChannelARN)
	if e == nil {
		e = ch.requireActive(now)
	}
	if e != nil {
		return nil, e
	}
	cfg := kvs.MediaStorageConfiguration{Status: in.MediaStorageConfiguration.Status}
	var target *stream
	if cfg.Status == kvs.MediaStorageConfigurationStatusEnabled {
		arn := in.MediaStorageConfiguration.StreamARN
		if arn == "" {
			return nil, apierr.InvalidArgument("MediaStorageConfiguration.StreamARN is required when the Status is ENABLED.")
		}
		if target, e = s.findStream("", arn); e == nil {
			e = target.requireActive(now)
		}
		if e != nil {
			return nil, e
		}
		if target.retention == 0 {
			return nil, apierr.NoDataRetention("The stream %s keeps no data (DataRetentionInHours is 0), so it cannot store the channel's media.", target.name)
		}
		if target.channelARN != "" && target.channelARN != ch.arn {
			return nil, apierr.ResourceInUse("The stream %s already stores the media of the channel %s.", target.name, target.channelARN)
		}
		cfg.StreamARN = target.arn
	}
	if old, ok := s.streams.byARN[ch.storage.StreamARN]; ok && old.channelARN == ch.arn {
		old.channelARN = ""
	}
	if target != nil {
		target.channelARN = ch.arn
	}
	ch.storage = cfg
	ch.signalChange()
	return &kvs.UpdateMediaStorageConfigurationOutput{}, nil
}

func (s *Server) describeMappedResourceConfiguration(_ time.Time, in *kvs.DescribeMappedResourceConfigurationInput) (*kvs.DescribeMappedResourceConfigurationOutput, *apierr.Error) {
	st, e := s.findStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	if in.NextToken != "" {
		return nil, apierr.InvalidArgument("The NextToken %q is not valid.", in.NextToken)
	}
	out := &kvs.DescribeMappedResourceConfigurationOutput{MappedResourceConfigurationList: []kvs.MappedResourceConfigurationListItem{}}
	if st.channelARN != "" {
		out.MappedResourceConfigurationList = append(out.MappedResourceConfigurationList,
			kvs.MappedResourceConfigurationListItem{Type: mappedChannelType, ARN: st.channelARN})
	}
	return out, nil
}

func (s *Server) describeStreamStorageConfiguration(_ time.Time, in *kvs.DescribeStreamStorageConfigurationInput) (*kvs.DescribeStreamStorageConfigurationOutput, *apierr.Error) {
	st, e := s.findStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeStreamStorageConfigurationOutput{
		StreamName:                 st.name,
		StreamARN:                  st.arn,
		StreamStorageConfiguration: kvs.StreamStorageConfiguration{DefaultStorageTier: st.storageTier},
	}, nil
}

func (s *Server) updateStreamStorageConfiguration(now time.Time, in *kvs.UpdateStreamStorageConfigurationInput) (*kvs.UpdateStreamStorageConfigurationOutput, *apierr.Error) {
	st, e := s.findChangeableStream(now, in.StreamName, in.StreamARN, in.CurrentVersion)
	if e != nil {
		return nil, e
	}
	st.storageTier = in.StreamStorageConfiguration.DefaultStorageTier
	st.touch(now, s.opts.delays.StreamUpdate)
	return &kvs.UpdateStreamStorageConfigurationOutput{}, nil
}
