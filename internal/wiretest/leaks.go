package wiretest

import (
	"testing"

	"go.uber.org/goleak"
)

// VerifyNoLeaks runs the tests of a package and fails if goroutines are left running after
// them. Idle keep-alive connections of net/http are not leaks; every other goroutine is.
//
//	func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }
func VerifyNoLeaks(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"))
}
