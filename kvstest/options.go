// Options of NewServer and Start.

package kvstest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/relay"
)

// Option configures a Server; pass options to NewServer or Start.
type Option func(*options)

type options struct {
	region       string
	accountID    string
	accessKey    string
	secretKey    string
	sessionToken string
	anyKey       bool
	clock        func() time.Time
	delays       Delays
	limits       Limits
	media        MediaLimits
	signaling    SignalingLimits
	limitClock   relay.Clock // of the signaling connection limits; real time when nil
	archived     archivedOptions
	tls          bool
	certificate  *tls.Certificate
	addrs        Addrs
	onePort      bool
	host         string
	logf         func(format string, args ...any)
	events       eventOptions
	// putMediaCapture is how many bytes of each PutMedia body are kept (WithPutMediaCapture).
	putMediaCapture int
	console         http.Handler // served at / and /console/ of the control plane (browser.go)
	dataDir         string       // where the store keeps everything; memory when empty (persist.go)
}

// The defaults of a Server: the region and credentials kvslocal documents, and an example
// account ID.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
	DefaultAccessKey = "test"
	DefaultSecretKey = "test"
)

func defaultOptions() options {
	return options{
		region:    DefaultRegion,
		accountID: DefaultAccountID,
		accessKey: DefaultAccessKey,
		secretKey: DefaultSecretKey,
		clock:     time.Now,
	}
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2,}(-[a-z]+)+-[0-9]+$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

func (o *options) check() error {
	var errs []error
	if !regionPattern.MatchString(o.region) {
		errs = append(errs, fmt.Errorf("region %q is not a region name such as us-east-1", o.region))
	}
	if !accountPattern.MatchString(o.accountID) {
		errs = append(errs, fmt.Errorf("account ID %q is not 12 digits", o.accountID))
	}
	if o.accessKey == "" || o.secretKey == "" {
		errs = append(errs, errors.New("the access key ID and the secret access key must not be empty"))
	}
	if o.clock == nil {
		errs = append(errs, errors.New("the clock must not be nil"))
	}
	if err := o.delays.check(); err != nil {
		errs = append(errs, err)
	}
	if o.limits.Streams < 0 || o.limits.Channels < 0 {
		errs = append(errs, errors.New("limits must not be negative"))
	}
	if err := o.signaling.check(); err != nil {
		errs = append(errs, err)
	}
	if o.onePort && (o.addrs.Data != "" || o.addrs.Archived != "" || o.addrs.Signaling != "" || o.addrs.SignalingWebSocket != "") {
		errs = append(errs, errors.New("with WithOnePort every endpoint listens on the control-plane address: set no other address"))
	}
	if strings.ContainsAny(o.host, "/:@?#[] ") && net.ParseIP(o.host) == nil {
		errs = append(errs, fmt.Errorf("host %q is not a host name or an IP address", o.host))
	}
	if c := o.certificate; c != nil && (len(c.Certificate) == 0 || c.PrivateKey == nil) {
		errs = append(errs, errors.New("the TLS certificate must have a certificate chain and a private key"))
	}
	return errors.Join(errs...)
}

// WithRegion sets the region the server answers for: requests must be signed for it, and it
// appears in every ARN. The default is DefaultRegion.
func WithRegion(region string) Option {
	return func(o *options) { o.region = region }
}

// WithAccountID sets the 12-digit account ID of the ARNs; the default is DefaultAccountID.
func WithAccountID(id string) Option {
	return func(o *options) { o.accountID = id }
}

// WithCredentials sets the key pair requests must be signed with (DefaultAccessKey and
// DefaultSecretKey by default). A request with another access key ID is refused with
// UnrecognizedClientException, one signed with another secret with InvalidSignatureException.
func WithCredentials(accessKeyID, secretAccessKey string) Option {
	return func(o *options) { o.accessKey, o.secretKey = accessKeyID, secretAccessKey }
}

// WithSessionToken makes the server expect temporary credentials: requests must carry this
// session token (X-Amz-Security-Token), or they are refused with UnrecognizedClientException.
// Without this option a request carrying any session token is refused the same way.
func WithSessionToken(token string) Option {
	return func(o *options) { o.sessionToken = token }
}

// WithAnyCredentials accepts any access key ID and any session token. Signatures are still
// verified, with the configured secret access key: a request signed with another secret fails.
func WithAnyCredentials() Option {
	return func(o *options) { o.anyKey = true }
}

// WithClock replaces time.Now as the server's clock. The clock decides the status transitions
// that Delays schedule, creation and update times, and the validity window of signatures (a
// request signed more than 5 minutes away from the clock's time is refused, as the service
// does). Fault-injected latency uses real time.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.clock = now }
}

