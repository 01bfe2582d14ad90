package signaling_test

// The client against the kvstest emulator: a relay that verifies every presigned URL and routes
// between a master and its viewers as the service does. The in-test fakeService remains for
// what the emulator deliberately does not do (malformed frames, unanswered pings, arbitrary
// handshake answers).

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

// emulator is a kvstest server with one signaling channel, whose clients sign with rotating
// credentials: every signature gets its own session token (the server takes any token, and
// verifies the signature with the shared secret).
type emulator struct {
	*kvstest.Server
	arn   string
	creds *rotatingCreds

	mu         sync.Mutex
	signatures map[string][]string // the X-Amz-Signature of each handshake, by client ID ("" for the master)
	onConnect  func(op string)     // called for each handshake, after its signature is recorded
}

func newEmulator(t *testing.T) *emulator {
	t.Helper()
	e := &emulator{creds: &rotatingCreds{}, signatures: map[string][]string{}}
	e.Server = kvstest.NewServer(kvstest.WithRegion(testRegion), kvstest.WithCredentials(testAccessKey, testSecret), kvstest.WithAnyCredentials())
	t.Cleanup(e.Close)
	out, err := kvs.NewFromConfig(e.Config()).CreateSignalingChannel(context.Background(), &kvs.CreateSignalingChannelInput{ChannelName: "door"})
	if err != nil {
		t.Fatal(err)
	}
	e.arn = out.ChannelARN
	e.OnCall(func(op kvstest.Operation, r *http.Request) error {
		if op == "ConnectAsMaster" || op == "ConnectAsViewer" {
			q := r.URL.Query()
			e.mu.Lock()
			e.signatures[q.Get(signaling.QueryClientID)] = append(e.signatures[q.Get(signaling.QueryClientID)], q.Get("X-Amz-Signature"))
			hook := e.onConnect
			e.mu.Unlock()
			if hook != nil {
				hook(string(op))
			}
		}
		return nil
	})
	return e
}

// client returns a signaling client of the emulator with quick reconnects.
func (e *emulator) client(optFns ...func(*signaling.Options)) *signaling.Client {
	return signaling.New(signaling.Options{
		Options:        kvs.Options{Region: testRegion, BaseEndpoint: e.URL, Credentials: e.creds, RetryMaxAttempts: 1},
		STUNURL:        signaling.NoSTUN,
		RetryBaseDelay: time.Millisecond,
		RetryMaxDelay:  20 * time.Millisecond,
	}, optFns...)
}

