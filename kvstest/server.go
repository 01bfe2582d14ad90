package kvstest

import (
	"context"
	"crypto/tls"
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
	"github.com/kvsgo/sdk/kvstest/internal/archive"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/sigv4"
	"github.com/kvsgo/sdk/kvstest/internal/state"
)

// Server is a running emulator of Kinesis Video Streams. It serves the control plane at URL, the
// data plane at DataURL (media) and ArchivedURL (archived media), and WebRTC signaling at SignalingURL
// (HTTPS API) and SignalingWebSocketURL (WebSocket), all from one shared state. Its methods are
// safe for concurrent use. Close it when done.
type Server struct {
	// URL is the control-plane endpoint, e.g. "http://127.0.0.1:40123": the BaseEndpoint of
	// clients.
	URL string
	// DataURL is the endpoint GetDataEndpoint returns for the media APIs (PUT_MEDIA, GET_MEDIA)
	// of every stream. It serves the archived-media operations too.
	DataURL string
	// ArchivedURL is the endpoint GetDataEndpoint returns for the archived-media APIs (GET_CLIP,
	// LIST_FRAGMENTS, GET_HLS_STREAMING_SESSION_URL and the others), and the host of HLS and
	// DASH session URLs: a port of its own, as the service gives the two families different
	// hosts, so that a client caching data endpoints per API is tested against the difference.
	// It serves the same operations as DataURL (with WithOnePort it is the same URL).
	ArchivedURL string
	// SignalingURL is the endpoint GetSignalingChannelEndpoint returns for HTTPS (and WEBRTC).
	SignalingURL string
	// SignalingWebSocketURL is the endpoint GetSignalingChannelEndpoint returns for WSS: ws://…
	// without TLS (the service's is always wss://), wss://… with WithTLS or WithTLSCertificate.
	SignalingWebSocketURL string
	// Region is the region the server answers for.
	Region string
	// AccountID is the account of every ARN the server creates.
	AccountID string

	opts     options
	auth     sigv4.Verifier
	servers  [len(endpointPlanes)]*httptest.Server // by endpoint; nil for those the control plane's serves
	client   *http.Client
	ctx      context.Context // canceled by Close, ending every request
	cancel   context.CancelFunc
	inflight sync.WaitGroup // handlers running, including hijacked ones
	close    sync.Once

	faults      faults
	mediaFaults mediaFaults
	dur         durability        // the store: memory or a data directory (persist.go)
	media       *mediaapi.Service // PutMedia and GetMedia over each stream's media (media.go)
	archive     *archive.Service  // the archived-media API over the same media (media.go)

	state *controlState // streams and channels; see internal/state
}

// endpointPlanes lists the endpoints a Server listens on, by the plane each serves; the index of
// each plane's first endpoint is the plane. The data plane has a second one, ArchivedURL.
var endpointPlanes = [...]plane{controlPlane, dataPlane, signalingPlane, signalingWSPlane, dataPlane}

// archivedEndpoint is the index of ArchivedURL's endpoint in endpointPlanes.
const archivedEndpoint = 4

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
		auth: sigv4.Verifier{AccessKey: o.accessKey, SecretKey: o.secretKey, SessionToken: o.sessionToken,
			AnyKey: o.anyKey, Region: o.region, Now: o.clock},
	}
	s.state = state.New(state.Config[*mediaapi.Media]{Region: o.region, AccountID: o.accountID,
		Limits: state.Limits(o.limits), Delays: state.Delays(o.delays), Clock: o.clock, NewMedia: mediaapi.NewMedia})
	s.faults.reset()
	s.ctx, s.cancel = context.WithCancel(context.Background())

	listeners, err := o.listen()
	if err != nil {
		return nil, err
	}
	if err := s.openStore(); err != nil {
		for _, l := range listeners {
			if l != nil {
				l.Close()
			}
		}
		return nil, err
	}
	errorLog := log.New(io.Discard, "", 0)
	if o.logf != nil {
		errorLog = log.New(logWriter(o.logf), "kvstest: ", 0)
	}
	for i, l := range listeners {
		if l == nil {
			continue // served by the control plane's listener
		}
		h := s.handler(endpointPlanes[i])
		if o.onePort {
			h = s.onePortHandler()
		}
		ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: h, ErrorLog: errorLog,
			BaseContext: func(net.Listener) context.Context { return s.ctx }}}
		if o.tls {
			if o.certificate != nil {
				ts.TLS = &tls.Config{Certificates: []tls.Certificate{*o.certificate}}
			}
			ts.StartTLS()
		} else {
			ts.Start()
		}
		s.servers[i] = ts
	}
	url := func(endpoint int) string {
		ts := s.servers[endpoint]
		if ts == nil {
			ts = s.servers[controlPlane]
		}
		return o.endpointURL(ts)
	}
	s.URL = url(int(controlPlane))
	s.DataURL = url(int(dataPlane))
	s.ArchivedURL = url(archivedEndpoint)
	s.SignalingURL = url(int(signalingPlane))
	s.SignalingWebSocketURL = "ws" + strings.TrimPrefix(url(int(signalingWSPlane)), "http")
	s.state.Endpoints = state.Endpoints{Data: s.DataURL, Archived: s.ArchivedURL, Signaling: s.SignalingURL,
		SignalingWebSocket: s.SignalingWebSocketURL}
	s.client = s.servers[controlPlane].Client()
	return s, nil
}

// endpointURL returns the URL clients reach ts at: http:// or https://, the host of WithHost
// (127.0.0.1 for a listener on every interface, the listener's own address otherwise) and the
// listener's port.
func (o *options) endpointURL(ts *httptest.Server) string {
	host, port, err := net.SplitHostPort(ts.Listener.Addr().String())
	if err != nil {
		return ts.URL
	}
	if o.host != "" {
		host = o.host
	} else if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http://"
	if o.tls {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, port)
}

// listen opens the listeners of the endpoints, by endpoint (see endpointPlanes): nil for those
// the control plane's listener serves (all of them with WithOnePort).
func (o *options) listen() ([len(endpointPlanes)]net.Listener, error) {
	var ls [len(endpointPlanes)]net.Listener
	addrs := [len(endpointPlanes)]string{o.addrs.Control, o.addrs.Data, o.addrs.Signaling, o.addrs.SignalingWebSocket, o.addrs.Archived}
	for p, addr := range addrs {
		if o.onePort && p != int(controlPlane) {
			continue
		}
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, open := range ls {
				if open != nil {
					open.Close()
				}
			}
			return ls, fmt.Errorf("listening on %s for the %s endpoint: %w", addr, endpointName(p), err)
		}
		ls[p] = l
	}
	return ls, nil
}

// endpointName names an endpoint in errors.
func endpointName(endpoint int) string {
	if endpoint == archivedEndpoint {
		return "archived-media"
	}
	return planeNames[endpointPlanes[endpoint]]
}

// Close stops the server: it stops accepting connections, ends the requests in progress
// (streaming ones see their context canceled), and returns once every handler has returned. It
// may be called more than once.
func (s *Server) Close() {
	s.close.Do(func() {
		s.cancel()
		for _, ts := range s.servers {
			if ts != nil {
				ts.Close()
			}
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
