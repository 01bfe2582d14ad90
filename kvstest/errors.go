// The public error answer; the internal packages build and send it as apierr.Error.

package kvstest

import "github.com/kvsgo/sdk/kvstest/internal/apierr"

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
func (e *Error) Error() string { return (*apierr.Error)(e).Error() }
