// Modeled errors of the Kinesis Video API. Each implements smithy.APIError; find one in an
// operation error with errors.As:
//
//	var nf *kvs.ResourceNotFoundException
//	if errors.As(err, &nf) { … }

package kvs

import (
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/rpc"
)

// AccessDeniedException means the caller's permissions do not allow the operation.
type AccessDeniedException struct{ Message string }

// Error returns the code and the message.
func (e *AccessDeniedException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "AccessDeniedException".
func (e *AccessDeniedException) ErrorCode() string { return "AccessDeniedException" }

// ErrorMessage returns the message the service sent.
func (e *AccessDeniedException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *AccessDeniedException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// AccountChannelLimitExceededException means the account already has the most signaling channels it may have.
type AccountChannelLimitExceededException struct{ Message string }

// Error returns the code and the message.
func (e *AccountChannelLimitExceededException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "AccountChannelLimitExceededException".
func (e *AccountChannelLimitExceededException) ErrorCode() string {
	return "AccountChannelLimitExceededException"
}

// ErrorMessage returns the message the service sent.
func (e *AccountChannelLimitExceededException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *AccountChannelLimitExceededException) ErrorFault() smithy.ErrorFault {
	return smithy.FaultClient
}

// AccountStreamLimitExceededException means the account already has the most streams it may have.
type AccountStreamLimitExceededException struct{ Message string }

// Error returns the code and the message.
func (e *AccountStreamLimitExceededException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "AccountStreamLimitExceededException".
func (e *AccountStreamLimitExceededException) ErrorCode() string {
	return "AccountStreamLimitExceededException"
}

// ErrorMessage returns the message the service sent.
func (e *AccountStreamLimitExceededException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *AccountStreamLimitExceededException) ErrorFault() smithy.ErrorFault {
	return smithy.FaultClient
}

// ClientLimitExceededException means the caller is sending requests faster than the service allows. It is retried with backoff.
type ClientLimitExceededException struct{ Message string }

// Error returns the code and the message.
func (e *ClientLimitExceededException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "ClientLimitExceededException".
func (e *ClientLimitExceededException) ErrorCode() string { return "ClientLimitExceededException" }

// ErrorMessage returns the message the service sent.
func (e *ClientLimitExceededException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *ClientLimitExceededException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// DeviceStreamLimitExceededException means the device already writes to the most streams it may.
type DeviceStreamLimitExceededException struct{ Message string }

// Error returns the code and the message.
func (e *DeviceStreamLimitExceededException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "DeviceStreamLimitExceededException".
func (e *DeviceStreamLimitExceededException) ErrorCode() string {
	return "DeviceStreamLimitExceededException"
}

// ErrorMessage returns the message the service sent.
func (e *DeviceStreamLimitExceededException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *DeviceStreamLimitExceededException) ErrorFault() smithy.ErrorFault {
	return smithy.FaultClient
}

// InvalidArgumentException means a request parameter is invalid.
type InvalidArgumentException struct{ Message string }

// Error returns the code and the message.
func (e *InvalidArgumentException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "InvalidArgumentException".
func (e *InvalidArgumentException) ErrorCode() string { return "InvalidArgumentException" }

// ErrorMessage returns the message the service sent.
func (e *InvalidArgumentException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *InvalidArgumentException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// InvalidDeviceException means the device is not valid.
type InvalidDeviceException struct{ Message string }

// Error returns the code and the message.
func (e *InvalidDeviceException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "InvalidDeviceException".
func (e *InvalidDeviceException) ErrorCode() string { return "InvalidDeviceException" }

// ErrorMessage returns the message the service sent.
func (e *InvalidDeviceException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *InvalidDeviceException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// InvalidResourceFormatException means the stream's format does not support the operation.
type InvalidResourceFormatException struct{ Message string }

// Error returns the code and the message.
func (e *InvalidResourceFormatException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "InvalidResourceFormatException".
func (e *InvalidResourceFormatException) ErrorCode() string { return "InvalidResourceFormatException" }

// ErrorMessage returns the message the service sent.
func (e *InvalidResourceFormatException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *InvalidResourceFormatException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// NoDataRetentionException means the stream keeps no data, which the operation needs.
type NoDataRetentionException struct{ Message string }

// Error returns the code and the message.
func (e *NoDataRetentionException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "NoDataRetentionException".
func (e *NoDataRetentionException) ErrorCode() string { return "NoDataRetentionException" }

// ErrorMessage returns the message the service sent.
func (e *NoDataRetentionException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *NoDataRetentionException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// NotAuthorizedException means the caller is not authorized for the operation.
type NotAuthorizedException struct{ Message string }

// Error returns the code and the message.
func (e *NotAuthorizedException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "NotAuthorizedException".
func (e *NotAuthorizedException) ErrorCode() string { return "NotAuthorizedException" }

// ErrorMessage returns the message the service sent.
func (e *NotAuthorizedException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *NotAuthorizedException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ResourceInUseException means the resource is busy (being created or updated, for example) or the name is already taken.
type ResourceInUseException struct{ Message string }

// Error returns the code and the message.
func (e *ResourceInUseException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "ResourceInUseException".
func (e *ResourceInUseException) ErrorCode() string { return "ResourceInUseException" }

// ErrorMessage returns the message the service sent.
func (e *ResourceInUseException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *ResourceInUseException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ResourceNotFoundException means the stream or channel does not exist.
type ResourceNotFoundException struct{ Message string }

// Error returns the code and the message.
func (e *ResourceNotFoundException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "ResourceNotFoundException".
func (e *ResourceNotFoundException) ErrorCode() string { return "ResourceNotFoundException" }

// ErrorMessage returns the message the service sent.
func (e *ResourceNotFoundException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *ResourceNotFoundException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// StreamEdgeConfigurationNotFoundException means the stream has no edge configuration.
type StreamEdgeConfigurationNotFoundException struct{ Message string }

// Error returns the code and the message.
func (e *StreamEdgeConfigurationNotFoundException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "StreamEdgeConfigurationNotFoundException".
func (e *StreamEdgeConfigurationNotFoundException) ErrorCode() string {
	return "StreamEdgeConfigurationNotFoundException"
}

// ErrorMessage returns the message the service sent.
func (e *StreamEdgeConfigurationNotFoundException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *StreamEdgeConfigurationNotFoundException) ErrorFault() smithy.ErrorFault {
	return smithy.FaultClient
}

// TagsPerResourceExceededLimitException means the resource would have more than 50 tags.
type TagsPerResourceExceededLimitException struct{ Message string }

// Error returns the code and the message.
func (e *TagsPerResourceExceededLimitException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "TagsPerResourceExceededLimitException".
func (e *TagsPerResourceExceededLimitException) ErrorCode() string {
	return "TagsPerResourceExceededLimitException"
}

// ErrorMessage returns the message the service sent.
func (e *TagsPerResourceExceededLimitException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *TagsPerResourceExceededLimitException) ErrorFault() smithy.ErrorFault {
	return smithy.FaultClient
}

// VersionMismatchException means the resource changed since the version given in CurrentVersion was read.
type VersionMismatchException struct{ Message string }

// Error returns the code and the message.
func (e *VersionMismatchException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "VersionMismatchException".
func (e *VersionMismatchException) ErrorCode() string { return "VersionMismatchException" }

// ErrorMessage returns the message the service sent.
func (e *VersionMismatchException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *VersionMismatchException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// errorTable builds the modeled errors from the codes of error responses.
var errorTable = rpc.NewErrorTable(map[string]func(string) error{
	"AccessDeniedException":                    func(m string) error { return &AccessDeniedException{Message: m} },
	"AccountChannelLimitExceededException":     func(m string) error { return &AccountChannelLimitExceededException{Message: m} },
	"AccountStreamLimitExceededException":      func(m string) error { return &AccountStreamLimitExceededException{Message: m} },
	"ClientLimitExceededException":             func(m string) error { return &ClientLimitExceededException{Message: m} },
	"DeviceStreamLimitExceededException":       func(m string) error { return &DeviceStreamLimitExceededException{Message: m} },
	"InvalidArgumentException":                 func(m string) error { return &InvalidArgumentException{Message: m} },
	"InvalidDeviceException":                   func(m string) error { return &InvalidDeviceException{Message: m} },
	"InvalidResourceFormatException":           func(m string) error { return &InvalidResourceFormatException{Message: m} },
	"NoDataRetentionException":                 func(m string) error { return &NoDataRetentionException{Message: m} },
	"NotAuthorizedException":                   func(m string) error { return &NotAuthorizedException{Message: m} },
	"ResourceInUseException":                   func(m string) error { return &ResourceInUseException{Message: m} },
	"ResourceNotFoundException":                func(m string) error { return &ResourceNotFoundException{Message: m} },
	"StreamEdgeConfigurationNotFoundException": func(m string) error { return &StreamEdgeConfigurationNotFoundException{Message: m} },
	"TagsPerResourceExceededLimitException":    func(m string) error { return &TagsPerResourceExceededLimitException{Message: m} },
	"VersionMismatchException":                 func(m string) error { return &VersionMismatchException{Message: m} },
})
