// Tags of streams and signaling channels.

package kvs

import (
	"context"
)

// TagResource adds tags to a stream or signaling channel, replacing the values of keys it already
// has.
func (c *Client) TagResource(ctx context.Context, in *TagResourceInput, optFns ...func(*Options)) (*TagResourceOutput, error) {
	return invoke[TagResourceOutput](ctx, c, "TagResource", "/TagResource", in, optFns)
}

// TagResourceInput is the input of TagResource.
type TagResourceInput struct {
	// ResourceARN is the ARN of the stream or channel.
	ResourceARN string `json:"ResourceARN,omitzero" validate:"required,min=1,max=1024"`
	// Tags is the tags to add or overwrite.
	Tags []Tag `json:"Tags,omitzero" validate:"required,min=1,max=50"`
}

// TagResourceOutput is the output of TagResource.
type TagResourceOutput struct {
}

// UntagResource removes tags, by key, from a stream or signaling channel.
func (c *Client) UntagResource(ctx context.Context, in *UntagResourceInput, optFns ...func(*Options)) (*UntagResourceOutput, error) {
	return invoke[UntagResourceOutput](ctx, c, "UntagResource", "/UntagResource", in, optFns)
}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	// ResourceARN is the ARN of the stream or channel.
	ResourceARN string `json:"ResourceARN,omitzero" validate:"required,min=1,max=1024"`
	// TagKeyList is the keys of the tags to remove.
	TagKeyList []string `json:"TagKeyList,omitzero" validate:"required,min=1,max=50;elem:min=1,max=128,pattern=tagKey"`
}

// UntagResourceOutput is the output of UntagResource.
type UntagResourceOutput struct {
}

// ListTagsForResource returns the tags of a stream or signaling channel.
func (c *Client) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput, optFns ...func(*Options)) (*ListTagsForResourceOutput, error) {
	return invoke[ListTagsForResourceOutput](ctx, c, "ListTagsForResource", "/ListTagsForResource", in, optFns)
}

// ListTagsForResourceInput is the input of ListTagsForResource.
type ListTagsForResourceInput struct {
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero" validate:"min=0,max=1024,pattern=nextToken"`
	// ResourceARN is the ARN of the stream or channel.
	ResourceARN string `json:"ResourceARN,omitzero" validate:"required,min=1,max=1024"`
}

// ListTagsForResourceOutput is the output of ListTagsForResource.
type ListTagsForResourceOutput struct {
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero"`
	// Tags is the resource's tags, keyed by tag key.
	Tags map[string]string `json:"Tags,omitzero"`
}

// TagStream adds tags to a stream, replacing the values of keys it already has.
func (c *Client) TagStream(ctx context.Context, in *TagStreamInput, optFns ...func(*Options)) (*TagStreamOutput, error) {
	return invoke[TagStreamOutput](ctx, c, "TagStream", "/tagStream", in, optFns)
}

// TagStreamInput is the input of TagStream.
type TagStreamInput struct {
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// Tags is the tags to add or overwrite, keyed by tag key.
	Tags map[string]string `json:"Tags,omitzero" validate:"required,min=1,max=50;key:min=1,max=128,pattern=tagKey;elem:min=0,max=256,pattern=tagValue"`
}

// TagStreamOutput is the output of TagStream.
type TagStreamOutput struct {
}

// UntagStream removes tags, by key, from a stream.
func (c *Client) UntagStream(ctx context.Context, in *UntagStreamInput, optFns ...func(*Options)) (*UntagStreamOutput, error) {
	return invoke[UntagStreamOutput](ctx, c, "UntagStream", "/untagStream", in, optFns)
}

// UntagStreamInput is the input of UntagStream.
type UntagStreamInput struct {
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// TagKeyList is the keys of the tags to remove.
	TagKeyList []string `json:"TagKeyList,omitzero" validate:"required,min=1,max=50;elem:min=1,max=128,pattern=tagKey"`
}

// UntagStreamOutput is the output of UntagStream.
type UntagStreamOutput struct {
}

// ListTagsForStream returns the tags of a stream.
func (c *Client) ListTagsForStream(ctx context.Context, in *ListTagsForStreamInput, optFns ...func(*Options)) (*ListTagsForStreamOutput, error) {
	return invoke[ListTagsForStreamOutput](ctx, c, "ListTagsForStream", "/listTagsForStream", in, optFns)
}

// ListTagsForStreamInput is the input of ListTagsForStream.
type ListTagsForStreamInput struct {
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero" validate:"min=0,max=1024,pattern=nextToken"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
}

// ListTagsForStreamOutput is the output of ListTagsForStream.
type ListTagsForStreamOutput struct {
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero"`
	// Tags is the stream's tags, keyed by tag key.
	Tags map[string]string `json:"Tags,omitzero"`
}
