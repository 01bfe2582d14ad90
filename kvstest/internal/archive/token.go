// Session tokens and the queries of playback URLs.
//
// A session token names the session's kind, expiry, ID and stream, authenticated with a key of
// the server, so that a token the server did not issue, or one changed by hand, is refused
// before any state is read. The service's tokens are opaque too; their content differs.

package archive

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/state"
	"github.com/kvsgo/sdk/media"
)

const (
	sessionTokenVersion = 1
	sessionIDSize       = 12
	sessionMACSize      = 16
	sessionHeaderSize   = 2 + 8 + sessionIDSize // version, kind, expiry, ID
	maxSessionTokenSize = 4096
)

// sessionClaims is what a session token says.
type sessionClaims struct {
	kind    sessionKind
	expires time.Time
	id      string // hex
	arn     string // the stream's
}

// sessionToken returns the token of session p of the stream arn.
func (s *Service) sessionToken(p *playbackSession, arn string) string {
	id, _ := hex.DecodeString(p.id)
	raw := []byte{sessionTokenVersion, byte(p.kind)}
	raw = binary.BigEndian.AppendUint64(raw, uint64(p.expires.UnixMilli()))
	raw = append(raw, id...)
	raw = append(raw, arn...)
	raw = append(raw, sessionMAC(s.cfg.State.PageKey(), raw)...)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func sessionMAC(key, raw []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("kvstest session\x00"))
	m.Write(raw)
	return m.Sum(nil)[:sessionMACSize]
}

// errBadSessionToken is the reason every malformed or forged token is refused for.
var errBadSessionToken = errors.New("the session token is not valid")

// decodeSessionToken checks a token with key and returns its claims.
func decodeSessionToken(key []byte, token string) (sessionClaims, error) {
	if len(token) > maxSessionTokenSize {
		return sessionClaims{}, errBadSessionToken
	}
	raw, err := state.DecodeToken(base64.RawURLEncoding, token)
	if err != nil || len(raw) < sessionHeaderSize+sessionMACSize || raw[0] != sessionTokenVersion || raw[1] > byte(dashSession) {
		return sessionClaims{}, errBadSessionToken
	}
	body, mac := raw[:len(raw)-sessionMACSize], raw[len(raw)-sessionMACSize:]
	if !hmac.Equal(mac, sessionMAC(key, body)) {
		return sessionClaims{}, errBadSessionToken
	}
	return sessionClaims{
		kind:    sessionKind(body[1]),
		expires: time.UnixMilli(int64(binary.BigEndian.Uint64(body[2:10]))).UTC(),
		id:      hex.EncodeToString(body[10:sessionHeaderSize]),
		arn:     string(body[sessionHeaderSize:]),
	}, nil
}

// playbackQuery is the query of a playback URL.
type playbackQuery struct {
	token    string
	track    uint64 // TrackNumber; 0 when absent
	fragment string // FragmentNumber; empty when absent
	sequence int    // SequenceNumber; -1 when absent
}

// parsePlaybackQuery reads the query of a playback URL: SessionToken (required), TrackNumber,
// FragmentNumber and SequenceNumber.
func parsePlaybackQuery(q url.Values) (playbackQuery, *apierr.Error) {
	pq := playbackQuery{token: q.Get("SessionToken"), sequence: -1}
	if pq.token == "" {
		return pq, apierr.InvalidArgument("The SessionToken parameter is missing.")
	}
	if v := q.Get("TrackNumber"); v != "" {
		n, err := strconv.ParseUint(v, 10, 8)
		if err != nil || n == 0 {
			return pq, apierr.InvalidArgument("TrackNumber %q is not a track number.", v)
		}
		pq.track = n
	}
	if v := q.Get("FragmentNumber"); v != "" {
		if !media.ValidFragmentNumber(v) {
			return pq, apierr.InvalidArgument("FragmentNumber %q is not a fragment number.", v)
		}
		pq.fragment = v
	}
	if v := q.Get("SequenceNumber"); v != "" {
		n, err := strconv.ParseUint(v, 10, 31)
		if err != nil {
			return pq, apierr.InvalidArgument("SequenceNumber %q is not a sequence number.", v)
		}
		pq.sequence = int(n)
	}
	return pq, nil
}

// errNotAuthorized is the answer to a playback request whose session cannot be used.
func errNotAuthorized(format string, args ...any) *apierr.Error {
	return apierr.New(http.StatusUnauthorized, "NotAuthorizedException", format, args...)
}