// connect opens a Conn as the master (clientID "") or a viewer, closed when the test ends.
func (e *emulator) connect(t *testing.T, c *signaling.Client, clientID string) *signaling.Conn {
	t.Helper()
	in := &signaling.ConnectInput{ChannelARN: e.arn, Role: signaling.RoleMaster}
	if clientID != "" {
		in = &signaling.ConnectInput{ChannelARN: e.arn, Role: signaling.RoleViewer, ClientID: clientID}
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	conn, err := c.Connect(ctx, in)
	if err != nil {
		t.Fatalf("Connect(%q): %v", clientID, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// handshakes returns the signatures of the handshakes of a client so far.
func (e *emulator) handshakes(clientID string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.signatures[clientID]...)
}

func TestMasterAndViewerExchangeThroughTheEmulator(t *testing.T) {
	e := newEmulator(t)
	c := e.client()
	master := e.connect(t, c, "")
	viewer := e.connect(t, c, "viewer-1")
	ctx := context.Background()

	// Connect returns once the relay has registered the connection: no wait is needed.
	if err := viewer.SendSDPOffer(ctx, "", offer); err != nil {
		t.Fatal(err)
	}
	if err := viewer.SendICECandidate(ctx, "", candidate("1")); err != nil {
		t.Fatal(err)
	}
	got := recvMessage(t, master)
	if got.Type != signaling.MessageTypeSDPOffer || got.SenderClientID != "viewer-1" || got.SessionDescription != offer {
		t.Fatalf("master received %+v", got)
	}
	if got := recvMessage(t, master); got.Type != signaling.MessageTypeICECandidate || got.ICECandidate.Candidate != candidate("1").Candidate {
		t.Fatalf("master received %+v", got)
	}
	if err := master.SendSDPAnswer(ctx, "viewer-1", answer); err != nil {
		t.Fatal(err)
	}
	if got := recvMessage(t, viewer); got.Type != signaling.MessageTypeSDPAnswer || got.SessionDescription != answer {
		t.Fatalf("viewer received %+v", got)
	}
}

// TestEarlyCandidatesThroughTheEmulator sends a viewer's candidates before its offer, as trickle
// ICE may, through the relay; the first one before the master has even connected. The master's
// Receive still returns the offer first, then the candidates in order.
func TestEarlyCandidatesThroughTheEmulator(t *testing.T) {
	e := newEmulator(t)
	c := e.client()
	viewer := e.connect(t, c, "v1")
	ctx := context.Background()
	// Sent before the master connects: the relay keeps it for the master.
	if err := viewer.SendAndWait(ctx, &signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate,
		ICECandidate: candidate("held")}, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	master := e.connect(t, c, "")
	for _, name := range []string{"c1", "c2"} {
		if err := viewer.SendICECandidate(ctx, "", candidate(name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := viewer.SendSDPOffer(ctx, "", offer); err != nil {
		t.Fatal(err)
	}
	if m := recvMessage(t, master); m.Type != signaling.MessageTypeSDPOffer || m.SenderClientID != "v1" {
		t.Fatalf("master received %+v first, want the offer", m)
	}
	expectCandidates(t, master, "v1", []string{"held", "c1", "c2"})
}

// TestInterruptedConnectionsLoseNoQueuedMessage interrupts a viewer's connection mid-session,
// with GO_AWAY or by dropping the socket, holds its reconnection (failing some attempts) while
// the viewer sends, and checks that the master receives every message exactly once, in order,
// and that each handshake was signed afresh.
func TestInterruptedConnectionsLoseNoQueuedMessage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		interrupt func(e *emulator) error
		failures  int // reconnect attempts refused, alternately with 503 and ClientLimitExceededException
	}{
		{"GO_AWAY", func(e *emulator) error { return e.SendGoAway(e.arn, "v1") }, 0},
		{"dropped socket", func(e *emulator) error { return e.DropSignalingConnection(e.arn, "v1") }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmulator(t)
			c := e.client()
			master := e.connect(t, c, "")
			viewer := e.connect(t, c, "v1")
			if err := viewer.SendSDPOffer(context.Background(), "", offer); err != nil {
				t.Fatal(err)
			}
			if m := recvMessage(t, master); m.Type != signaling.MessageTypeSDPOffer {
				t.Fatalf("master received %+v", m)
			}
			const rounds, perRound = 3, 5
			for round := range rounds {
				// Messages sent while connected arrive on the open connection. (One the relay has not
				// read when the socket drops is lost: the protocol has no acknowledgements.)
				expectCandidates(t, master, "v1", sendCandidates(t, viewer, fmt.Sprintf("r%dopen", round), perRound))

				// Interrupt the connection and hold the reconnection until the viewer has queued its
				// next messages.
				held, release := make(chan struct{}), make(chan struct{})
				var once sync.Once
				e.mu.Lock()
				e.onConnect = func(op string) {
					if op == "ConnectAsViewer" {
						once.Do(func() { close(held); <-release })
					}
				}
				e.mu.Unlock()
				for i := range tc.failures {
					if i%2 == 0 {
						e.FailNext("ConnectAsViewer", 1, kvstest.Error{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable"})
					} else {
						e.Throttle("ConnectAsViewer", 1)
					}
				}
				if err := tc.interrupt(e); err != nil {
					t.Fatal(err)
				}
				select {
				case <-held:
				case <-time.After(waitLimit):
					t.Fatal("the viewer did not reconnect")
				}
				queued := sendCandidates(t, viewer, fmt.Sprintf("r%dqueued", round), perRound)
				close(release)
				expectCandidates(t, master, "v1", queued)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if m, err := master.Receive(ctx); err == nil {
				t.Errorf("delivered more than once: %+v", m)
			}

			signatures := e.handshakes("v1")
			if want := 1 + rounds*(1+tc.failures); len(signatures) != want || viewer.Stats().Connects != rounds+1 {
				t.Errorf("%d handshakes and %d connections, want %d and %d", len(signatures), viewer.Stats().Connects, want, rounds+1)
			}
			distinct := map[string]bool{}
			for _, s := range signatures {
				distinct[s] = true
			}
			if len(distinct) != len(signatures) {
				t.Errorf("%d distinct signatures in %d handshakes: %v", len(distinct), len(signatures), signatures)
			}
		})
	}
}

// expectCandidates receives ICE candidates and checks that they are the ones named names, from
// sender, in order.
func expectCandidates(t *testing.T, conn *signaling.Conn, sender string, names []string) {
	t.Helper()
	var got, want []string
	for _, n := range names {
		want = append(want, "ICE "+sender+" "+n)
		got = append(got, describe(recvMessage(t, conn)))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("received\n%v\nwant\n%v", got, want)
	}
}

// sendCandidates sends n ICE candidates named prefix0, prefix1, … from a viewer.
func sendCandidates(t *testing.T, conn *signaling.Conn, prefix string, n int) []string {
	t.Helper()
	var names []string
	for i := range n {
		name := fmt.Sprintf("%s%d", prefix, i)
		if err := conn.SendICECandidate(context.Background(), "", candidate(name)); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// TestGoAwayFromTheEmulatorReconnectsAtOnce sends messages from the master right after the relay
// sent it GO_AWAY: some leave on the old connection (the relay keeps relaying it), the rest on
// the new one, and the viewer receives each exactly once.
func TestGoAwayFromTheEmulatorReconnectsAtOnce(t *testing.T) {
	e := newEmulator(t)
	master := e.connect(t, e.client(func(o *signaling.Options) {
		o.RetryBaseDelay, o.RetryMaxDelay = time.Hour, time.Hour // only a prompt reconnect passes
	}), "")
	viewer := e.connect(t, e.client(), "v1")
	ctx := context.Background()
	if err := master.SendSDPAnswer(ctx, "v1", answer); err != nil {
		t.Fatal(err)
	}
	if m := recvMessage(t, viewer); m.Type != signaling.MessageTypeSDPAnswer {
		t.Fatalf("viewer received %+v", m)
	}
	lookups := e.Calls("GetSignalingChannelEndpoint")

	if err := e.SendGoAway(e.arn, ""); err != nil {
		t.Fatal(err)
	}
	var sent []string
	for i := range 20 {
		name := fmt.Sprintf("c%d", i)
		if err := master.SendICECandidate(ctx, "v1", candidate(name)); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, name)
	}
	if got := recvMessage(t, master); got.Type != signaling.MessageTypeGoAway {
		t.Errorf("Receive = %+v, want GO_AWAY", got)
	}
	expectCandidates(t, viewer, "", sent)
	waitFor(t, func() bool { return master.Stats().Connects == 2 })
	if l := e.Calls("GetSignalingChannelEndpoint"); l != lookups+1 {
		t.Errorf("%d endpoint lookups after GO_AWAY, want %d (the endpoint is looked up again)", l, lookups+1)
	}
}

func TestReconnectICEServerFromTheEmulatorRefetchesCredentials(t *testing.T) {
	e := newEmulator(t)
	viewer := e.connect(t, e.client(), "v1")
	ctx := context.Background()
	first, err := viewer.RTCIceServers(ctx)
	if err != nil || len(first) != 1 {
		t.Fatalf("RTCIceServers = %+v, %v", first, err)
	}
	if err := e.SendReconnectICEServer(e.arn, "v1"); err != nil {
		t.Fatal(err)
	}
	if got := recvMessage(t, viewer); got.Type != signaling.MessageTypeReconnectICEServer {
		t.Errorf("Receive = %+v", got)
	}
	waitFor(t, func() bool { return e.Calls("GetIceServerConfig") == 2 && viewer.Stats().Connects == 2 })
	fresh, err := viewer.RTCIceServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e.Calls("GetIceServerConfig") != 2 {
		t.Error("the refetched list was not cached")
	}
	if err := e.VerifyTURNCredentials(fresh[0].Username, fresh[0].Credential); err != nil {
		t.Errorf("refetched credentials: %v", err)
	}
}
