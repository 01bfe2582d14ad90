package archive

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/state"
)

// testSession is a session to make tokens of.
func testSession(kind sessionKind, expires time.Time) *playbackSession {
	return &playbackSession{id: newSessionID(), kind: kind, expires: expires}
}

// keyedServer returns a Service that only makes and reads tokens, with key.
func keyedServer(key []byte) *Service {
	return New(Config{State: state.New(state.Config[*mediaapi.Media]{PageKey: key})})
}

func TestSessionTokenRoundTrip(t *testing.T) {
	s := keyedServer(bytes.Repeat([]byte{3}, 32))
	exp := time.UnixMilli(1795229944845).UTC()
	const arn = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/camera/1795229944845"
	p := testSession(dashSession, exp)
	token := s.sessionToken(p, arn)
	if strings.ContainsAny(token, "+/=&%") {
		t.Fatalf("token %q needs escaping in a URL", token)
	}
	c, err := decodeSessionToken(s.cfg.State.PageKey(), token)
	if err != nil || c.kind != dashSession || !c.expires.Equal(exp) || c.id != p.id || c.arn != arn {
		t.Fatalf("claims %+v, %v", c, err)
	}
	for _, bad := range []string{"", "x", token[:len(token)-1], token + "A", strings.Replace(token, token[5:6], "Z", 1)} {
		if bad == token {
			continue
		}
		if _, err := decodeSessionToken(s.cfg.State.PageKey(), bad); err == nil {
			t.Errorf("token %q was accepted", bad)
		}
	}
	if _, err := decodeSessionToken(bytes.Repeat([]byte{4}, 32), token); err == nil {
		t.Error("a token of another server was accepted")
	}
}

// FuzzDecodeSessionToken checks that no input makes the decoder fail other than cleanly, and
// that whatever it accepts is a token the server made.
func FuzzDecodeSessionToken(f *testing.F) {
	key := bytes.Repeat([]byte{7}, 32)
	s := keyedServer(key)
	f.Add(s.sessionToken(testSession(hlsSession, time.UnixMilli(1e12)), "arn:aws:kinesisvideo:us-east-1:1:stream/a/1"))
	f.Add("AQAAAAGh_Azc0vnl_B9V-Np6QHhRZ2Fybjphd3M6a2luZXNpc3ZpZGVv")
	f.Add("CiAz~")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := decodeSessionToken(key, token)
		if err != nil {
			return
		}
		p := &playbackSession{id: c.id, kind: c.kind, expires: c.expires}
		if again := s.sessionToken(p, c.arn); again != token {
			t.Fatalf("accepted %q, which re-encodes as %q", token, again)
		}
	})
}

func TestParsePlaybackQuery(t *testing.T) {
	q, e := parsePlaybackQuery(url.Values{"SessionToken": {"t"}, "TrackNumber": {"2"}, "FragmentNumber": {"913"}, "SequenceNumber": {"4"}})
	if e != nil || q.token != "t" || q.track != 2 || q.fragment != "913" || q.sequence != 4 {
		t.Fatalf("%+v, %v", q, e)
	}
	for _, bad := range []string{"", "SessionToken=t&TrackNumber=0", "SessionToken=t&TrackNumber=256", "SessionToken=t&FragmentNumber=1a",
		"SessionToken=t&SequenceNumber=-1", "SessionToken=t&SequenceNumber=99999999999"} {
		v, _ := url.ParseQuery(bad)
		if _, e := parsePlaybackQuery(v); e == nil || e.Code != "InvalidArgumentException" {
			t.Errorf("%q: %v", bad, e)
		}
	}
}

// FuzzParsePlaybackQuery checks that any query parses or is refused with
// InvalidArgumentException, and that what parses is in range.
func FuzzParsePlaybackQuery(f *testing.F) {
	f.Add("SessionToken=AQAA&TrackNumber=1&SequenceNumber=0")
	f.Add("FragmentNumber=91343852333000001795229944845000000000000000013&SessionToken=x&TrackNumber=2")
	f.Add("SessionToken=%zz")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, e := parsePlaybackQuery(v)
		switch {
		case e != nil && e.Code != "InvalidArgumentException":
			t.Fatalf("%q: %v", raw, e)
		case e == nil && (q.token == "" || q.track > 255 || q.sequence < -1 || len(q.fragment) > 128):
			t.Fatalf("%q parsed as %+v", raw, q)
		}
	})
}

func TestListingTokenContent(t *testing.T) {
	sel := archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: time.UnixMilli(1000).UTC(), EndTimestamp: time.UnixMilli(5000).UTC()}}
	got, last, ok := decodeListing(encodeListing(sel, "913"))
	if !ok || got != sel || last != "913" {
		t.Fatalf("%+v %q %v", got, last, ok)
	}
	for _, bad := range []string{"", "a b c", "T x 1 2", "T 1 x 2"} {
		if _, _, ok := decodeListing(bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}

// FuzzDecodeListing checks that the content of any listing token decodes or is refused, and
// that what decodes encodes back the same.
func FuzzDecodeListing(f *testing.F) {
	f.Add("SERVER_TIMESTAMP 1000 5000 913")
	f.Add("PRODUCER_TIMESTAMP -1 9223372036854775807 1")
	f.Add("  ")
	f.Fuzz(func(t *testing.T, s string) {
		sel, last, ok := decodeListing(s)
		if !ok {
			return
		}
		if again := encodeListing(sel, last); again != s {
			if _, _, ok := decodeListing(again); !ok {
				t.Fatalf("%q decoded, but its re-encoding %q does not", s, again)
			}
		}
	})
}

// TestTokensHaveOneSpelling checks that a page token and a session token are accepted only as
// issued: not with a line break inside, nor with other bits in their last character.
func TestTokensHaveOneSpelling(t *testing.T) {
	s := keyedServer(bytes.Repeat([]byte{7}, 32))
	page := s.cfg.State.PageToken("ListStreams", "camera-12")
	session := s.sessionToken(testSession(hlsSession, time.UnixMilli(1e12)), "arn:aws:kinesisvideo:us-east-1:1:stream/a/1")
	if _, e := s.cfg.State.ResumeAfter("ListStreams", page); e != nil {
		t.Fatal(e)
	}
	if _, err := decodeSessionToken(s.cfg.State.PageKey(), session); err != nil {
		t.Fatal(err)
	}
	// respell returns other spellings of tok: every other character in place of its last one
	// that holds bits, and line breaks inside.
	respell := func(tok string) []string {
		i := len(strings.TrimRight(tok, "=")) - 1
		var out []string
		for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/" {
			if byte(c) != tok[i] {
				out = append(out, tok[:i]+string(c)+tok[i+1:])
			}
		}
		return append(out, tok[:4]+"\n"+tok[4:], tok[:4]+"\r\n"+tok[4:])
	}
	for _, tok := range respell(page) {
		if last, e := s.cfg.State.ResumeAfter("ListStreams", tok); e == nil && tok != page {
			t.Errorf("page token %q accepted (after %q)", tok, last)
		}
	}
	for _, tok := range respell(session) {
		if _, err := decodeSessionToken(s.cfg.State.PageKey(), tok); err == nil && tok != session {
			t.Errorf("session token %q accepted", tok)
		}
	}
}
