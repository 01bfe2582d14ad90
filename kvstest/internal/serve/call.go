// Package serve is one call of an emulator operation as its handler sees it: the request, the
// response writer, who signed it, and the answers (an error, or JSON). The router in kvstest
// makes a Call for each request it authenticates; the handlers of every internal package
// answer through it, so that they need not know the router.
package serve

import (
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// Call is one request being answered.
type Call struct {
	Op        string // the operation's name, e.g. "PutMedia"
	W         http.ResponseWriter
	R         *http.Request
	Body      []byte // the body of a JSON operation; nil for streaming ones, which read R.Body
	RequestID string
	AccessKey string // the access key ID that signed the request
	// PayloadHash is the payload hash a streaming request was signed with.
	PayloadHash string
	Detail      string // why the call failed, for the log
}

// Fail answers the call with e, and notes its code and the first line of its message in Detail.
func (c *Call) Fail(e *apierr.Error) {
	c.Detail = e.Code
	if e.Message != "" {
		msg, _, _ := strings.Cut(e.Message, "\n")
		if c.Detail != "" {
			c.Detail += ": "
		}
		c.Detail += msg
	}
	e.Write(c.W)
}

// Reply answers the call with HTTP 200 and out as JSON, or an empty body when out is nil.
func (c *Call) Reply(out any) {
	if out == nil {
		c.W.Header().Set("Content-Length", "0")
		c.W.WriteHeader(http.StatusOK)
		return
	}
	data, err := jsonwire.Marshal(out)
	if err != nil {
		c.Fail(apierr.Internal(err))
		return
	}
	h := c.W.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	c.W.WriteHeader(http.StatusOK)
	_, _ = c.W.Write(data)
}

// Decode decodes the JSON body into in and checks it against the service model; on failure it
// answers the call and returns false.
func (c *Call) Decode(in any) bool {
	if e := apierr.Decode(c.Body, in); e != nil {
		c.Fail(e)
		return false
	}
	return true
}

// SendContinue answers a request that asked for "Expect: 100-continue" with a bare
// "100 Continue" before a handler writes its response ahead of reading the body. Go's server sends
// 100 Continue by itself only when the body is read before anything is written; a streaming
// operation (PutMedia) starts its response first, and without this the client would wait for its
// expect timeout (a second, for libcurl) before sending the body.
func (c *Call) SendContinue() {
	if !c.R.ProtoAtLeast(1, 1) || !strings.EqualFold(c.R.Header.Get("Expect"), "100-continue") {
		return
	}
	// An informational response carries the headers set so far; the service's carries none.
	h := c.W.Header()
	saved := maps.Clone(h)
	clear(h)
	c.W.WriteHeader(http.StatusContinue)
	maps.Copy(h, saved)
}
