// Notification and image generation configurations.

package kvs

import (
	"context"
)

// DescribeNotificationConfiguration returns the notification settings of a stream.
func (c *Client) DescribeNotificationConfiguration(ctx context.Context, in *DescribeNotificationConfigurationInput, optFns ...func(*Options)) (*DescribeNotificationConfigurationOutput, error) {
	return invoke[DescribeNotificationConfigurationOutput](ctx, c, "DescribeNotificationConfiguration", "/describeNotificationConfiguration", in, optFns)
}

// DescribeNotificationConfigurationInput is the input of DescribeNotificationConfiguration.
type DescribeNotificationConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
}

// DescribeNotificationConfigurationOutput is the output of DescribeNotificationConfiguration.
type DescribeNotificationConfigurationOutput struct {
	// NotificationConfiguration is the notification settings of the stream.
	NotificationConfiguration NotificationConfiguration `json:"NotificationConfiguration,omitzero"`
}

// UpdateNotificationConfiguration changes the notification settings of a stream.
func (c *Client) UpdateNotificationConfiguration(ctx context.Context, in *UpdateNotificationConfigurationInput, optFns ...func(*Options)) (*UpdateNotificationConfigurationOutput, error) {
	return invoke[UpdateNotificationConfigurationOutput](ctx, c, "UpdateNotificationConfiguration", "/updateNotificationConfiguration", in, optFns)
}

// UpdateNotificationConfigurationInput is the input of UpdateNotificationConfiguration.
type UpdateNotificationConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// NotificationConfiguration is the notification settings of the stream.
	NotificationConfiguration NotificationConfiguration `json:"NotificationConfiguration,omitzero"`
}

// UpdateNotificationConfigurationOutput is the output of UpdateNotificationConfiguration.
type UpdateNotificationConfigurationOutput struct {
}

// DescribeImageGenerationConfiguration returns the image generation settings of a stream.
func (c *Client) DescribeImageGenerationConfiguration(ctx context.Context, in *DescribeImageGenerationConfigurationInput, optFns ...func(*Options)) (*DescribeImageGenerationConfigurationOutput, error) {
	return invoke[DescribeImageGenerationConfigurationOutput](ctx, c, "DescribeImageGenerationConfiguration", "/describeImageGenerationConfiguration", in, optFns)
}

// DescribeImageGenerationConfigurationInput is the input of DescribeImageGenerationConfiguration.
type DescribeImageGenerationConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
}

// DescribeImageGenerationConfigurationOutput is the output of
// DescribeImageGenerationConfiguration.
type DescribeImageGenerationConfigurationOutput struct {
	// ImageGenerationConfiguration is the image generation settings of the stream.
	ImageGenerationConfiguration ImageGenerationConfiguration `json:"ImageGenerationConfiguration,omitzero"`
}

// UpdateImageGenerationConfiguration changes the image generation settings of a stream.
func (c *Client) UpdateImageGenerationConfiguration(ctx context.Context, in *UpdateImageGenerationConfigurationInput, optFns ...func(*Options)) (*UpdateImageGenerationConfigurationOutput, error) {
	return invoke[UpdateImageGenerationConfigurationOutput](ctx, c, "UpdateImageGenerationConfiguration", "/updateImageGenerationConfiguration", in, optFns)
}

// UpdateImageGenerationConfigurationInput is the input of UpdateImageGenerationConfiguration.
type UpdateImageGenerationConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// ImageGenerationConfiguration is the image generation settings of the stream.
	ImageGenerationConfiguration ImageGenerationConfiguration `json:"ImageGenerationConfiguration,omitzero"`
}

// UpdateImageGenerationConfigurationOutput is the output of UpdateImageGenerationConfiguration.
type UpdateImageGenerationConfigurationOutput struct {
}

// NotificationConfiguration configures the notifications a stream publishes.
type NotificationConfiguration struct {
	// Status turns notifications on or off.
	Status ConfigurationStatus `json:"Status,omitzero" validate:"required"`
	// DestinationConfig says where notifications are delivered.
	DestinationConfig NotificationDestinationConfig `json:"DestinationConfig,omitzero" validate:"required"`
}

