package browsertest

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	pionmedia "github.com/pion/webrtc/v4/pkg/media"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/kvstest/console"
	"github.com/kvsgo/sdk/signaling"
)

// TestConsoleViewerReceivesTheMastersVideo connects the console's viewer page (the official
// WebRTC SDK, in Chromium) to a channel whose master, a pion peer in this process, sends the
// sample video, and checks that the page decodes its frames; the channels page shows who is
// connected and what was relayed.
func TestConsoleViewerReceivesTheMastersVideo(t *testing.T) {
	ctx := newBrowser(t)
	emu := newEmulator(t, kvstest.WithTLS()) // the WebRTC SDK connects only to wss:// endpoints
	dir := artifacts(t)
	const channel = "doorbell"
	ch, err := kvs.NewFromConfig(emu.Config()).CreateSignalingChannel(context.Background(), &kvs.CreateSignalingChannelInput{ChannelName: channel})
	if err != nil {
		t.Fatal(err)
	}
	serveVideo(t, emu, ch.ChannelARN)

	row := `document.querySelector('tr[data-channel="` + channel + `"]')`
	open(ctx, t, console.URL(emu.URL, emu.Credentials()), `document.getElementById("streams") != null`, "the console")
	load := open(ctx, t, emu.URL+"/#/channels", row+`?.querySelector(".master .badge.live") != null`, "the channel's master listed as connected")
	t.Logf("figure: channels page loaded and showed the master in %v", load.Round(time.Millisecond))
	screenshot(ctx, t, dir, "channels")

	load = open(ctx, t, emu.URL+"/#/channel/"+channel, `document.getElementById("connect") != null && document.querySelector("#activity dl") != null`, "the viewer page")
	t.Logf("figure: viewer page loaded in %v", load.Round(time.Millisecond))
	start := time.Now()
	click(ctx, t, "#connect")
	waitFor(ctx, t, 60*time.Second, `Number(document.getElementById("remote").dataset.framesDecoded) >= 60`, "60 frames decoded from the master")
	connected := time.Since(start)
	type remote struct {
		Decoded  string `json:"decoded"`
		Received string `json:"received"`
		Width    int    `json:"width"`
		State    string `json:"state"`
		Path     string `json:"path"`
	}
	got := eval[remote](ctx, t, `(() => { const v = document.getElementById("remote");
		return {decoded: v.dataset.framesDecoded, received: v.dataset.framesReceived, width: v.videoWidth, state: v.dataset.connection, path: v.dataset.path}; })()`)
	if got.Width != 320 || got.State != "connected" {
		t.Errorf("the viewer shows %+v, want a connected peer and video 320 pixels wide", got)
	}
	if !strings.HasPrefix(got.Path, "127.") || !strings.Contains(got.Path, "→ 127.") {
		t.Errorf("the peers connected through %s, want loopback addresses only", got.Path)
	}
	t.Logf("figure: WebRTC viewer received %s and decoded %s frames, %v after the click on Connect, through %s", got.Received, got.Decoded, connected.Round(time.Millisecond), got.Path)
	waitFor(ctx, t, 30*time.Second, `/Messages relayed\s*[1-9]/.test(document.getElementById("activity").innerText)`, "relayed messages counted")
	waitFor(ctx, t, 30*time.Second, `/Viewers\s*console-/.test(document.getElementById("activity").innerText)`, "the page's viewer listed")
	screenshot(ctx, t, dir, "channel-viewer")
}

// serveVideo connects a pion master to the channel until the test ends: it answers every
// viewer's offer with a peer connection that carries the sample video, looped at 30 fps.
func serveVideo(t *testing.T, emu *kvstest.Server, channelARN string) {
	t.Helper()
	units, _ := sampleAccessUnits(t)
	track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264}, "video", "kvslocal-master")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	client := signaling.NewFromConfig(emu.Config(), func(o *signaling.Options) { o.STUNURL = signaling.NoSTUN })
	conn, err := client.Connect(ctx, &signaling.ConnectInput{ChannelARN: channelARN, Role: signaling.RoleMaster})
	if err != nil {
		t.Fatal(err)
	}
	api := loopbackAPI(t)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // a camera's pace: one access unit every 1/30 s
		defer wg.Done()
		tick := time.NewTicker(time.Second / sampleFPS)
		defer tick.Stop()
		for i := 0; ; i++ {
			if err := track.WriteSample(pionmedia.Sample{Data: units[i%len(units)], Duration: time.Second / sampleFPS}); err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("writing a sample: %v", err)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	go func() {
		defer wg.Done()
		if err := answerViewers(ctx, api, conn, track); err != nil && ctx.Err() == nil {
			t.Errorf("master: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = conn.Close()
	})
}

// loopbackAPI returns a pion API that gathers host candidates on loopback only, over UDP/IPv4
// and without mDNS, with the default codecs.
func loopbackAPI(t *testing.T) *webrtc.API {
	t.Helper()
	var m webrtc.MediaEngine
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(&m), webrtc.WithSettingEngine(se))
}

