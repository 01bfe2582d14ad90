package signaling_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/coder/websocket"

	"github.com/kvsgo/sdk/signaling"
)

func candidate(s string) signaling.ICECandidate {
	mid, idx := "0", uint16(0)
	return signaling.ICECandidate{Candidate: "candidate:" + s + " 1 udp 2122260223 192.0.2.1 50000 typ host", SDPMid: &mid, SDPMLineIndex: &idx}
}

func TestConnectSignsTheURLForEachRole(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client()
	connect(t, c, signaling.RoleMaster, "")
	master := fs.next(t)
	connect(t, c, signaling.RoleViewer, "viewer-1")
	viewer := fs.next(t)

	if got := master.query.Get(signaling.QueryChannelARN); got != testChannelARN {
		t.Errorf("master channel ARN = %q", got)
	}
	if _, ok := master.query[signaling.QueryClientID]; ok {
		t.Errorf("master URL has a client ID: %v", master.query)
	}
	if got := viewer.query.Get(signaling.QueryClientID); got != "viewer-1" {
		t.Errorf("viewer client ID = %q", got)
	}
	for _, q := range []map[string][]string{master.query, viewer.query} {
		if q["X-Amz-Expires"][0] != "299" || q["X-Amz-SignedHeaders"][0] != "host" || q["X-Amz-Security-Token"] == nil {
			t.Errorf("query %v lacks the expected signing parameters", q)
		}
	}
	fs.mu.Lock()
	roles := fs.lookups
	fs.mu.Unlock()
	if len(roles) != 2 || roles[0] != signaling.RoleMaster || roles[1] != signaling.RoleViewer {
		t.Errorf("endpoint lookups by role = %v, want [MASTER VIEWER]", roles)
	}
}

func TestConnectRejectsBadInputBeforeTheNetwork(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client()
	tests := []struct {
		name string
		in   *signaling.ConnectInput
		want []string
	}{
		{"nil input", nil, []string{"ConnectInput.ChannelARN: missing required value", "ConnectInput.Role: missing required value"}},
		{"viewer without ID", &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleViewer},
			[]string{"ConnectInput.ClientID: missing required value (a VIEWER needs a client ID)"}},
		{"master with ID", &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleMaster, ClientID: "m"},
			[]string{"ConnectInput.ClientID: must be empty for the MASTER"}},
		{"reserved prefix", &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleViewer, ClientID: "aws_viewer"},
			[]string{`ConnectInput.ClientID: "aws_viewer" must not start with AWS_`}},
		{"bad characters", &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleViewer, ClientID: "my viewer"},
			[]string{`ConnectInput.ClientID: "my viewer" does not match the pattern name`}},
		{"unknown role", &signaling.ConnectInput{ChannelARN: testChannelARN, Role: "OBSERVER"},
			[]string{`ConnectInput.Role: "OBSERVER" is not one of MASTER, VIEWER`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := c.Connect(context.Background(), tt.in)
			if err == nil {
				conn.Close()
				t.Fatal("Connect succeeded")
			}
			var ipe smithy.InvalidParamsError
			if !errors.As(err, &ipe) {
				t.Fatalf("err = %v, want an InvalidParamsError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %q, want it to contain %q", err, w)
				}
			}
		})
	}
	if l, _, h := fs.counts(); l != 0 || h != 0 {
		t.Errorf("%d endpoint lookups and %d handshakes reached the service", l, h)
	}
}

func TestAddressingRules(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client()
	master := connect(t, c, signaling.RoleMaster, "")
	mconn := fs.next(t)
	viewer := connect(t, c, signaling.RoleViewer, "v1")
	vconn := fs.next(t)
	ctx := context.Background()

	if err := master.SendSDPAnswer(ctx, "", answer); err == nil || !strings.Contains(err.Error(), "a MASTER must name the recipient") {
		t.Errorf("master without recipient: err = %v", err)
	}
	if err := viewer.SendSDPOffer(ctx, "v2", offer); err == nil || !strings.Contains(err.Error(), "a VIEWER must not name a recipient") {
		t.Errorf("viewer with recipient: err = %v", err)
	}
	if err := master.Send(ctx, &signaling.OutgoingMessage{Type: signaling.MessageTypeGoAway, RecipientClientID: "v1"}); err == nil ||
		!strings.Contains(err.Error(), `cannot send a message of type "GO_AWAY"`) {
		t.Errorf("GO_AWAY: err = %v", err)
	}
	if err := master.SendICECandidate(ctx, "bad id!", candidate("1")); err == nil || !strings.Contains(err.Error(), "recipient client ID") {
		t.Errorf("bad recipient: err = %v", err)
	}
	// Nothing invalid was written; valid messages are.
	if err := master.SendSDPAnswer(ctx, "v1", answer); err != nil {
		t.Fatal(err)
	}
	if m := mconn.recv(t); m.RecipientClientID != "v1" || m.Type != signaling.MessageTypeSDPAnswer {
		t.Errorf("master wrote %+v", m)
	}
	if err := viewer.SendSDPOffer(ctx, "", offer); err != nil {
		t.Fatal(err)
	}
	if m := vconn.recv(t); m.RecipientClientID != "" || m.Type != signaling.MessageTypeSDPOffer {
		t.Errorf("viewer wrote %+v", m)
	}
	if extra := append(mconn.drain(t), vconn.drain(t)...); len(extra) != 0 {
		t.Errorf("unexpected writes: %+v", extra)
	}
}

