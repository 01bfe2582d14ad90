// Media storage, stream storage and mapped resources.

package kvs

import (
	"context"
)

// DescribeMediaStorageConfiguration returns whether, and into which stream, a signaling channel's
// media is stored.
func (c *Client) DescribeMediaStorageConfiguration(ctx context.Context, in *DescribeMediaStorageConfigurationInput, optFns ...func(*Options)) (*DescribeMediaStorageConfigurationOutput, error) {
	return invoke[DescribeMediaStorageConfigurationOutput](ctx, c, "DescribeMediaStorageConfiguration", "/describeMediaStorageConfiguration", in, optFns)
}

// DescribeMediaStorageConfigurationInput is the input of DescribeMediaStorageConfiguration.
type DescribeMediaStorageConfigurationInput struct {
	// ChannelName is the name of the signaling channel, unique in the account and region.
	ChannelName string `json:"ChannelName,omitzero" validate:"min=1,max=256,pattern=name"`
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"min=1,max=1024"`
}

// DescribeMediaStorageConfigurationOutput is the output of DescribeMediaStorageConfiguration.
type DescribeMediaStorageConfigurationOutput struct {
	// MediaStorageConfiguration is the media storage settings of the channel.
	MediaStorageConfiguration MediaStorageConfiguration `json:"MediaStorageConfiguration,omitzero"`
}

// UpdateMediaStorageConfiguration links a signaling channel to the stream its media is stored in,
// or unlinks it.
func (c *Client) UpdateMediaStorageConfiguration(ctx context.Context, in *UpdateMediaStorageConfigurationInput, optFns ...func(*Options)) (*UpdateMediaStorageConfigurationOutput, error) {
	return invoke[UpdateMediaStorageConfigurationOutput](ctx, c, "UpdateMediaStorageConfiguration", "/updateMediaStorageConfiguration", in, optFns)
}

// UpdateMediaStorageConfigurationInput is the input of UpdateMediaStorageConfiguration.
type UpdateMediaStorageConfigurationInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"required,min=1,max=1024"`
	// MediaStorageConfiguration is the media storage settings of the channel.
	MediaStorageConfiguration MediaStorageConfiguration `json:"MediaStorageConfiguration,omitzero" validate:"required"`
}

// UpdateMediaStorageConfigurationOutput is the output of UpdateMediaStorageConfiguration.
type UpdateMediaStorageConfigurationOutput struct {
}

// DescribeStreamStorageConfiguration returns the storage settings of a stream.
func (c *Client) DescribeStreamStorageConfiguration(ctx context.Context, in *DescribeStreamStorageConfigurationInput, optFns ...func(*Options)) (*DescribeStreamStorageConfigurationOutput, error) {
	return invoke[DescribeStreamStorageConfigurationOutput](ctx, c, "DescribeStreamStorageConfiguration", "/describeStreamStorageConfiguration", in, optFns)
}

// DescribeStreamStorageConfigurationInput is the input of DescribeStreamStorageConfiguration.
type DescribeStreamStorageConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
}

// DescribeStreamStorageConfigurationOutput is the output of DescribeStreamStorageConfiguration.
type DescribeStreamStorageConfigurationOutput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero"`
	// StreamStorageConfiguration is the storage settings of the stream.
	StreamStorageConfiguration StreamStorageConfiguration `json:"StreamStorageConfiguration,omitzero"`
}

// UpdateStreamStorageConfiguration changes the storage settings of a stream.
func (c *Client) UpdateStreamStorageConfiguration(ctx context.Context, in *UpdateStreamStorageConfigurationInput, optFns ...func(*Options)) (*UpdateStreamStorageConfigurationOutput, error) {
	return invoke[UpdateStreamStorageConfigurationOutput](ctx, c, "UpdateStreamStorageConfiguration", "/updateStreamStorageConfiguration", in, optFns)
}

// UpdateStreamStorageConfigurationInput is the input of UpdateStreamStorageConfiguration.
type UpdateStreamStorageConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// CurrentVersion is the version the caller last read; the call fails with
	// VersionMismatchException if the resource changed since.
	CurrentVersion string `json:"CurrentVersion,omitzero" validate:"required,min=1,max=64,pattern=version"`
	// StreamStorageConfiguration is the storage settings of the stream.
	StreamStorageConfiguration StreamStorageConfiguration `json:"StreamStorageConfiguration,omitzero" validate:"required"`
}

// UpdateStreamStorageConfigurationOutput is the output of UpdateStreamStorageConfiguration.
type UpdateStreamStorageConfigurationOutput struct {
}

// DescribeMappedResourceConfiguration returns the resources mapped to a stream (such as the
// signaling channel whose media it stores). NewDescribeMappedResourceConfigurationPaginator walks
// every page.
func (c *Client) DescribeMappedResourceConfiguration(ctx context.Context, in *DescribeMappedResourceConfigurationInput, optFns ...func(*Options)) (*DescribeMappedResourceConfigurationOutput, error) {
	return invoke[DescribeMappedResourceConfigurationOutput](ctx, c, "DescribeMappedResourceConfiguration", "/describeMappedResourceConfiguration", in, optFns)
}

// DescribeMappedResourceConfigurationInput is the input of DescribeMappedResourceConfiguration.
type DescribeMappedResourceConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// MaxResults caps the number of items in one page (the only valid value is 1).
	MaxResults *int32 `json:"MaxResults,omitzero" validate:"min=1,max=1"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero" validate:"min=0,max=1024,pattern=nextToken"`
}

// DescribeMappedResourceConfigurationOutput is the output of DescribeMappedResourceConfiguration.
type DescribeMappedResourceConfigurationOutput struct {
	// MappedResourceConfigurationList holds the resources mapped to the stream.
	MappedResourceConfigurationList []MappedResourceConfigurationListItem `json:"MappedResourceConfigurationList,omitzero"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero"`
}

// MediaStorageConfiguration says whether a signaling channel's media is stored in a stream.
type MediaStorageConfiguration struct {
	// StreamARN is the ARN of the stream that receives the channel's media.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// Status says whether the channel's media is ingested into a stream.
	Status MediaStorageConfigurationStatus `json:"Status,omitzero" validate:"required"`
}

// MediaStorageConfigurationStatus says whether a channel's media is stored.
type MediaStorageConfigurationStatus string

// Values of MediaStorageConfigurationStatus.
const (
	MediaStorageConfigurationStatusEnabled  MediaStorageConfigurationStatus = "ENABLED"
	MediaStorageConfigurationStatusDisabled MediaStorageConfigurationStatus = "DISABLED"
)

// Values returns every value of MediaStorageConfigurationStatus the service model defines.
func (MediaStorageConfigurationStatus) Values() []MediaStorageConfigurationStatus {
	return []MediaStorageConfigurationStatus{MediaStorageConfigurationStatusEnabled, MediaStorageConfigurationStatusDisabled}
}

// MappedResourceConfigurationListItem is a resource mapped to a stream.
type MappedResourceConfigurationListItem struct {
	// Type is the kind of the mapped resource.
	Type string `json:"Type,omitzero"`
	// ARN is the ARN of the mapped resource.
	ARN string `json:"ARN,omitzero"`
}
