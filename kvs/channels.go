// Signaling channels: create, describe, list, update, delete and endpoints.

package kvs

import (
	"context"
	"time"
)

// CreateSignalingChannel creates a WebRTC signaling channel.
func (c *Client) CreateSignalingChannel(ctx context.Context, in *CreateSignalingChannelInput, optFns ...func(*Options)) (*CreateSignalingChannelOutput, error) {
	return invoke[CreateSignalingChannelOutput](ctx, c, "CreateSignalingChannel", "/createSignalingChannel", in, optFns)
}

// CreateSignalingChannelInput is the input of CreateSignalingChannel.
type CreateSignalingChannelInput struct {
	// ChannelName is the name of the signaling channel, unique in the account and region.
	ChannelName string `json:"ChannelName,omitzero" validate:"required,min=1,max=256,pattern=name"`
	// ChannelType is the kind of channel; SINGLE_MASTER when empty.
	ChannelType ChannelType `json:"ChannelType,omitzero"`
	// SingleMasterConfiguration is the settings of a SINGLE_MASTER channel.
	SingleMasterConfiguration SingleMasterConfiguration `json:"SingleMasterConfiguration,omitzero"`
	// Tags is the tags to give the new channel (up to 50).
	Tags []Tag `json:"Tags,omitzero" validate:"min=0,max=50"`
}

// CreateSignalingChannelOutput is the output of CreateSignalingChannel.
type CreateSignalingChannelOutput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero"`
}

// DeleteSignalingChannel deletes a signaling channel. Connected clients are disconnected.
func (c *Client) DeleteSignalingChannel(ctx context.Context, in *DeleteSignalingChannelInput, optFns ...func(*Options)) (*DeleteSignalingChannelOutput, error) {
	return invoke[DeleteSignalingChannelOutput](ctx, c, "DeleteSignalingChannel", "/deleteSignalingChannel", in, optFns)
}

// DeleteSignalingChannelInput is the input of DeleteSignalingChannel.
type DeleteSignalingChannelInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"required,min=1,max=1024"`
	// CurrentVersion is the channel version the caller last read; empty to delete whatever the
	// current version is.
	CurrentVersion string `json:"CurrentVersion,omitzero" validate:"min=1,max=64,pattern=version"`
}

// DeleteSignalingChannelOutput is the output of DeleteSignalingChannel.
type DeleteSignalingChannelOutput struct {
}

// DescribeSignalingChannel returns the description of a signaling channel, identified by name or
// ARN.
func (c *Client) DescribeSignalingChannel(ctx context.Context, in *DescribeSignalingChannelInput, optFns ...func(*Options)) (*DescribeSignalingChannelOutput, error) {
	return invoke[DescribeSignalingChannelOutput](ctx, c, "DescribeSignalingChannel", "/describeSignalingChannel", in, optFns)
}

// DescribeSignalingChannelInput is the input of DescribeSignalingChannel.
type DescribeSignalingChannelInput struct {
	// ChannelName is the name of the signaling channel, unique in the account and region.
	ChannelName string `json:"ChannelName,omitzero" validate:"min=1,max=256,pattern=name"`
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"min=1,max=1024"`
}

// DescribeSignalingChannelOutput is the output of DescribeSignalingChannel.
type DescribeSignalingChannelOutput struct {
	// ChannelInfo describes the channel.
	ChannelInfo ChannelInfo `json:"ChannelInfo,omitzero"`
}

// ListSignalingChannels returns one page of the account's signaling channels.
// NewListSignalingChannelsPaginator walks every page.
func (c *Client) ListSignalingChannels(ctx context.Context, in *ListSignalingChannelsInput, optFns ...func(*Options)) (*ListSignalingChannelsOutput, error) {
	return invoke[ListSignalingChannelsOutput](ctx, c, "ListSignalingChannels", "/listSignalingChannels", in, optFns)
}

