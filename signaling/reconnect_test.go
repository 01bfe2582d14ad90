package signaling_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/coder/websocket"

	"github.com/kvsgo/sdk/signaling"
)

// names returns the candidate names of the messages a fake connection received.
func names(ms []*signaling.OutgoingMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, strings.Fields(strings.TrimPrefix(m.ICECandidate.Candidate, "candidate:"))[0])
	}
	return out
}

// recvN returns the names of the next n candidates a fake connection receives.
func recvN(t *testing.T, c *fakeConn, n int) []string {
	t.Helper()
	var ms []*signaling.OutgoingMessage
	for range n {
		ms = append(ms, c.recv(t))
	}
	return names(ms)
}

func TestGoAwayReconnectsAtOnceWithoutLosingMessages(t *testing.T) {
	fs := newFakeService(t)
	master := connect(t, fs.client(func(o *signaling.Options) {
		o.RetryBaseDelay, o.RetryMaxDelay = time.Hour, time.Hour // only a prompt reconnect passes
	}), signaling.RoleMaster, "")
	old := fs.next(t)
	lookups, _, _ := fs.counts()

	old.send(t, &signaling.Message{Type: signaling.MessageTypeGoAway})
	var want []string
	for i := range 20 {
		name := fmt.Sprintf("c%d", i)
		if err := master.SendICECandidate(context.Background(), "viewer-1", candidate(name)); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	if got := recvMessage(t, master); got.Type != signaling.MessageTypeGoAway {
		t.Errorf("Receive = %+v, want GO_AWAY", got)
	}
	if status := old.waitClosed(t); status != websocket.StatusNormalClosure {
		t.Errorf("old connection closed with %v, want a normal closure", status)
	}
	fresh := fs.next(t)
	before := names(old.drain(t))
	after := recvN(t, fresh, len(want)-len(before))
	if got := append(before, after...); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("delivered %v (old) + %v (new), want each of %v once", before, after, want)
	}
	if l, _, _ := fs.counts(); l != lookups+1 {
		t.Errorf("%d endpoint lookups after GO_AWAY, want %d (the endpoint is looked up again)", l, lookups+1)
	}
}

func TestReconnectICEServerFetchesNewServersAndReconnects(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	ctx := context.Background()
	first, err := viewer.RTCIceServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := viewer.RTCIceServers(ctx); again[1].Username != first[1].Username {
		t.Errorf("second call fetched again: %v then %v", first[1].Username, again[1].Username)
	}
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeReconnectICEServer})
	if got := recvMessage(t, viewer); got.Type != signaling.MessageTypeReconnectICEServer {
		t.Errorf("Receive = %+v", got)
	}
	fs.next(t)
	_, calls, _ := fs.counts()
	if calls != 2 {
		t.Fatalf("%d GetIceServerConfig calls, want 2 (one refetch)", calls)
	}
	fresh, err := viewer.RTCIceServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh[1].Username != "user-2" || first[1].Username != "user-1" {
		t.Errorf("usernames %q then %q, want user-1 then user-2", first[1].Username, fresh[1].Username)
	}
	if _, calls, _ := fs.counts(); calls != 2 {
		t.Errorf("%d GetIceServerConfig calls, want the refetched list to be cached", calls)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if got := fs.iceBodies[1]["ClientId"]; got != "v1" {
		t.Errorf("ClientId = %v, want v1", got)
	}
}

func TestKeepaliveDetectsADeadConnection(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(func(o *signaling.Options) { o.KeepaliveInterval = 30 * time.Millisecond }), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	waitFor(t, func() bool { return sc.pings.Load() >= 2 }) // answered pings keep it open
	if viewer.Stats().Connects != 1 {
		t.Fatal("reconnected while pings were answered")
	}
	sc.deaf.Store(true)
	fs.next(t)
	waitFor(t, func() bool { return viewer.Stats().Connects == 2 })
}

