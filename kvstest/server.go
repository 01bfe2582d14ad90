package kvstest

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Server is a running emulator of Kinesis Video Streams. It serves the control plane at URL, the
// data plane (media and archived media) at DataURL, and WebRTC signaling at SignalingURL
// (HTTPS API) and SignalingWebSocketURL (WebSocket), all from one shared state. Its methods are
// safe for concurrent use. Close it when done.
type Server struct {
	// URL is the control-plane endpoint, e.g. "http://127.0.0.1:40123": the BaseEndpoint of
	// clients.
	URL string
	// DataURL is the endpoint GetDataEndpoint returns, for every API name and every stream.
	DataURL string
	// SignalingURL is the endpoint GetSignalingChannelEndpoint returns for HTTPS (and WEBRTC).
	SignalingURL string
	// SignalingWebSocketURL is the endpoint GetSignalingChannelEndpoint returns for WSS: ws://…
	// without TLS (the service's is always wss://), wss://… with WithTLS.
	SignalingWebSocketURL string
	// Region is the region the server answers for.
	Region string
	// AccountID is the account of every ARN the server creates.
	AccountID string

	opts     options
	auth     verifier
	servers  [numPlanes]*httptest.Server
	client   *http.Client
	ctx      context.Context // canceled by Close, ending every request
	cancel   context.CancelFunc
	inflight sync.WaitGroup // handlers running, including hijacked ones
	close    sync.Once

	faults      faults
	mediaFaults mediaFaults
	dur         durability // the store: memory or a data directory (persist.go)

	mu       sync.Mutex // guards the state below; see state.go
	streams  registry[*stream]
	channels registry[*channel]
	pageKey  []byte // authenticates pagination tokens
}

// NewServer starts an emulator on free ports of 127.0.0.1, configured by opts. It panics if the
// options are invalid or a port cannot be opened, as httptest.NewServer does; Start returns the
// error instead.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic("kvstest: " + err.Error())
	}
	return s
}

// Start starts an emulator configured by opts and returns it, or the reason it cannot start.
func Start(opts ...Option) (*Server, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	s := &Server{
		Region:    o.region,
		AccountID: o.accountID,
		opts:      o,
		auth: verifier{accessKey: o.accessKey, secretKey: o.secretKey, sessionToken: o.sessionToken,
			anyKey: o.anyKey, region: o.region, now: o.clock},
		streams:  newRegistry[*stream](),
		channels: newRegistry[*channel](),
		pageKey:  randomKey(),
	}
	s.faults.reset()
	s.ctx, s.cancel = context.WithCancel(context.Background())

	var control net.Listener
	if o.addr != "" {
		l, err := net.Listen("tcp", o.addr)
		if err != nil {
			return nil, fmt.Errorf("listening on %s: %w", o.addr, err)
		}
		control = l
	}
	if err := s.openStore(); err != nil {
		if control != nil {
			control.Close()
		}
		return nil, err
	}
	errorLog := log.New(io.Discard, "", 0)
	if o.logf != nil {
		errorLog = log.New(logWriter(o.logf), "kvstest: ", 0)
	}
	for p := range numPlanes {
		ts := httptest.NewUnstartedServer(s.handler(p))
		if p == controlPlane && control != nil {
			ts.Listener.Close()
			ts.Listener = control
		}
		ts.Config.BaseContext = func(net.Listener) context.Context { return s.ctx }
		ts.Config.ErrorLog = errorLog
		if o.tls {
			ts.StartTLS()
		} else {
			ts.Start()
		}
		s.servers[p] = ts
	}
	s.URL = s.servers[controlPlane].URL
	s.DataURL = s.servers[dataPlane].URL
	s.SignalingURL = s.servers[signalingPlane].URL
	s.SignalingWebSocketURL = "ws" + strings.TrimPrefix(s.servers[signalingWSPlane].URL, "http")
	s.client = s.servers[controlPlane].Client()
	return s, nil
}

// Close stops the server: it stops accepting connections, ends the requests in progress
// (streaming ones see their context canceled), and returns once every handler has returned. It
// may be called more than once.
func (s *Server) Close() {
	s.close.Do(func() {
		s.cancel()
		for _, ts := range s.servers {
			ts.Close()
		}
		s.inflight.Wait()
		s.closeStore()
	})
}

// Config returns an aws.Config that points clients at the server: its region, its credentials,
// its URL as BaseEndpoint and, with WithTLS, an HTTP client that trusts its certificate. Both
// kvs.NewFromConfig and the AWS SDK's kinesisvideo.NewFromConfig accept it.
func (s *Server) Config() aws.Config {
	cfg := aws.Config{
		Region:       s.Region,
		Credentials:  staticCredentials(s.Credentials()),
		BaseEndpoint: aws.String(s.URL),
	}
	if s.opts.tls {
		cfg.HTTPClient = s.client
	}
	return cfg
}

// Credentials returns the credentials the server accepts, as its Config signs with them.
func (s *Server) Credentials() aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     s.opts.accessKey,
		SecretAccessKey: s.opts.secretKey,
		SessionToken:    s.opts.sessionToken,
		Source:          "kvstest",
	}
}

// Client returns an HTTP client for the server's endpoints; with WithTLS it trusts the server's
// certificate. It is closed with the server.
func (s *Server) Client() *http.Client { return s.client }

// Certificate returns the certificate the server uses with WithTLS, and nil without it.
func (s *Server) Certificate() *x509.Certificate {
	if !s.opts.tls {
		return nil
	}
	return s.servers[controlPlane].Certificate()
}

// staticCredentials provides fixed credentials.
type staticCredentials aws.Credentials

// Retrieve returns the credentials.
func (c staticCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}

// logWriter turns the lines of the HTTP servers' error log into calls of logf.
type logWriter func(format string, args ...any)

func (w logWriter) Write(p []byte) (int, error) {
	w("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
