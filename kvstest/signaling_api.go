// The HTTPS operations of signaling channels, served at SignalingURL: GetIceServerConfig and
// SendAlexaOfferToMaster.

package kvstest

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/relay"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
	"github.com/kvsgo/sdk/kvstest/internal/sigv4"
	"github.com/kvsgo/sdk/signaling"
)

func init() {
	jsonRoute(signalingPlane, "/v1/get-ice-server-config", "GetIceServerConfig", (*Server).getIceServerConfig)
	// SendAlexaOfferToMaster waits for the master's answer, so it must not hold the state's lock
	// as a jsonRoute operation does.
	addRoute(signalingPlane, "/v1/send-alexa-offer-to-master", &route{op: "SendAlexaOfferToMaster", method: http.MethodPost,
		handle: (*Server).sendAlexaOfferToMaster})
}

// turnURIs are the URIs of the emulated TURN server, in the three forms the service lists (UDP,
// TLS over UDP, TLS over TCP). No TURN server listens there: peers in tests connect directly,
// and a client that tries to allocate a relay there fails.
var turnURIs = []string{
	"turn:127.0.0.1:443?transport=udp",
	"turns:127.0.0.1:443?transport=udp",
	"turns:127.0.0.1:443?transport=tcp",
}

// getIceServerConfig returns one TURN server with credentials that expire after the ICE
// credential TTL (SignalingLimits). Both keep to the model's pattern for them, [a-zA-Z0-9_.-]+:
// the user name is the expiry in Unix seconds, a dot and the unpadded URL-safe base64 of "v1:"
// and the channel ARN; the password is the unpadded URL-safe base64 of an HMAC-SHA256 of the
// user name with a key of the server (see VerifyTURNCredentials).
func (s *Server) getIceServerConfig(now time.Time, in *signaling.GetIceServerConfigInput) (*signaling.GetIceServerConfigOutput, *apierr.Error) {
	ch, e := s.activeChannel(in.ChannelARN, now)
	if e != nil {
		return nil, e
	}
	ttl := s.opts.signaling.withDefaults().ICECredentialTTL
	user := strconv.FormatInt(now.Add(ttl).Unix(), 10) + turnUserSeparator + base64.RawURLEncoding.EncodeToString([]byte("v1:"+ch.ARN))
	return &signaling.GetIceServerConfigOutput{IceServerList: []signaling.IceServer{{
		Uris:     append([]string(nil), turnURIs...),
		Username: user,
		Password: s.turnPassword(user),
		Ttl:      int32(ttl / time.Second),
	}}}, nil
}

// turnUserSeparator ends the expiry in a TURN user name: a character of the model's pattern that
// the URL-safe base64 after it never holds.
const turnUserSeparator = "."

// turnPassword returns the password of a TURN user name.
func (s *Server) turnPassword(user string) string {
	key := sigv4.HMACSHA256(s.state.PageKey(), "kvstest TURN credentials")
	return base64.RawURLEncoding.EncodeToString(sigv4.HMACSHA256(key, user))
}

// VerifyTURNCredentials checks a user name and password that GetIceServerConfig returned, as a
// TURN server sharing the service's secret would: the password must be the server's for that
// user name, and the expiry the user name carries must not have passed on the server's clock.
func (s *Server) VerifyTURNCredentials(username, password string) error {
	if !hmac.Equal([]byte(password), []byte(s.turnPassword(username))) {
		return errors.New("kvstest: the TURN password does not match the user name")
	}
	expiry, _, _ := strings.Cut(username, turnUserSeparator)
	sec, err := strconv.ParseInt(expiry, 10, 64)
	if err != nil {
		return fmt.Errorf("kvstest: the TURN user name %q does not start with an expiry time", username)
	}
	if now := s.state.Now(); !now.Before(time.Unix(sec, 0)) {
		return fmt.Errorf("kvstest: the TURN credentials expired at %s", time.Unix(sec, 0).UTC().Format(time.RFC3339))
	}
	return nil
}

// offerFrame is the frame a client would send with the offer of SendAlexaOfferToMaster, so that
// the offer is checked as the relay checks messages.
type offerFrame struct {
	Action         signaling.MessageType `json:"action"`
	MessagePayload string                `json:"messagePayload"`
}

// sendAlexaOfferToMaster delivers the offer to the channel's master as an SDP_OFFER from
// SenderClientId (or keeps it until a master connects, for the channel's MessageTtlSeconds), and
// waits for the master's SDP_ANSWER to SenderClientId, for SignalingLimits.AlexaAnswerWait or,
// by default, as long as the offer is kept. The answer is returned as the master sent it. When
// none comes, the call succeeds without an Answer, as the service has been seen to do.
func (s *Server) sendAlexaOfferToMaster(c *serve.Call) {
	in := new(signaling.SendAlexaOfferToMasterInput)
	if !c.Decode(in) {
		return
	}
	raw, err := jsonwire.Marshal(&offerFrame{Action: signaling.MessageTypeSDPOffer, MessagePayload: in.MessagePayload})
	if err != nil {
		c.Fail(apierr.Internal(err))
		return
	}
	if _, err := signaling.DecodeOutgoing(raw); err != nil {
		c.Fail(apierr.InvalidArgument("The MessagePayload is not a base64-encoded SDP offer: %v", err))
		return
	}
	frame, err := relay.Frame(in.SenderClientId, signaling.MessageTypeSDPOffer, in.MessagePayload)
	if err != nil {
		c.Fail(apierr.InvalidArgument("The offer cannot be delivered: %v", err))
		return
	}
	rl, deleted, e := s.channelRelay(in.ChannelARN)
	if e != nil {
		c.Fail(e)
		return
	}
	expires := rl.HoldUntil()
	wait := s.opts.signaling.AlexaAnswerWait
	if wait == 0 {
		wait = expires.Sub(rl.Now())
	}
	answer := rl.OfferFromAlexa(in.SenderClientId, frame, expires)
	defer rl.StopWaiting(in.SenderClientId, answer)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	out := &signaling.SendAlexaOfferToMasterOutput{}
	select {
	case out.Answer = <-answer: // "" when a newer offer from the same sender took over
	case <-timer.C:
	case <-deleted:
		c.Fail(apierr.ChannelNotFound())
		return
	case <-c.R.Context().Done():
		return
	}
	c.Reply(out)
}
