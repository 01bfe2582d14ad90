package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// trusting returns an HTTP client that trusts only the certificate authority in caFile.
func trusting(t *testing.T, caFile string) *http.Client {
	t.Helper()
	data, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(data) {
		t.Fatalf("%s holds no PEM certificate: %q", caFile, data)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// serve runs kvslocal with args until the test ends, and returns what it printed.
func serve(t *testing.T, args ...string) map[string]string {
	t.Helper()
	r, w := io.Pipe()
	stop := make(chan os.Signal, 1)
	status := make(chan int, 1)
	go func() {
		status <- run(append([]string{"-quiet"}, args...), w, io.Discard, stop)
		w.Close()
	}()
	f := banner(t, r)
	go func() { _, _ = io.Copy(io.Discard, r) }()
	t.Cleanup(func() {
		stop <- os.Interrupt
		if got := <-status; got != 0 {
			t.Errorf("exit status %d", got)
		}
	})
	return f
}

// TestRunTLS serves with a certificate made at start-up, trusted through the printed
// certificate authority by our client and by curl, as the README shows.
func TestRunTLS(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	f := serve(t, "-addr", "127.0.0.1:0", "-tls", "-tls-ca-file", ca)
	if f["ca file"] != ca || !strings.HasPrefix(f["endpoint"], "https://127.0.0.1:") || !strings.HasPrefix(f["data"], "https://127.0.0.1:") ||
		!strings.Contains(f["signaling"], "(HTTPS API), wss://127.0.0.1:") {
		t.Fatalf("printed %v", f)
	}
	if !strings.HasPrefix(f["command"], "AWS_CA_BUNDLE="+ca+" AWS_ACCESS_KEY_ID=") {
		t.Errorf("example command %q does not trust the authority", f["command"])
	}
	checkServes(t, f)
	// An untrusting client is refused.
	if _, err := http.Get(f["endpoint"]); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusting client: %v", err)
	}
	if _, err := exec.LookPath("curl"); err != nil {
		wiretest.Skip(t, "curl is not installed: %v", err)
	}
	out, err := exec.Command("curl", "-sS", "--cacert", ca, "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", f["endpoint"]+"/listStreams").CombinedOutput()
	if err != nil || string(out) != "403" { // unsigned: refused, but over a trusted connection
		t.Errorf("curl --cacert: %v, %s", err, out)
	}
}

// TestRunOwnCertificate serves a certificate given as files.
func TestRunOwnCertificate(t *testing.T) {
	cert, caPEM, err := kvstest.NewLocalCertificate("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"cert.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}),
		"key.pem":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
		"ca.pem":   caPEM,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f := serve(t, "-addr", "127.0.0.1:0", "-tls-cert", filepath.Join(dir, "cert.pem"), "-tls-key", filepath.Join(dir, "key.pem"))
	if _, printed := f["ca file"]; printed || !strings.HasPrefix(f["endpoint"], "https://") {
		t.Fatalf("printed %v", f)
	}
	f["ca file"] = filepath.Join(dir, "ca.pem")
	checkServes(t, f)
}

// TestRunAddrs fixes every address, then serves everything on one port.
func TestRunAddrs(t *testing.T) {
	var a []string
	for range 4 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		a = append(a, l.Addr().String())
		l.Close()
	}
	f := serve(t, "-addr", a[0], "-data-addr", a[1], "-signaling-addr", a[2], "-signaling-ws-addr", a[3])
	if f["endpoint"] != "http://"+a[0] || f["data"] != "http://"+a[1] || f["signaling"] != "http://"+a[2]+" (HTTPS API), ws://"+a[3]+" (WebSocket)" {
		t.Fatalf("printed %v for the addresses %v", f, a)
	}
	checkServes(t, f)

	t.Run("one port", func(t *testing.T) {
		f := serve(t, "-addr", "127.0.0.1:0", "-one-port", "-tls", "-tls-ca-file", filepath.Join(t.TempDir(), "ca.pem"))
		u := f["endpoint"]
		if f["data"] != u || f["signaling"] != u+" (HTTPS API), wss"+strings.TrimPrefix(u, "https")+" (WebSocket)" {
			t.Fatalf("printed %v", f)
		}
		checkServes(t, f)
	})
}

// TestRunSessionToken expects temporary credentials.
func TestRunSessionToken(t *testing.T) {
	f := serve(t, "-addr", "127.0.0.1:0", "-session-token", "FwoGZXIvYXdzEJr//token")
	if f["session token"] != "FwoGZXIvYXdzEJr//token" || !strings.Contains(f["command"], " AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr//token ") {
		t.Fatalf("printed %v", f)
	}
	checkServes(t, f)
	delete(f, "session token")
	client := kvs.New(kvs.Options{Region: f["region"], BaseEndpoint: f["endpoint"], RetryMaxAttempts: 1,
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: f["access key"], SecretAccessKey: f["secret key"]}, nil
		}))})
	var ae smithy.APIError
	if _, err := client.ListStreams(context.Background(), nil); !errors.As(err, &ae) || ae.ErrorCode() != "UnrecognizedClientException" {
		t.Errorf("a request without the session token: %v", err)
	}
}

// TestRunHost names another host in the endpoint URLs, and in the certificate.
func TestRunHost(t *testing.T) {
	f := serve(t, "-addr", "127.0.0.1:0", "-host", "localhost", "-tls", "-tls-ca-file", filepath.Join(t.TempDir(), "ca.pem"))
	if !strings.HasPrefix(f["endpoint"], "https://localhost:") || !strings.HasPrefix(f["data"], "https://localhost:") ||
		!strings.Contains(f["signaling"], "wss://localhost:") {
		t.Fatalf("printed %v", f)
	}
	checkServes(t, f)
}
