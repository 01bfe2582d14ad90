package media

import (
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// TestUploadClientsWriteWholeChunks checks the HTTP clients PutMedia sends through: a
// BuildableClient with net/http's 4 KiB write buffer is replaced by one copy of it whose buffer
// holds a block's chunk, made once; one with room enough and other clients are used as they are.
func TestUploadClientsWriteWholeChunks(t *testing.T) {
	var u uploadClients
	small := awshttp.NewBuildableClient()
	d, ok := u.client(small).(*awshttp.BuildableClient)
	if !ok || d == small {
		t.Fatalf("client(default BuildableClient) = %T %p, want a copy", u.client(small), d)
	}
	if got := d.GetTransport().WriteBufferSize; got < uploadWriteBuffer {
		t.Errorf("derived write buffer %d, want >= %d", got, uploadWriteBuffer)
	}
	if again := u.client(small); again != d {
		t.Error("a second call made another copy")
	}
	if n := small.GetTransport().WriteBufferSize; n != 0 {
		t.Errorf("the original client's write buffer changed to %d", n)
	}
	large := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.WriteBufferSize = 1 << 20 })
	if got := u.client(large); got != large {
		t.Error("a client with a large write buffer was replaced")
	}
	plain := &http.Client{}
	if got := u.client(plain); got != plain {
		t.Error("an *http.Client was replaced")
	}
}
