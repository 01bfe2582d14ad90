// Modeled errors of the Kinesis Video Media API. Each implements smithy.APIError; find one in an
// operation error with errors.As:
//
//	var nf *media.ResourceNotFoundException
//	if errors.As(err, &nf) { … }

package media

import (
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/kvs"
)

// ConnectionLimitExceededException means the stream already has as many open connections as the service allows (one PutMedia connection per stream). It is retried with backoff.
type ConnectionLimitExceededException struct{ Message string }

// Error returns the code and the message.
func (e *ConnectionLimitExceededException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "ConnectionLimitExceededException".
func (e *ConnectionLimitExceededException) ErrorCode() string {
	return "ConnectionLimitExceededException"
}

// ErrorMessage returns the message the service sent.
func (e *ConnectionLimitExceededException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *ConnectionLimitExceededException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// InvalidEndpointException means the request went to another endpoint than the stream's data endpoint for the API. The client looks the endpoint up again on the next call.
type InvalidEndpointException struct{ Message string }

// Error returns the code and the message.
func (e *InvalidEndpointException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "InvalidEndpointException".
func (e *InvalidEndpointException) ErrorCode() string { return "InvalidEndpointException" }

// ErrorMessage returns the message the service sent.
func (e *InvalidEndpointException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *InvalidEndpointException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// Errors the media API shares with the control plane are the kvs types, so that one errors.As
// target matches them whichever client returned them.
type (
	// ClientLimitExceededException means too many calls in a short time; it is retried with backoff.
	ClientLimitExceededException = kvs.ClientLimitExceededException
	// InvalidArgumentException means a request parameter is invalid.
	InvalidArgumentException = kvs.InvalidArgumentException
	// NotAuthorizedException means the caller may not use the stream, or the credentials expired.
	NotAuthorizedException = kvs.NotAuthorizedException
	// ResourceNotFoundException means the stream does not exist.
	ResourceNotFoundException = kvs.ResourceNotFoundException
)

// errorTable builds the modeled errors from the codes of error responses.
var errorTable = rpc.NewErrorTable(map[string]func(string) error{
	"ClientLimitExceededException":     func(m string) error { return &ClientLimitExceededException{Message: m} },
	"InvalidArgumentException":         func(m string) error { return &InvalidArgumentException{Message: m} },
	"NotAuthorizedException":           func(m string) error { return &NotAuthorizedException{Message: m} },
	"ResourceNotFoundException":        func(m string) error { return &ResourceNotFoundException{Message: m} },
	"ConnectionLimitExceededException": func(m string) error { return &ConnectionLimitExceededException{Message: m} },
	"InvalidEndpointException":         func(m string) error { return &InvalidEndpointException{Message: m} },
})