// ListSignalingChannelsInput is the input of ListSignalingChannels.
type ListSignalingChannelsInput struct {
	// MaxResults caps the number of channels in one page (1 to 10000).
	MaxResults *int32 `json:"MaxResults,omitzero" validate:"min=1,max=10000"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero" validate:"min=0,max=1024,pattern=nextToken"`
	// ChannelNameCondition limits the list to channels whose names match it.
	ChannelNameCondition ChannelNameCondition `json:"ChannelNameCondition,omitzero"`
}

// ListSignalingChannelsOutput is the output of ListSignalingChannels.
type ListSignalingChannelsOutput struct {
	// ChannelInfoList holds one entry per channel on this page.
	ChannelInfoList []ChannelInfo `json:"ChannelInfoList,omitzero"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero"`
}

// UpdateSignalingChannel changes the settings of a SINGLE_MASTER channel. A new MessageTtlSeconds
// applies to messages sent after the update.
func (c *Client) UpdateSignalingChannel(ctx context.Context, in *UpdateSignalingChannelInput, optFns ...func(*Options)) (*UpdateSignalingChannelOutput, error) {
	return invoke[UpdateSignalingChannelOutput](ctx, c, "UpdateSignalingChannel", "/updateSignalingChannel", in, optFns)
}

// UpdateSignalingChannelInput is the input of UpdateSignalingChannel.
type UpdateSignalingChannelInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"required,min=1,max=1024"`
	// CurrentVersion is the version the caller last read; the call fails with
	// VersionMismatchException if the resource changed since.
	CurrentVersion string `json:"CurrentVersion,omitzero" validate:"required,min=1,max=64,pattern=version"`
	// SingleMasterConfiguration is the settings of a SINGLE_MASTER channel.
	SingleMasterConfiguration SingleMasterConfiguration `json:"SingleMasterConfiguration,omitzero"`
}

// UpdateSignalingChannelOutput is the output of UpdateSignalingChannel.
type UpdateSignalingChannelOutput struct {
}

// GetSignalingChannelEndpoint returns a signaling channel's endpoints for the requested protocols
// and role. The signaling client calls it for you and caches the answer (see
// Client.SignalingChannelEndpoints).
func (c *Client) GetSignalingChannelEndpoint(ctx context.Context, in *GetSignalingChannelEndpointInput, optFns ...func(*Options)) (*GetSignalingChannelEndpointOutput, error) {
	return invoke[GetSignalingChannelEndpointOutput](ctx, c, "GetSignalingChannelEndpoint", "/getSignalingChannelEndpoint", in, optFns)
}

// GetSignalingChannelEndpointInput is the input of GetSignalingChannelEndpoint.
type GetSignalingChannelEndpointInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"required,min=1,max=1024"`
	// SingleMasterChannelEndpointConfiguration selects the protocols and role of the endpoints.
	SingleMasterChannelEndpointConfiguration SingleMasterChannelEndpointConfiguration `json:"SingleMasterChannelEndpointConfiguration,omitzero"`
}

// GetSignalingChannelEndpointOutput is the output of GetSignalingChannelEndpoint.
type GetSignalingChannelEndpointOutput struct {
	// ResourceEndpointList holds one endpoint per requested protocol.
	ResourceEndpointList []ResourceEndpointListItem `json:"ResourceEndpointList,omitzero"`
}

// Tag is a key-value pair attached to a resource.
type Tag struct {
	// Key is the tag key.
	Key string `json:"Key,omitzero" validate:"required,min=1,max=128,pattern=tagKey"`
	// Value is the tag value; it may be empty, and is always sent.
	Value string `json:"Value" validate:"min=0,max=256,pattern=tagValue"`
}

// SingleMasterConfiguration holds the settings of a SINGLE_MASTER signaling channel.
type SingleMasterConfiguration struct {
	// MessageTtlSeconds is how many seconds the channel keeps a message that could not be delivered
	// yet.
	MessageTtlSeconds *int32 `json:"MessageTtlSeconds,omitzero" validate:"min=5,max=120"`
}