func TestSendAndWaitMatchesStatusResponses(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	ctx := context.Background()

	// The service reports a failure for the correlation ID.
	errc := make(chan error, 1)
	go func() {
		errc <- viewer.SendAndWait(ctx, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPOffer, SessionDescription: offer}, waitLimit)
	}()
	m := sc.recv(t)
	if m.CorrelationID == "" {
		t.Fatal("SendAndWait sent no correlation ID")
	}
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeStatusResponse, Status: signaling.StatusResponse{
		CorrelationID: m.CorrelationID, ErrorType: "InvalidArgumentException", StatusCode: "400", Description: "no master"}})
	err := <-errc
	var se *signaling.StatusError
	var api smithy.APIError
	if !errors.As(err, &se) || !errors.As(err, &api) || se.CorrelationID != m.CorrelationID ||
		api.ErrorCode() != "InvalidArgumentException" || api.ErrorMessage() != "no master" || se.StatusCode != "400" {
		t.Fatalf("SendAndWait = %v, want the status response", err)
	}

	// Success is silence: nil once the wait is over.
	start := time.Now()
	if err := viewer.SendAndWait(ctx, &signaling.OutgoingMessage{Type: signaling.MessageTypeICECandidate,
		ICECandidate: candidate("2"), CorrelationID: "my.id-1"}, 50*time.Millisecond); err != nil {
		t.Fatalf("SendAndWait = %v, want nil", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("SendAndWait returned after %v, before the wait was over", d)
	}
	if m := sc.recv(t); m.CorrelationID != "my.id-1" {
		t.Errorf("correlation ID %q, want my.id-1", m.CorrelationID)
	}

	// A status response nobody waits for is received; the claimed one was not.
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeStatusResponse, Status: signaling.StatusResponse{CorrelationID: "late"}})
	if got := recvMessage(t, viewer); got.Type != signaling.MessageTypeStatusResponse || got.Status.CorrelationID != "late" {
		t.Errorf("Receive = %+v, want the unclaimed status response", got)
	}
}

func TestEarlyICECandidatesFollowTheirSDP(t *testing.T) {
	fs := newFakeService(t)
	master := connect(t, fs.client(), signaling.RoleMaster, "")
	sc := fs.next(t)
	ice := func(from, c string) *signaling.Message {
		return &signaling.Message{Type: signaling.MessageTypeICECandidate, SenderClientID: from, ICECandidate: candidate(c)}
	}
	sdp := func(from string) *signaling.Message {
		return &signaling.Message{Type: signaling.MessageTypeSDPOffer, SenderClientID: from, SessionDescription: offer}
	}
	for _, m := range []*signaling.Message{ice("a", "a1"), ice("b", "b1"), ice("a", "a2"), sdp("a"), ice("a", "a3"), ice("b", "b2"), sdp("b")} {
		sc.send(t, m)
	}
	want := []string{"SDP a", "ICE a a1", "ICE a a2", "ICE a a3", "SDP b", "ICE b b1", "ICE b b2"}
	for i, w := range want {
		if got := describe(recvMessage(t, master)); got != w {
			t.Fatalf("message %d = %s, want %s", i, got, w)
		}
	}

	// After ForgetPeer, a returning peer's candidates wait for its new SDP again.
	master.ForgetPeer("a")
	sc.send(t, ice("a", "a4"))
	sc.send(t, ice("b", "b3"))
	sc.send(t, sdp("a"))
	for i, w := range []string{"ICE b b3", "SDP a", "ICE a a4"} {
		if got := describe(recvMessage(t, master)); got != w {
			t.Fatalf("after ForgetPeer, message %d = %s, want %s", i, got, w)
		}
	}
}

