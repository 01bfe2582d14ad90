package jspeer

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// readme is the file whose blocks TestREADME runs.
const readme = "../../cmd/kvslocal/README.md"

// The addresses the README's blocks name, replaced by those of the kvslocal the test runs.
const (
	readmeEndpoint = "https://127.0.0.1:4567"
	readmeCAFile   = "/tmp/kvslocal-ca.pem"
)

// readmeBlocks returns the fenced blocks of the README that follow a
// "<!-- kvslocal-readme: NAME -->" line, by name.
func readmeBlocks(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	name, in := "", false
	var body strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case in && line == "```":
			blocks[name] = body.String()
			name, in = "", false
			body.Reset()
		case in:
			body.WriteString(line + "\n")
		case name != "" && strings.HasPrefix(line, "```"):
			in = true
		case strings.HasPrefix(line, "<!-- kvslocal-readme: "):
			name = strings.TrimSuffix(strings.TrimPrefix(line, "<!-- kvslocal-readme: "), " -->")
		}
	}
	for _, want := range []string{"start", "aws-cli", "boto3", "js"} {
		if _, ok := blocks[want]; !ok {
			t.Fatalf("%s has no block %q (found %v)", readme, want, blocks)
		}
	}
	return blocks
}

// TestREADME starts kvslocal as the README's first block does, and runs the README's blocks for
// the AWS CLI, boto3 and the WebRTC JS SDK against it, as a user would paste them.
func TestREADME(t *testing.T) {
	blocks := readmeBlocks(t)
	start := strings.Fields(blocks["start"])
	if len(start) < 3 || strings.Join(start[:3], " ") != "go run ./cmd/kvslocal" {
		t.Fatalf("the start block is %q, not go run ./cmd/kvslocal …", blocks["start"])
	}
	k := startKVSLocal(t, buildKVSLocal(t), start[3:]...)
	localize := func(block string) string {
		return strings.ReplaceAll(strings.ReplaceAll(block, readmeEndpoint, k.endpoint), readmeCAFile, k.caFile)
	}
	run := func(t *testing.T, cmd *exec.Cmd) string {
		t.Helper()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v\n%s\n%s", cmd.Args, err, out, stderr.String())
		}
		return string(out)
	}
	wantAll := func(t *testing.T, out string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("the block printed\n%s\nwithout %q", out, w)
			}
		}
	}

	t.Run("AWS CLI", func(t *testing.T) {
		if _, err := exec.LookPath("aws"); err != nil {
			wiretest.Skip(t, "the AWS CLI is not installed: %v", err)
		}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", localize(blocks["aws-cli"]))
		cmd.Env = cleanEnv("AWS_PAGER=")
		out := run(t, cmd)
		wantAll(t, out, `"StreamARN": "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/`, `"Status": "ACTIVE"`,
			`"DataEndpoint": "https://127.0.0.1:`, `"ChannelARN": "arn:aws:kinesisvideo:us-east-1:123456789012:channel/door/`,
			`"ChannelName": "door"`)
		if strings.Contains(out, `"DataEndpoint": "`+k.endpoint+`"`) {
			t.Errorf("the data endpoint is the control plane's (kvslocal ran without -one-port): %s", out)
		}
	})

	t.Run("boto3", func(t *testing.T) {
		python, err := exec.LookPath("python3")
		if err == nil {
			err = exec.Command(python, "-c", "import boto3").Run()
		}
		if err != nil {
			wiretest.Skip(t, "python3 with boto3 is not installed: %v", err)
		}
		cmd := exec.Command(python, "-c", localize(blocks["boto3"]))
		cmd.Env = cleanEnv("AWS_ACCESS_KEY_ID="+k.creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+k.creds.SecretAccessKey,
			"AWS_DEFAULT_REGION="+k.region, "AWS_CA_BUNDLE="+k.caFile)
		wantAll(t, run(t, cmd), "fragments: []\n", "ICE servers: [['turn:")
	})

	t.Run("JS SDK", func(t *testing.T) {
		node := needNode(t)
		modules, err := filepath.Abs(filepath.Join("testdata", "node_modules"))
		if err != nil {
			t.Fatal(err)
		}
		script := filepath.Join(t.TempDir(), "signaling.js")
		if err := os.WriteFile(script, []byte(localize(blocks["js"])), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(node, script)
		cmd.Env = cleanEnv("NODE_EXTRA_CA_CERTS="+k.caFile, "NODE_PATH="+modules)
		out := run(t, cmd)
		if want := "MASTER connected\nVIEWER connected\nmaster received an offer from viewer-1\nviewer received an answer\n"; out != want {
			t.Errorf("the block printed %q, want %q", out, want)
		}
	})
}
