// Streams: CreateStream, DescribeStream, ListStreams, UpdateStream, UpdateDataRetention and
// DeleteStream.

package kvstest

import (
	"maps"
	"time"

	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

func init() {
	controlOp("/createStream", "CreateStream", (*Server).createStream)
	controlOp("/describeStream", "DescribeStream", (*Server).describeStream)
	controlOp("/listStreams", "ListStreams", (*Server).listStreams)
	controlOp("/updateStream", "UpdateStream", (*Server).updateStream)
	controlOp("/updateDataRetention", "UpdateDataRetention", (*Server).updateDataRetention)
	controlOp("/deleteStream", "DeleteStream", (*Server).deleteStream)
}

// maxRetentionHours is the longest retention the service allows: ten years.
const maxRetentionHours = 87600

// defaultListStreams is the page size of ListStreams when MaxResults is absent.
const defaultListStreams = 10000

func (s *Server) createStream(now time.Time, in *kvs.CreateStreamInput) (*kvs.CreateStreamOutput, *apierr.Error) {
	if in.DataRetentionInHours > maxRetentionHours {
		return nil, apierr.InvalidArgument("DataRetentionInHours %d is above the maximum of %d hours.", in.DataRetentionInHours, maxRetentionHours)
	}
	arn, e := admit(s, &s.streams, "stream", in.StreamName, now, s.opts.limits.Streams, "AccountStreamLimitExceededException")
	if e != nil {
		return nil, e
	}
	st := &stream{
		media:       newMediaStore(),
		resource:    newResource("stream", in.StreamName, arn, now, s.opts.delays.StreamCreate, maps.Clone(in.Tags)),
		deviceName:  in.DeviceName,
		mediaType:   in.MediaType,
		kmsKeyID:    in.KmsKeyId,
		retention:   in.DataRetentionInHours,
		storageTier: in.StreamStorageConfiguration.DefaultStorageTier,
	}
	if st.tags == nil {
		st.tags = map[string]string{}
	}
	if st.kmsKeyID == "" {
		st.kmsKeyID = "arn:" + endpoints.PartitionOf(s.Region).ID + ":kms:" + s.Region + ":" + s.AccountID + ":alias/aws/kinesisvideo"
	}
	if st.storageTier == "" {
		st.storageTier = kvs.DefaultStorageTierHot
	}
	s.streams.add(st)
	return &kvs.CreateStreamOutput{StreamARN: arn}, nil
}

// servesMedia reports whether the stream has a data endpoint and takes media: from CreateStream
// on (CREATING included) until it is DELETING.
//
// The official C producer decides this: after CreateStream it goes straight to GetDataEndpoint
// and PutMedia without waiting for ACTIVE, treats ResourceNotFoundException from GetDataEndpoint
// as fatal (the stream is never created), and retries a PutMedia answered 404 with no backoff.
// It works against the service, so the service serves a new stream's data plane at once. A
// stream being deleted has no data endpoint and takes no media: ResourceNotFoundException, "The
// requested stream is not found or not active.", and an open PutMedia gets STREAM_NOT_ACTIVE.
func (st *stream) servesMedia(now time.Time) bool {
	return st.status(now) != kvs.StatusDeleting
}

// info describes the stream as DescribeStream and ListStreams do.
func (st *stream) info(now time.Time) kvs.StreamInfo {
	return kvs.StreamInfo{
		DeviceName:           st.deviceName,
		StreamName:           st.name,
		StreamARN:            st.arn,
		MediaType:            st.mediaType,
		KmsKeyId:             st.kmsKeyID,
		Version:              st.version,
		Status:               st.status(now),
		CreationTime:         st.created,
		DataRetentionInHours: st.retention,
	}
}

func (s *Server) describeStream(now time.Time, in *kvs.DescribeStreamInput) (*kvs.DescribeStreamOutput, *apierr.Error) {
	st, e := s.findStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	return &kvs.DescribeStreamOutput{StreamInfo: st.info(now)}, nil
}

func (s *Server) listStreams(now time.Time, in *kvs.ListStreamsInput) (*kvs.ListStreamsOutput, *apierr.Error) {
	infos, next, e := listPage(s, &s.streams, "ListStreams", in.StreamNameCondition.ComparisonValue, in.NextToken,
		pageSize(in.MaxResults, defaultListStreams), func(st *stream) kvs.StreamInfo { return st.info(now) })
	if e != nil {
		return nil, e
	}
	return &kvs.ListStreamsOutput{StreamInfoList: infos, NextToken: next}, nil
}

// findChangeableStream finds a stream that is to be changed at version current (see
// resource.changeable).
func (s *Server) findChangeableStream(now time.Time, name, arn, current string) (*stream, *apierr.Error) {
	st, e := s.findStream(name, arn)
	if e == nil {
		e = st.changeable(now, current)
	}
	if e != nil {
		return nil, e
	}
	return st, nil
}

func (s *Server) updateStream(now time.Time, in *kvs.UpdateStreamInput) (*kvs.UpdateStreamOutput, *apierr.Error) {
	st, e := s.findChangeableStream(now, in.StreamName, in.StreamARN, in.CurrentVersion)
	if e != nil {
		return nil, e
	}
	if in.DeviceName != "" {
		st.deviceName = in.DeviceName
	}
	if in.MediaType != "" {
		st.mediaType = in.MediaType
	}
	st.touch(now, s.opts.delays.StreamUpdate)
	return &kvs.UpdateStreamOutput{}, nil
}

func (s *Server) updateDataRetention(now time.Time, in *kvs.UpdateDataRetentionInput) (*kvs.UpdateDataRetentionOutput, *apierr.Error) {
	st, e := s.findChangeableStream(now, in.StreamName, in.StreamARN, in.CurrentVersion)
	if e != nil {
		return nil, e
	}
	retention := int64(st.retention)
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
	st.retention = int32(retention)
	st.touch(now, s.opts.delays.StreamUpdate)
	return &kvs.UpdateDataRetentionOutput{}, nil
}

func (s *Server) deleteStream(now time.Time, in *kvs.DeleteStreamInput) (*kvs.DeleteStreamOutput, *apierr.Error) {
	st, e := s.findStream("", in.StreamARN)
	if e != nil {
		return nil, e
	}
	if e := st.beginDelete(now, in.CurrentVersion, s.opts.delays.StreamDelete); e != nil {
		return nil, e
	}
	if st.channelARN != "" {
		if ch, ok := s.channels.byARN[st.channelARN]; ok {
			ch.storage = kvs.MediaStorageConfiguration{Status: kvs.MediaStorageConfigurationStatusDisabled}
		}
		st.channelARN = ""
	}
	return &kvs.DeleteStreamOutput{}, nil
}
