package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// TestMain fails the tests if a goroutine of the emulator, the signaling client or pion outlives
// them.
func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// TestMasterAndViewerConnectThroughTheEmulator runs the example: a pion master and viewer find
// each other through kvstest signaling, connect over loopback with host candidates and exchange
// data-channel messages both ways.
func TestMasterAndViewerConnectThroughTheEmulator(t *testing.T) {
	var out bytes.Buffer
	start := time.Now()
	opened, err := run(context.Background(), &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	t.Logf("data channel open %v after the offer; whole run %v\n%s", opened, time.Since(start), out.String())

	text := out.String()
	pair := regexp.MustCompile(`data channel open after \S+, host candidates 127\.0\.0\.1:\d+ <-> 127\.0\.0\.1:\d+`)
	if !pair.MatchString(text) {
		t.Errorf("the peers did not connect over loopback host candidates:\n%s", text)
	}
	for i := 1; i <= messages; i++ {
		for _, want := range []string{
			fmt.Sprintf(`master received "hello %d" from viewer-1`, i),
			fmt.Sprintf(`viewer received "echo: hello %d"`, i),
		} {
			if !strings.Contains(text, want) {
				t.Errorf("output lacks %q:\n%s", want, text)
			}
		}
	}
	if !strings.Contains(text, "channel TURN server turn:127.0.0.1:") {
		t.Errorf("output lacks the channel's TURN server:\n%s", text)
	}
}
