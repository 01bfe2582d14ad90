package wiretest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { VerifyNoLeaks(m) }

// blockUntil is the function a leaked goroutine of these tests waits in.
func blockUntil(release <-chan struct{}, done chan<- struct{}) {
	<-release
	close(done)
}

// has reports whether a stack of leaks runs blockUntil.
func has(leaks []string) bool {
	for _, s := range leaks {
		if strings.Contains(s, "wiretest.blockUntil(") {
			return true
		}
	}
	return false
}

func TestFindLeaksReportsARunningGoroutine(t *testing.T) {
	release, done := make(chan struct{}), make(chan struct{})
	go blockUntil(release, done)
	if leaks := FindLeaks(50 * time.Millisecond); !has(leaks) {
		t.Fatalf("a goroutine blocked in blockUntil is not reported; reported:\n%s", strings.Join(leaks, "\n\n"))
	}
	close(release)
	<-done
	if leaks := FindLeaks(LeakWait); has(leaks) {
		t.Fatalf("an ended goroutine is still reported:\n%s", strings.Join(leaks, "\n\n"))
	}
}

func TestLeakCheck(t *testing.T) {
	release, done := make(chan struct{}), make(chan struct{})
	go blockUntil(release, done) // running before LeakCheck: not counted
	var rec recorder
	check := LeakCheck(&rec)
	check()
	if rec.failed {
		t.Fatalf("a goroutine started before LeakCheck is counted: %s", rec.msg)
	}
	close(release)
	<-done

	// A goroutine started after LeakCheck that ends while the check looks again is not a leak:
	// the check releases it when it first finds it running.
	release2, done2 := make(chan struct{}), make(chan struct{})
	retries := 0
	check = leakCheck(&rec, func() {
		if retries++; retries == 1 {
			close(release2)
		}
	})
	go blockUntil(release2, done2)
	check()
	if rec.failed || retries == 0 {
		t.Fatalf("a goroutine that ended while the check waited is reported (retries %d): %s", retries, rec.msg)
	}
	<-done2

	// One still running when the check gives up is reported, by its function.
	check = LeakCheck(&rec)
	release3, done3 := make(chan struct{}), make(chan struct{})
	go blockUntil(release3, done3)
	check()
	if !rec.failed || !strings.Contains(rec.msg, "1 goroutines outlived the test") || !strings.Contains(rec.msg, "wiretest.blockUntil(") {
		t.Fatalf("a goroutine started after LeakCheck and still running is not reported: %q", rec.msg)
	}
	close(release3)
	<-done3
}

// recorder is a testing.TB that keeps the failure of a check.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
}

func TestFindLeaksIgnoresIdleConnections(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, s := range FindLeaks(LeakWait) {
		if strings.Contains(s, "net/http.(*persistConn)") || strings.Contains(s, "net/http.(*conn).serve") {
			t.Errorf("an idle keep-alive connection is reported:\n%s", s)
		}
	}
	srv.Client().CloseIdleConnections()
}

// TestVerifyNoLeaksFails runs TestLeakAGoroutine in a child process and checks that
// VerifyNoLeaks fails the run, naming the leaked goroutine's function.
func TestVerifyNoLeaksFails(t *testing.T) {
	if testing.Short() {
		t.Skip("waits LeakWait in a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLeakAGoroutine$")
	cmd.Env = append(os.Environ(), "WIRETEST_LEAK=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("child run: %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "1 goroutines outlived the tests") || !strings.Contains(string(out), "wiretest.blockUntil(") {
		t.Fatalf("child output does not name the leak:\n%s", out)
	}
}

// TestLeakAGoroutine leaves a goroutine running, for TestVerifyNoLeaksFails.
func TestLeakAGoroutine(t *testing.T) {
	if os.Getenv("WIRETEST_LEAK") != "1" {
		t.Skip("run by TestVerifyNoLeaksFails")
	}
	go blockUntil(make(chan struct{}), make(chan struct{}))
}
