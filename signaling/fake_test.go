package signaling_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/coder/websocket"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/signaling"
)

const (
	testRegion    = "us-west-2"
	testAccessKey = "AKIDSIGNALINGTEST"
	testSecret    = "signaling-secret"
	waitLimit     = 5 * time.Second
)

// rotatingCreds hands out a new session token on every retrieval (the credentials are already
// expired, so the credentials cache asks again each time): every signature gets its own token,
// which shows that each connection is signed afresh.
type rotatingCreds struct{ n atomic.Int32 }

func (p *rotatingCreds) Retrieve(context.Context) (aws.Credentials, error) {
	n := p.n.Add(1)
	return aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret,
		SessionToken: fmt.Sprintf("token-%d", n), CanExpire: true, Expires: time.Now()}, nil
}

// fakeService plays the control plane (GetSignalingChannelEndpoint), the channel's HTTPS endpoint
// (GetIceServerConfig, SendAlexaOfferToMaster) and its WSS endpoint on one loopback server. It
// checks the signature of every WebSocket handshake, records what clients send, and can inject
// handshake failures and any frame. Tests of the relay's behaviour use kvstest (emulator_test.go);
// this fake is for what the emulator does not do: malformed frames, unanswered pings, stalled
// reads, arbitrary handshake answers and endpoints.
type fakeService struct {
	*httptest.Server
	errorf func(format string, args ...any) // reports a protocol violation
	ctx    context.Context
	stop   context.CancelFunc
	creds  *rotatingCreds
	conns  chan *fakeConn // accepted connections, in order
	wg     sync.WaitGroup

	mu         sync.Mutex
	lookups    []kvs.ChannelRole // the role of each GetSignalingChannelEndpoint request
	iceBodies  []map[string]any  // the body of each GetIceServerConfig request
	handshakes []url.Values      // the query of each WebSocket handshake
	reject     func(n int) (status int, code string)
	// endpointHost, when set and returning a host, replaces the host of the endpoints that
	// lookup n returns.
	endpointHost func(n int) string
	all          []*fakeConn
}

func newFakeService(t *testing.T) *fakeService {
	t.Helper()
	fs := startFakeService(t.Errorf)
	t.Cleanup(fs.Close)
	return fs
}

