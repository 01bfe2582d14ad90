// Pagination with opaque tokens.
//
// Listings are ordered by a key (a stream or channel name). A token names the operation and the
// last key of the page it ends, authenticated with a key of the server, so that a listing
// resumes after that key even when items were added or deleted meanwhile, and a token that the
// server did not issue, or issued for another operation, is refused.

package state

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sort"
	"strings"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

func randomKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

const tokenMACSize = 12

func (s *State[M]) tokenMAC(op, last string) []byte {
	m := hmac.New(sha256.New, s.pageKey)
	m.Write([]byte(op + "\x00" + last))
	return m.Sum(nil)[:tokenMACSize]
}

// PageToken returns the token that continues op's listing after the key last.
func (s *State[M]) PageToken(op, last string) string {
	return base64.StdEncoding.EncodeToString(append(s.tokenMAC(op, last), last...))
}

// ResumeAfter returns the key after which a listing of op resumes for token ("" for none).
func (s *State[M]) ResumeAfter(op, token string) (string, *apierr.Error) {
	if token == "" {
		return "", nil
	}
	raw, err := DecodeToken(base64.StdEncoding, token)
	if err != nil || len(raw) < tokenMACSize {
		return "", apierr.InvalidArgument("The NextToken %q is not valid.", token)
	}
	last := string(raw[tokenMACSize:])
	if !hmac.Equal(raw[:tokenMACSize], s.tokenMAC(op, last)) {
		return "", apierr.InvalidArgument("The NextToken %q is not valid for %s.", token, op)
	}
	return last, nil
}

// DecodeToken decodes a token the server issued in enc, accepting only the one spelling enc
// produces: the standard decoder skips line breaks and ignores stray bits in the last
// character, which would let one token be written many ways.
func DecodeToken(enc *base64.Encoding, token string) ([]byte, error) {
	if strings.ContainsAny(token, "\r\n") {
		return nil, errors.New("kvstest: a line break in a token")
	}
	return enc.Strict().DecodeString(token)
}

// paginate sorts items by key and returns the page that token starts, of at most limit items,
// with the token of the next page ("" on the last page).
func paginate[T, M any](s *State[M], op, token string, limit int, items []T, key func(T) string) ([]T, string, *apierr.Error) {
	after, e := s.ResumeAfter(op, token)
	if e != nil {
		return nil, "", e
	}
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	if token == "" {
		start = 0
	}
	items = items[start:]
	if len(items) <= limit {
		return items, "", nil
	}
	return items[:limit], s.PageToken(op, key(items[limit-1])), nil
}

// pageSize returns the page size a request asks for, or def.
func pageSize(max *int32, def int) int {
	if max != nil {
		return int(*max)
	}
	return def
}