func describe(m *signaling.Message) string {
	switch m.Type {
	case signaling.MessageTypeICECandidate:
		f := strings.Fields(strings.TrimPrefix(m.ICECandidate.Candidate, "candidate:"))
		return "ICE " + m.SenderClientID + " " + f[0]
	case signaling.MessageTypeSDPOffer, signaling.MessageTypeSDPAnswer:
		return "SDP " + m.SenderClientID
	}
	return string(m.Type)
}

func TestMalformedFramesAreSkippedAndCounted(t *testing.T) {
	fs := newFakeService(t)
	master := connect(t, fs.client(), signaling.RoleMaster, "")
	sc := fs.next(t)
	bad := []string{
		``, `not json`, `{"messageType":"SDP_OFFER"}`, `{"messageType":"NEW_THING","messagePayload":"e30="}`,
		`{"messageType":"SDP_OFFER","senderClientId":"v","messagePayload":"%%%"}`,
		`{"messageType":"ICE_CANDIDATE","senderClientId":"v","messagePayload":"bm90IGpzb24="}`,
		`{"messageType":"STATUS_RESPONSE","statusResponse":{}}`,
		`{"messageType":"SDP_OFFER","messagePayload":"eyJ0eXBlIjoib2ZmZXIiLCJzZHAiOiJ2PTAifQ=="}`, // no sender: a master cannot answer
	}
	for _, f := range bad {
		sc.sendRaw(t, websocket.MessageText, []byte(f))
	}
	sc.sendRaw(t, websocket.MessageBinary, []byte(`{"messageType":"GO_AWAY"}`))
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeSDPOffer, SenderClientID: "v", SessionDescription: offer})
	if got := recvMessage(t, master); got.Type != signaling.MessageTypeSDPOffer || got.SenderClientID != "v" {
		t.Fatalf("Receive = %+v, want the valid offer", got)
	}
	st := master.Stats()
	if st.MalformedFrames != len(bad)+1 || st.LastMalformed == nil || st.Connects != 1 {
		t.Errorf("stats = %+v, want %d malformed frames on one connection", st, len(bad)+1)
	}
	var fe *signaling.FrameError
	if !errors.As(st.LastMalformed, &fe) || !strings.Contains(fe.Error(), "binary frame") {
		t.Errorf("LastMalformed = %v", st.LastMalformed)
	}
}

func TestOversizedFrameIsNotReadAndTheConnReconnects(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	sc.sendRaw(t, websocket.MessageText, make([]byte, signaling.MaxFrameSize+1))
	if got := sc.waitClosed(t); got != websocket.StatusMessageTooBig {
		t.Errorf("close status %v, want %v", got, websocket.StatusMessageTooBig)
	}
	next := fs.next(t)
	next.send(t, &signaling.Message{Type: signaling.MessageTypeSDPAnswer, SessionDescription: answer})
	if got := recvMessage(t, viewer); got.Type != signaling.MessageTypeSDPAnswer {
		t.Errorf("Receive = %+v", got)
	}
}

func TestCloseIsIdempotentAndEndsSendAndReceive(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeSDPAnswer, SessionDescription: answer})
	waitFor(t, func() bool { return viewer.Stats().Received == 1 })

	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); viewer.Close() }()
	}
	wg.Wait()
	if err := viewer.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if got := sc.waitClosed(t); got != websocket.StatusNormalClosure {
		t.Errorf("close status %v, want a normal closure", got)
	}
	// A message received before Close is still returned, then ErrClosed.
	if got := recvMessage(t, viewer); got.Type != signaling.MessageTypeSDPAnswer {
		t.Errorf("Receive = %+v", got)
	}
	if _, err := viewer.Receive(context.Background()); !errors.Is(err, signaling.ErrClosed) {
		t.Errorf("Receive after Close = %v", err)
	}
	if err := viewer.SendSDPOffer(context.Background(), "", offer); !errors.Is(err, signaling.ErrClosed) {
		t.Errorf("Send after Close = %v", err)
	}
}

func TestReceiveHonoursItsContext(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := viewer.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Receive = %v, want the deadline", err)
	}
}

func TestReceiveQueueOverflowIsCounted(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	const sent = 1100
	for range sent {
		sc.send(t, &signaling.Message{Type: signaling.MessageTypeStatusResponse, Status: signaling.StatusResponse{CorrelationID: "x"}})
	}
	waitFor(t, func() bool { return viewer.Stats().DroppedMessages > 0 })
	received := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		_, err := viewer.Receive(ctx)
		cancel()
		if err != nil {
			break
		}
		received++
	}
	if st := viewer.Stats(); received+st.DroppedMessages != sent || received == 0 {
		t.Errorf("received %d and dropped %d of %d", received, st.DroppedMessages, sent)
	}
}