// startFakeService starts the fake service; errorf reports what clients do wrong.
func startFakeService(errorf func(format string, args ...any)) *fakeService {
	fs := &fakeService{errorf: errorf, creds: &rotatingCreds{}, conns: make(chan *fakeConn, 64)}
	fs.ctx, fs.stop = context.WithCancel(context.Background())
	mux := http.NewServeMux()
	mux.HandleFunc("POST /getSignalingChannelEndpoint", fs.endpoints)
	mux.HandleFunc("POST /https/v1/get-ice-server-config", fs.iceConfig)
	mux.HandleFunc("POST /https/v1/send-alexa-offer-to-master", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"Answer":"YW5zd2Vy"}`)
	})
	mux.HandleFunc("GET /ws", fs.websocket)
	fs.Server = httptest.NewServer(mux)
	return fs
}

// Close ends every connection, waits for the handlers and stops the server.
func (fs *fakeService) Close() {
	fs.stop()
	fs.mu.Lock()
	all := fs.all
	fs.mu.Unlock()
	for _, c := range all {
		_ = c.ws.CloseNow()
	}
	fs.wg.Wait()
	fs.Server.Close()
}

// client returns a signaling client of the fake service with quick reconnects.
func (fs *fakeService) client(optFns ...func(*signaling.Options)) *signaling.Client {
	return signaling.New(signaling.Options{
		Options:        kvs.Options{Region: testRegion, BaseEndpoint: fs.URL, Credentials: fs.creds, RetryMaxAttempts: 1},
		RetryBaseDelay: time.Millisecond,
		RetryMaxDelay:  20 * time.Millisecond,
	}, optFns...)
}

func (fs *fakeService) endpoints(w http.ResponseWriter, r *http.Request) {
	var in kvs.GetSignalingChannelEndpointInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fs.mu.Lock()
	fs.lookups = append(fs.lookups, in.SingleMasterChannelEndpointConfiguration.Role)
	host := r.Host
	if fs.endpointHost != nil {
		if h := fs.endpointHost(len(fs.lookups)); h != "" {
			host = h
		}
	}
	fs.mu.Unlock()
	fmt.Fprintf(w, `{"ResourceEndpointList":[{"Protocol":"WSS","ResourceEndpoint":"ws://%s/ws"},`+
		`{"Protocol":"HTTPS","ResourceEndpoint":"http://%s/https"}]}`, host, host)
}

func (fs *fakeService) iceConfig(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	fs.mu.Lock()
	fs.iceBodies = append(fs.iceBodies, body)
	n := len(fs.iceBodies)
	fs.mu.Unlock()
	fmt.Fprintf(w, `{"IceServerList":[{"Uris":["turn:1-2-3-4.t-1.kinesisvideo.us-west-2.amazonaws.com:443?transport=udp",`+
		`"turns:1-2-3-4.t-1.kinesisvideo.us-west-2.amazonaws.com:443?transport=tcp"],"Username":"user-%d","Password":"pass-%d","Ttl":300}]}`, n, n)
}

// verify checks a handshake's presigned URL by signing the same request again.
func (fs *fakeService) verify(r *http.Request) error {
	q := r.URL.Query()
	signedAt, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return fmt.Errorf("X-Amz-Date: %v", err)
	}
	own := url.Values{}
	for _, k := range []string{signaling.QueryChannelARN, signaling.QueryClientID} {
		if v, ok := q[k]; ok {
			own[k] = v
		}
	}
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret, SessionToken: q.Get("X-Amz-Security-Token")}
	want, err := signaling.PresignURL(r.Context(), "ws://"+r.Host+"/ws", own, creds, testRegion, signedAt)
	if err != nil {
		return err
	}
	wu, _ := url.Parse(want)
	if got := r.URL.RawQuery; got != wu.RawQuery {
		return fmt.Errorf("query\n got %s\nwant %s", got, wu.RawQuery)
	}
	if age := time.Since(signedAt); age > time.Minute || age < -time.Minute {
		return fmt.Errorf("signed %v ago", age)
	}
	return nil
}

func (fs *fakeService) websocket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fs.mu.Lock()
	fs.handshakes = append(fs.handshakes, q)
	n := len(fs.handshakes)
	reject := fs.reject
	fs.mu.Unlock()
	if err := fs.verify(r); err != nil {
		fs.errorf("handshake %d: bad signature: %v", n, err)
		writeServiceError(w, http.StatusForbidden, "AccessDeniedException", err.Error())
		return
	}
	if reject != nil {
		if status, code := reject(n); status != 0 {
			writeServiceError(w, status, code, "injected failure")
			return
		}
	}
	fc := &fakeConn{query: q, frames: make(chan []byte, 2048), closed: make(chan struct{}), resume: make(chan struct{})}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		OnPingReceived: func(context.Context, []byte) bool { fc.pings.Add(1); return !fc.deaf.Load() },
	})
	if err != nil {
		fs.errorf("accept: %v", err)
		return
	}
	fc.ws = ws
	ws.SetReadLimit(1 << 20)
	fs.wg.Add(1)
	defer fs.wg.Done()
	fs.mu.Lock()
	fs.all = append(fs.all, fc)
	fs.mu.Unlock()
	fs.conns <- fc
	fc.serve(fs)
}

func writeServiceError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, msg)
}

// next returns the next connection the service accepted.
func (fs *fakeService) next(t *testing.T) *fakeConn {
	t.Helper()
	c := fs.accepted()
	if c == nil {
		t.Fatal("no connection arrived")
	}
	return c
}

// accepted waits for the next connection the service accepts, or returns nil after waitLimit.
func (fs *fakeService) accepted() *fakeConn {
	select {
	case c := <-fs.conns:
		return c
	case <-time.After(waitLimit):
		return nil
	}
}

func (fs *fakeService) counts() (lookups, ice, handshakes int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.lookups), len(fs.iceBodies), len(fs.handshakes)
}

// fakeConn is one WebSocket connection as the service sees it.
type fakeConn struct {
	ws     *websocket.Conn
	query  url.Values
	frames chan []byte   // text frames received
	closed chan struct{} // closed when the connection has ended
	status atomic.Int32  // the close status the client sent, if any
	pings  atomic.Int32
	deaf   atomic.Bool   // when set, pings get no pong
	stall  atomic.Bool   // when set, the service stops reading after the next frame
	resume chan struct{} // closed to make a stalled connection read again
}

func (c *fakeConn) serve(fs *fakeService) {
	defer close(c.closed)
	for {
		_, data, err := c.ws.Read(fs.ctx)
		if err != nil {
			c.status.Store(int32(websocket.CloseStatus(err)))
			return
		}
		c.frames <- data
		if c.stall.Load() {
			select {
			case <-c.resume:
			case <-fs.ctx.Done():
			}
		}
	}
}

// send delivers a message to the client.
func (c *fakeConn) send(t *testing.T, m *signaling.Message) {
	t.Helper()
	if err := c.deliver(m); err != nil {
		t.Error(err)
	}
}

func (c *fakeConn) deliver(m *signaling.Message) error {
	frame, err := signaling.EncodeMessage(m)
	if err != nil {
		return err
	}
	return c.write(websocket.MessageText, frame)
}

func (c *fakeConn) sendRaw(t *testing.T, typ websocket.MessageType, frame []byte) {
	t.Helper()
	if err := c.write(typ, frame); err != nil {
		t.Error(err)
	}
}

func (c *fakeConn) write(typ websocket.MessageType, frame []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := c.ws.Write(ctx, typ, frame); err != nil {
		return fmt.Errorf("fake service write: %w", err)
	}
	return nil
}

// recv returns the next message the client sent.
func (c *fakeConn) recv(t *testing.T) *signaling.OutgoingMessage {
	t.Helper()
	select {
	case f := <-c.frames:
		m, err := signaling.DecodeOutgoing(f)
		if err != nil {
			t.Fatalf("client sent %s: %v", f, err)
		}
		return m
	case <-time.After(waitLimit):
		t.Fatal("no message from the client")
		return nil
	}
}

// drain returns the messages received so far without waiting.
func (c *fakeConn) drain(t *testing.T) []*signaling.OutgoingMessage {
	var out []*signaling.OutgoingMessage
	for {
		select {
		case f := <-c.frames:
			m, err := signaling.DecodeOutgoing(f)
			if err != nil {
				t.Fatalf("client sent %s: %v", f, err)
			}
			out = append(out, m)
		default:
			return out
		}
	}
}

// waitClosed waits until the connection has ended and returns the client's close status.
func (c *fakeConn) waitClosed(t *testing.T) websocket.StatusCode {
	t.Helper()
	select {
	case <-c.closed:
		return websocket.StatusCode(c.status.Load())
	case <-time.After(waitLimit):
		t.Fatal("connection did not close")
		return 0
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// recvMessage returns the next message from a Conn, failing the test after waitLimit.
func recvMessage(t *testing.T, conn *signaling.Conn) *signaling.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	m, err := conn.Receive(ctx)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return m
}

// connect opens a Conn to the fake service and closes it at the end of the test.
func connect(t *testing.T, c *signaling.Client, role signaling.Role, clientID string) *signaling.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	conn, err := c.Connect(ctx, &signaling.ConnectInput{ChannelARN: testChannelARN, Role: role, ClientID: clientID})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
