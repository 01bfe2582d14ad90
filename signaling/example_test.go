package signaling_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

// exampleChannel starts a kvstest emulator with a signaling channel and returns it, the
// channel's ARN, and the configuration that points clients at the emulator.
func exampleChannel(ctx context.Context) (*kvstest.Server, string, aws.Config, error) {
	emu := kvstest.NewServer()
	cfg := emu.Config()
	out, err := kvs.NewFromConfig(cfg).CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "door"})
	if err != nil {
		emu.Close()
		return nil, "", aws.Config{}, err
	}
	return emu, out.ChannelARN, cfg, nil
}

// A viewer offers, the master answers: the signaling half of a WebRTC session, through the
// kvstest emulator. A real application passes the SDP and candidates to its WebRTC stack (pion,
// for example; see examples/signaling) and sends what the stack produces.
func Example() {
	ctx := context.Background()
	emu, channel, cfg, err := exampleChannel(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer emu.Close()
	client := signaling.NewFromConfig(cfg)

	master, err := client.Connect(ctx, &signaling.ConnectInput{ChannelARN: channel, Role: signaling.RoleMaster})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer master.Close()
	viewer, err := client.Connect(ctx, &signaling.ConnectInput{ChannelARN: channel, Role: signaling.RoleViewer, ClientID: "viewer-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer viewer.Close()

	// The viewer configures its peer connection with the region's STUN server and the channel's
	// TURN servers.
	servers, err := viewer.RTCIceServers(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range servers {
		fmt.Println("ICE server", s.URLs[0], s.TTL)
	}

	// A viewer's messages go to the master: no recipient.
	_ = viewer.SendSDPOffer(ctx, "", signaling.SessionDescription{Type: "offer", SDP: "v=0\r\n"})
	mid, index := "0", uint16(0)
	_ = viewer.SendICECandidate(ctx, "", signaling.ICECandidate{
		Candidate: "candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host", SDPMid: &mid, SDPMLineIndex: &index})

	// The master answers each viewer by its client ID.
	for range 2 {
		m, err := master.Receive(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("master received", m.Type, "from", m.SenderClientID)
		if m.Type == signaling.MessageTypeSDPOffer {
			_ = master.SendSDPAnswer(ctx, m.SenderClientID, signaling.SessionDescription{Type: "answer", SDP: "v=0\r\n"})
		}
	}
	m, err := viewer.Receive(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("viewer received", m.Type, m.SessionDescription.Type)
	// Output:
	// ICE server stun:stun.kinesisvideo.us-east-1.amazonaws.com:443 0s
	// ICE server turn:127.0.0.1:443?transport=udp 5m0s
	// master received SDP_OFFER from viewer-1
	// master received ICE_CANDIDATE from viewer-1
	// viewer received SDP_ANSWER answer
}

// SendAndWait gives each message a correlation ID and waits briefly for the service to report a
// failure; here the viewer the master answers is not connected.
func ExampleConn_SendAndWait() {
	ctx := context.Background()
	emu, channel, cfg, err := exampleChannel(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer emu.Close()
	master, err := signaling.NewFromConfig(cfg).Connect(ctx, &signaling.ConnectInput{ChannelARN: channel, Role: signaling.RoleMaster})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer master.Close()

	err = master.SendAndWait(ctx, &signaling.OutgoingMessage{
		Type: signaling.MessageTypeSDPAnswer, RecipientClientID: "viewer-9", SessionDescription: signaling.SessionDescription{SDP: "v=0\r\n"},
	}, 2*time.Second)
	var failed *signaling.StatusError
	if errors.As(err, &failed) {
		fmt.Println(failed.ErrorType, failed.StatusCode, failed.Description)
	}
	// Output:
	// InvalidArgumentException 400 The recipient viewer-9 is not connected to the channel.
}

func ExampleSTUNURL() {
	for _, v := range []struct {
		region          string
		fips, dualStack bool
	}{{"eu-west-1", false, false}, {"eu-west-1", false, true}, {"us-gov-west-1", true, false}, {"cn-north-1", false, false}} {
		u, err := signaling.STUNURL(v.region, v.fips, v.dualStack)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(u)
	}
	// Output:
	// stun:stun.kinesisvideo.eu-west-1.amazonaws.com:443
	// stun:stun.kinesisvideo.eu-west-1.api.aws:443
	// stuns:stun.kinesisvideo-fips.us-gov-west-1.amazonaws.com:443
	// stun:stun.kinesisvideo.cn-north-1.amazonaws.com.cn:443
}

// PresignURL is the signing step of Connect, for use with another WebSocket library; these are
// the inputs and output of a published test vector.
func ExamplePresignURL() {
	creds := aws.Credentials{AccessKeyID: "AKIA4F7WJQR7FMMWMNXI", SecretAccessKey: "FakeSecretKey"}
	u, err := signaling.PresignURL(context.Background(), "wss://kvs.awsamazon.com",
		url.Values{"X-Amz-TestParam": {"test-param-value"}}, creds, "us-west-2", time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	parsed, _ := url.Parse(u)
	fmt.Println(parsed.Query().Get("X-Amz-Signature"))
	// Output:
	// be1e78950d956a8a9a1997417099ddbd7455619f3d08c4ad20e1e272179ca695
}
