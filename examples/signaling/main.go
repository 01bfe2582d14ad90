// Command signaling runs a WebRTC master and a viewer in one process. They find each other
// through a signaling channel of an in-process kvstest emulator, with the kvsgo signaling client
// (SDP offer and answer, trickle ICE), connect with pion/webrtc over loopback, open a data
// channel and exchange messages both ways:
//
//	cd examples/signaling && go run .
//
// Against Amazon Kinesis Video Streams the same code runs with a configuration from
// config.LoadDefaultConfig and an existing channel, without the loopback-only settings of
// loopbackAPI.
//
// The example is a module of its own, so that pion is not a dependency of the SDK.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

// messages is how many messages the viewer sends; the master answers each.
const messages = 3

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := run(ctx, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run starts the emulator, creates a channel, runs the master and the viewer until the viewer
// has its answers, and returns how long the peer connection took to open its data channel,
// from the viewer's offer.
func run(ctx context.Context, w io.Writer) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out := &syncWriter{w: w}

	emu := kvstest.NewServer()
	defer emu.Close()
	cfg := emu.Config()
	ch, err := kvs.NewFromConfig(cfg).CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "example"})
	if err != nil {
		return 0, err
	}
	// Peers on one machine need no STUN server, and use no TURN server (see loopbackConfig).
	client := signaling.NewFromConfig(cfg, func(o *signaling.Options) { o.STUNURL = signaling.NoSTUN })
	api := loopbackAPI()

	master, err := client.Connect(ctx, &signaling.ConnectInput{ChannelARN: ch.ChannelARN, Role: signaling.RoleMaster})
	if err != nil {
		return 0, err
	}
	defer master.Close()
	servers, err := master.RTCIceServers(ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range servers {
		if isTURN(s) {
			out.printf("channel TURN server %s (and %d more URIs), credentials valid for %v: not needed on loopback", s.URLs[0], len(s.URLs)-1, s.TTL)
		}
	}
	masterCtx, stopMaster := context.WithCancel(ctx)
	masterDone := make(chan error, 1)
	go func() { masterDone <- serveMaster(masterCtx, api, master, out) }()

	opened, viewerErr := runViewer(ctx, api, client, ch.ChannelARN, out)
	stopMaster()
	if err := <-masterDone; viewerErr == nil && err != nil && masterCtx.Err() == nil {
		viewerErr = err
	}
	return opened, viewerErr
}

// syncWriter serializes the lines the two peers print.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.w, format+"\n", args...)
}
