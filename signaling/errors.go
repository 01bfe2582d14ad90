// Modeled errors of the signaling API. The errors it shares with the control plane are the kvs
// types under another name, so one errors.As target matches both:
//
//	var nf *signaling.ResourceNotFoundException // the same type as *kvs.ResourceNotFoundException
//	if errors.As(err, &nf) { … }

package signaling

import (
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/kvs"
)

// ClientLimitExceededException means the caller sends requests (or opens connections) faster than
// the service allows. HTTPS requests are retried with backoff; WebSocket connections reconnect
// with backoff.
type ClientLimitExceededException = kvs.ClientLimitExceededException

// InvalidArgumentException means a request parameter is invalid.
type InvalidArgumentException = kvs.InvalidArgumentException

// NotAuthorizedException means the caller is not authorized for the operation.
type NotAuthorizedException = kvs.NotAuthorizedException

// ResourceNotFoundException means the signaling channel does not exist.
type ResourceNotFoundException = kvs.ResourceNotFoundException

// AccessDeniedException means the caller may not connect to the channel, or the presigned URL
// has expired. The service answers a WebSocket handshake with it (HTTP 403); the HTTPS
// operations do not model it.
type AccessDeniedException = kvs.AccessDeniedException

// InvalidClientException means the client ID is not valid for the channel.
type InvalidClientException struct{ Message string }

// Error returns the code and the message.
func (e *InvalidClientException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "InvalidClientException".
func (e *InvalidClientException) ErrorCode() string { return "InvalidClientException" }

// ErrorMessage returns the message the service sent.
func (e *InvalidClientException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *InvalidClientException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// SessionExpiredException means the client's session on the channel has expired; connect again
// to keep sending and receiving.
type SessionExpiredException struct{ Message string }

// Error returns the code and the message.
func (e *SessionExpiredException) Error() string { return rpc.ErrorString(e) }

// ErrorCode returns "SessionExpiredException".
func (e *SessionExpiredException) ErrorCode() string { return "SessionExpiredException" }

// ErrorMessage returns the message the service sent.
func (e *SessionExpiredException) ErrorMessage() string { return e.Message }

// ErrorFault reports a client-side fault.
func (e *SessionExpiredException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// errorTable builds the modeled errors from the codes of error responses.
var errorTable = rpc.NewErrorTable(map[string]func(string) error{
	"AccessDeniedException":        func(m string) error { return &AccessDeniedException{Message: m} },
	"ClientLimitExceededException": func(m string) error { return &ClientLimitExceededException{Message: m} },
	"InvalidArgumentException":     func(m string) error { return &InvalidArgumentException{Message: m} },
	"InvalidClientException":       func(m string) error { return &InvalidClientException{Message: m} },
	"NotAuthorizedException":       func(m string) error { return &NotAuthorizedException{Message: m} },
	"ResourceNotFoundException":    func(m string) error { return &ResourceNotFoundException{Message: m} },
	"SessionExpiredException":      func(m string) error { return &SessionExpiredException{Message: m} },
})
