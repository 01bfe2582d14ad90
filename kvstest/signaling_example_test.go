package kvstest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

// A test has the service send GO_AWAY to a connected viewer: the signaling client reconnects at
// once, with a freshly signed URL.
func ExampleServer_SendGoAway() {
	s := kvstest.NewServer()
	defer s.Close()
	ctx := context.Background()
	ch, err := kvs.NewFromConfig(s.Config()).CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "door"})
	if err != nil {
		fmt.Println(err)
		return
	}
	viewer, err := signaling.NewFromConfig(s.Config()).Connect(ctx,
		&signaling.ConnectInput{ChannelARN: ch.ChannelARN, Role: signaling.RoleViewer, ClientID: "phone"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer viewer.Close()

	if err := s.SendGoAway(ch.ChannelARN, "phone"); err != nil {
		fmt.Println(err)
		return
	}
	m, err := viewer.Receive(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Type)
	for viewer.Stats().Connects < 2 {
		time.Sleep(time.Millisecond)
	}
	_, viewers := s.SignalingPeers(ch.ChannelARN)
	fmt.Println("handshakes:", s.Calls("ConnectAsViewer"), "connected:", viewers)
	// Output:
	// GO_AWAY
	// handshakes: 2 connected: [phone]
}
