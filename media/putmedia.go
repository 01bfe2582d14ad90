package media

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/kvs"
)

// FragmentTimecodeType says how the cluster timecodes of a PutMedia body are read.
type FragmentTimecodeType string

// Values of FragmentTimecodeType.
const (
	// FragmentTimecodeAbsolute means cluster timecodes are milliseconds since the Unix epoch.
	FragmentTimecodeAbsolute FragmentTimecodeType = "ABSOLUTE"
	// FragmentTimecodeRelative means cluster timecodes count from ProducerStartTimestamp.
	FragmentTimecodeRelative FragmentTimecodeType = "RELATIVE"
)

// Values returns every value of FragmentTimecodeType.
func (FragmentTimecodeType) Values() []FragmentTimecodeType {
	return []FragmentTimecodeType{FragmentTimecodeAbsolute, FragmentTimecodeRelative}
}

// PutMediaInput is the input of PutMedia. Name the stream by StreamName or StreamARN, not both.
type PutMediaInput struct {
	// StreamName is the name of the stream to write to.
	StreamName string `validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream to write to.
	StreamARN string `validate:"min=1,max=1024"`
	// FragmentTimecodeType says how cluster timecodes are read; ABSOLUTE when empty.
	FragmentTimecodeType FragmentTimecodeType
	// ProducerStartTimestamp is when the producer started; RELATIVE timecodes count from it.
	// The current time when zero.
	ProducerStartTimestamp time.Time
	// Body is the MKV stream: one EBML header and Segment, then one Cluster per fragment. It is
	// sent as it is read, with chunked transfer encoding; reading it should block until media is
	// available, and io.EOF ends the upload.
	Body io.Reader `json:"-"`
}

// PutMediaOutput is the output of PutMedia.
type PutMediaOutput struct {
	// Acks reads the acknowledgements the service sends while it receives the body. Close it to
	// end the request.
	Acks *AckReader
}

// PutMedia starts uploading an MKV stream to a stream and returns as soon as the service
// accepts the request (HTTP 200), while the body is still being sent. The acknowledgements of
// each fragment (BUFFERING, RECEIVED, PERSISTED, ERROR) and IDLE heartbeats arrive on
// PutMediaOutput.Acks. The request is never retried: the body cannot be replayed. Canceling ctx
// ends the upload. For a producer that frames media, keeps fragments until they are persisted
// and reconnects without losing frames, use Producer.
//
// When the client's HTTP client is an aws-sdk-go-v2 BuildableClient (the default) whose
// transport writes through a buffer smaller than uploadWriteBuffer (64 KiB and a chunk's
// framing; net/http's default is 4 KiB), PutMedia sends through a copy of it with that buffer
// (one per client, made once, with its own connections): net/http writes each chunk of a body
// through that buffer, and a chunk that does not fit takes three writes to the socket instead of
// one. Give a transport of your own a WriteBufferSize of at least 64 KiB for the same effect.
func (c *Client) PutMedia(ctx context.Context, in *PutMediaInput, optFns ...func(*Options)) (*PutMediaOutput, error) {
	const op = "PutMedia"
	if in == nil {
		in = &PutMediaInput{}
	}
	if err := requireStream(op, "PutMediaInput", in.StreamName, in.StreamARN, true); err != nil {
		return nil, err
	}
	if err := validateInput(op, in); err != nil {
		return nil, err
	}
	cfg, done, err := c.dataConfig(ctx, op, kvs.APINamePutMedia, in.StreamName, in.StreamARN, optFns)
	if err != nil {
		return nil, err
	}
	cfg.HTTPClient = c.uploads.client(cfg.HTTPClient)
	resp, err := cfg.Do(ctx, &rpc.Request{
		Operation: op, Path: "/putMedia", Header: putMediaHeader(in, time.Now()),
		Stream: bodyOrEmpty(in.Body), PayloadHash: rpc.UnsignedPayload, StreamingResponse: true,
	})
	done(err)
	if err != nil {
		return nil, err
	}
	return &PutMediaOutput{Acks: NewAckReader(resp.Body)}, nil
}

// putMediaHeader builds the PutMedia request headers.
func putMediaHeader(in *PutMediaInput, now time.Time) http.Header {
	h := http.Header{}
	if in.StreamName != "" {
		h.Set("X-Amzn-Stream-Name", in.StreamName)
	} else {
		h.Set("X-Amzn-Stream-Arn", in.StreamARN)
	}
	tc := in.FragmentTimecodeType
	if tc == "" {
		tc = FragmentTimecodeAbsolute
	}
	h.Set("X-Amzn-Fragment-Timecode-Type", string(tc))
	start := in.ProducerStartTimestamp
	if start.IsZero() {
		start = now
	}
	h.Set("X-Amzn-Producer-Start-Timestamp", FormatTimestamp(start))
	h.Set("X-Amzn-Fragment-Acknowledgment-Required", "1")
	h.Set("X-Amz-Content-Sha256", rpc.UnsignedPayload)
	return h
}

// FormatTimestamp writes t as PutMedia's headers and the KVS tags do: Unix seconds with three
// decimals ("1511852109.126").
func FormatTimestamp(t time.Time) string {
	ms := t.UnixMilli()
	b := make([]byte, 0, 24)
	if ms < 0 {
		b = append(b, '-')
		ms = -ms
	}
	b = strconv.AppendInt(b, ms/1000, 10)
	frac := ms % 1000
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return string(b)
}

func bodyOrEmpty(r io.Reader) io.Reader {
	if r == nil {
		return http.NoBody
	}
	return r
}

// uploadWriteBuffer is the write buffer PutMedia's transport gets: room for one HTTP chunk of a
// block (blockSize, the most the producer's writer hands over at once) and its framing (a size
// line of at most 8 hex digits and two CRLFs), so that each chunk is one write to the socket.
const uploadWriteBuffer = blockSize + 16

// uploadClients derives and keeps the HTTP clients PutMedia sends through (see PutMedia).
type uploadClients struct {
	mu      sync.Mutex
	derived map[*awshttp.BuildableClient]*awshttp.BuildableClient
}

// client returns the HTTP client to send a PutMedia request through instead of h: h itself
// unless it is a BuildableClient with a write buffer smaller than uploadWriteBuffer, else a copy
// of it with that buffer, the same one for every call with h.
func (u *uploadClients) client(h rpc.HTTPClient) rpc.HTTPClient {
	bc, ok := h.(*awshttp.BuildableClient)
	if !ok || bc == nil {
		return h
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if d, ok := u.derived[bc]; ok {
		return d
	}
	d := bc
	if bc.GetTransport().WriteBufferSize < uploadWriteBuffer {
		d = bc.WithTransportOptions(func(t *http.Transport) { t.WriteBufferSize = max(t.WriteBufferSize, uploadWriteBuffer) })
	}
	if u.derived == nil {
		u.derived = map[*awshttp.BuildableClient]*awshttp.BuildableClient{}
	}
	u.derived[bc] = d
	return d
}
