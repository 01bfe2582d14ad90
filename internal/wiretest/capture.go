package wiretest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
)

// Captured is one request as a server saw it.
type Captured struct {
	Method, Path  string
	Header        http.Header
	Body          []byte
	SignedHeaders []string // from the Authorization header, sorted
}

// Response is what a capture server answers.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Server is an httptest server that records every request and answers with a set response.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []Captured
	response Response
}

// NewServer starts a capture server on loopback; Close it when done.
func NewServer() *Server {
	s := &Server{response: Response{Status: http.StatusOK, Body: []byte("{}")}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Respond sets the answer to the following requests.
func (s *Server) Respond(r Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	s.response = r
}

// Take returns the requests recorded since the last Take and forgets them.
func (s *Server) Take() []Captured {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.requests
	s.requests = nil
	return r
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, Captured{
		Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body,
		SignedHeaders: SignedHeaders(r.Header.Get("Authorization")),
	})
	resp := s.response
	s.mu.Unlock()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

// SignedHeaders extracts the sorted SignedHeaders list of a SigV4 Authorization header.
func SignedHeaders(auth string) []string {
	_, rest, ok := strings.Cut(auth, "SignedHeaders=")
	if !ok {
		return nil
	}
	list, _, _ := strings.Cut(rest, ",")
	h := strings.Split(list, ";")
	sort.Strings(h)
	return h
}