// waitFor polls cond until it holds, failing the test after waitLimit.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestNilInputsAreErrorsNotPanics(t *testing.T) {
	fs := newFakeService(t)
	c := fs.client()
	viewer := connect(t, c, signaling.RoleViewer, "v1")
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"EncodeOutgoing": func() error { _, err := signaling.EncodeOutgoing(nil); return err },
		"EncodeMessage":  func() error { _, err := signaling.EncodeMessage(nil); return err },
		"Send":           func() error { return viewer.Send(ctx, nil) },
		"SendAndWait":    func() error { return viewer.SendAndWait(ctx, nil, time.Millisecond) },
		"RTCIceServers":  func() error { _, err := c.RTCIceServers(ctx, nil); return err },
		"PresignConnect": func() error { _, err := c.PresignConnectURL(ctx, nil); return err },
		"SendAlexa":      func() error { _, err := c.SendAlexaOfferToMaster(ctx, nil); return err },
	} {
		if err := call(); err == nil {
			t.Errorf("%s(nil) succeeded", name)
		}
	}
}

func TestCloseDoesNotWaitLongForAnUnresponsiveService(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	sc.stall.Store(true)
	if err := viewer.SendSDPOffer(context.Background(), "", offer); err != nil {
		t.Fatal(err)
	}
	sc.recv(t) // the service has read its last frame: the close frame goes unanswered
	start := time.Now()
	err := viewer.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err == nil || !strings.Contains(err.Error(), "close handshake") {
		t.Errorf("Close = %v, want the unanswered handshake reported", err)
	}
	close(sc.resume)
}

// TestConnectContextBoundsSetupOnly cancels Connect's context once it returned: the Conn goes on
// sending and receiving.
func TestConnectContextBoundsSetupOnly(t *testing.T) {
	fs := newFakeService(t)
	ctx, cancel := context.WithCancel(context.Background())
	viewer, err := fs.client().Connect(ctx, &signaling.ConnectInput{ChannelARN: testChannelARN, Role: signaling.RoleViewer, ClientID: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	defer viewer.Close()
	cancel()
	sc := fs.next(t)
	if err := viewer.SendSDPOffer(context.Background(), "", offer); err != nil {
		t.Fatal(err)
	}
	sc.recv(t)
	sc.send(t, &signaling.Message{Type: signaling.MessageTypeSDPAnswer, SessionDescription: answer})
	if got := recvMessage(t, viewer); got.Type != signaling.MessageTypeSDPAnswer {
		t.Errorf("Receive = %+v", got)
	}
	if st := viewer.Stats(); st.Connects != 1 {
		t.Errorf("%d connections, want 1", st.Connects)
	}
}

// TestCloseUnblocksPendingCalls closes a Conn from another goroutine while Receive and a Send on
// a full queue wait: both return ErrClosed promptly, and Close reports the messages it discarded.
func TestCloseUnblocksPendingCalls(t *testing.T) {
	fs := newFakeService(t)
	viewer := connect(t, fs.client(), signaling.RoleViewer, "v1")
	sc := fs.next(t)
	sc.stall.Store(true) // the service stops reading: the queue fills
	returned := make(chan error, 2)
	go func() {
		_, err := viewer.Receive(context.Background())
		returned <- err
	}()
	big := signaling.SessionDescription{Type: "offer", SDP: strings.Repeat("a=x\r\n", 1200)} // 7 KB
	// Fill the queue: once the socket buffers are full too, a Send waits, and its context ends.
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		err := viewer.SendSDPOffer(ctx, "", big)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	go func() { // sends until one waits on the full queue and Close ends it
		for {
			if err := viewer.SendSDPOffer(context.Background(), "", big); err != nil {
				returned <- err
				return
			}
		}
	}()
	closed := make(chan error, 1)
	go func() { closed <- viewer.Close() }()
	for range 2 {
		select {
		case err := <-returned:
			if !errors.Is(err, signaling.ErrClosed) {
				t.Errorf("pending call returned %v, want ErrClosed", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("a pending call did not return after Close")
		}
	}
	close(sc.resume)
	err := <-closed
	var unsent *signaling.UnsentError
	if !errors.As(err, &unsent) || unsent.Messages == 0 {
		t.Errorf("Close = %v, want an *UnsentError", err)
	}
	if again := viewer.Close(); again != err {
		t.Errorf("second Close = %v, want %v", again, err)
	}
}
