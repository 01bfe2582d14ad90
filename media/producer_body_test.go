package media_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// gatedUpload is an HTTP client for PutMedia that copies each request body with io.Copy, as
// net/http does, into a writer that reports every Write on writes and, once armed, holds the
// next Write until released: a write in flight for as long as the test wants. The response is a
// 200 whose acknowledgements never come.
type gatedUpload struct {
	readOnly bool // hide the body's WriteTo, so that io.Copy reads it
	writes   chan []byte
	arm      chan chan struct{} // the next Write waits for the channel received here to close
}

func newGatedUpload(readOnly bool) *gatedUpload {
	return &gatedUpload{readOnly: readOnly, writes: make(chan []byte, 64), arm: make(chan chan struct{}, 1)}
}

func (g *gatedUpload) Do(req *http.Request) (*http.Response, error) {
	var src io.Reader = req.Body
	if g.readOnly {
		src = struct{ io.Reader }{req.Body}
	}
	go func() { _, _ = io.Copy(g, src) }()
	pr, pw := io.Pipe()
	context.AfterFunc(req.Context(), func() { pw.Close() })
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: pr}, nil
}

func (g *gatedUpload) Write(p []byte) (int, error) {
	g.writes <- bytes.Clone(p)
	select {
	case release := <-g.arm:
		<-release
	default:
	}
	return len(p), nil
}

// next returns the next write, or fails the test after a hang guard.
func (g *gatedUpload) next(t *testing.T) []byte {
	t.Helper()
	select {
	case w := <-g.writes:
		return w
	case <-time.After(10 * time.Second):
		t.Fatal("no write of the body")
		return nil
	}
}

// gatedProducer starts a producer of one length-prefixed H.264 track on an HTTP client g.
func gatedProducer(t *testing.T, g *gatedUpload) *media.Producer {
	t.Helper()
	control := kvs.New(kvs.Options{Region: "us-west-2", HTTPClient: g, BaseEndpoint: "http://127.0.0.1:1",
		Credentials: aws.AnonymousCredentials{}})
	client := media.New(media.Options{Options: control.Options(), Control: control, Endpoint: "http://127.0.0.1:1"})
	cp, _ := syntheticVideo(t, 100)
	p, err := media.NewProducer(context.Background(), client, media.ProducerConfig{StreamName: "s", KeepUntil: media.AckEventReceived,
		Tracks: []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: cp}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // nothing is ever acknowledged: stop at once
		_ = p.Close(ctx)
	})
	return p
}

// markedFrame returns frame k: a length-prefixed slice whose payload is a pattern of k.
func markedFrame(k int) []byte {
	f := bytes.Repeat([]byte{byte('A' + k)}, 300)
	f[0], f[1], f[2], f[3], f[4] = 0, 0, 1, 40, 0x41
	return f
}

// carries reports whether a write holds frame k's payload.
func carries(w []byte, k int) bool { return bytes.Contains(w, markedFrame(k)[5:]) }

// TestBodyCoalescesWhileAWriteIsInFlight checks how the producer's request body meets the
// HTTP client's writes: a frame written while the connection is idle goes out at once, and the
// frames written while a write is in flight go out together in the next one when the client
// copies the body through WriteTo (as net/http does); a client that reads it gets them all too,
// in order.
func TestBodyCoalescesWhileAWriteIsInFlight(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		name := "WriteTo"
		if readOnly {
			name = "Read"
		}
		t.Run(name, func(t *testing.T) {
			g := newGatedUpload(readOnly)
			p := gatedProducer(t, g)
			ctx := context.Background()
			write := func(k int) {
				t.Helper()
				if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(k) * 33 * time.Millisecond, Keyframe: k == 0, Data: markedFrame(k)}); err != nil {
					t.Fatal(err)
				}
			}
			write(0) // the first frame starts the connection: the header goes first
			if w := g.next(t); !bytes.HasPrefix(w, []byte{0x1a, 0x45, 0xdf, 0xa3}) {
				t.Fatalf("first write %x, want the EBML header", w[:min(len(w), 8)])
			}
			if w := g.next(t); !carries(w, 0) {
				t.Fatalf("the write after the header does not carry frame 0 (%d bytes)", len(w))
			}
			write(1) // idle: the frame goes out alone, without waiting for another
			if w := g.next(t); !carries(w, 1) {
				t.Fatalf("the write after frame 1 does not carry it (%d bytes)", len(w))
			}
			release := make(chan struct{})
			g.arm <- release
			write(2)
			if w := g.next(t); !carries(w, 2) { // now in flight, held
				t.Fatalf("the write after frame 2 does not carry it (%d bytes)", len(w))
			}
			for k := 3; k < 6; k++ { // WriteFrame does not wait for the network
				write(k)
			}
			close(release)
			w := g.next(t)
			if readOnly { // through the pipe, what the writer handed over while held comes first
				for !carries(w, 5) {
					w = append(w, g.next(t)...)
				}
			}
			for k := 3; k < 6; k++ {
				if !carries(w, k) {
					t.Errorf("the write after the held one does not carry frame %d (%d bytes)", k, len(w))
				}
			}
		})
	}
}

// readingClient sends requests through an HTTP client that reads request bodies (Read) instead
// of copying them with WriteTo.
type readingClient struct{ next kvs.HTTPClient }

func (c readingClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = io.NopCloser(struct{ io.Reader }{req.Body})
	}
	return c.next.Do(req)
}

// TestProducerThroughAClientThatReadsTheBody runs a producer's stream through an HTTP client
// that reads the body: the same fragments arrive, whole and in order.
func TestProducerThroughAClientThatReadsTheBody(t *testing.T) {
	frames, _ := loadSamples(t, 4)
	srv := kvstest.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	control := kvs.NewFromConfig(cfg, func(o *kvs.Options) { o.HTTPClient = readingClient{next: &http.Client{}} })
	name := "read-body"
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	client := media.New(media.Options{Options: control.Options(), Control: control})
	start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	p := produce(t, client, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start}, frames)
	if st := p.Stats(); st.FragmentsPersisted != 2 || st.FragmentsResent != 0 {
		t.Errorf("stats %+v", st)
	}
	checkFrames(t, start, frames, consumeAll(t, client, name))
}
