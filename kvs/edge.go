// Edge agent configurations.

package kvs

import (
	"context"
	"time"
)

// StartEdgeConfigurationUpdate creates or replaces the edge agent configuration of a stream. The
// new configuration syncs to the edge agent asynchronously; DescribeEdgeConfiguration reports
// progress.
func (c *Client) StartEdgeConfigurationUpdate(ctx context.Context, in *StartEdgeConfigurationUpdateInput, optFns ...func(*Options)) (*StartEdgeConfigurationUpdateOutput, error) {
	return invoke[StartEdgeConfigurationUpdateOutput](ctx, c, "StartEdgeConfigurationUpdate", "/startEdgeConfigurationUpdate", in, optFns)
}

// StartEdgeConfigurationUpdateInput is the input of StartEdgeConfigurationUpdate.
type StartEdgeConfigurationUpdateInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// EdgeConfig is the edge agent's configuration for the stream.
	EdgeConfig EdgeConfig `json:"EdgeConfig,omitzero" validate:"required"`
}

// StartEdgeConfigurationUpdateOutput is the output of StartEdgeConfigurationUpdate.
type StartEdgeConfigurationUpdateOutput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero"`
	// CreationTime is when the resource was created.
	CreationTime time.Time `json:"CreationTime,omitzero"`
	// LastUpdatedTime is when the resource was last changed.
	LastUpdatedTime time.Time `json:"LastUpdatedTime,omitzero"`
	// SyncStatus is the state of the configuration's synchronisation with the edge agent.
	SyncStatus SyncStatus `json:"SyncStatus,omitzero"`
	// FailedStatusDetails explains a failed synchronisation.
	FailedStatusDetails string `json:"FailedStatusDetails,omitzero"`
	// EdgeConfig is the edge agent's configuration for the stream.
	EdgeConfig EdgeConfig `json:"EdgeConfig,omitzero"`
}

// DescribeEdgeConfiguration returns a stream's edge agent configuration and the latest state of
// its jobs.
func (c *Client) DescribeEdgeConfiguration(ctx context.Context, in *DescribeEdgeConfigurationInput, optFns ...func(*Options)) (*DescribeEdgeConfigurationOutput, error) {
	return invoke[DescribeEdgeConfigurationOutput](ctx, c, "DescribeEdgeConfiguration", "/describeEdgeConfiguration", in, optFns)
}

// DescribeEdgeConfigurationInput is the input of DescribeEdgeConfiguration.
type DescribeEdgeConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
}

// DescribeEdgeConfigurationOutput is the output of DescribeEdgeConfiguration.
type DescribeEdgeConfigurationOutput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero"`
	// CreationTime is when the resource was created.
	CreationTime time.Time `json:"CreationTime,omitzero"`
	// LastUpdatedTime is when the resource was last changed.
	LastUpdatedTime time.Time `json:"LastUpdatedTime,omitzero"`
	// SyncStatus is the state of the configuration's synchronisation with the edge agent.
	SyncStatus SyncStatus `json:"SyncStatus,omitzero"`
	// FailedStatusDetails explains a failed synchronisation.
	FailedStatusDetails string `json:"FailedStatusDetails,omitzero"`
	// EdgeConfig is the edge agent's configuration for the stream.
	EdgeConfig EdgeConfig `json:"EdgeConfig,omitzero"`
	// EdgeAgentStatus reports the latest recorder and uploader job states.
	EdgeAgentStatus EdgeAgentStatus `json:"EdgeAgentStatus,omitzero"`
}

// DeleteEdgeConfiguration removes a stream's edge agent configuration. The removal syncs to the
// edge agent asynchronously.
func (c *Client) DeleteEdgeConfiguration(ctx context.Context, in *DeleteEdgeConfigurationInput, optFns ...func(*Options)) (*DeleteEdgeConfigurationOutput, error) {
	return invoke[DeleteEdgeConfigurationOutput](ctx, c, "DeleteEdgeConfiguration", "/deleteEdgeConfiguration", in, optFns)
}

