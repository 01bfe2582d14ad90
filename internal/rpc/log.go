package rpc

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"
)

// maxLoggedBody bounds how much of a body LogRequestWithBody and LogResponseWithBody write.
const maxLoggedBody = 64 << 10

// EventLog is where a long-lived object (Producer, Consumer, signaling Conn) reports what happens
// to its connections, through the client's logging.Logger:
//   - Debugf: connections opened, replaced and retried, sent when ClientLogMode has LogRetries
//     (reconnecting is how these objects retry);
//   - Warnf: what the application should know about, such as failed acknowledgements and dropped
//     data, sent whenever a Logger is configured, as the AWS SDK sends its warnings.
//
// The zero EventLog logs nothing.
type EventLog struct {
	logger logging.Logger
	mode   aws.ClientLogMode
	prefix string
}

// NewEventLog returns the EventLog of an object whose messages start with prefix (such as
// "media producer stream-name: ").
func NewEventLog(logger logging.Logger, mode aws.ClientLogMode, prefix string) EventLog {
	return EventLog{logger: logger, mode: mode, prefix: prefix}
}

// Debugf logs a connection event when LogRetries is on.
func (l EventLog) Debugf(format string, args ...any) {
	if l.logger != nil && l.mode.IsRetries() {
		l.logger.Logf(logging.Debug, l.prefix+format, args...)
	}
}

// Warnf logs a warning.
func (l EventLog) Warnf(format string, args ...any) {
	if l.logger != nil {
		l.logger.Logf(logging.Warn, l.prefix+format, args...)
	}
}

// logf writes a Debug message when the client has a logger and one of the bits of mode is set.
func (c *Config) logf(mode aws.ClientLogMode, format string, args ...any) {
	if c.Logger != nil && c.LogMode&mode != 0 {
		c.Logger.Logf(logging.Debug, format, args...)
	}
}

// logRequest writes req, as aws-sdk-go-v2 does ("Request\n" and the dump), under LogRequest, and
// with its body under LogRequestWithBody unless the body is a stream, which is never read for a
// log.
func (c *Config) logRequest(req *http.Request, streaming bool) {
	if c.Logger == nil || !c.LogMode.IsRequest() && !c.LogMode.IsRequestWithBody() {
		return
	}
	withBody := c.LogMode.IsRequestWithBody() && !streaming && req.GetBody != nil
	dump, err := httputil.DumpRequestOut(req, false)
	if err != nil {
		c.Logger.Logf(logging.Debug, "failed to dump the request: %v", err)
		return
	}
	if withBody {
		if body, err := req.GetBody(); err == nil {
			data, _ := io.ReadAll(io.LimitReader(body, maxLoggedBody+1))
			_ = body.Close()
			dump = append(dump, truncated(data)...)
		}
	} else if streaming && c.LogMode.IsRequestWithBody() {
		dump = append(dump, "(streaming body not logged)"...)
	}
	c.Logger.Logf(logging.Debug, "Request\n%s", dump)
}

// logResponse writes resp, as aws-sdk-go-v2 does ("Response\n" and the dump), under LogResponse,
// and with its body under LogResponseWithBody unless the body is a media stream. A logged body
// is put back so that the caller reads it whole.
func (c *Config) logResponse(resp *http.Response, streaming bool) {
	if c.Logger == nil || !c.LogMode.IsResponse() && !c.LogMode.IsResponseWithBody() {
		return
	}
	dump, err := httputil.DumpResponse(&http.Response{
		Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto, ProtoMajor: resp.ProtoMajor,
		ProtoMinor: resp.ProtoMinor, Header: resp.Header, ContentLength: resp.ContentLength,
		TransferEncoding: resp.TransferEncoding, Body: http.NoBody,
	}, false)
	if err != nil {
		c.Logger.Logf(logging.Debug, "failed to dump the response: %v", err)
		return
	}
	switch {
	case c.LogMode.IsResponseWithBody() && !streaming:
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody+1))
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(data), errReader{err}, resp.Body), resp.Body}
		dump = append(dump, truncated(data)...)
	case c.LogMode.IsResponseWithBody():
		dump = append(dump, "(streaming body not logged)"...)
	}
	c.Logger.Logf(logging.Debug, "Response\n%s", dump)
}

func truncated(data []byte) []byte {
	if len(data) > maxLoggedBody {
		return fmt.Appendf(data[:maxLoggedBody:maxLoggedBody], "… (truncated at %d bytes)", maxLoggedBody)
	}
	return data
}

type readCloser struct {
	io.Reader
	io.Closer
}

// errReader returns err, if any, once the buffered part of a body is read: a read error met
// while logging reaches the caller at the same place.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	return 0, io.EOF
}
