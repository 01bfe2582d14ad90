package kvstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

// waitLimit bounds every wait of the signaling tests.
const waitLimit = 5 * time.Second

// signalingEnv is a server with one signaling channel, "door", and a signaling client of it.
type signalingEnv struct {
	s      *kvstest.Server
	arn    string
	client *signaling.Client
}

// newSignalingEnv starts a server with opts and creates the channel with cfg.
func newSignalingEnv(t *testing.T, cfg kvs.SingleMasterConfiguration, opts ...kvstest.Option) *signalingEnv {
	t.Helper()
	s := start(t, opts...)
	out, err := client(s).CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "door", SingleMasterConfiguration: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return &signalingEnv{s: s, arn: out.ChannelARN, client: signalingClient(s)}
}

// signalingClient returns a signaling client of s that reconnects quickly and lists no STUN
// server.
func signalingClient(s *kvstest.Server, optFns ...func(*signaling.Options)) *signaling.Client {
	return signaling.NewFromConfig(s.Config(), append([]func(*signaling.Options){func(o *signaling.Options) {
		o.RetryMaxAttempts = 1
		o.STUNURL = signaling.NoSTUN
		o.RetryBaseDelay, o.RetryMaxDelay = time.Millisecond, 20*time.Millisecond
	}}, optFns...)...)
}

// connect opens a Conn as the master (clientID "") or a viewer, closed when the test ends.
func (e *signalingEnv) connect(t *testing.T, clientID string) *signaling.Conn {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	conn, err := e.client.Connect(cctx, e.input(clientID))
	if err != nil {
		t.Fatalf("Connect(%q): %v", clientID, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func (e *signalingEnv) input(clientID string) *signaling.ConnectInput {
	if clientID == "" {
		return &signaling.ConnectInput{ChannelARN: e.arn, Role: signaling.RoleMaster}
	}
	return &signaling.ConnectInput{ChannelARN: e.arn, Role: signaling.RoleViewer, ClientID: clientID}
}

// rawPeer is a WebSocket connection to the relay without the signaling client, to send any
// frame and to see every frame and the close status.
type rawPeer struct {
	ws     *websocket.Conn
	frames chan []byte
	done   chan struct{} // closed when reading failed; err is set before
	err    error
}

// dial connects to the relay as the master (clientID "") or a viewer with a URL presigned by the
// signaling client.
func (e *signalingEnv) dial(t *testing.T, clientID string) *rawPeer {
	t.Helper()
	u, err := e.client.PresignConnectURL(ctx, e.input(clientID))
	if err != nil {
		t.Fatal(err)
	}
	p, resp, err := dialURL(u, e.s.Client())
	if err != nil {
		t.Fatalf("dial %q: %v (%v)", clientID, err, resp)
	}
	t.Cleanup(p.close)
	return p
}

// dialURL opens a raw connection and starts reading it.
func dialURL(u string, hc *http.Client) (*rawPeer, *http.Response, error) {
	dctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	ws, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		return nil, resp, err
	}
	p := &rawPeer{ws: ws, frames: make(chan []byte, 256), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			_, data, err := ws.Read(context.Background())
			if err != nil {
				p.err = err
				return
			}
			p.frames <- data
		}
	}()
	return p, resp, nil
}

func (p *rawPeer) close() {
	_ = p.ws.CloseNow()
	<-p.done
}

// send writes a text frame.
func (p *rawPeer) send(t *testing.T, frame string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	if err := p.ws.Write(wctx, websocket.MessageText, []byte(frame)); err != nil {
		t.Fatal(err)
	}
}

// sendMessage encodes and writes a message.
func (p *rawPeer) sendMessage(t *testing.T, m *signaling.OutgoingMessage) {
	t.Helper()
	frame, err := signaling.EncodeOutgoing(m)
	if err != nil {
		t.Fatal(err)
	}
	p.send(t, string(frame))
}

// next returns the next message the relay sent.
func (p *rawPeer) next(t *testing.T) *signaling.Message {
	t.Helper()
	f := p.nextFrame(t)
	m, err := signaling.DecodeMessage(f)
	if err != nil {
		t.Fatalf("the relay sent %s: %v", f, err)
	}
	return m
}

// quiet fails the test if a frame arrives within d.
func (p *rawPeer) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case f := <-p.frames:
		t.Fatalf("unexpected frame %s", f)
	case <-time.After(d):
	}
}

// closed waits for the relay to end the connection and returns the close error.
func (p *rawPeer) closed(t *testing.T) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(waitLimit):
		t.Fatal("the relay did not close the connection")
		return nil
	}
}

// wantClose checks that the relay closed the connection with a close frame of code and reason.
func wantClose(t *testing.T, p *rawPeer, code websocket.StatusCode, reason string) {
	t.Helper()
	var ce websocket.CloseError
	if err := p.closed(t); !errors.As(err, &ce) || ce.Code != code || ce.Reason != reason {
		t.Fatalf("closed with %v, want %v %q", err, code, reason)
	}
}

// recv returns the next message a Conn receives.
func recv(t *testing.T, conn *signaling.Conn) *signaling.Message {
	t.Helper()
	rctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	m, err := conn.Receive(rctx)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return m
}

// eventually polls cond until it holds, failing the test after waitLimit.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

var (
	testOffer  = signaling.SessionDescription{Type: "offer", SDP: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
	testAnswer = signaling.SessionDescription{Type: "answer", SDP: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}
)

// testCandidate returns an ICE candidate named name.
func testCandidate(name string) signaling.ICECandidate {
	mid, idx := "0", uint16(0)
	return signaling.ICECandidate{Candidate: "candidate:" + name + " 1 udp 2122260223 127.0.0.1 50000 typ host", SDPMid: &mid, SDPMLineIndex: &idx}
}

// sdpPayload returns the base64 messagePayload that carries sd in a message of type typ.
func sdpPayload(t *testing.T, typ signaling.MessageType, sd signaling.SessionDescription) string {
	t.Helper()
	frame, err := signaling.EncodeOutgoing(&signaling.OutgoingMessage{Type: typ, SessionDescription: sd})
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		MessagePayload string `json:"messagePayload"`
	}
	if err := json.Unmarshal(frame, &f); err != nil {
		t.Fatal(err)
	}
	return f.MessagePayload
}

// nextFrame returns the next frame the relay sent, as it was sent.
func (p *rawPeer) nextFrame(t *testing.T) []byte {
	t.Helper()
	select {
	case f := <-p.frames:
		return f
	case <-p.done:
		t.Fatalf("connection ended: %v", p.err)
	case <-time.After(waitLimit):
		t.Fatal("no message from the relay")
	}
	return nil
}
