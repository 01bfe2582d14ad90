package signaling_test

import (
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"

	"github.com/kvsgo/sdk/signaling"
)

// TestMain fails the package's tests if any goroutine outlives them: every Conn and test server
// must be closed, and Close must wait for everything it started.
func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

const testChannelARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/door/1700000000000"

var (
	offer  = signaling.SessionDescription{Type: "offer", SDP: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
	answer = signaling.SessionDescription{Type: "answer", SDP: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}
)
