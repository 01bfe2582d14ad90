package rpc

import (
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/kvsgo/sdk/internal/jsonwire"
)

// ErrorTable maps the modeled error codes of a service family to constructors. Codes match
// without regard to case, as in the AWS SDKs.
type ErrorTable map[string]func(message string) error

// NewErrorTable builds an ErrorTable from constructors keyed by error code.
func NewErrorTable(ctors map[string]func(message string) error) ErrorTable {
	t := make(ErrorTable, len(ctors))
	for code, ctor := range ctors {
		t[strings.ToLower(code)] = ctor
	}
	return t
}

// New returns the modeled error for code, or nil.
func (t ErrorTable) New(code, message string) error {
	if ctor, ok := t[strings.ToLower(code)]; ok {
		return ctor(message)
	}
	return nil
}

// SanitizeErrorCode reduces an error type such as
// "aws.protocoltests#FooError:http://internal.amazon.com/coral/" to "FooError".
func SanitizeErrorCode(code string) string {
	code, _, _ = strings.Cut(code, ":")
	if _, after, ok := strings.Cut(code, "#"); ok {
		code = after
	}
	return strings.TrimSpace(code)
}

// RequestID returns the service request ID of a response.
func RequestID(h http.Header) string {
	if id := h.Get("X-Amzn-Requestid"); id != "" {
		return id
	}
	return h.Get("X-Amz-Requestid")
}

type errorBody struct {
	Type     string `json:"__type"`
	Code     string `json:"code"`
	CodeU    string `json:"Code"`
	Message  string `json:"message"`
	MessageU string `json:"Message"`
}

// statusCodes names the error of a response that carries no error code.
var statusCodes = map[int]string{
	http.StatusBadRequest:            "BadRequest",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "NotFound",
	http.StatusRequestTimeout:        "RequestTimeout",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "RequestEntityTooLarge",
	http.StatusTooManyRequests:       "TooManyRequests",
	http.StatusInternalServerError:   "InternalServerError",
	http.StatusBadGateway:            "BadGateway",
	http.StatusServiceUnavailable:    "ServiceUnavailable",
	http.StatusGatewayTimeout:        "GatewayTimeout",
}

// APIError decodes the error of a non-2xx response: the code comes from the X-Amzn-ErrorType
// header, then x-amz-ErrorType, then the body's __type or code, then the HTTP status; the
// message from the body. The result is the family's modeled error type when the code is
// modeled and *smithy.GenericAPIError otherwise.
func (c *Config) APIError(resp *http.Response, body []byte) error {
	code := SanitizeErrorCode(resp.Header.Get("X-Amzn-Errortype"))
	if code == "" {
		code = SanitizeErrorCode(resp.Header.Get("X-Amz-Errortype"))
	}
	var eb errorBody
	jsonErr := jsonwire.Unmarshal(body, &eb)
	if code == "" {
		code = SanitizeErrorCode(firstNonEmpty(eb.Type, eb.Code, eb.CodeU))
	}
	if code == "" {
		code = statusCodes[resp.StatusCode]
		if code == "" {
			code = "HTTP" + http.StatusText(resp.StatusCode)
		}
	}
	msg := firstNonEmpty(eb.Message, eb.MessageU)
	if jsonErr != nil && len(body) > 0 && msg == "" {
		msg = "non-JSON error body: " + snippet(body)
	}
	var apiErr error
	if c.Errors != nil {
		apiErr = c.Errors(code, msg)
	}
	if apiErr == nil {
		fault := smithy.FaultClient
		if resp.StatusCode >= 500 {
			fault = smithy.FaultServer
		}
		apiErr = &smithy.GenericAPIError{Code: code, Message: msg, Fault: fault}
	}
	return ResponseError(resp, apiErr)
}

// ResponseError wraps err with the HTTP response it came with, the way the AWS SDK does, so
// that errors.As finds *awshttp.ResponseError (status code, request ID) and the API error.
func ResponseError(resp *http.Response, err error) error {
	return &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: err},
		RequestID:     RequestID(resp.Header),
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func snippet(b []byte) string {
	const max = 256
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// ErrorString formats a modeled error as "Code: message", or "Code" without a message.
func ErrorString(e smithy.APIError) string {
	if m := e.ErrorMessage(); m != "" {
		return e.ErrorCode() + ": " + m
	}
	return e.ErrorCode()
}
