// Routing: the operations of each endpoint, registered by path, behind authentication and fault
// injection.
//
// Each file of operations registers its routes in an init function, so that new operations are
// added without changing this file:
//
//	func init() {
//		controlOp("/describeStream", "DescribeStream", (*Server).describeStream) // JSON in, JSON out
//		streamRoute(dataPlane, http.MethodPost, "/putMedia", "PutMedia", (*Server).putMedia)
//	}
//
// A JSON operation is a function of the locked state and the decoded, validated input:
//
//	func (s *Server) describeStream(now time.Time, in *kvs.DescribeStreamInput) (*kvs.DescribeStreamOutput, *apierr.Error)
//
// A streaming operation gets the call and reads the request body and writes the response
// itself; the signature was verified without reading the body (see sigv4.StreamingPayloadHashes).

package kvstest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/kvstest/internal/sigv4"
)

// plane is one of the endpoints a Server serves.
type plane int

const (
	controlPlane     plane = iota // the control plane, at Server.URL
	dataPlane                     // media and archived media, at Server.DataURL
	signalingPlane                // the HTTPS signaling API, at Server.SignalingURL
	signalingWSPlane              // WebSocket signaling, at Server.SignalingWebSocketURL
	numPlanes
)

var planeNames = [numPlanes]string{"control", "data", "signaling", "signaling-ws"}

// maxRequestBody bounds the body of a JSON request; larger ones are refused before they are read.
const maxRequestBody = 1 << 20

// route is one operation at one path of one endpoint.
type route struct {
	op     string
	method string
	// opOf, when set, names the operation of each request instead of op: for a path that serves
	// several operations, such as the signaling WebSocket (ConnectAsMaster, ConnectAsViewer).
	opOf func(r *http.Request) string
	// streaming routes read the body themselves; the signature is verified without it.
	streaming bool
	// sessionToken routes are not signed: the session token in their URL authorizes them, and
	// the handler checks it (HLS and DASH playback).
	sessionToken bool
	handle       func(s *Server, c *serve.Call)
}

// routes holds the operations of every endpoint by path. It is filled by the init functions of
// the operation files and never changes afterwards.
var routes [numPlanes]map[string]*route

func addRoute(p plane, path string, rt *route) {
	if routes[p] == nil {
		routes[p] = map[string]*route{}
	}
	if _, dup := routes[p][path]; dup {
		panic(fmt.Sprintf("kvstest: two %s-plane routes for %s", planeNames[p], path))
	}
	routes[p][path] = rt
}

// jsonRoute registers a JSON operation at POST path: the body is decoded into In and checked
// against the service model (InvalidArgumentException), fn runs with the state locked, and Out
// is sent as JSON (an empty body when Out has no members, as the service does).
func jsonRoute[In, Out any](p plane, path, op string, fn func(s *Server, now time.Time, in *In) (*Out, *apierr.Error)) {
	empty := reflect.TypeFor[Out]().NumField() == 0
	addRoute(p, path, &route{op: op, method: http.MethodPost, handle: func(s *Server, c *serve.Call) {
		in := new(In)
		if !c.Decode(in) {
			return
		}
		out, e := runLocked(s, p, op, in, fn)
		if e != nil {
			c.Fail(e)
			return
		}
		if empty {
			c.Reply(nil)
			return
		}
		c.Reply(out)
	}})
}

func runLocked[In, Out any](s *Server, p plane, op string, in *In, fn func(s *Server, now time.Time, in *In) (*Out, *apierr.Error)) (*Out, *apierr.Error) {
	now := s.state.Lock()
	defer s.state.Unlock()
	out, e := fn(s, now, in)
	if e == nil && mutates(p, op) {
		e = s.saveState(op)
	}
	return out, e
}

// mutates reports whether the control-plane operation op may change the state.
func mutates(p plane, op string) bool {
	if p != controlPlane {
		return false
	}
	for _, read := range []string{"Describe", "List", "Get"} {
		if len(op) >= len(read) && op[:len(read)] == read {
			return false
		}
	}
	return true
}

// controlOp registers a JSON operation of the control plane, an operation of its state.
func controlOp[In, Out any](path, op string, fn func(st *controlState, now time.Time, in *In) (*Out, *apierr.Error)) {
	jsonRoute(controlPlane, path, op, func(s *Server, now time.Time, in *In) (*Out, *apierr.Error) { return fn(s.state, now, in) })
}

// streamRoute registers an operation whose handler reads the request body and writes the
// response itself, such as PutMedia, GetMedia or a WebSocket connection.
func streamRoute(p plane, method, path, op string, handle func(s *Server, c *serve.Call)) {
	addRoute(p, path, &route{op: op, method: method, streaming: true, handle: handle})
}

// handler returns the HTTP handler of one endpoint.
func (s *Server) handler(p plane) http.Handler {
	return s.planeHandler(func(*http.Request) plane { return p })
}

// onePortHandler returns the HTTP handler of WithOnePort, which serves every endpoint.
func (s *Server) onePortHandler() http.Handler { return s.planeHandler(planeOf) }

