package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// result is what one in-process run of kvs did.
type result struct {
	code           int
	stdout, stderr string
}

// syncBuffer is a bytes.Buffer safe for the goroutines of a command that share standard error.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// invocation configures one in-process run of kvs.
type invocation struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer // a buffer when nil
	cfg    *aws.Config
	// stdoutTTY makes standard output pass for a terminal.
	stdoutTTY bool
}

// kvsRun runs kvs in-process with args, against the emulator whose configuration inv.cfg holds.
func kvsRun(t testing.TB, inv invocation, args ...string) result {
	t.Helper()
	if inv.ctx == nil {
		inv.ctx = context.Background()
	}
	if inv.stdin == nil {
		inv.stdin = strings.NewReader("")
	}
	var stdout, stderr syncBuffer
	out := inv.stdout
	if out == nil {
		out = &stdout
	}
	e := &env{stdin: inv.stdin, stdout: out, stderr: &stderr, stdoutTTY: inv.stdoutTTY,
		loadConfig: func(context.Context, string, string) (aws.Config, error) {
			if inv.cfg == nil {
				return aws.Config{}, fmt.Errorf("this test gives no AWS configuration")
			}
			return inv.cfg.Copy(), nil
		}}
	code := run(inv.ctx, args, e)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mustSucceed fails the test unless the run exited 0.
func (r result) mustSucceed(t testing.TB) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit status %d\nstderr:\n%s", r.code, r.stderr)
	}
	return r
}

// mustFail fails the test unless the run exited with code and said want on standard error.
func (r result) mustFail(t testing.TB, code int, want string) {
	t.Helper()
	if r.code != code || !strings.Contains(r.stderr, want) {
		t.Errorf("exit status %d, stderr:\n%s\nwant status %d and %q", r.code, r.stderr, code, want)
	}
}

// emulator starts a kvstest server whose GetMedia responses end after half a second without
// fragments, so that tests with an --idle timeout end quickly.
func emulator(t testing.TB, opts ...kvstest.Option) (*kvstest.Server, *aws.Config) {
	t.Helper()
	opts = append([]kvstest.Option{kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 500 * time.Millisecond})}, opts...)
	srv := kvstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	return srv, &cfg
}

// createTestStream creates a stream in the emulator.
func createTestStream(t testing.TB, cfg *aws.Config, name string, retention int32) {
	t.Helper()
	_, err := kvs.NewFromConfig(*cfg).CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: retention})
	if err != nil {
		t.Fatal(err)
	}
}

// sharedFile returns the path of a file of the shared reference material (the tree's own copy
// for media samples), or skips the test.
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	return wiretest.SharedFile(t, rel)
}

// readFragments reads every fragment of an MKV stream.
func readFragments(t testing.TB, data []byte) []*media.Fragment {
	t.Helper()
	fr := media.NewFragmentReader(bytes.NewReader(data))
	var out []*media.Fragment
	for {
		f, err := fr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("fragment %d: %v", len(out)+1, err)
		}
		out = append(out, f)
	}
}

// summaries decodes the lines kvs dump printed.
func summaries(t testing.TB, out string) []media.FragmentSummary {
	t.Helper()
	var list []media.FragmentSummary
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var s media.FragmentSummary
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		list = append(list, s)
	}
	return list
}

// frameTotals adds up the frame counts of summaries by track.
func frameTotals(list []media.FragmentSummary) map[string]int {
	totals := map[string]int{}
	for _, s := range list {
		for track, n := range s.Frames {
			totals[track] += n
		}
	}
	return totals
}
