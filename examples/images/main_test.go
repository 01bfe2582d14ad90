package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

func TestImagesExample(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		wiretest.Skip(t, "ffmpeg is not installed: the emulator cannot decode images")
	}
	var out strings.Builder
	err := run(context.Background(), &out, options{stream: "example", span: 4 * time.Second, every: time.Second, dir: t.TempDir()})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "wrote 5 images") {
		t.Fatalf("output:\n%s", out.String())
	}
}
