// Signaling channels: CreateSignalingChannel, DescribeSignalingChannel, ListSignalingChannels,
// UpdateSignalingChannel and DeleteSignalingChannel.

package kvstest

import (
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

func init() {
	controlOp("/createSignalingChannel", "CreateSignalingChannel", (*Server).createSignalingChannel)
	controlOp("/describeSignalingChannel", "DescribeSignalingChannel", (*Server).describeSignalingChannel)
	controlOp("/listSignalingChannels", "ListSignalingChannels", (*Server).listSignalingChannels)
	controlOp("/updateSignalingChannel", "UpdateSignalingChannel", (*Server).updateSignalingChannel)
	controlOp("/deleteSignalingChannel", "DeleteSignalingChannel", (*Server).deleteSignalingChannel)
}

const (
	// defaultMessageTTL is the MessageTtlSeconds of a channel created without one.
	defaultMessageTTL = 60
	// defaultListChannels is the page size of ListSignalingChannels when MaxResults is absent.
	defaultListChannels = 500
)

func (s *Server) createSignalingChannel(now time.Time, in *kvs.CreateSignalingChannelInput) (*kvs.CreateSignalingChannelOutput, *apierr.Error) {
	if in.ChannelType == kvs.ChannelTypeFullMesh {
		return nil, apierr.InvalidArgument("The channel type FULL_MESH is not supported; SINGLE_MASTER is the only supported type.")
	}
	arn, e := admit(s, &s.channels, "channel", in.ChannelName, now, s.opts.limits.Channels, "AccountChannelLimitExceededException")
	if e != nil {
		return nil, e
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	ch := &channel{
		resource:    newResource("channel", in.ChannelName, arn, now, s.opts.delays.ChannelCreate, tags),
		channelType: kvs.ChannelTypeSingleMaster,
		messageTTL:  defaultMessageTTL,
		storage:     kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusDisabled},
	}
	if ttl := in.SingleMasterConfiguration.MessageTtlSeconds; ttl != nil {
		ch.messageTTL = *ttl
	}
	s.channels.add(ch)
	return &kvs.CreateSignalingChannelOutput{ChannelARN: arn}, nil
}

// info describes the channel as DescribeSignalingChannel and ListSignalingChannels do.
func (ch *channel) info(now time.Time) kvs.ChannelInfo {
	ttl := ch.messageTTL
	return kvs.ChannelInfo{
		ChannelName:               ch.name,
		ChannelARN:                ch.arn,
		ChannelType:               ch.channelType,
		ChannelStatus:             ch.status(now),
		CreationTime:              ch.created,
		SingleMasterConfiguration: kvs.SingleMasterConfiguration{MessageTtlSeconds: &ttl},
		Version:                   ch.version,
	}
}

func (s *Server) describeSignalingChannel(now time.Time, in *kvs.DescribeSignalingChannelInput) (*kvs.DescribeSignalingChannelOutput, *apierr.Error) {
	ch, e := s.findChannel(in.ChannelName, in.ChannelARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeSignalingChannelOutput{ChannelInfo: ch.info(now)}, nil
}

func (s *Server) listSignalingChannels(now time.Time, in *kvs.ListSignalingChannelsInput) (*kvs.ListSignalingChannelsOutput, *apierr.Error) {
	infos, next, e := listPage(s, &s.channels, "ListSignalingChannels", in.ChannelNameCondition.ComparisonValue, in.NextToken,
		pageSize(in.MaxResults, defaultListChannels), func(ch *channel) kvs.ChannelInfo { return ch.info(now) })
	if e != nil {
		return nil, e
	}
	return &kvs.ListSignalingChannelsOutput{ChannelInfoList: infos, NextToken: next}, nil
}

func (s *Server) updateSignalingChannel(now time.Time, in *kvs.UpdateSignalingChannelInput) (*kvs.UpdateSignalingChannelOutput, *apierr.Error) {
	ch, e := s.findChannel("", in.ChannelARN)
	if e == nil {
		e = ch.changeable(now, in.CurrentVersion)
	}
	if e != nil {
		return nil, e
	}
	if ttl := in.SingleMasterConfiguration.MessageTtlSeconds; ttl != nil {
		ch.messageTTL = *ttl
	}
	ch.touch(now, s.opts.delays.ChannelUpdate)
	return &kvs.UpdateSignalingChannelOutput{}, nil
}

func (s *Server) deleteSignalingChannel(now time.Time, in *kvs.DeleteSignalingChannelInput) (*kvs.DeleteSignalingChannelOutput, *apierr.Error) {
	ch, e := s.findChannel("", in.ChannelARN)
	if e != nil {
		return nil, e
	}
	if e := ch.beginDelete(now, in.CurrentVersion, s.opts.delays.ChannelDelete); e != nil {
		return nil, e
	}
	if st, ok := s.streams.byARN[ch.storage.StreamARN]; ok && st.channelARN == ch.arn {
		st.channelARN = ""
	}
	return &kvs.DeleteSignalingChannelOutput{}, nil
}
