// What browsers need of the endpoints: CORS, so that a page of any origin can call the APIs as
// the service lets it (the AWS SDK for JavaScript and the WebRTC SDK's test page run in
// browsers), and the console that WithConsole mounts on the control plane.
//
// CORS adds no way in: a preflight (OPTIONS) carries no credentials and gets only the headers a
// browser needs to send the real request, which is then authenticated like any other.

package kvstest

import (
	"net/http"
	"strings"

	"github.com/kvsgo/sdk/kvstest/internal/serve"
)

// WithConsole serves h to browsers at the control-plane endpoint: GET and HEAD requests for "/"
// and for paths under "/console/" go to h instead of the API, whose operations are all POST
// requests at other paths. kvslocal serves its web console this way (package
// [github.com/kvsgo/sdk/kvstest/console]); h must do its own authentication if it serves
// anything but public files.
func WithConsole(h http.Handler) Option {
	return func(o *options) { o.console = h }
}

// exposedHeaders are the response headers a page may read: the request ID, the error type the
// SDKs decode errors from, and the content headers of media responses.
const exposedHeaders = "X-Amzn-Requestid, X-Amzn-Errortype, X-Amz-Request-Id, Content-Type, Content-Length, Date"

// answerBrowser adds the CORS headers to a response to a page, and answers the requests that
// are not API calls: CORS preflights and, on the control plane, the console. It reports whether
// it answered the request, and sets the operation name the log shows for it.
func (s *Server) answerBrowser(p plane, c *serve.Call) bool {
	r := c.R
	if r.Header.Get("Origin") != "" {
		h := c.W.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			c.Op = "CORSPreflight"
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", "600")
			h.Add("Vary", "Access-Control-Request-Headers")
			c.W.WriteHeader(http.StatusNoContent)
			return true
		}
	}
	if p == controlPlane && s.opts.console != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/console/")) {
		c.Op = "Console"
		s.opts.console.ServeHTTP(c.W, r)
		return true
	}
	return false
}
