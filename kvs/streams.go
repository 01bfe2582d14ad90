// Streams: create, describe, list, update, delete, retention and data endpoints.

package kvs

import (
	"context"
	"time"
)

// CreateStream creates a stream. The stream starts in the CREATING state; wait for ACTIVE
// (NewStreamActiveWaiter) before writing to it.
func (c *Client) CreateStream(ctx context.Context, in *CreateStreamInput, optFns ...func(*Options)) (*CreateStreamOutput, error) {
	return invoke[CreateStreamOutput](ctx, c, "CreateStream", "/createStream", in, optFns)
}

// CreateStreamInput is the input of CreateStream.
type CreateStreamInput struct {
	// DeviceName names the device that writes to the stream.
	DeviceName string `json:"DeviceName,omitzero" validate:"min=1,max=128,pattern=name"`
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"required,min=1,max=256,pattern=name"`
	// MediaType is the stream's media type as one or more MIME types separated by commas (e.g.
	// video/h264).
	MediaType string `json:"MediaType,omitzero" validate:"min=1,max=128,pattern=mediaType"`
	// KmsKeyId is the AWS KMS key that encrypts the stream's media; the service's own key when empty.
	KmsKeyId string `json:"KmsKeyId,omitzero" validate:"min=1,max=2048,pattern=kmsKeyId"`
	// DataRetentionInHours is how long fragments are kept; 0 (the default) means media is not stored
	// and can only be read live.
	DataRetentionInHours int32 `json:"DataRetentionInHours,omitzero" validate:"min=0"`
	// Tags is the tags to give the new stream (up to 50).
	Tags map[string]string `json:"Tags,omitzero" validate:"min=1,max=50;key:min=1,max=128,pattern=tagKey;elem:min=0,max=256,pattern=tagValue"`
	// StreamStorageConfiguration is the storage settings of the stream.
	StreamStorageConfiguration StreamStorageConfiguration `json:"StreamStorageConfiguration,omitzero"`
}

// CreateStreamOutput is the output of CreateStream.
type CreateStreamOutput struct {
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero"`
}

// DeleteStream marks a stream for deletion. Its data becomes unreadable at once; the stream
// disappears after a while in the DELETING state.
func (c *Client) DeleteStream(ctx context.Context, in *DeleteStreamInput, optFns ...func(*Options)) (*DeleteStreamOutput, error) {
	return invoke[DeleteStreamOutput](ctx, c, "DeleteStream", "/deleteStream", in, optFns)
}

// DeleteStreamInput is the input of DeleteStream.
type DeleteStreamInput struct {
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"required,min=1,max=1024"`
	// CurrentVersion is the stream version the caller last read; empty to delete whatever the current
	// version is.
	CurrentVersion string `json:"CurrentVersion,omitzero" validate:"min=1,max=64,pattern=version"`
}

// DeleteStreamOutput is the output of DeleteStream.
type DeleteStreamOutput struct {
}

// DescribeStream returns the description of a stream, identified by name or ARN.
func (c *Client) DescribeStream(ctx context.Context, in *DescribeStreamInput, optFns ...func(*Options)) (*DescribeStreamOutput, error) {
	return invoke[DescribeStreamOutput](ctx, c, "DescribeStream", "/describeStream", in, optFns)
}

// DescribeStreamInput is the input of DescribeStream.
type DescribeStreamInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
}

// DescribeStreamOutput is the output of DescribeStream.
type DescribeStreamOutput struct {
	// StreamInfo describes the stream.
	StreamInfo StreamInfo `json:"StreamInfo,omitzero"`
}

// ListStreams returns one page of the account's streams. NewListStreamsPaginator walks every page.
func (c *Client) ListStreams(ctx context.Context, in *ListStreamsInput, optFns ...func(*Options)) (*ListStreamsOutput, error) {
	return invoke[ListStreamsOutput](ctx, c, "ListStreams", "/listStreams", in, optFns)
}

// ListStreamsInput is the input of ListStreams.
type ListStreamsInput struct {
	// MaxResults caps the number of streams in one page (1 to 10000).
	MaxResults *int32 `json:"MaxResults,omitzero" validate:"min=1,max=10000"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero" validate:"min=0,max=1024,pattern=nextToken"`
	// StreamNameCondition limits the list to streams whose names match it.
	StreamNameCondition StreamNameCondition `json:"StreamNameCondition,omitzero"`
}