// Delays are how long the asynchronous state changes of the service take in the emulator,
// measured on the server's clock. Zero (the default of every field) makes a change complete at
// once: a new stream is ACTIVE on the first DescribeStream.
type Delays struct {
	// StreamCreate is how long a new stream stays CREATING.
	StreamCreate time.Duration
	// StreamUpdate is how long a stream stays UPDATING after UpdateStream, UpdateDataRetention or
	// UpdateStreamStorageConfiguration.
	StreamUpdate time.Duration
	// StreamDelete is how long a deleted stream stays DELETING before it disappears.
	StreamDelete time.Duration
	// ChannelCreate, ChannelUpdate and ChannelDelete are the same for signaling channels.
	ChannelCreate time.Duration
	ChannelUpdate time.Duration
	ChannelDelete time.Duration
	// EdgeSync is how long an edge configuration stays SYNCING before it is IN_SYNC.
	EdgeSync time.Duration
	// EdgeDelete is how long a deleted edge configuration stays DELETING before it disappears.
	EdgeDelete time.Duration
}

func (d Delays) check() error {
	for _, v := range []time.Duration{d.StreamCreate, d.StreamUpdate, d.StreamDelete,
		d.ChannelCreate, d.ChannelUpdate, d.ChannelDelete, d.EdgeSync, d.EdgeDelete} {
		if v < 0 {
			return errors.New("delays must not be negative")
		}
	}
	return nil
}

// WithDelays sets the durations of the asynchronous state changes.
func WithDelays(d Delays) Option {
	return func(o *options) { o.delays = d }
}

// Limits are the account quotas the server enforces. Zero means no limit.
type Limits struct {
	// Streams is the most streams the account may have (AccountStreamLimitExceededException).
	Streams int
	// Channels is the most signaling channels the account may have
	// (AccountChannelLimitExceededException).
	Channels int
}

// WithLimits sets the account quotas; by default there are none.
func WithLimits(l Limits) Option {
	return func(o *options) { o.limits = l }
}

// WithTLS serves every endpoint over TLS with the certificate of net/http/httptest: URLs are
// https:// and the signaling WebSocket URL wss://. Server.Client, and the HTTP client of
// Server.Config, trust that certificate.
func WithTLS() Option {
	return func(o *options) { o.tls = true }
}

// WithTLSCertificate serves every endpoint over TLS, as WithTLS does, with cert instead of
// httptest's certificate: the certificate clients outside the test process can be made to
// trust, such as one issued by a local certificate authority (kvslocal's -tls makes one). Its
// leaf must name the host clients connect to (127.0.0.1 by default). Server.Client trusts the
// leaf itself.
func WithTLSCertificate(cert tls.Certificate) Option {
	return func(o *options) { o.tls, o.certificate = true, &cert }
}

// Addrs are the addresses the endpoints of a Server listen on, e.g. "127.0.0.1:4567". An empty
// address is a free port of 127.0.0.1, and so is a port of 0 on the host given.
type Addrs struct {
	// Control is the control-plane endpoint, Server.URL.
	Control string
	// Data is the data-plane endpoint of the media APIs, Server.DataURL.
	Data string
	// Archived is the data-plane endpoint of the archived-media APIs, Server.ArchivedURL.
	Archived string
	// Signaling is the HTTPS signaling API, Server.SignalingURL.
	Signaling string
	// SignalingWebSocket is the WebSocket signaling endpoint, Server.SignalingWebSocketURL.
	SignalingWebSocket string
}

// WithAddrs sets the addresses the endpoints listen on, so that they can be named in a firewall
// rule, a container's port mapping or a proxy. By default each listens on a free port of
// 127.0.0.1.
func WithAddrs(a Addrs) Option {
	return func(o *options) { o.addrs = a }
}

// WithAddr sets the address the control plane listens on, as WithAddrs does for Addrs.Control.
func WithAddr(addr string) Option {
	return func(o *options) { o.addrs.Control = addr }
}

// WithHost sets the host name or IP address the endpoint URLs name, and so what GetDataEndpoint
// and GetSignalingChannelEndpoint return: the name clients reach the server by when it is not
// the listen address, such as "localhost", a container's name or a proxy's. The ports stay
// those the endpoints listen on. By default the URLs name the listen address, and 127.0.0.1 for
// a listener on every interface (0.0.0.0 or ::). With TLS the certificate must name the host:
// httptest's (WithTLS) names 127.0.0.1, ::1 and example.com only.
func WithHost(host string) Option {
	return func(o *options) { o.host = host }
}

// WithOnePort serves every endpoint on the control-plane address (WithAddr), routed by path:
// URL, DataURL, ArchivedURL and SignalingURL are then the same, and SignalingWebSocketURL is that address
// with the ws:// or wss:// scheme. The paths of the endpoints do not overlap, except that
// of the WebSocket endpoint, "/": a GET of "/" asking for a WebSocket upgrade is a signaling
// connection. What one port cannot show is the service's refusal of a data-plane operation sent
// to the control-plane endpoint: with one port it succeeds.
func WithOnePort() Option {
	return func(o *options) { o.onePort = true }
}

// WithLogf logs every request the server answers, and why a request failed, with logf (for
// example t.Logf, or log.Printf). Close waits for the requests, so t.Logf is safe to use when
// Close runs before the test ends.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(o *options) { o.logf = logf }
}