// ChannelType is the kind of signaling channel.
type ChannelType string

// Values of ChannelType.
const (
	ChannelTypeSingleMaster ChannelType = "SINGLE_MASTER"
	ChannelTypeFullMesh     ChannelType = "FULL_MESH"
)

// Values returns every value of ChannelType the service model defines.
func (ChannelType) Values() []ChannelType {
	return []ChannelType{ChannelTypeSingleMaster, ChannelTypeFullMesh}
}

// ChannelInfo describes a signaling channel.
type ChannelInfo struct {
	// ChannelName is the name of the signaling channel, unique in the account and region.
	ChannelName string `json:"ChannelName,omitzero"`
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero"`
	// ChannelType is the kind of channel; SINGLE_MASTER when empty.
	ChannelType ChannelType `json:"ChannelType,omitzero"`
	// ChannelStatus is the lifecycle state of the channel.
	ChannelStatus Status `json:"ChannelStatus,omitzero"`
	// CreationTime is when the resource was created.
	CreationTime time.Time `json:"CreationTime,omitzero"`
	// SingleMasterConfiguration is the settings of a SINGLE_MASTER channel.
	SingleMasterConfiguration SingleMasterConfiguration `json:"SingleMasterConfiguration,omitzero"`
	// Version changes whenever the resource changes; pass it as CurrentVersion to update the resource
	// safely.
	Version string `json:"Version,omitzero"`
}

// ChannelNameCondition filters channels by name.
type ChannelNameCondition struct {
	// ComparisonOperator is how ComparisonValue is compared with names; BEGINS_WITH is the only
	// operator.
	ComparisonOperator ComparisonOperator `json:"ComparisonOperator,omitzero"`
	// ComparisonValue is the name prefix to match.
	ComparisonValue string `json:"ComparisonValue,omitzero" validate:"min=1,max=256,pattern=name"`
}

// SingleMasterChannelEndpointConfiguration selects the endpoints GetSignalingChannelEndpoint
// returns.
type SingleMasterChannelEndpointConfiguration struct {
	// Protocols is the protocols to return endpoints for.
	Protocols []ChannelProtocol `json:"Protocols,omitzero" validate:"min=1,max=5"`
	// Role is whether the endpoints are for the master or a viewer.
	Role ChannelRole `json:"Role,omitzero"`
}

// ChannelRole is the role of a signaling client: the master or a viewer.
type ChannelRole string

// Values of ChannelRole.
const (
	ChannelRoleMaster ChannelRole = "MASTER"
	ChannelRoleViewer ChannelRole = "VIEWER"
)

// Values returns every value of ChannelRole the service model defines.
func (ChannelRole) Values() []ChannelRole {
	return []ChannelRole{ChannelRoleMaster, ChannelRoleViewer}
}

// ChannelProtocol is a protocol a signaling channel endpoint speaks.
type ChannelProtocol string

// Values of ChannelProtocol.
const (
	ChannelProtocolWSS    ChannelProtocol = "WSS"
	ChannelProtocolHTTPS  ChannelProtocol = "HTTPS"
	ChannelProtocolWebRTC ChannelProtocol = "WEBRTC"
)

// Values returns every value of ChannelProtocol the service model defines.
func (ChannelProtocol) Values() []ChannelProtocol {
	return []ChannelProtocol{ChannelProtocolWSS, ChannelProtocolHTTPS, ChannelProtocolWebRTC}
}

// ResourceEndpointListItem is one endpoint of a signaling channel.
type ResourceEndpointListItem struct {
	// Protocol is the protocol the endpoint speaks.
	Protocol ChannelProtocol `json:"Protocol,omitzero"`
	// ResourceEndpoint is the endpoint's URL.
	ResourceEndpoint string `json:"ResourceEndpoint,omitzero"`
}
