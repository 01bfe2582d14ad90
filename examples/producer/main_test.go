package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

func TestProducerExample(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out, options{stream: "example", duration: 4 * time.Second}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), "persisted as"); n != 2 || !strings.Contains(out.String(), "2 persisted") {
		t.Fatalf("%d fragments reported persisted:\n%s", n, out.String())
	}
}

func TestProducerExampleWithAFile(t *testing.T) {
	data, err := wiretest.ReadShared(filepath.Join("media", "h265-320x240-30fps-10s.h265"))
	if err != nil {
		wiretest.Skip(t, "sample: %v", err)
	}
	file := filepath.Join(t.TempDir(), "video.h265")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(context.Background(), &out, options{stream: "example", file: file, codec: "H265", fps: 30}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "wrote 300 frames in 5 fragments: 5 persisted") {
		t.Fatalf("output:\n%s", out.String())
	}
}
