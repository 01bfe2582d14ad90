// Streams: CreateStream, DescribeStream, ListStreams, UpdateStream, UpdateDataRetention and
// DeleteStream.

package state

import (
	"maps"
	"time"

	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// maxRetentionHours is the longest retention the service allows: ten years.
const maxRetentionHours = 87600

// defaultListStreams is the page size of ListStreams when MaxResults is absent.
const defaultListStreams = 10000

// CreateStream is the CreateStream operation.
func (s *State[M]) CreateStream(now time.Time, in *kvs.CreateStreamInput) (*kvs.CreateStreamOutput, *apierr.Error) {
	if in.DataRetentionInHours > maxRetentionHours {
		return nil, apierr.InvalidArgument("DataRetentionInHours %d is above the maximum of %d hours.", in.DataRetentionInHours, maxRetentionHours)
	}
	arn, e := admit(s, &s.Streams, "stream", in.StreamName, now, s.cfg.Limits.Streams, "AccountStreamLimitExceededException")
	if e != nil {
		return nil, e
	}
	st := &Stream[M]{
		Media:       s.cfg.NewMedia(),
		Resource:    newResource("stream", in.StreamName, arn, now, s.cfg.Delays.StreamCreate, maps.Clone(in.Tags)),
		DeviceName:  in.DeviceName,
		MediaType:   in.MediaType,
		KMSKeyID:    in.KmsKeyId,
		Retention:   in.DataRetentionInHours,
		StorageTier: in.StreamStorageConfiguration.DefaultStorageTier,
	}
	if st.Tags == nil {
		st.Tags = map[string]string{}
	}
	if st.KMSKeyID == "" {
		st.KMSKeyID = "arn:" + endpoints.PartitionOf(s.cfg.Region).ID + ":kms:" + s.cfg.Region + ":" + s.cfg.AccountID + ":alias/aws/kinesisvideo"
	}
	if st.StorageTier == "" {
		st.StorageTier = kvs.DefaultStorageTierHot
	}
	s.Streams.add(st)
	return &kvs.CreateStreamOutput{StreamARN: arn}, nil
}

// ServesMedia reports whether the stream has a data endpoint and takes media: from CreateStream
// on (CREATING included) until it is DELETING.
//
// The official C producer decides this: after CreateStream it goes straight to GetDataEndpoint
// and PutMedia without waiting for ACTIVE, treats ResourceNotFoundException from GetDataEndpoint
// as fatal (the stream is never created), and retries a PutMedia answered 404 with no backoff.
// It works against the service, so the service serves a new stream's data plane at once. A
// stream being deleted has no data endpoint and takes no media: ResourceNotFoundException, "The
// requested stream is not found or not active.", and an open PutMedia gets STREAM_NOT_ACTIVE.
func (st *Stream[M]) ServesMedia(now time.Time) bool {
	return st.Status(now) != kvs.StatusDeleting
}

// Info describes the stream as DescribeStream and ListStreams do.
func (st *Stream[M]) Info(now time.Time) kvs.StreamInfo {
	return kvs.StreamInfo{
		DeviceName:           st.DeviceName,
		StreamName:           st.Name,
		StreamARN:            st.ARN,
		MediaType:            st.MediaType,
		KmsKeyId:             st.KMSKeyID,
		Version:              st.Version,
		Status:               st.Status(now),
		CreationTime:         st.Created,
		DataRetentionInHours: st.Retention,
	}
}

// DescribeStream is the DescribeStream operation.
func (s *State[M]) DescribeStream(now time.Time, in *kvs.DescribeStreamInput) (*kvs.DescribeStreamOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeStreamOutput{StreamInfo: st.Info(now)}, nil
}

// ListStreams is the ListStreams operation.
func (s *State[M]) ListStreams(now time.Time, in *kvs.ListStreamsInput) (*kvs.ListStreamsOutput, *apierr.Error) {
	infos, next, e := listPage(s, &s.Streams, "ListStreams", in.StreamNameCondition.ComparisonValue, in.NextToken,
		pageSize(in.MaxResults, defaultListStreams), func(st *Stream[M]) kvs.StreamInfo { return st.Info(now) })
	if e != nil {
		return nil, e
	}
	return &kvs.ListStreamsOutput{StreamInfoList: infos, NextToken: next}, nil
}

// findChangeableStream finds a stream that is to be changed at version current (see
// resource.changeable).
func (s *State[M]) findChangeableStream(now time.Time, name, arn, current string) (*Stream[M], *apierr.Error) {
	st, e := s.FindStream(name, arn)
	if e == nil {
		e = st.Changeable(now, current)
	}
	if e != nil {
		return nil, e
	}
	return st, nil
}

// UpdateStream is the UpdateStream operation.
func (s *State[M]) UpdateStream(now time.Time, in *kvs.UpdateStreamInput) (*kvs.UpdateStreamOutput, *apierr.Error) {
	st, e := s.findChangeableStream(now, in.StreamName, in.StreamARN, in.CurrentVersion)
	if e != nil {
		return nil, e
	}
	if in.DeviceName != "" {
		st.DeviceName = in.DeviceName
	}
	if in.MediaType != "" {
		st.MediaType = in.MediaType
	}
	st.Touch(now, s.cfg.Delays.StreamUpdate)
	return &kvs.UpdateStreamOutput{}, nil
}

// UpdateDataRetention is the UpdateDataRetention operation.
func (s *State[M]) UpdateDataRetention(now time.Time, in *kvs.UpdateDataRetentionInput) (*kvs.UpdateDataRetentionOutput, *apierr.Error) {
	st, e := s.findChangeableStream(now, in.StreamName, in.StreamARN, in.CurrentVersion)
	if e != nil {
		return nil, e
	}
	retention := int64(st.Retention)
	change := int64(in.DataRetentionChangeInHours)
	switch in.Operation {
	case kvs.UpdateDataRetentionOperationIncreaseDataRetention:
		retention += change
	case kvs.UpdateDataRetentionOperationDecreaseDataRetention:
		retention -= change
	}
	if retention < 0 || retention > maxRetentionHours {
		return nil, apierr.InvalidArgument("The data retention would become %d hours; it must stay between 0 and %d hours.", retention, maxRetentionHours)
	}
	st.Retention = int32(retention)
	st.Touch(now, s.cfg.Delays.StreamUpdate)
	return &kvs.UpdateDataRetentionOutput{}, nil
}

// DeleteStream is the DeleteStream operation.
func (s *State[M]) DeleteStream(now time.Time, in *kvs.DeleteStreamInput) (*kvs.DeleteStreamOutput, *apierr.Error) {
	st, e := s.FindStream("", in.StreamARN)
	if e != nil {
		return nil, e
	}
	if e := st.BeginDelete(now, in.CurrentVersion, s.cfg.Delays.StreamDelete); e != nil {
		return nil, e
	}
	if st.ChannelARN != "" {
		if ch, ok := s.Channels.ByARN[st.ChannelARN]; ok {
			ch.Storage = kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusDisabled}
		}
		st.ChannelARN = ""
	}
	return &kvs.DeleteStreamOutput{}, nil
}
