package jspeer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/signaling"
)

// minNodeMajor is the oldest Node the pinned AWS SDK for JavaScript supports.
const minNodeMajor = 20

// needNode skips the test (fails it under KVSGO_CI=1) unless node and the npm modules of
// testdata are installed, and returns the path of the node program.
func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		wiretest.Skip(t, "node is not installed: %v", err)
	}
	version, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	var major int
	if _, err := fmt.Sscanf(string(version), "v%d.", &major); err != nil || major < minNodeMajor {
		wiretest.Skip(t, "node %s is older than %d, which the AWS SDK for JavaScript needs", strings.TrimSpace(string(version)), minNodeMajor)
	}
	for _, m := range []string{"amazon-kinesis-video-streams-webrtc", "ws", "@aws-sdk/client-kinesis-video", "@aws-sdk/client-kinesis-video-signaling"} {
		if _, err := os.Stat(filepath.Join("testdata", "node_modules", m, "package.json")); err != nil {
			wiretest.Skip(t, "the npm module %s is not installed (npm ci --omit=optional --prefix internal/jspeer/testdata): %v", m, err)
		}
	}
	return node
}

// jsEvent is a line peer.js prints.
type jsEvent struct {
	Event      string    `json:"event"`
	ConnectMs  float64   `json:"connectMs"`
	IceServers int       `json:"iceServers"`
	Payload    string    `json:"payload"`
	Sender     string    `json:"sender"`
	Status     *jsStatus `json:"status"`
	Message    string    `json:"message"`
	raw        string    // the line as printed
}

// jsStatus is a STATUS_RESPONSE as the JS SDK emits it.
type jsStatus struct {
	CorrelationID string `json:"correlationId"`
	ErrorType     string `json:"errorType"`
	StatusCode    string `json:"statusCode"`
	Description   string `json:"description"`
}

// jsPeer is a running peer.js: the official SDK's SignalingClient as MASTER or VIEWER.
type jsPeer struct {
	name     string
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	events   chan jsEvent
	exited   chan struct{}
	stderrMu sync.Mutex
	stderr   strings.Builder
	received int // messages received from the relay (SDP, ICE, status)
	// connect is how long the peer took from its first request to the open WebSocket:
	// DescribeSignalingChannel, GetSignalingChannelEndpoint, GetIceServerConfig, the handshake.
	connect time.Duration
}

// startJS starts peer.js as the master (clientID "") or a viewer of channel and waits until its
// connection is open.
func startJS(t *testing.T, k *kvslocal, channel, clientID string) *jsPeer {
	t.Helper()
	node := needNode(t)
	role, name := "MASTER", "JS master"
	if clientID != "" {
		role, name = "VIEWER", "JS viewer "+clientID
	}
	p := &jsPeer{name: name, events: make(chan jsEvent, 64), exited: make(chan struct{})}
	p.cmd = exec.Command(node, "peer.js")
	p.cmd.Dir = "testdata"
	p.cmd.Env = k.env("KVS_ENDPOINT="+k.endpoint, "KVS_CHANNEL="+channel, "KVS_ROLE="+role, "KVS_CLIENT_ID="+clientID)
	p.cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		p.stderrMu.Lock()
		defer p.stderrMu.Unlock()
		return p.stderr.Write(b)
	})
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.exited)
		defer close(p.events)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var e jsEvent
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				e = jsEvent{Event: "error", Message: "unreadable line: " + err.Error()}
			}
			e.raw = sc.Text()
			p.events <- e
		}
		_ = p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.stdin.Close() // peer.js closes its connection and exits
		select {
		case <-p.exited:
		case <-time.After(waitLimit):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	open := p.next(t)
	if open.Event != "open" {
		t.Fatalf("%s: first event %s, want open", p.name, open.raw)
	}
	if open.IceServers < 1 {
		t.Errorf("%s: GetIceServerConfig listed %d servers", p.name, open.IceServers)
	}
	p.connect = time.Duration(open.ConnectMs * float64(time.Millisecond))
	return p
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// next returns the peer's next event; an error event, or the peer's end, fails the test.
func (p *jsPeer) next(t *testing.T) jsEvent {
	t.Helper()
	select {
	case e, ok := <-p.events:
		if !ok {
			t.Fatalf("%s exited: %s", p.name, p.stderrText())
		}
		if e.Event == "error" {
			t.Fatalf("%s: %s\n%s", p.name, e.Message, p.stderrText())
		}
		switch e.Event {
		case "sdpOffer", "sdpAnswer", "iceCandidate", "statusResponse":
			p.received++
		}
		return e
	case <-time.After(waitLimit):
		t.Fatalf("%s sent nothing for %v; stderr: %s", p.name, waitLimit, p.stderrText())
	}
	return jsEvent{}
}

func (p *jsPeer) stderrText() string {
	p.stderrMu.Lock()
	defer p.stderrMu.Unlock()
	return p.stderr.String()
}

// expect reads the next event and checks it: its kind, its payload byte for byte (as
// JSON.stringify writes what the SDK emitted), and its sender.
func (p *jsPeer) expect(t *testing.T, event, payload, sender string) {
	t.Helper()
	e := p.next(t)
	if e.Event != event || e.Payload != payload || e.Sender != sender {
		t.Fatalf("%s received %s\nwant event %s from %q with payload %s", p.name, e.raw, event, sender, payload)
	}
}

// send makes the SDK send payload (JSON) with sendSdpOffer, sendSdpAnswer or sendIceCandidate
// (op sdpOffer, sdpAnswer, iceCandidate) to recipient ("" for a viewer).
func (p *jsPeer) send(t *testing.T, op, payload, recipient, correlationID string) {
	t.Helper()
	cmd, err := json.Marshal(map[string]string{"op": op, "payload": payload, "recipient": recipient, "correlationId": correlationID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.stdin.Write(append(cmd, '\n')); err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
}

// closed waits for the peer's connection to be closed (by the relay or by close) and the
// program to exit.
func (p *jsPeer) closed(t *testing.T) {
	t.Helper()
	if e := p.next(t); e.Event != "close" {
		t.Fatalf("%s: event %s, want close", p.name, e.raw)
	}
	select {
	case <-p.exited:
	case <-time.After(waitLimit):
		t.Fatalf("%s did not exit after close", p.name)
	}
}

// goPeer is a connection of our signaling client.
type goPeer struct {
	name     string
	conn     *signaling.Conn
	received int
	connect  time.Duration
}

// connectGo connects our signaling client as the master (clientID "") or a viewer.
func connectGo(t *testing.T, k *kvslocal, arn, clientID string) *goPeer {
	t.Helper()
	in := &signaling.ConnectInput{ChannelARN: arn, Role: signaling.RoleMaster}
	name := "Go master"
	if clientID != "" {
		in.Role, in.ClientID, name = signaling.RoleViewer, clientID, "Go viewer "+clientID
	}
	began := time.Now()
	conn, err := k.signalingClient().Connect(ctx, in)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &goPeer{name: name, conn: conn, connect: time.Since(began)}
}

// next returns the next message the Go peer receives.
func (p *goPeer) next(t *testing.T) *signaling.Message {
	t.Helper()
	rctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	m, err := p.conn.Receive(rctx)
	if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	p.received++
	return m
}

// send sends a message from the Go peer.
func (p *goPeer) send(t *testing.T, m *signaling.OutgoingMessage) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	if err := p.conn.Send(sctx, m); err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
}