// DeleteEdgeConfigurationInput is the input of DeleteEdgeConfiguration.
type DeleteEdgeConfigurationInput struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
}

// DeleteEdgeConfigurationOutput is the output of DeleteEdgeConfiguration.
type DeleteEdgeConfigurationOutput struct {
}

// ListEdgeAgentConfigurations returns one page of the edge configurations of the streams recorded
// by a hub device. NewListEdgeAgentConfigurationsPaginator walks every page.
func (c *Client) ListEdgeAgentConfigurations(ctx context.Context, in *ListEdgeAgentConfigurationsInput, optFns ...func(*Options)) (*ListEdgeAgentConfigurationsOutput, error) {
	return invoke[ListEdgeAgentConfigurationsOutput](ctx, c, "ListEdgeAgentConfigurations", "/listEdgeAgentConfigurations", in, optFns)
}

// ListEdgeAgentConfigurationsInput is the input of ListEdgeAgentConfigurations.
type ListEdgeAgentConfigurationsInput struct {
	// HubDeviceArn is the ARN of the IoT thing that runs the edge agent.
	HubDeviceArn string `json:"HubDeviceArn,omitzero" validate:"required,min=1,max=1024"`
	// MaxResults caps the number of configurations in one page (1 to 10).
	MaxResults *int32 `json:"MaxResults,omitzero" validate:"min=1,max=10"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero" validate:"min=0,max=1024,pattern=nextToken"`
}

// ListEdgeAgentConfigurationsOutput is the output of ListEdgeAgentConfigurations.
type ListEdgeAgentConfigurationsOutput struct {
	// EdgeConfigs holds one entry per stream configured on the hub device.
	EdgeConfigs []ListEdgeAgentConfigurationsEdgeConfig `json:"EdgeConfigs,omitzero"`
	// NextToken continues a listing where the previous page ended; empty for the first page.
	NextToken string `json:"NextToken,omitzero"`
}

// EdgeConfig configures the edge agent that records a camera and uploads to a stream.
type EdgeConfig struct {
	// HubDeviceArn is the ARN of the IoT thing that runs the edge agent.
	HubDeviceArn string `json:"HubDeviceArn,omitzero" validate:"required,min=1,max=1024"`
	// RecorderConfig is the recorder job's settings.
	RecorderConfig RecorderConfig `json:"RecorderConfig,omitzero" validate:"required"`
	// UploaderConfig is the uploader job's settings.
	UploaderConfig UploaderConfig `json:"UploaderConfig,omitzero"`
	// DeletionConfig controls when media is deleted from the edge device.
	DeletionConfig DeletionConfig `json:"DeletionConfig,omitzero"`
}

// DeletionConfig controls when the edge agent deletes media it holds.
type DeletionConfig struct {
	// EdgeRetentionInHours is how many hours media is kept on the edge device (720 when absent).
	EdgeRetentionInHours *int32 `json:"EdgeRetentionInHours,omitzero" validate:"min=1,max=720"`
	// LocalSizeConfig limits the media kept on the edge device by size.
	LocalSizeConfig LocalSizeConfig `json:"LocalSizeConfig,omitzero"`
	// DeleteAfterUpload says whether media is deleted from the edge device once uploaded. The service
	// treats an absent value as true, so the field is a pointer.
	DeleteAfterUpload *bool `json:"DeleteAfterUpload,omitzero"`
}

// LocalSizeConfig limits the media the edge agent keeps for a stream.
type LocalSizeConfig struct {
	// MaxLocalMediaSizeInMB is the most media, in MB, kept on the edge device for the stream.
	MaxLocalMediaSizeInMB *int32 `json:"MaxLocalMediaSizeInMB,omitzero" validate:"min=64,max=2000000"`
	// StrategyOnFullSize is what the edge agent does when MaxLocalMediaSizeInMB is reached.
	StrategyOnFullSize StrategyOnFullSize `json:"StrategyOnFullSize,omitzero"`
}

