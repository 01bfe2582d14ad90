package jspeer

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/signaling"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// waitLimit bounds every wait for a peer or for kvslocal: generous, for a loaded machine; no
// test sleeps for it.
const waitLimit = 60 * time.Second

var ctx = context.Background()

// buildKVSLocal builds cmd/kvslocal from this tree into a directory removed when the test ends.
func buildKVSLocal(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kvslocal")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/kvsgo/sdk/cmd/kvslocal").CombinedOutput(); err != nil {
		t.Fatalf("building kvslocal: %v\n%s", err, out)
	}
	return bin
}

// kvslocal is a running kvslocal process serving TLS.
type kvslocal struct {
	endpoint string // the control-plane endpoint, https://…
	caFile   string // the certificate authority it printed
	region   string
	creds    aws.Credentials
	http     *http.Client // trusts caFile only
}

// startKVSLocal runs the kvslocal binary bin with -tls and extra arguments until the test ends.
func startKVSLocal(t *testing.T, bin string, args ...string) *kvslocal {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0", "-tls", "-tls-ca-file", ca, "-quiet"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
	})
	printed := map[string]string{}
	lines := make(chan string)
	go func(banner chan<- string) {
		defer close(exited)
		defer func() { _ = cmd.Wait() }()
		sc := bufio.NewScanner(stdout)
		for sc.Scan() { // the banner, up to its example command, then the rest unread
			if banner != nil {
				banner <- sc.Text()
				if strings.HasPrefix(strings.TrimSpace(sc.Text()), "AWS_CA_BUNDLE=") {
					close(banner)
					banner = nil
				}
			}
		}
		if banner != nil {
			close(banner)
		}
	}(lines)
	timeout := time.NewTimer(waitLimit)
	defer timeout.Stop()
	for done := false; !done; {
		select {
		case line, ok := <-lines:
			if !ok {
				done = true
				break
			}
			if label, value, found := strings.Cut(strings.TrimSpace(line), "  "); found {
				printed[label] = strings.TrimSpace(value)
			}
		case <-timeout.C:
			t.Fatalf("kvslocal printed %v, then nothing; stderr %s", printed, stderr.String())
		}
	}
	if printed["ca file"] != ca || !strings.HasPrefix(printed["endpoint"], "https://") {
		t.Fatalf("kvslocal printed %v; stderr %s", printed, stderr.String())
	}
	k := &kvslocal{endpoint: printed["endpoint"], caFile: ca, region: printed["region"],
		creds: aws.Credentials{AccessKeyID: printed["access key"], SecretAccessKey: printed["secret key"],
			SessionToken: printed["session token"], Source: "kvslocal"}}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", ca)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	k.http = &http.Client{Transport: tr}
	return k
}

// config returns the aws.Config of our clients for kvslocal.
func (k *kvslocal) config() aws.Config {
	return aws.Config{Region: k.region, BaseEndpoint: aws.String(k.endpoint), HTTPClient: k.http,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return k.creds, nil })}
}

// createChannel creates a signaling channel and returns its ARN.
func (k *kvslocal) createChannel(t *testing.T, name string) string {
	t.Helper()
	out, err := kvs.NewFromConfig(k.config()).CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: name})
	if err != nil {
		t.Fatal(err)
	}
	return out.ChannelARN
}

// signalingClient returns our signaling client of kvslocal, listing no STUN server.
func (k *kvslocal) signalingClient() *signaling.Client {
	return signaling.NewFromConfig(k.config(), func(o *signaling.Options) { o.STUNURL = signaling.NoSTUN })
}

// cleanEnv returns this process's environment without AWS and Node settings, so that only what
// a test gives reaches the program it runs.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "NODE_") {
			env = append(env, kv)
		}
	}
	return append(append(env, "AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull), extra...)
}

// env returns the environment of a program pointed at kvslocal: its credentials (with the
// session token it expects, if any) and region, and Node's trust of its certificate authority.
func (k *kvslocal) env(extra ...string) []string {
	env := []string{"AWS_ACCESS_KEY_ID=" + k.creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + k.creds.SecretAccessKey,
		"AWS_REGION=" + k.region, "NODE_EXTRA_CA_CERTS=" + k.caFile}
	if k.creds.SessionToken != "" {
		env = append(env, "AWS_SESSION_TOKEN="+k.creds.SessionToken)
	}
	return cleanEnv(append(env, extra...)...)
}