func TestConnectionIsReplacedAtMaxAge(t *testing.T) {
	fs := newFakeService(t)
	connect(t, fs.client(func(o *signaling.Options) { o.MaxConnectionAge = 40 * time.Millisecond }), signaling.RoleMaster, "")
	for range 3 {
		c := fs.next(t)
		if status := c.waitClosed(t); status != websocket.StatusNormalClosure {
			t.Errorf("aged connection closed with %v, want a normal closure", status)
		}
	}
}

func TestUnreachableEndpointIsLookedUpAgain(t *testing.T) {
	fs := newFakeService(t)
	deadHost := closedPort(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	fs.mu.Lock()
	fs.endpointHost = func(n int) string {
		if n == 2 {
			return deadHost // the lookup after GO_AWAY names an endpoint that is gone
		}
		return ""
	}
	fs.mu.Unlock()
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeGoAway})
	fs.next(t)
	if l, _, _ := fs.counts(); l != 3 {
		t.Errorf("%d endpoint lookups, want 3 (the unreachable endpoint was dropped from the cache)", l)
	}
	waitFor(t, func() bool { return viewer.Stats().Connects == 2 })
}

func TestFatalHandshakeErrorEndsTheConn(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	fs.mu.Lock()
	fs.reject = func(int) (int, string) { return http.StatusNotFound, "ResourceNotFoundException" }
	fs.mu.Unlock()
	_ = sc.ws.CloseNow()

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_, err := viewer.Receive(ctx)
	var nf *signaling.ResourceNotFoundException
	var oe *smithy.OperationError
	if !errors.As(err, &nf) || !errors.As(err, &oe) || oe.OperationName != "Connect" {
		t.Fatalf("Receive = %v, want ResourceNotFoundException from Connect", err)
	}
	if err := viewer.SendSDPOffer(ctx, "", offer); !errors.As(err, &nf) {
		t.Errorf("Send = %v, want the same error", err)
	}
	if _, _, h := fs.counts(); h != 2 {
		t.Errorf("%d handshakes, want 2 (no retry after a fatal error)", h)
	}
	if err := viewer.Close(); !errors.As(err, &nf) {
		t.Errorf("Close = %v, want the error that ended the Conn", err)
	}
}

func TestConnectFailsWhenTheHandshakeIsDenied(t *testing.T) {
	fs := newFakeService(t)
	fs.reject = func(int) (int, string) { return http.StatusForbidden, "AccessDeniedException" }
	_, err := fs.client().Connect(context.Background(), &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleMaster})
	var denied *signaling.AccessDeniedException
	if !errors.As(err, &denied) || denied.Message != "injected failure" {
		t.Fatalf("Connect = %v, want AccessDeniedException", err)
	}
	if !strings.Contains(err.Error(), "operation error Kinesis Video Signaling: Connect") || !strings.Contains(err.Error(), "StatusCode: 403") {
		t.Errorf("error %q lacks the operation or the status", err)
	}
}

func TestReconnectsAndSkippedFramesAreLogged(t *testing.T) {
	fs := newFakeService(t)
	var mu sync.Mutex
	var lines []string
	logger := logging.LoggerFunc(func(c logging.Classification, format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, string(c)+" "+fmt.Sprintf(format, args...))
	})
	viewer := connect(t, fs.client(func(o *signaling.Options) { o.Logger, o.ClientLogMode = logger, aws.LogRetries }), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	sc.sendRaw(t, websocket.MessageText, []byte("junk"))
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeGoAway})
	fs.next(t)
	waitFor(t, func() bool { return viewer.Stats().Connects == 2 })
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(lines, "\n")
	prefix := "signaling VIEWER " + testChannelARN + ": "
	for _, want := range []string{"DEBUG " + prefix + "connected", "WARN " + prefix + "skipped a frame: signaling: malformed frame",
		"DEBUG " + prefix + "reconnecting after GO_AWAY", "DEBUG " + prefix + "reconnected at attempt 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("log lacks %q:\n%s", want, all)
		}
	}
}