// ListStreamsOutput is the output of ListStreams.
type ListStreamsOutput struct {
	// StreamInfoList holds one entry per stream on this page.
	StreamInfoList []StreamInfo `json:"StreamInfoList,omitzero"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero"`
}

// UpdateStream changes a stream's device name or media type.
func (c *Client) UpdateStream(ctx context.Context, in *UpdateStreamInput, optFns ...func(*Options)) (*UpdateStreamOutput, error) {
	return invoke[UpdateStreamOutput](ctx, c, "UpdateStream", "/updateStream", in, optFns)
}

// UpdateStreamInput is the input of UpdateStream.
type UpdateStreamInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// CurrentVersion is the version the caller last read; the call fails with
	// VersionMismatchException if the resource changed since.
	CurrentVersion string `json:"CurrentVersion,omitzero" validate:"required,min=1,max=64,pattern=version"`
	// DeviceName names the device that writes to the stream.
	DeviceName string `json:"DeviceName,omitzero" validate:"min=1,max=128,pattern=name"`
	// MediaType is the stream's media type as one or more MIME types separated by commas (e.g.
	// video/h264).
	MediaType string `json:"MediaType,omitzero" validate:"min=1,max=128,pattern=mediaType"`
}

// UpdateStreamOutput is the output of UpdateStream.
type UpdateStreamOutput struct {
}

// UpdateDataRetention lengthens or shortens the time a stream keeps its data. Shortening applies
// to data already stored.
func (c *Client) UpdateDataRetention(ctx context.Context, in *UpdateDataRetentionInput, optFns ...func(*Options)) (*UpdateDataRetentionOutput, error) {
	return invoke[UpdateDataRetentionOutput](ctx, c, "UpdateDataRetention", "/updateDataRetention", in, optFns)
}

// UpdateDataRetentionInput is the input of UpdateDataRetention.
type UpdateDataRetentionInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// CurrentVersion is the version the caller last read; the call fails with
	// VersionMismatchException if the resource changed since.
	CurrentVersion string `json:"CurrentVersion,omitzero" validate:"required,min=1,max=64,pattern=version"`
	// Operation is whether the retention period grows or shrinks.
	Operation UpdateDataRetentionOperation `json:"Operation,omitzero" validate:"required"`
	// DataRetentionChangeInHours is how many hours to add to or remove from the retention period.
	DataRetentionChangeInHours int32 `json:"DataRetentionChangeInHours" validate:"min=1"`
}

// UpdateDataRetentionOutput is the output of UpdateDataRetention.
type UpdateDataRetentionOutput struct {
}

// GetDataEndpoint returns the endpoint to send one data-plane API's requests for a stream to. The
// media and archived-media clients call it for you and cache the answer (see Client.DataEndpoint).
func (c *Client) GetDataEndpoint(ctx context.Context, in *GetDataEndpointInput, optFns ...func(*Options)) (*GetDataEndpointOutput, error) {
	return invoke[GetDataEndpointOutput](ctx, c, "GetDataEndpoint", "/getDataEndpoint", in, optFns)
}

// GetDataEndpointInput is the input of GetDataEndpoint.
type GetDataEndpointInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// APIName is the data-plane API whose endpoint is wanted.
	APIName APIName `json:"APIName,omitzero" validate:"required"`
}

// GetDataEndpointOutput is the output of GetDataEndpoint.
type GetDataEndpointOutput struct {
	// DataEndpoint is the base URL to send the data-plane API's requests to.
	DataEndpoint string `json:"DataEndpoint,omitzero"`
}

// StreamStorageConfiguration holds the storage settings of a stream.
type StreamStorageConfiguration struct {
	// DefaultStorageTier is the storage tier new media is written to.
	DefaultStorageTier DefaultStorageTier `json:"DefaultStorageTier,omitzero" validate:"required"`
}

// DefaultStorageTier is the storage tier of a stream's media.
type DefaultStorageTier string

// Values of DefaultStorageTier.
const (
	DefaultStorageTierHot  DefaultStorageTier = "HOT"
	DefaultStorageTierWarm DefaultStorageTier = "WARM"
)

// Values returns every value of DefaultStorageTier the service model defines.
func (DefaultStorageTier) Values() []DefaultStorageTier {
	return []DefaultStorageTier{DefaultStorageTierHot, DefaultStorageTierWarm}
}

