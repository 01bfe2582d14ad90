package kvstest_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

func TestGetIceServerConfigCredentialsExpire(t *testing.T) {
	clk := newClock()
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithClock(clk.Now))
	out, err := e.client.GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{ChannelARN: e.arn, ClientId: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.IceServerList) != 1 {
		t.Fatalf("IceServerList = %+v, want one TURN server", out.IceServerList)
	}
	ice := out.IceServerList[0]
	if ice.Ttl != 300 || len(ice.Uris) != 3 || !strings.HasPrefix(ice.Uris[0], "turn:127.0.0.1:") || !strings.HasPrefix(ice.Uris[2], "turns:") {
		t.Errorf("server %+v", ice)
	}
	// The model's pattern for both.
	credential := regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,256}$`)
	if !credential.MatchString(ice.Username) || !credential.MatchString(ice.Password) {
		t.Errorf("user name %q or password %q outside the model's pattern", ice.Username, ice.Password)
	}
	expiry, encoded, _ := strings.Cut(ice.Username, ".")
	sec, _ := strconv.ParseInt(expiry, 10, 64)
	if want := clk.Now().Add(300 * time.Second).Unix(); sec != want {
		t.Errorf("user name expiry %d, want %d", sec, want)
	}
	if who, _ := base64.RawURLEncoding.DecodeString(encoded); string(who) != "v1:"+e.arn {
		t.Errorf("user name names %q", who)
	}
	if err := e.s.VerifyTURNCredentials(ice.Username, ice.Password); err != nil {
		t.Errorf("fresh credentials: %v", err)
	}
	if err := e.s.VerifyTURNCredentials(ice.Username, ice.Password+"x"); err == nil {
		t.Error("a wrong password passed")
	}
	if err := e.s.VerifyTURNCredentials(strings.Replace(ice.Username, expiry, strconv.FormatInt(sec+1000, 10), 1), ice.Password); err == nil {
		t.Error("a changed expiry passed")
	}

	// RTCIceServers passes the TTL on.
	list, err := e.client.RTCIceServers(ctx, &signaling.GetIceServerConfigInput{ChannelARN: e.arn})
	if err != nil || len(list) != 1 || list[0].TTL != 300*time.Second || list[0].Credential == "" {
		t.Errorf("RTCIceServers = %+v, %v", list, err)
	}

	_, err = e.client.GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{ChannelARN: strings.Replace(e.arn, "door", "gone", 1)})
	var nf *signaling.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown channel: %v", err)
	}

	clk.Advance(300 * time.Second)
	if err := e.s.VerifyTURNCredentials(ice.Username, ice.Password); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("credentials after their TTL: %v", err)
	}
}

func TestICECredentialTTLIsConfigurable(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithSignalingLimits(kvstest.SignalingLimits{ICECredentialTTL: time.Minute}))
	out, err := e.client.GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{ChannelARN: e.arn})
	if err != nil || out.IceServerList[0].Ttl != 60 {
		t.Fatalf("GetIceServerConfig = %+v, %v; want Ttl 60", out, err)
	}
	for _, bad := range []kvstest.SignalingLimits{{ICECredentialTTL: 29 * time.Second}, {ICECredentialTTL: 86401 * time.Second},
		{ICECredentialTTL: 30500 * time.Millisecond}, {IdleTimeout: -1}} {
		if s, err := kvstest.Start(kvstest.WithSignalingLimits(bad)); err == nil {
			s.Close()
			t.Errorf("Start accepted %+v", bad)
		}
	}
}

func TestSendAlexaOfferToMaster(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithSignalingLimits(kvstest.SignalingLimits{AlexaAnswerWait: 2 * time.Second}))
	master := e.connect(t, "")
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		m, err := master.Receive(ctx)
		if err != nil || m.Type != signaling.MessageTypeSDPOffer || m.SenderClientID != "alexa-1" || m.SessionDescription != testOffer {
			t.Errorf("master received %+v, %v", m, err)
			return
		}
		// The answer is given with a correlation ID: it is delivered, so no status comes back.
		if err := master.SendAndWait(ctx, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer,
			RecipientClientID: "alexa-1", SessionDescription: testAnswer}, 50*time.Millisecond); err != nil {
			t.Errorf("answering: %v", err)
		}
	}()
	out, err := e.client.SendAlexaOfferToMaster(ctx, &signaling.SendAlexaOfferToMasterInput{ChannelARN: e.arn,
		SenderClientId: "alexa-1", MessagePayload: sdpPayload(t, signaling.MessageTypeSDPOffer, testOffer)})
	if err != nil {
		t.Fatal(err)
	}
	if want := sdpPayload(t, signaling.MessageTypeSDPAnswer, testAnswer); out.Answer != want {
		t.Errorf("Answer = %q, want the master's payload %q", out.Answer, want)
	}
	<-answered
}

func TestSendAlexaOfferWaitsForTheMaster(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithSignalingLimits(kvstest.SignalingLimits{AlexaAnswerWait: 300 * time.Millisecond}))
	in := &signaling.SendAlexaOfferToMasterInput{ChannelARN: e.arn, SenderClientId: "alexa-1", MessagePayload: sdpPayload(t, signaling.MessageTypeSDPOffer, testOffer)}

	// Nobody answers: the call succeeds without an answer once the wait is over.
	start := time.Now()
	out, err := e.client.SendAlexaOfferToMaster(ctx, in)
	if err != nil || out.Answer != "" {
		t.Fatalf("SendAlexaOfferToMaster = %+v, %v; want no answer", out, err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("returned after %v, before the wait was over", d)
	}

	// A master connecting during the wait gets the offer (and the one kept from the first call,
	// which the newer offer from the same sender replaced) and answers it.
	done := make(chan *signaling.SendAlexaOfferToMasterOutput, 1)
	go func() {
		out, err := e.client.SendAlexaOfferToMaster(ctx, in)
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	eventually(t, "offer waiting", func() bool { return e.s.Calls("SendAlexaOfferToMaster") == 2 })
	master := e.dial(t, "")
	if m := master.next(t); m.Type != signaling.MessageTypeSDPOffer || m.SenderClientID != "alexa-1" {
		t.Fatalf("master received %+v", m)
	}
	master.quiet(t, 20*time.Millisecond) // one offer: the newer replaced the older
	master.sendMessage(t, &signaling.OutgoingMessage{Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "alexa-1", SessionDescription: testAnswer})
	if out := <-done; out == nil || out.Answer == "" {
		t.Errorf("second call: %+v, want the answer", out)
	}

	// An offer that is not a base64 SDP offer is refused.
	bad := *in
	bad.MessagePayload = base64.StdEncoding.EncodeToString([]byte(`{"type":"answer","sdp":"v=0"}`))
	_, err = e.client.SendAlexaOfferToMaster(ctx, &bad)
	var ia *signaling.InvalidArgumentException
	if !errors.As(err, &ia) || !strings.Contains(ia.Message, "not a base64-encoded SDP offer") {
		t.Errorf("bad offer: %v", err)
	}
}

// TestSendAlexaOfferPassesPayloadsAsSent checks that the offer reaches the master, and the
// master's answer reaches the caller, exactly as they were written.
func TestSendAlexaOfferPassesPayloadsAsSent(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithSignalingLimits(kvstest.SignalingLimits{AlexaAnswerWait: waitLimit}))
	master := e.dial(t, "")
	offer := base64.StdEncoding.EncodeToString([]byte(`{"type":"offer","sdp":"v=0\r\n","x-alexa":{"n":null}}`))
	answer := base64.StdEncoding.EncodeToString([]byte(`{ "type": "answer", "sdp": "v=0\r\n", "extra": [] }`))
	done := make(chan *signaling.SendAlexaOfferToMasterOutput, 1)
	go func() {
		out, err := e.client.SendAlexaOfferToMaster(ctx, &signaling.SendAlexaOfferToMasterInput{ChannelARN: e.arn,
			SenderClientId: "alexa-2", MessagePayload: offer})
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	var got map[string]string
	if f := master.nextFrame(t); json.Unmarshal(f, &got) != nil || got["messagePayload"] != offer || got["senderClientId"] != "alexa-2" {
		t.Fatalf("the master received %s, want the offer as sent", f)
	}
	master.send(t, `{"action":"SDP_ANSWER","recipientClientId":"alexa-2","messagePayload":"`+answer+`"}`)
	if out := <-done; out == nil || out.Answer != answer {
		t.Errorf("SendAlexaOfferToMaster returned %+v, want the answer as sent %q", out, answer)
	}
}
