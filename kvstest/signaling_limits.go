// The time limits of WebRTC signaling, configurable so that tests need not wait for the
// service's.

package kvstest

import (
	"errors"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/relay"
)

// The service's signaling limits, the defaults of SignalingLimits.
const (
	// DefaultSignalingMaxConnectionAge is how long the service keeps a signaling connection open.
	DefaultSignalingMaxConnectionAge = time.Hour
	// DefaultSignalingIdleTimeout is how long the service keeps a signaling connection on which
	// the client sends nothing.
	DefaultSignalingIdleTimeout = 10 * time.Minute
	// DefaultSignalingGoAwayGrace is how long a client may keep a connection after GO_AWAY: the
	// service asks it to reconnect within a minute.
	DefaultSignalingGoAwayGrace = time.Minute
	// DefaultICECredentialTTL is the lifetime of the TURN credentials GetIceServerConfig returns:
	// the 300 seconds the API reference gives as the value of Ttl.
	DefaultICECredentialTTL = 300 * time.Second
)

// The range of the Ttl member of IceServer in the service model.
const (
	minICECredentialTTL = 30 * time.Second
	maxICECredentialTTL = 86400 * time.Second
)

// SignalingLimits are the time limits of the emulated WebRTC signaling. The zero value of each
// field selects the service's value. Connection limits are measured in real time, not on the
// server's clock (WithClock), since they are timers.
type SignalingLimits struct {
	// MaxConnectionAge is how long a WebSocket connection may stay open; the relay then closes
	// it (status 1001, going away). DefaultSignalingMaxConnectionAge when zero.
	MaxConnectionAge time.Duration
	// IdleTimeout is how long a WebSocket connection may go without the client sending a frame,
	// a ping included; the relay then closes it (status 1001). DefaultSignalingIdleTimeout when
	// zero.
	IdleTimeout time.Duration
	// GoAwayGrace is how long a connection stays open after the relay sent GO_AWAY on it (see
	// Server.SendGoAway), unless the client closes it first. DefaultSignalingGoAwayGrace when
	// zero.
	GoAwayGrace time.Duration
	// ICECredentialTTL is how long the TURN credentials of GetIceServerConfig stay valid, and
	// the Ttl it reports: whole seconds from 30 s to 86400 s, the range of the service model.
	// DefaultICECredentialTTL when zero.
	ICECredentialTTL time.Duration
	// AlexaAnswerWait is how long SendAlexaOfferToMaster waits for the master's answer. When
	// zero, it waits as long as the service keeps the offer: the channel's MessageTtlSeconds.
	AlexaAnswerWait time.Duration
}

// WithSignalingLimits sets the time limits of signaling connections, TURN credentials and
// SendAlexaOfferToMaster; by default they are the service's.
func WithSignalingLimits(l SignalingLimits) Option {
	return func(o *options) { o.signaling = l }
}

func (l SignalingLimits) check() error {
	var errs []error
	for _, d := range []time.Duration{l.MaxConnectionAge, l.IdleTimeout, l.GoAwayGrace, l.AlexaAnswerWait} {
		if d < 0 {
			errs = append(errs, errors.New("signaling limits must not be negative"))
			break
		}
	}
	if ttl := l.ICECredentialTTL; ttl != 0 && (ttl < minICECredentialTTL || ttl > maxICECredentialTTL || ttl%time.Second != 0) {
		errs = append(errs, fmt.Errorf("the ICE credential TTL %v is not a whole number of seconds from %v to %v", ttl, minICECredentialTTL, maxICECredentialTTL))
	}
	return errors.Join(errs...)
}

// withDefaults fills the zero limits with the service's.
func (l SignalingLimits) withDefaults() SignalingLimits {
	for _, f := range []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&l.MaxConnectionAge, DefaultSignalingMaxConnectionAge},
		{&l.IdleTimeout, DefaultSignalingIdleTimeout},
		{&l.GoAwayGrace, DefaultSignalingGoAwayGrace},
		{&l.ICECredentialTTL, DefaultICECredentialTTL},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return l
}

// limitClock returns the clock of the signaling connection limits.
func (s *Server) limitClock() relay.Clock {
	if s.opts.limitClock != nil {
		return s.opts.limitClock
	}
	return relay.RealClock{}
}

// connectionLimits returns the limits Serve enforces on signaling connections.
func (l SignalingLimits) connectionLimits() relay.Limits {
	l = l.withDefaults()
	return relay.Limits{MaxConnectionAge: l.MaxConnectionAge, IdleTimeout: l.IdleTimeout, GoAwayGrace: l.GoAwayGrace}
}