// planeOf returns the endpoint a request of WithOnePort is for, by its path: the endpoint with
// an operation at the path (the WebSocket endpoint only for a WebSocket upgrade), and the control
// plane for a path that is no operation at all.
func planeOf(r *http.Request) plane {
	upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
	for p := range numPlanes {
		if _, ok := routes[p][r.URL.Path]; ok && (p != signalingWSPlane || upgrade) {
			return p
		}
	}
	return controlPlane
}

// planeHandler returns an HTTP handler serving each request as one of the endpoint pick names.
func (s *Server) planeHandler(pick func(*http.Request) plane) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := pick(r)
		s.inflight.Add(1)
		defer s.inflight.Done()
		rec := &recorder{ResponseWriter: w}
		c := &serve.Call{W: rec, R: r, RequestID: newRequestID()}
		w.Header()[apierr.RequestIDHeader] = []string{c.RequestID}
		if !s.answerBrowser(p, c) {
			s.serve(p, c)
		}
		if s.opts.logf != nil {
			op := c.Op
			if op == "" {
				op = "-"
			}
			s.opts.logf("kvstest: %s %s %s %s → %d %s", planeNames[p], r.Method, r.URL.Path, op, rec.status, c.Detail)
		}
	})
}

func (s *Server) serve(p plane, c *serve.Call) {
	r := c.R
	rt := routes[p][r.URL.Path]
	if rt == nil || r.Method != rt.method {
		// The body is not read: answer at once and drop the connection, which may carry a stream.
		c.W.Header().Set("Connection", "close")
		if _, e := s.auth.VerifyStructure(r); e != nil {
			c.Fail(e)
			return
		}
		c.Fail(unknownOperation(p, r))
		return
	}
	c.Op = rt.op
	if rt.opOf != nil {
		c.Op = rt.opOf(r)
	}
	hookReq := r
	if rt.sessionToken {
		hookReq = r.Clone(r.Context())
	} else if rt.streaming {
		hashes, e := sigv4.StreamingPayloadHashes(r)
		if e == nil {
			c.AccessKey, e = s.auth.Verify(r, hashes)
			c.PayloadHash = hashes[0] // which one the client signed with, for the record
			if _, miss := s.auth.Verify(r, hashes[:1]); e == nil && len(hashes) > 1 && miss != nil {
				c.PayloadHash = hashes[1]
			}
		}
		if e != nil {
			// Answer at once and drop the connection, rather than drain a stream first.
			c.W.Header().Set("Connection", "close")
			c.Fail(e)
			return
		}
		hookReq = r.Clone(r.Context())
		hookReq.Body = http.NoBody
	} else {
		var e *apierr.Error
		if c.Body, e = readBody(r); e == nil {
			sum := sha256.Sum256(c.Body)
			c.AccessKey, e = s.auth.Verify(r, []string{hex.EncodeToString(sum[:])})
		}
		if e != nil {
			c.Fail(e)
			return
		}
		hookReq = r.Clone(r.Context())
		hookReq.Body = io.NopCloser(bytes.NewReader(c.Body))
	}
	if e := s.applyFaults(c.Op, hookReq); e != nil {
		if rt.streaming {
			c.W.Header().Set("Connection", "close")
		}
		c.Fail(e)
		return
	}
	rt.handle(s, c)
}

// unknownOperation is the answer to a path that is no operation of the endpoint. The control
// plane answers HTTP 403 with no error code and an empty body, as the service's control-plane
// endpoint does for the media APIs; the other endpoints answer UnknownOperationException.
func unknownOperation(p plane, r *http.Request) *apierr.Error {
	if p == controlPlane {
		e := &apierr.Error{Status: http.StatusForbidden}
		if dataPlaneOp(r.URL.Path) {
			e.Message = "data-plane path on the control-plane endpoint: send it to the endpoint GetDataEndpoint returns"
		} else {
			e.Message = "no control-plane operation at " + r.Method + " " + r.URL.Path
		}
		return e
	}
	return apierr.New(http.StatusNotFound, "UnknownOperationException", "No operation at %s %s on this endpoint.", r.Method, r.URL.Path)
}

func dataPlaneOp(path string) bool {
	_, ok := routes[dataPlane][path]
	return ok
}

// readBody reads the body of a JSON request, refusing one larger than maxRequestBody before
// reading it when its length is declared.
func readBody(r *http.Request) ([]byte, *apierr.Error) {
	tooLarge := apierr.New(http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
		"The request body is larger than %d bytes.", maxRequestBody)
	if r.ContentLength > maxRequestBody {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return nil, apierr.New(http.StatusBadRequest, "SerializationException", "Reading the request body failed: %v", err)
	}
	if len(data) > maxRequestBody {
		return nil, tooLarge
	}
	return data, nil
}

// newRequestID returns a random UUID, the form of the service's request IDs.
func newRequestID() string { return rpc.NewUUID() }

// recorder remembers the status of a response for the log. It passes Flush and Hijack through,
// so that streaming and WebSocket handlers work behind it.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("kvstest: the connection cannot be hijacked")
	}
	if r.status == 0 {
		r.status = http.StatusSwitchingProtocols
	}
	return h.Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
