// The payload of a streaming request, verified as it is read.

package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"

	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// StreamingPayloadHashes returns the payload hashes a streaming request may be signed with. A
// producer signs a stream with UNSIGNED-PAYLOAD, announced in X-Amz-Content-Sha256, or with the
// hash of the empty body, announced or not. A request announcing the hash of its actual body
// gets a body that fails with an error at its end when the content does not match.
func StreamingPayloadHashes(r *http.Request) ([]string, *apierr.Error) {
	switch h := r.Header.Get("X-Amz-Content-Sha256"); h {
	case "":
		return []string{EmptyPayloadHash, UnsignedPayload}, nil
	case UnsignedPayload, EmptyPayloadHash:
		return []string{h}, nil
	default:
		want, err := hex.DecodeString(h)
		if err != nil || len(want) != sha256.Size {
			return nil, invalidSignature("X-Amz-Content-Sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256, got %q.", h)
		}
		r.Body = &hashingBody{ReadCloser: r.Body, h: sha256.New(), want: want}
		return []string{h}, nil
	}
}

// ErrBodyHashMismatch is the error at the end of a streaming body that does not match the hash
// it was signed with.
var ErrBodyHashMismatch = errors.New("kvstest: the request body does not match its X-Amz-Content-Sha256")

// hashingBody hashes a streaming body as it is read and checks the sum at its end.
type hashingBody struct {
	io.ReadCloser
	h    hash.Hash
	want []byte
}

func (b *hashingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(b.h.Sum(nil), b.want) {
		return n, ErrBodyHashMismatch
	}
	return n, err
}