// StreamInfo describes a stream.
type StreamInfo struct {
	// DeviceName names the device that writes to the stream.
	DeviceName string `json:"DeviceName,omitzero"`
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero"`
	// MediaType is the stream's media type as one or more MIME types separated by commas (e.g.
	// video/h264).
	MediaType string `json:"MediaType,omitzero"`
	// KmsKeyId is the AWS KMS key that encrypts the stream's media; the service's own key when empty.
	KmsKeyId string `json:"KmsKeyId,omitzero"`
	// Version changes whenever the resource changes; pass it as CurrentVersion to update the resource
	// safely.
	Version string `json:"Version,omitzero"`
	// Status is the lifecycle state of the stream.
	Status Status `json:"Status,omitzero"`
	// CreationTime is when the resource was created.
	CreationTime time.Time `json:"CreationTime,omitzero"`
	// DataRetentionInHours is how long fragments are kept; 0 means media is not stored and can only
	// be read live.
	DataRetentionInHours int32 `json:"DataRetentionInHours,omitzero"`
}

// Status is the lifecycle state of a stream or signaling channel.
type Status string

// Values of Status.
const (
	StatusCreating Status = "CREATING"
	StatusActive   Status = "ACTIVE"
	StatusUpdating Status = "UPDATING"
	StatusDeleting Status = "DELETING"
)

// Values returns every value of Status the service model defines.
func (Status) Values() []Status {
	return []Status{StatusCreating, StatusActive, StatusUpdating, StatusDeleting}
}

// StreamNameCondition filters streams by name.
type StreamNameCondition struct {
	// ComparisonOperator is how ComparisonValue is compared with names; BEGINS_WITH is the only
	// operator.
	ComparisonOperator ComparisonOperator `json:"ComparisonOperator,omitzero"`
	// ComparisonValue is the name prefix to match.
	ComparisonValue string `json:"ComparisonValue,omitzero" validate:"min=1,max=256,pattern=name"`
}

// ComparisonOperator compares names in list filters.
type ComparisonOperator string

// Values of ComparisonOperator.
const (
	ComparisonOperatorBeginsWith ComparisonOperator = "BEGINS_WITH"
)

// Values returns every value of ComparisonOperator the service model defines.
func (ComparisonOperator) Values() []ComparisonOperator {
	return []ComparisonOperator{ComparisonOperatorBeginsWith}
}

// UpdateDataRetentionOperation says whether UpdateDataRetention grows or shrinks retention.
type UpdateDataRetentionOperation string

// Values of UpdateDataRetentionOperation.
const (
	UpdateDataRetentionOperationIncreaseDataRetention UpdateDataRetentionOperation = "INCREASE_DATA_RETENTION"
	UpdateDataRetentionOperationDecreaseDataRetention UpdateDataRetentionOperation = "DECREASE_DATA_RETENTION"
)

// Values returns every value of UpdateDataRetentionOperation the service model defines.
func (UpdateDataRetentionOperation) Values() []UpdateDataRetentionOperation {
	return []UpdateDataRetentionOperation{UpdateDataRetentionOperationIncreaseDataRetention, UpdateDataRetentionOperationDecreaseDataRetention}
}

// APIName names a data-plane API, to look up its endpoint with GetDataEndpoint.
type APIName string

// Values of APIName.
const (
	APINamePutMedia                   APIName = "PUT_MEDIA"
	APINameGetMedia                   APIName = "GET_MEDIA"
	APINameListFragments              APIName = "LIST_FRAGMENTS"
	APINameGetMediaForFragmentList    APIName = "GET_MEDIA_FOR_FRAGMENT_LIST"
	APINameGetHLSStreamingSessionURL  APIName = "GET_HLS_STREAMING_SESSION_URL"
	APINameGetDASHStreamingSessionURL APIName = "GET_DASH_STREAMING_SESSION_URL"
	APINameGetClip                    APIName = "GET_CLIP"
	APINameGetImages                  APIName = "GET_IMAGES"
)

// Values returns every value of APIName the service model defines.
func (APIName) Values() []APIName {
	return []APIName{APINamePutMedia, APINameGetMedia, APINameListFragments, APINameGetMediaForFragmentList, APINameGetHLSStreamingSessionURL, APINameGetDASHStreamingSessionURL, APINameGetClip, APINameGetImages}
}