// NotificationDestinationConfig says where notifications go.
type NotificationDestinationConfig struct {
	// Uri is the URI of the Amazon SNS topic notifications are published to.
	Uri string `json:"Uri,omitzero" validate:"required,min=1,max=255,pattern=destinationUri"`
}

// ConfigurationStatus turns a stream feature on or off.
type ConfigurationStatus string

// Values of ConfigurationStatus.
const (
	ConfigurationStatusEnabled  ConfigurationStatus = "ENABLED"
	ConfigurationStatusDisabled ConfigurationStatus = "DISABLED"
)

// Values returns every value of ConfigurationStatus the service model defines.
func (ConfigurationStatus) Values() []ConfigurationStatus {
	return []ConfigurationStatus{ConfigurationStatusEnabled, ConfigurationStatusDisabled}
}

// ImageGenerationConfiguration configures the images the service extracts from a stream.
type ImageGenerationConfiguration struct {
	// Status turns image generation on or off.
	Status ConfigurationStatus `json:"Status,omitzero" validate:"required"`
	// ImageSelectorType is which timestamp images are sampled by.
	ImageSelectorType ImageSelectorType `json:"ImageSelectorType,omitzero" validate:"required"`
	// DestinationConfig says where images are delivered.
	DestinationConfig ImageGenerationDestinationConfig `json:"DestinationConfig,omitzero" validate:"required"`
	// SamplingInterval is the time between two images, in milliseconds (at least 200).
	SamplingInterval int32 `json:"SamplingInterval"`
	// Format is the image format to produce.
	Format Format `json:"Format,omitzero" validate:"required"`
	// FormatConfig holds extra encoder settings; the only key is JPEGQuality, with values from 1 to
	// 100.
	FormatConfig map[FormatConfigKey]string `json:"FormatConfig,omitzero" validate:"min=1,max=1;elem:min=0,max=256,pattern=formatConfigValue"`
	// WidthPixels is the width of produced images; the aspect ratio is kept when only one dimension
	// is set.
	WidthPixels *int32 `json:"WidthPixels,omitzero" validate:"min=1,max=3840"`
	// HeightPixels is the height of produced images; the aspect ratio is kept when only one dimension
	// is set.
	HeightPixels *int32 `json:"HeightPixels,omitzero" validate:"min=1,max=2160"`
}

// FormatConfigKey is a key of ImageGenerationConfiguration.FormatConfig.
type FormatConfigKey string

// Values of FormatConfigKey.
const (
	FormatConfigKeyJPEGQuality FormatConfigKey = "JPEGQuality"
)

// Values returns every value of FormatConfigKey the service model defines.
func (FormatConfigKey) Values() []FormatConfigKey {
	return []FormatConfigKey{FormatConfigKeyJPEGQuality}
}

// Format is an image format.
type Format string

// Values of Format.
const (
	FormatJPEG Format = "JPEG"
	FormatPNG  Format = "PNG"
)

// Values returns every value of Format the service model defines.
func (Format) Values() []Format {
	return []Format{FormatJPEG, FormatPNG}
}

// ImageGenerationDestinationConfig says where generated images go.
type ImageGenerationDestinationConfig struct {
	// Uri is the URI images are delivered to.
	Uri string `json:"Uri,omitzero" validate:"required,min=1,max=255,pattern=destinationUri"`
	// DestinationRegion is the AWS region images are delivered in.
	DestinationRegion string `json:"DestinationRegion,omitzero" validate:"required,min=9,max=14,pattern=destinationRegion"`
}

// ImageSelectorType says which timestamp images are sampled by.
type ImageSelectorType string

// Values of ImageSelectorType.
const (
	ImageSelectorTypeServerTimestamp   ImageSelectorType = "SERVER_TIMESTAMP"
	ImageSelectorTypeProducerTimestamp ImageSelectorType = "PRODUCER_TIMESTAMP"
)

// Values returns every value of ImageSelectorType the service model defines.
func (ImageSelectorType) Values() []ImageSelectorType {
	return []ImageSelectorType{ImageSelectorTypeServerTimestamp, ImageSelectorTypeProducerTimestamp}
}
