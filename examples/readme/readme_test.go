// Package readme_test compiles and runs the README's Produce and Consume snippets, as written,
// against the emulator: the snippets are pasted into a program (through a build overlay, so
// that nothing is written into the tree) whose configuration comes from the environment, as
// config.LoadDefaultConfig reads it.
package readme_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// snippet returns the first Go code block of the README section titled heading.
func snippet(t *testing.T, readme, heading string) string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("README has no section %q", heading)
	}
	m := regexp.MustCompile("(?s)```go\n(.*?)```").FindStringSubmatch(section)
	if m == nil {
		t.Fatalf("section %q has no Go block", heading)
	}
	return m[1]
}

// program wraps the snippets: produce takes a camera of the bundled samples, consume its own
// client built the way the produce snippet builds one.
const program = `package main

import (
	"context"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/kvsgo/sdk/examples/internal/samples"
	"github.com/kvsgo/sdk/media"
)

type cameraFrame struct {
	Track uint64
	PTS   time.Duration
	Data  []byte
}

type fakeCamera struct{ frames []media.Frame }

func (c fakeCamera) Frames() iter.Seq[cameraFrame] {
	return func(yield func(cameraFrame) bool) {
		for _, f := range c.frames {
			if !yield(cameraFrame{Track: f.Track, PTS: f.Timestamp, Data: f.Data}) {
				return
			}
		}
	}
}

func produce(ctx context.Context, camera fakeCamera) error {
PRODUCE}

func consume(ctx context.Context) error {
	cfg, _ := config.LoadDefaultConfig(ctx)
	client := media.NewFromConfig(cfg)
CONSUME}

func main() {
	ctx := context.Background()
	frames, err := samples.Frames(1)
	if err == nil {
		err = produce(ctx, fakeCamera{frames})
	}
	if err == nil {
		err = consume(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

func TestReadmeSnippets(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.NewReplacer("PRODUCE", snippet(t, string(readme), "Produce"), "CONSUME", snippet(t, string(readme), "Consume")).Replace(program)

	srv := kvstest.NewServer(kvstest.WithRegion("us-west-2"), kvstest.WithCredentials("AKIDREADME", "readme-secret"))
	defer srv.Close()
	if _, err := kvs.NewFromConfig(srv.Config()).CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "front-door", DataRetentionInHours: 24}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	mainFile := filepath.Join(dir, "main.go")
	if err := os.WriteFile(mainFile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	here, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	virtual := filepath.Join(here, "snippets", "main.go")
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {virtual: mainFile}})
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "-overlay", overlayFile, "./snippets")
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+srv.URL, "AWS_REGION=us-west-2",
		"AWS_ACCESS_KEY_ID=AKIDREADME", "AWS_SECRET_ACCESS_KEY=readme-secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the snippets failed: %v\n%s\nprogram:\n%s", err, stderr.String(), src)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("the consume snippet printed %d lines, want one per fragment (5):\n%s", len(lines), stdout.String())
	}
	for _, line := range lines {
		if fields := strings.Fields(line); len(fields) < 7 || len(fields[0]) < 20 || fields[6] == "0" {
			t.Errorf("line %q: want a fragment number, a producer timestamp, millis behind now and frames", line)
		}
	}
}