// StrategyOnFullSize is what an edge agent does when its storage limit is reached.
type StrategyOnFullSize string

// Values of StrategyOnFullSize.
const (
	StrategyOnFullSizeDeleteOldestMedia StrategyOnFullSize = "DELETE_OLDEST_MEDIA"
	StrategyOnFullSizeDenyNewMedia      StrategyOnFullSize = "DENY_NEW_MEDIA"
)

// Values returns every value of StrategyOnFullSize the service model defines.
func (StrategyOnFullSize) Values() []StrategyOnFullSize {
	return []StrategyOnFullSize{StrategyOnFullSizeDeleteOldestMedia, StrategyOnFullSizeDenyNewMedia}
}

// UploaderConfig configures the edge agent's uploader job.
type UploaderConfig struct {
	// ScheduleConfig is when uploads run.
	ScheduleConfig ScheduleConfig `json:"ScheduleConfig,omitzero" validate:"required"`
}

// ScheduleConfig schedules an edge agent job.
type ScheduleConfig struct {
	// ScheduleExpression is a Quartz cron expression saying when jobs start.
	ScheduleExpression string `json:"ScheduleExpression,omitzero" validate:"required,min=11,max=100,pattern=scheduleExpression"`
	// DurationInSeconds is how long each scheduled job runs.
	DurationInSeconds int32 `json:"DurationInSeconds" validate:"min=60,max=3600"`
}

// RecorderConfig configures the edge agent's recorder job.
type RecorderConfig struct {
	// MediaSourceConfig says where the recorder reads media from.
	MediaSourceConfig MediaSourceConfig `json:"MediaSourceConfig,omitzero" validate:"required"`
	// ScheduleConfig is when recording runs; the recorder runs continuously when absent.
	ScheduleConfig ScheduleConfig `json:"ScheduleConfig,omitzero"`
}

// MediaSourceConfig says where the edge agent's recorder reads media from.
type MediaSourceConfig struct {
	// MediaUriSecretArn is the ARN of the Secrets Manager secret holding the camera's media URI.
	MediaUriSecretArn string `json:"MediaUriSecretArn,omitzero" validate:"required,min=20,max=2048"`
	// MediaUriType is whether the media URI is an RTSP URL or a file.
	MediaUriType MediaUriType `json:"MediaUriType,omitzero" validate:"required"`
}

// MediaUriType is the kind of media URI an edge recorder reads.
type MediaUriType string

// Values of MediaUriType.
const (
	MediaUriTypeRTSPURI MediaUriType = "RTSP_URI"
	MediaUriTypeFileURI MediaUriType = "FILE_URI"
)

// Values returns every value of MediaUriType the service model defines.
func (MediaUriType) Values() []MediaUriType {
	return []MediaUriType{MediaUriTypeRTSPURI, MediaUriTypeFileURI}
}

// SyncStatus is the state of an edge configuration's synchronisation with the edge agent.
type SyncStatus string

// Values of SyncStatus.
const (
	SyncStatusSyncing              SyncStatus = "SYNCING"
	SyncStatusAcknowledged         SyncStatus = "ACKNOWLEDGED"
	SyncStatusInSync               SyncStatus = "IN_SYNC"
	SyncStatusSyncFailed           SyncStatus = "SYNC_FAILED"
	SyncStatusDeleting             SyncStatus = "DELETING"
	SyncStatusDeleteFailed         SyncStatus = "DELETE_FAILED"
	SyncStatusDeletingAcknowledged SyncStatus = "DELETING_ACKNOWLEDGED"
)

// Values returns every value of SyncStatus the service model defines.
func (SyncStatus) Values() []SyncStatus {
	return []SyncStatus{SyncStatusSyncing, SyncStatusAcknowledged, SyncStatusInSync, SyncStatusSyncFailed, SyncStatusDeleting, SyncStatusDeleteFailed, SyncStatusDeletingAcknowledged}
}

