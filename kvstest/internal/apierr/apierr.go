// Error responses: the shape every client decodes, and the errors the operations return.

package kvstest

import (
	"fmt"
	"net/http"

	"github.com/kvsgo/sdk/internal/jsonwire"
)

// Error is an error answer of the emulator, in the shape the service uses: an HTTP status, an
// error code sent in the X-Amzn-ErrorType header, and a message sent as the "message" member of
// a JSON body. The operations return it and FailNext injects it; it is also what a hook installed
// with OnCall may return to choose the answer.
//
// An Error with an empty Code is sent with no error type and an empty body, as the service does
// for some failures (see the package documentation).
type Error struct {
	// Status is the HTTP status; 400 when zero.
	Status int
	// Code is the error code, e.g. "ResourceNotFoundException".
	Code string
	// Message explains the error.
	Message string
}

// Error returns "Code (HTTP status): message".
func (e *Error) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.status(), e.Message)
}

func (e *Error) status() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

// The error-type namespaces the service appends to X-Amzn-ErrorType: the front end's for
// authentication and protocol errors, the service's own for the modeled ones.
const (
	frontEndNamespace = ":http://internal.amazon.com/coral/com.amazon.coral.service/"
	serviceNamespace  = ":http://internal.amazon.com/coral/com.amazon.kinesisvideo.v20170930/"
)

// frontEndCodes are the codes that the service's front end, not the service itself, answers with.
var frontEndCodes = map[string]bool{
	"MissingAuthenticationTokenException": true,
	"IncompleteSignatureException":        true,
	"InvalidSignatureException":           true,
	"UnrecognizedClientException":         true,
	"SerializationException":              true,
	"UnknownOperationException":           true,
	"RequestEntityTooLargeException":      true,
	"InternalFailure":                     true,
}

// write sends e as the response, with the request ID already set on w.
func (e *Error) write(w http.ResponseWriter) {
	h := w.Header()
	if e.Code == "" {
		h.Set("Content-Length", "0")
		w.WriteHeader(e.status())
		return
	}
	ns := serviceNamespace
	if frontEndCodes[e.Code] {
		ns = frontEndNamespace
	}
	h[errorTypeHeader] = []string{e.Code + ns}
	h.Set("Content-Type", "application/json")
	body := append([]byte(`{"message":`), jsonwire.AppendString(nil, e.Message)...)
	body = append(body, '}')
	w.WriteHeader(e.status())
	_, _ = w.Write(body)
}

func newError(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// The modeled errors of the control plane, with the statuses the API reference gives them.

func errInvalidArgument(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, "InvalidArgumentException", format, args...)
}

func errResourceInUse(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, "ResourceInUseException", format, args...)
}

func errVersionMismatch(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, "VersionMismatchException", format, args...)
}

func errNoDataRetention(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, "NoDataRetentionException", format, args...)
}

func errTagLimit(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, "TagsPerResourceExceededLimitException", format, args...)
}

func errInvalidResourceFormat(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, "InvalidResourceFormatException", format, args...)
}

func errEdgeConfigNotFound(format string, args ...any) *Error {
	return newError(http.StatusNotFound, "StreamEdgeConfigurationNotFoundException", format, args...)
}

// errStreamNotFound and errChannelNotFound carry the service's wording for a missing resource.
func errStreamNotFound() *Error {
	return newError(http.StatusNotFound, "ResourceNotFoundException", "The requested stream is not found or not active.")
}

func errChannelNotFound() *Error {
	return newError(http.StatusNotFound, "ResourceNotFoundException", "The requested channel is not found or not active.")
}

// errThrottled is the answer Throttle injects.
func errThrottled() *Error {
	return newError(http.StatusBadRequest, "ClientLimitExceededException",
		"The request rate for this operation is above the allowed limit; retry later.")
}

// errInternal reports a failure of the emulator itself, or a hook's plain error.
func errInternal(err error) *Error {
	return newError(http.StatusInternalServerError, "InternalFailure", "%v", err)
}
