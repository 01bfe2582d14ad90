// Package apierr is the error answer of the emulator's operations, in the shape every client
// decodes: an HTTP status, a code in the x-amzn-ErrorType header and a JSON message. Every
// internal package of kvstest returns it; kvstest converts it to and from its public Error.
package apierr

import (
	"fmt"
	"net/http"

	"github.com/kvsgo/sdk/internal/jsonwire"
)

// Error is an error answer. Its fields are those of kvstest.Error, which converts to it.
//
// An Error with an empty Code is sent with no error type and an empty body, as the service does
// for some failures.
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
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.HTTPStatus(), e.Message)
}

// HTTPStatus returns the status the error is sent with.
func (e *Error) HTTPStatus() int {
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

// The response headers are written as the service spells them: HTTP header names are
// case-insensitive, but some clients are not (the C producer finds the request ID by a
// case-sensitive comparison with "x-amzn-RequestId"). Header.Set would rewrite them into Go's
// canonical form, so they are set by map key.
const (
	RequestIDHeader = "x-amzn-RequestId"
	ErrorTypeHeader = "x-amzn-ErrorType"
)

// Write sends e as the response, with the request ID already set on w.
func (e *Error) Write(w http.ResponseWriter) {
	h := w.Header()
	if e.Code == "" {
		h.Set("Content-Length", "0")
		w.WriteHeader(e.HTTPStatus())
		return
	}
	ns := serviceNamespace
	if frontEndCodes[e.Code] {
		ns = frontEndNamespace
	}
	h[ErrorTypeHeader] = []string{e.Code + ns}
	h.Set("Content-Type", "application/json")
	body := append([]byte(`{"message":`), jsonwire.AppendString(nil, e.Message)...)
	body = append(body, '}')
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(body)
}

// New returns an Error with the message format formats.
func New(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// The modeled errors of the control plane, with the statuses the API reference gives them.

// InvalidArgument returns an InvalidArgumentException.
func InvalidArgument(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "InvalidArgumentException", format, args...)
}

// ResourceInUse returns a ResourceInUseException.
func ResourceInUse(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "ResourceInUseException", format, args...)
}

// VersionMismatch returns a VersionMismatchException.
func VersionMismatch(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "VersionMismatchException", format, args...)
}

// NoDataRetention returns a NoDataRetentionException.
func NoDataRetention(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "NoDataRetentionException", format, args...)
}

// TagLimit returns a TagsPerResourceExceededLimitException.
func TagLimit(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "TagsPerResourceExceededLimitException", format, args...)
}

// InvalidResourceFormat returns an InvalidResourceFormatException.
func InvalidResourceFormat(format string, args ...any) *Error {
	return New(http.StatusBadRequest, "InvalidResourceFormatException", format, args...)
}

// EdgeConfigNotFound returns a StreamEdgeConfigurationNotFoundException (HTTP 404).
func EdgeConfigNotFound(format string, args ...any) *Error {
	return New(http.StatusNotFound, "StreamEdgeConfigurationNotFoundException", format, args...)
}

// StreamNotFound is the service's ResourceNotFoundException for a missing stream, in its wording.
func StreamNotFound() *Error {
	return New(http.StatusNotFound, "ResourceNotFoundException", "The requested stream is not found or not active.")
}

// ChannelNotFound is StreamNotFound for a signaling channel.
func ChannelNotFound() *Error {
	return New(http.StatusNotFound, "ResourceNotFoundException", "The requested channel is not found or not active.")
}

// Throttled is the answer Throttle injects.
func Throttled() *Error {
	return New(http.StatusBadRequest, "ClientLimitExceededException",
		"The request rate for this operation is above the allowed limit; retry later.")
}

// Internal reports a failure of the emulator itself, or a hook's plain error.
func Internal(err error) *Error {
	return New(http.StatusInternalServerError, "InternalFailure", "%v", err)
}
