// Modeled errors of the Kinesis Video Archived Media API. Each implements smithy.APIError; find
// one in an operation error with errors.As:
//
//	var nf *archived.ResourceNotFoundException
//	if errors.As(err, &nf) { … }

package archived

import (
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/kvs"
)

// InvalidCodecPrivateDataException means the codec private data of a track in the requested media is not valid for the operation (for example, an H.264 track whose CodecPrivate is not an AVCDecoderConfigurationRecord).
type InvalidCodecPrivateDataException struct{ Message string }

// Error returns the code and the message.
func (e *InvalidCodecPrivateDataException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "InvalidCodecPrivateDataException".
func (e *InvalidCodecPrivateDataException) ErrorCode() string {
	return "InvalidCodecPrivateDataException"
}

// ErrorMessage returns the message the service sent.
func (e *InvalidCodecPrivateDataException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *InvalidCodecPrivateDataException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// InvalidMediaFrameException means a frame of the requested clip cannot be parsed as its track's codec.
type InvalidMediaFrameException struct{ Message string }

// Error returns the code and the message.
func (e *InvalidMediaFrameException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "InvalidMediaFrameException".
func (e *InvalidMediaFrameException) ErrorCode() string { return "InvalidMediaFrameException" }

// ErrorMessage returns the message the service sent.
func (e *InvalidMediaFrameException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *InvalidMediaFrameException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// MissingCodecPrivateDataException means a track of the requested media has no codec private data, which the operation needs to package it.
type MissingCodecPrivateDataException struct{ Message string }

// Error returns the code and the message.
func (e *MissingCodecPrivateDataException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "MissingCodecPrivateDataException".
func (e *MissingCodecPrivateDataException) ErrorCode() string {
	return "MissingCodecPrivateDataException"
}

// ErrorMessage returns the message the service sent.
func (e *MissingCodecPrivateDataException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *MissingCodecPrivateDataException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// UnsupportedStreamMediaTypeException means the codecs of the tracks (read from the first fragment) are not ones the operation can package: H.264 or H.265 video, with AAC (or, for clips and DASH, G.711) audio.
type UnsupportedStreamMediaTypeException struct{ Message string }

// Error returns the code and the message.
func (e *UnsupportedStreamMediaTypeException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "UnsupportedStreamMediaTypeException".
func (e *UnsupportedStreamMediaTypeException) ErrorCode() string {
	return "UnsupportedStreamMediaTypeException"
}

// ErrorMessage returns the message the service sent.
func (e *UnsupportedStreamMediaTypeException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *UnsupportedStreamMediaTypeException) ErrorFault() smithy.ErrorFault {
	return smithy.FaultClient
}

// Errors the archived-media API shares with the control plane are the kvs types, so that one
// errors.As target matches them whichever client returned them.
type (
	// ClientLimitExceededException means too many calls in a short time; it is retried with backoff.
	ClientLimitExceededException = kvs.ClientLimitExceededException
	// InvalidArgumentException means a request parameter is invalid or cannot be used.
	InvalidArgumentException = kvs.InvalidArgumentException
	// NoDataRetentionException means the stream keeps no data (a retention of 0 hours), which
	// the operation needs.
	NoDataRetentionException = kvs.NoDataRetentionException
	// NotAuthorizedException means the caller may not use the stream, or its credentials or
	// session token expired.
	NotAuthorizedException = kvs.NotAuthorizedException
	// ResourceNotFoundException means the stream does not exist, or, for an HLS or DASH session,
	// that it has no fragment in the requested range (in the last 30 seconds for LIVE).
	ResourceNotFoundException = kvs.ResourceNotFoundException
)

// errorTable builds the modeled errors from the codes of error responses.
var errorTable = rpc.NewErrorTable(map[string]func(string) error{
	"ClientLimitExceededException":        func(m string) error { return &ClientLimitExceededException{Message: m} },
	"InvalidArgumentException":            func(m string) error { return &InvalidArgumentException{Message: m} },
	"NoDataRetentionException":            func(m string) error { return &NoDataRetentionException{Message: m} },
	"NotAuthorizedException":              func(m string) error { return &NotAuthorizedException{Message: m} },
	"ResourceNotFoundException":           func(m string) error { return &ResourceNotFoundException{Message: m} },
	"InvalidCodecPrivateDataException":    func(m string) error { return &InvalidCodecPrivateDataException{Message: m} },
	"InvalidMediaFrameException":          func(m string) error { return &InvalidMediaFrameException{Message: m} },
	"MissingCodecPrivateDataException":    func(m string) error { return &MissingCodecPrivateDataException{Message: m} },
	"UnsupportedStreamMediaTypeException": func(m string) error { return &UnsupportedStreamMediaTypeException{Message: m} },
})
