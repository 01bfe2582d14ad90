package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// banner reads what kvslocal prints on start, up to its example command, by label.
func banner(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	fields := map[string]string{}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
			if strings.Contains(sc.Text(), "aws kinesisvideo list-streams") {
				return
			}
		}
	}()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				return fields
			}
			if label, value, found := strings.Cut(strings.TrimSpace(line), "  "); found {
				fields[label] = strings.TrimSpace(value)
			} else {
				fields["command"] = strings.TrimSpace(line)
			}
		case <-timeout:
			t.Fatalf("kvslocal printed %v, then nothing", fields)
		}
	}
}

// buildKvslocal builds the command into a temporary directory and returns its path.
func buildKvslocal(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kvslocal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// checkServes sends requests signed with the printed credentials to the printed endpoint,
// trusting only the printed certificate authority when one is printed.
func checkServes(t *testing.T, f map[string]string) {
	t.Helper()
	opts := kvs.Options{Region: f["region"], BaseEndpoint: f["endpoint"], RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: f["access key"], SecretAccessKey: f["secret key"], SessionToken: f["session token"]}, nil
		})}
	if f["ca file"] != "" {
		opts.HTTPClient = trusting(t, f["ca file"])
	}
	client := kvs.New(opts)
	ctx := context.Background()
	if _, err := client.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}); err != nil {
		t.Fatal(err)
	}
	ep, err := client.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: "s", APIName: kvs.APINamePutMedia})
	if err != nil || ep.DataEndpoint != f["data"] {
		t.Fatalf("data endpoint %v, %v; printed %q", ep, err, f["data"])
	}
	ep, err = client.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: "s", APIName: kvs.APINameGetClip})
	if err != nil || ep.DataEndpoint != f["archived"] {
		t.Fatalf("archived-media endpoint %v, %v; printed %q", ep, err, f["archived"])
	}
}

