package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// TestStreamCommands creates streams (waiting through CREATING), lists them as a table and as
// JSON, with and without a prefix, and deletes one (waiting through DELETING).
func TestStreamCommands(t *testing.T) {
	srv, cfg := emulator(t, kvstest.WithDelays(kvstest.Delays{StreamCreate: 300 * time.Millisecond, StreamDelete: 300 * time.Millisecond}))
	inv := invocation{cfg: cfg}
	r := kvsRun(t, inv, "create-stream", "--stream", "cam-1", "--retention", "48", "--media-type", "video/h264").mustSucceed(t)
	if want := "arn:aws:kinesisvideo:" + srv.Region + ":"; !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, ":stream/cam-1/") {
		t.Errorf("create-stream printed %q, want an ARN", r.stdout)
	}
	kvsRun(t, inv, "create-stream", "--stream", "cam-2", "--retention", "0").mustSucceed(t)
	kvsRun(t, inv, "create-stream", "--stream", "other").mustSucceed(t)

	r = kvsRun(t, inv, "streams").mustSucceed(t)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("streams printed:\n%s", r.stdout)
	}
	if f := strings.Fields(lines[1]); len(f) != 5 || f[0] != "cam-1" || f[1] != "ACTIVE" || f[2] != "48h" || f[3] != "video/h264" {
		t.Errorf("first row %q", lines[1])
	}
	if f := strings.Fields(lines[3]); f[0] != "other" || f[2] != "24h" || f[3] != "-" {
		t.Errorf("row of a stream created with the default retention: %q", lines[3])
	}

	r = kvsRun(t, inv, "streams", "--prefix", "cam-", "--json").mustSucceed(t)
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var s kvs.StreamInfo
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		names = append(names, s.StreamName)
	}
	if strings.Join(names, ",") != "cam-1,cam-2" {
		t.Errorf("--prefix cam- --json listed %v", names)
	}

	r = kvsRun(t, inv, "delete-stream", "--stream", "cam-2").mustSucceed(t)
	if !strings.HasPrefix(r.stdout, "deleted arn:aws:kinesisvideo:") {
		t.Errorf("delete-stream printed %q", r.stdout)
	}
	if r := kvsRun(t, inv, "streams", "--prefix", "cam-").mustSucceed(t); strings.Contains(r.stdout, "cam-2") {
		t.Errorf("cam-2 is still listed:\n%s", r.stdout)
	}
}

// TestStreamCommandErrors checks the messages of the service's refusals.
func TestStreamCommandErrors(t *testing.T) {
	_, cfg := emulator(t)
	inv := invocation{cfg: cfg}
	createTestStream(t, cfg, "taken", 1)
	kvsRun(t, inv, "delete-stream", "--stream", "missing").mustFail(t, 1, `kvs delete-stream: stream "missing" does not exist in us-east-1`)
	kvsRun(t, inv, "create-stream", "--stream", "taken").mustFail(t, 1,
		`kvs create-stream: creating stream "taken": CreateStream: ResourceInUseException: `)
	kvsRun(t, inv, "create-stream", "--stream", "bad name!").mustFail(t, 1, `creating stream "bad name!"`)
}
