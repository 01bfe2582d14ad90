// DescribeSignalingChannelActivity, an operation of the emulator that the service does not
// have: who is connected to a channel's signaling and how many messages the relay delivered.
// It is a signed JSON operation of the control plane like the others, so that the kvslocal
// console, a client like any other, can show a channel's activity.

package kvstest

import (
	"net/http"
	"sort"

	"github.com/kvsgo/sdk/kvstest/internal/relay"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
)

func init() {
	// Not a controlOp: the relay's lock is never taken while the state's is held (see relay).
	addRoute(controlPlane, "/emulator/describeSignalingChannelActivity", &route{
		op: "DescribeSignalingChannelActivity", method: http.MethodPost, handle: (*Server).describeSignalingChannelActivity})
}

// DescribeSignalingChannelActivityInput names the channel of a
// DescribeSignalingChannelActivity request, sent as JSON to POST
// /emulator/describeSignalingChannelActivity of the control plane, signed like the other
// operations. This operation exists only in the emulator.
type DescribeSignalingChannelActivityInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN" validate:"required,min=1,max=1024"`
}

// DescribeSignalingChannelActivityOutput is the answer of DescribeSignalingChannelActivity.
type DescribeSignalingChannelActivityOutput struct {
	// MasterConnected reports whether a master is connected to the channel.
	MasterConnected bool `json:"MasterConnected"`
	// ViewerClientIds are the client IDs of the connected viewers, sorted.
	ViewerClientIds []string `json:"ViewerClientIds"`
	// MessagesRelayed counts the messages of clients (SDP offers and answers, ICE candidates)
	// the relay delivered to another client since the channel was created.
	MessagesRelayed int64 `json:"MessagesRelayed"`
	// MessagesHeld counts the viewers' messages kept until a master connects.
	MessagesHeld int `json:"MessagesHeld"`
}

func (s *Server) describeSignalingChannelActivity(c *serve.Call) {
	in := new(DescribeSignalingChannelActivityInput)
	if !c.Decode(in) {
		return
	}
	now := s.state.Lock()
	ch, e := s.state.FindChannel("", in.ChannelARN)
	var rl *relay.Relay
	if e == nil {
		rl = ch.Relay
	}
	s.state.Unlock()
	if e != nil {
		c.Fail(e)
		return
	}
	out := &DescribeSignalingChannelActivityOutput{ViewerClientIds: []string{}}
	if rl != nil {
		a := rl.Activity(now)
		out.MasterConnected, out.MessagesRelayed, out.MessagesHeld = a.MasterConnected, a.Relayed, a.Held
		out.ViewerClientIds = append(out.ViewerClientIds, a.Viewers...)
	}
	sort.Strings(out.ViewerClientIds)
	c.Reply(out)
}