// EdgeAgentStatus reports the latest state of the edge agent's jobs for a stream.
type EdgeAgentStatus struct {
	// LastRecorderStatus is the latest state of the recorder job.
	LastRecorderStatus LastRecorderStatus `json:"LastRecorderStatus,omitzero"`
	// LastUploaderStatus is the latest state of the uploader job.
	LastUploaderStatus LastUploaderStatus `json:"LastUploaderStatus,omitzero"`
}

// LastUploaderStatus is the latest state of the edge agent's uploader job.
type LastUploaderStatus struct {
	// JobStatusDetails explains the job's latest state.
	JobStatusDetails string `json:"JobStatusDetails,omitzero"`
	// LastCollectedTime is when the edge agent last reported this status.
	LastCollectedTime time.Time `json:"LastCollectedTime,omitzero"`
	// LastUpdatedTime is when the resource was last changed.
	LastUpdatedTime time.Time `json:"LastUpdatedTime,omitzero"`
	// UploaderStatus is the uploader job's state.
	UploaderStatus UploaderStatus `json:"UploaderStatus,omitzero"`
}

// UploaderStatus is the state of an edge uploader job.
type UploaderStatus string

// Values of UploaderStatus.
const (
	UploaderStatusSuccess     UploaderStatus = "SUCCESS"
	UploaderStatusUserError   UploaderStatus = "USER_ERROR"
	UploaderStatusSystemError UploaderStatus = "SYSTEM_ERROR"
)

// Values returns every value of UploaderStatus the service model defines.
func (UploaderStatus) Values() []UploaderStatus {
	return []UploaderStatus{UploaderStatusSuccess, UploaderStatusUserError, UploaderStatusSystemError}
}

// LastRecorderStatus is the latest state of the edge agent's recorder job.
type LastRecorderStatus struct {
	// JobStatusDetails explains the job's latest state.
	JobStatusDetails string `json:"JobStatusDetails,omitzero"`
	// LastCollectedTime is when the edge agent last reported this status.
	LastCollectedTime time.Time `json:"LastCollectedTime,omitzero"`
	// LastUpdatedTime is when the resource was last changed.
	LastUpdatedTime time.Time `json:"LastUpdatedTime,omitzero"`
	// RecorderStatus is the recorder job's state.
	RecorderStatus RecorderStatus `json:"RecorderStatus,omitzero"`
}

// RecorderStatus is the state of an edge recorder job.
type RecorderStatus string

// Values of RecorderStatus.
const (
	RecorderStatusSuccess     RecorderStatus = "SUCCESS"
	RecorderStatusUserError   RecorderStatus = "USER_ERROR"
	RecorderStatusSystemError RecorderStatus = "SYSTEM_ERROR"
)

// Values returns every value of RecorderStatus the service model defines.
func (RecorderStatus) Values() []RecorderStatus {
	return []RecorderStatus{RecorderStatusSuccess, RecorderStatusUserError, RecorderStatusSystemError}
}

// ListEdgeAgentConfigurationsEdgeConfig describes the edge configuration of one stream.
type ListEdgeAgentConfigurationsEdgeConfig struct {
	// StreamName is the name of the stream, unique in the account and region.
	StreamName string `json:"StreamName,omitzero"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero"`
	// CreationTime is when the resource was created.
	CreationTime time.Time `json:"CreationTime,omitzero"`
	// LastUpdatedTime is when the resource was last changed.
	LastUpdatedTime time.Time `json:"LastUpdatedTime,omitzero"`
	// SyncStatus is the state of the configuration's synchronisation with the edge agent.
	SyncStatus SyncStatus `json:"SyncStatus,omitzero"`
	// FailedStatusDetails explains a failed synchronisation.
	FailedStatusDetails string `json:"FailedStatusDetails,omitzero"`
	// EdgeConfig is the edge agent's configuration for the stream.
	EdgeConfig EdgeConfig `json:"EdgeConfig,omitzero"`
}
