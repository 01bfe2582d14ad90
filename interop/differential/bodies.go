package differential

import (
	"bytes"
	"io"
	"net/http"
)

// HTTPDoer is the HTTP client interface of the official clients' Options.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// KeepRequestBodies returns an HTTP client that hands the transport its own copy of every
// request body. The official clients close a request's body as soon as the response arrives,
// while net/http's transport may still read it once more to check its length; that read fails
// and the transport closes the connection under a streaming response, which the caller then sees
// as "use of closed network connection" (aws/aws-sdk-go-v2 issue 2737). Tests that read a
// streaming response of an official client use this to rule that race out.
func KeepRequestBodies(next HTTPDoer) HTTPDoer {
	return keptBodies{next}
}

type keptBodies struct{ next HTTPDoer }

func (k keptBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return k.next.Do(r)
}
