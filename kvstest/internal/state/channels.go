// Signaling channels: CreateSignalingChannel, DescribeSignalingChannel, ListSignalingChannels,
// UpdateSignalingChannel and DeleteSignalingChannel.

package state

import (
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

const (
	// defaultMessageTTL is the MessageTtlSeconds of a channel created without one.
	defaultMessageTTL = 60
	// defaultListChannels is the page size of ListSignalingChannels when MaxResults is absent.
	defaultListChannels = 500
)

// CreateSignalingChannel is the CreateSignalingChannel operation.
func (s *State[M]) CreateSignalingChannel(now time.Time, in *kvs.CreateSignalingChannelInput) (*kvs.CreateSignalingChannelOutput, *apierr.Error) {
	if in.ChannelType == kvs.ChannelTypeFullMesh {
		return nil, apierr.InvalidArgument("The channel type FULL_MESH is not supported; SINGLE_MASTER is the only supported type.")
	}
	arn, e := admit(s, &s.Channels, "channel", in.ChannelName, now, s.cfg.Limits.Channels, "AccountChannelLimitExceededException")
	if e != nil {
		return nil, e
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	ch := &Channel{
		Resource:    newResource("channel", in.ChannelName, arn, now, s.cfg.Delays.ChannelCreate, tags),
		ChannelType: kvs.ChannelTypeSingleMaster,
		MessageTTL:  defaultMessageTTL,
		Storage:     kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusDisabled},
	}
	if ttl := in.SingleMasterConfiguration.MessageTtlSeconds; ttl != nil {
		ch.MessageTTL = *ttl
	}
	s.Channels.add(ch)
	return &kvs.CreateSignalingChannelOutput{ChannelARN: arn}, nil
}

// Info describes the channel as DescribeSignalingChannel and ListSignalingChannels do.
func (ch *Channel) Info(now time.Time) kvs.ChannelInfo {
	ttl := ch.MessageTTL
	return kvs.ChannelInfo{
		ChannelName:               ch.Name,
		ChannelARN:                ch.ARN,
		ChannelType:               ch.ChannelType,
		ChannelStatus:             ch.Status(now),
		CreationTime:              ch.Created,
		SingleMasterConfiguration: kvs.SingleMasterConfiguration{MessageTtlSeconds: &ttl},
		Version:                   ch.Version,
	}
}

// DescribeSignalingChannel is the DescribeSignalingChannel operation.
func (s *State[M]) DescribeSignalingChannel(now time.Time, in *kvs.DescribeSignalingChannelInput) (*kvs.DescribeSignalingChannelOutput, *apierr.Error) {
	ch, e := s.FindChannel(in.ChannelName, in.ChannelARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeSignalingChannelOutput{ChannelInfo: ch.Info(now)}, nil
}

// ListSignalingChannels is the ListSignalingChannels operation.
func (s *State[M]) ListSignalingChannels(now time.Time, in *kvs.ListSignalingChannelsInput) (*kvs.ListSignalingChannelsOutput, *apierr.Error) {
	infos, next, e := listPage(s, &s.Channels, "ListSignalingChannels", in.ChannelNameCondition.ComparisonValue, in.NextToken,
		pageSize(in.MaxResults, defaultListChannels), func(ch *Channel) kvs.ChannelInfo { return ch.Info(now) })
	if e != nil {
		return nil, e
	}
	return &kvs.ListSignalingChannelsOutput{ChannelInfoList: infos, NextToken: next}, nil
}

// UpdateSignalingChannel is the UpdateSignalingChannel operation.
func (s *State[M]) UpdateSignalingChannel(now time.Time, in *kvs.UpdateSignalingChannelInput) (*kvs.UpdateSignalingChannelOutput, *apierr.Error) {
	ch, e := s.FindChannel("", in.ChannelARN)
	if e == nil {
		e = ch.Changeable(now, in.CurrentVersion)
	}
	if e != nil {
		return nil, e
	}
	if ttl := in.SingleMasterConfiguration.MessageTtlSeconds; ttl != nil {
		ch.MessageTTL = *ttl
	}
	ch.Touch(now, s.cfg.Delays.ChannelUpdate)
	return &kvs.UpdateSignalingChannelOutput{}, nil
}

// DeleteSignalingChannel is the DeleteSignalingChannel operation.
func (s *State[M]) DeleteSignalingChannel(now time.Time, in *kvs.DeleteSignalingChannelInput) (*kvs.DeleteSignalingChannelOutput, *apierr.Error) {
	ch, e := s.FindChannel("", in.ChannelARN)
	if e != nil {
		return nil, e
	}
	if e := ch.BeginDelete(now, in.CurrentVersion, s.cfg.Delays.ChannelDelete); e != nil {
		return nil, e
	}
	if st, ok := s.Streams.ByARN[ch.Storage.StreamARN]; ok && st.ChannelARN == ch.ARN {
		st.ChannelARN = ""
	}
	return &kvs.DeleteSignalingChannelOutput{}, nil
}