// answerViewers answers each viewer's offer with a peer connection that sends track, and passes
// on the viewers' ICE candidates, until ctx ends. Only loopback candidates are used: the test
// sends nothing off the machine's loopback.
func answerViewers(ctx context.Context, api *webrtc.API, conn *signaling.Conn, track webrtc.TrackLocal) error {
	peers := map[string]*webrtc.PeerConnection{}
	defer func() {
		for _, pc := range peers {
			_ = pc.Close()
		}
	}()
	for {
		m, err := conn.Receive(ctx)
		if err != nil {
			return err
		}
		viewer := m.SenderClientID
		switch m.Type {
		case signaling.MessageTypeSDPOffer:
			if old := peers[viewer]; old != nil {
				_ = old.Close()
			}
			pc, err := api.NewPeerConnection(webrtc.Configuration{})
			if err != nil {
				return err
			}
			peers[viewer] = pc
			sender, err := pc.AddTrack(track)
			if err != nil {
				return err
			}
			go func() { // RTCP from the viewer, read so that the interceptors see it
				buf := make([]byte, 1500)
				for {
					if _, _, err := sender.Read(buf); err != nil {
						return
					}
				}
			}()
			pc.OnICECandidate(func(c *webrtc.ICECandidate) {
				if c != nil {
					_ = conn.SendICECandidate(ctx, viewer, signaling.ICECandidate(c.ToJSON()))
				}
			})
			if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SessionDescription.SDP}); err != nil {
				return err
			}
			answer, err := pc.CreateAnswer(nil)
			if err != nil {
				return err
			}
			if err := pc.SetLocalDescription(answer); err != nil {
				return err
			}
			if err := conn.SendSDPAnswer(ctx, viewer, signaling.SessionDescription{Type: "answer", SDP: answer.SDP}); err != nil {
				return err
			}
		case signaling.MessageTypeICECandidate:
			pc := peers[viewer]
			if pc == nil || !loopbackCandidate(m.ICECandidate.Candidate) {
				continue
			}
			if err := pc.AddICECandidate(webrtc.ICECandidateInit(m.ICECandidate)); err != nil {
				return err
			}
		}
	}
}

// loopbackCandidate reports whether an ICE candidate line names a loopback address.
func loopbackCandidate(line string) bool {
	f := strings.Fields(strings.TrimPrefix(line, "candidate:"))
	if len(f) < 5 {
		return false
	}
	ip := net.ParseIP(f[4])
	return ip != nil && ip.IsLoopback()
}

// TestConsoleViewerNeedsWSS opens the viewer page of an emulator without TLS: the WebRTC SDK
// connects only to wss:// endpoints, and the page says how to get one instead of failing
// silently.
func TestConsoleViewerNeedsWSS(t *testing.T) {
	ctx := newBrowser(t)
	emu := newEmulator(t)
	if _, err := kvs.NewFromConfig(emu.Config()).CreateSignalingChannel(context.Background(), &kvs.CreateSignalingChannelInput{ChannelName: "plain"}); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, console.URL(emu.URL, emu.Credentials()), `document.getElementById("streams") != null`, "the console")
	open(ctx, t, emu.URL+"/#/channel/plain", `document.getElementById("connect") != null`, "the viewer page")
	click(ctx, t, "#connect")
	waitFor(ctx, t, 30*time.Second, `/wss:\/\/ endpoints: start kvslocal with -tls/.test(document.getElementById("viewer-status").innerText)`, "the page asking for TLS")
	if got := eval[string](ctx, t, `document.getElementById("connect").textContent`); got != "Connect as viewer" {
		t.Errorf("after the refusal the button says %q", got)
	}
}