// TestRunEdgeDelays checks that the edge flags keep an edge configuration SYNCING after an
// update and DELETING after a delete, as the service documents.
func TestRunEdgeDelays(t *testing.T) {
	r, w := io.Pipe()
	stop := make(chan os.Signal, 1)
	status := make(chan int, 1)
	go func() {
		status <- run([]string{"-addr", "127.0.0.1:0", "-quiet", "-edge-sync-delay", "1h", "-edge-delete-delay", "1h"}, w, io.Discard, stop)
		w.Close()
	}()
	f := banner(t, r)
	go func() { _, _ = io.Copy(io.Discard, r) }()
	defer func() {
		stop <- os.Interrupt
		if got := <-status; got != 0 {
			t.Errorf("exit status %d", got)
		}
	}()
	client := kvs.New(kvs.Options{Region: f["region"], BaseEndpoint: f["endpoint"], RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: f["access key"], SecretAccessKey: f["secret key"]}, nil
		})})
	ctx := context.Background()
	if _, err := client.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	cfg := kvs.EdgeConfig{HubDeviceArn: "arn:aws:iot:us-east-1:123456789012:thing/hub",
		RecorderConfig: kvs.RecorderConfig{MediaSourceConfig: kvs.MediaSourceConfig{
			MediaUriSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:cam", MediaUriType: kvs.MediaUriTypeRTSPURI}}}
	if _, err := client.StartEdgeConfigurationUpdate(ctx, &kvs.StartEdgeConfigurationUpdateInput{StreamName: "cam", EdgeConfig: cfg}); err != nil {
		t.Fatal(err)
	}
	syncStatus := func() kvs.SyncStatus {
		t.Helper()
		out, err := client.DescribeEdgeConfiguration(ctx, &kvs.DescribeEdgeConfigurationInput{StreamName: "cam"})
		if err != nil {
			t.Fatal(err)
		}
		return out.SyncStatus
	}
	if got := syncStatus(); got != kvs.SyncStatusSyncing {
		t.Errorf("after the update: %s, want SYNCING", got)
	}
	if _, err := client.DeleteEdgeConfiguration(ctx, &kvs.DeleteEdgeConfigurationInput{StreamName: "cam"}); err != nil {
		t.Fatal(err)
	}
	if got := syncStatus(); got != kvs.SyncStatusDeleting {
		t.Errorf("after the delete: %s, want DELETING", got)
	}
}

// TestBinary builds kvslocal, runs it on a free port, uses it, and stops it with SIGINT.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := buildKvslocal(t)
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-region", "eu-central-1", "-access-key", "AKIDLOCAL", "-secret-key", "local-secret")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	f := banner(t, stdout)
	if !strings.HasPrefix(f["endpoint"], "http://127.0.0.1:") || f["region"] != "eu-central-1" ||
		f["access key"] != "AKIDLOCAL" || f["secret key"] != "local-secret" || f["account"] != "123456789012" {
		t.Fatalf("printed %v", f)
	}
	want := "AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local-secret AWS_DEFAULT_REGION=eu-central-1 aws kinesisvideo list-streams --endpoint-url " + f["endpoint"]
	if f["command"] != want {
		t.Errorf("example command %q, want %q", f["command"], want)
	}
	checkServes(t, f)

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(string(rest), "kvslocal: stopping") {
		t.Errorf("printed on stop: %q", rest)
	}
	if !strings.Contains(stderr.String(), "control POST /createStream CreateStream → 200") {
		t.Errorf("request log: %q", stderr.String())
	}
}

func TestRun(t *testing.T) {
	r, w := io.Pipe()
	stop := make(chan os.Signal, 1)
	status := make(chan int, 1)
	go func() {
		status <- run([]string{"-addr", "127.0.0.1:0", "-quiet", "-create-delay", "1s", "-service-rates"}, w, io.Discard, stop)
		w.Close()
	}()
	f := banner(t, r)
	if want := "as the service: PutMedia 12.5 MB/s and 5 fragments/s, GetMedia 25 MB/s"; f["media rates"] != want {
		t.Errorf("media rates %q, want %q", f["media rates"], want)
	}
	if want := "in memory (-data DIR keeps it on disk)"; f["storage"] != want {
		t.Errorf("storage %q, want %q", f["storage"], want)
	}
	checkServes(t, f)
	go func() { _, _ = io.Copy(io.Discard, r) }()
	stop <- os.Interrupt
	if got := <-status; got != 0 {
		t.Errorf("exit status %d", got)
	}
}

// TestRunDataDir: with -data the banner names the directory, and a second kvslocal on it is
// refused while the first runs.
func TestRunDataDir(t *testing.T) {
	dir := t.TempDir()
	r, w := io.Pipe()
	stop := make(chan os.Signal, 1)
	status := make(chan int, 1)
	go func() {
		status <- run([]string{"-addr", "127.0.0.1:0", "-quiet", "-data", dir}, w, io.Discard, stop)
		w.Close()
	}()
	f := banner(t, r)
	if f["storage"] != dir {
		t.Errorf("storage %q, want %q", f["storage"], dir)
	}
	go func() { _, _ = io.Copy(io.Discard, r) }()
	var stderr strings.Builder
	stopSecond := make(chan os.Signal, 1)
	stopSecond <- os.Interrupt // should it start after all, it stops at once
	if got := run([]string{"-addr", "127.0.0.1:0", "-quiet", "-data", dir}, io.Discard, &stderr, stopSecond); got != 1 || !strings.Contains(stderr.String(), "in use by another process") {
		t.Errorf("a second kvslocal on the directory: status %d, %q", got, stderr.String())
	}
	stop <- os.Interrupt
	if got := <-status; got != 0 {
		t.Errorf("exit status %d", got)
	}
}

func TestRunRefusesBadArguments(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		says   string
	}{
		{[]string{"-no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, "unexpected arguments"},
		{[]string{"-addr", "127.0.0.1:0", "-region", "moon"}, 1, "region"},
		{[]string{"-addr", "127.0.0.1:0", "-account-id", "12"}, 1, "12 digits"},
		{[]string{"-addr", "not an address"}, 1, "listening"},
		{[]string{"-addr", "127.0.0.1:0", "-one-port", "-data-addr", "127.0.0.1:0"}, 1, "set no other address"},
		{[]string{"-addr", "127.0.0.1:0", "-tls", "-tls-cert", "c.pem", "-tls-key", "k.pem"}, 1, "one or the other"},
		{[]string{"-addr", "127.0.0.1:0", "-tls-cert", "c.pem"}, 1, "go together"},
		{[]string{"-addr", "127.0.0.1:0", "-tls-cert", "/nonexistent/c.pem", "-tls-key", "/nonexistent/k.pem"}, 1, "loading -tls-cert"},
		{[]string{"-addr", "127.0.0.1:0", "-tls", "-tls-ca-file", "/nonexistent/ca.pem"}, 1, "-tls-ca-file"},
		{[]string{"-addr", "127.0.0.1:0", "-tls", "-tls-ca-file", ""}, 1, "must name a file"},
		{[]string{"-addr", "127.0.0.1:0", "-host", "http://x"}, 1, "not a host name"},
	} {
		var stderr strings.Builder
		if got := run(tc.args, io.Discard, &stderr, make(chan os.Signal)); got != tc.status || !strings.Contains(stderr.String(), tc.says) {
			t.Errorf("%v: status %d, printed %q; want %d and %q", tc.args, got, stderr.String(), tc.status, tc.says)
		}
	}
}
