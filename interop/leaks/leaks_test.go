// Package leaks_test checks the SDK's own goroutine leak check (wiretest.VerifyNoLeaks and
// wiretest.FindLeaks, which the SDK's tests use instead of go.uber.org/goleak so that goleak
// stays out of the SDK's go.mod) against goleak itself.
package leaks_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kvsgo/sdk/internal/wiretest"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// goleakOptions are the ignore list wiretest.VerifyNoLeaks documents, in goleak's terms.
var goleakOptions = []goleak.Option{
	goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
}

// waitFor is the function the leaked goroutine of a case waits in.
func waitFor(release <-chan struct{}, done chan<- struct{}) {
	<-release
	close(done)
}

// TestLeakCheckAgreesWithGoleak sets up goroutines both checks must judge the same way, and
// compares their verdicts: nothing running, an idle keep-alive connection of net/http (not a
// leak), and a goroutine blocked on a channel (a leak, named by both).
func TestLeakCheckAgreesWithGoleak(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T) (undo func())
		leak  bool
	}{
		{"nothing", func(*testing.T) func() { return func() {} }, false},
		{"idle keep-alive connection", func(t *testing.T) func() {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
			resp, err := srv.Client().Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return func() { srv.Client().CloseIdleConnections(); srv.Close() }
		}, false},
		{"blocked goroutine", func(*testing.T) func() {
			release, done := make(chan struct{}), make(chan struct{})
			go waitFor(release, done)
			return func() { close(release); <-done }
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			undo := c.setup(t)
			defer undo()
			ours := wiretest.FindLeaks(time.Second)
			theirs := goleak.Find(goleakOptions...)
			if (len(ours) > 0) != c.leak || (theirs != nil) != c.leak {
				t.Fatalf("leak %v: ours found %d:\n%s\ngoleak: %v", c.leak, len(ours), strings.Join(ours, "\n\n"), theirs)
			}
			if c.leak && (len(ours) != 1 || !strings.Contains(ours[0], "leaks_test.waitFor(") || !strings.Contains(theirs.Error(), "leaks_test.waitFor")) {
				t.Fatalf("the checks do not both name waitFor alone: ours\n%s\ngoleak: %v", strings.Join(ours, "\n\n"), theirs)
			}
		})
	}
}
