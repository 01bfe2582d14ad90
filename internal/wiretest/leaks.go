package wiretest

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// LeakWait bounds how long VerifyNoLeaks waits for goroutines to end after the tests: closing a
// connection or a server ends its goroutines a moment later, more so on a loaded machine.
const LeakWait = 5 * time.Second

// ignoredTops are the functions whose goroutines are not leaks when they are at the top of the
// stack: idle keep-alive connections of net/http, which a Transport keeps for reuse.
var ignoredTops = []string{
	"internal/poll.runtime_pollWait",
	"net/http.(*persistConn).writeLoop",
	"net/http.(*persistConn).readLoop",
}

// VerifyNoLeaks runs the tests of a package and fails if goroutines are left running after
// them. Idle keep-alive connections of net/http are not leaks; every other goroutine is.
//
//	func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }
//
// It does what go.uber.org/goleak's VerifyTestMain does with IgnoreTopFunction for those
// connections, written out here because goleak would otherwise be a requirement of the SDK's
// go.mod for these tests, and so enter every user's module graph. The interop module checks
// it against goleak (TestLeakCheckAgreesWithGoleak) and uses it for its own tests too.
func VerifyNoLeaks(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaks := FindLeaks(LeakWait); len(leaks) > 0 {
			fmt.Fprintf(os.Stderr, "wiretest: %d goroutines outlived the tests:\n\n%s\n", len(leaks), strings.Join(leaks, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

// FindLeaks returns the stacks of the goroutines other than the caller's that are running,
// waiting up to wait for them to end as goleak does: it looks again after growing pauses
// (1 ms doubling to 100 ms) until none is left or wait has passed. The goroutines of the
// testing package, of os/signal and of the runtime's tracer, and idle net/http connections,
// are not counted.
func FindLeaks(wait time.Duration) []string {
	return findLeaks(wait, nil, nil)
}

// LeakCheck notes the goroutines running now and returns a function that fails t if a goroutine
// started since is still running when it is called (waiting up to LeakWait for it to end, as
// FindLeaks does), as goleak.VerifyNone with goleak.IgnoreCurrent does:
//
//	defer wiretest.LeakCheck(t)()
func LeakCheck(t testing.TB) func() {
	return leakCheck(t, nil)
}

// leakCheck is LeakCheck; retrying, when not nil, is called each time the check finds
// goroutines still running and is about to look again.
func leakCheck(t testing.TB, retrying func()) func() {
	before := map[string]bool{}
	for _, s := range running(nil) {
		before[goroutineID(s)] = true
	}
	return func() {
		t.Helper()
		if leaks := findLeaks(LeakWait, before, retrying); len(leaks) > 0 {
			t.Errorf("%d goroutines outlived the test:\n\n%s", len(leaks), strings.Join(leaks, "\n\n"))
		}
	}
}

// findLeaks is FindLeaks, leaving out the goroutines whose IDs are in except; retrying, when not
// nil, is called before each pause.
func findLeaks(wait time.Duration, except map[string]bool, retrying func()) []string {
	deadline := time.Now().Add(wait)
	for pause := time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		leaks := running(except)
		if len(leaks) == 0 || time.Now().After(deadline) {
			return leaks
		}
		if retrying != nil {
			retrying()
		}
		time.Sleep(pause)
	}
}

// running returns the stacks of the goroutines other than the caller's that count as leaks,
// leaving out those whose IDs are in except.
func running(except map[string]bool) []string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// The caller's goroutine comes first.
	stacks := strings.Split(string(bytes.TrimSpace(buf)), "\n\n")[1:]
	var leaks []string
	for _, s := range stacks {
		if !ignored(s) && !except[goroutineID(s)] {
			leaks = append(leaks, s)
		}
	}
	return leaks
}

// ignored reports whether a goroutine's stack (as runtime.Stack prints it: a header line
// "goroutine N [state]:", then a function line and a file line per frame) is not a leak.
func ignored(stack string) bool {
	lines := strings.Split(stack, "\n")
	if len(lines) < 2 {
		return false
	}
	_, state, _ := strings.Cut(lines[0], "[")
	top := function(lines[1])
	for _, f := range ignoredTops {
		if top == f {
			return true
		}
	}
	switch top {
	case "testing.RunTests", "testing.(*T).Run", "testing.(*T).Parallel", "testing.runFuzzing", "testing.runFuzzTests":
		// The testing package's own goroutines, waiting for tests to end.
		return strings.HasPrefix(state, "chan receive")
	}
	for i := 1; i < len(lines); i += 2 {
		switch function(lines[i]) {
		case "os/signal.signal_recv", "os/signal.loop", "runtime.ReadTrace":
			return true
		}
	}
	return false
}

// goroutineID returns the number of a goroutine's stack: "goroutine 7 [running]:" gives "7".
func goroutineID(stack string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(stack, "goroutine "), " ")
	return id
}

// function returns the function of a frame line: "pkg.(*T).M(0x1, 0x2)" gives "pkg.(*T).M".
func function(frame string) string {
	if i := strings.LastIndex(frame, "("); i > 0 {
		return frame[:i]
	}
	return frame
}
