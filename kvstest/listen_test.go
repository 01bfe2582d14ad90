package kvstest_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/signaling"
)

// freeAddrs returns n addresses of 127.0.0.1 that were free a moment ago.
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	var addrs []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, l.Addr().String())
		defer l.Close()
	}
	return addrs
}

// dataEndpoint creates a stream and returns the endpoint GetDataEndpoint gives for it.
func dataEndpoint(t *testing.T, s *kvstest.Server) string {
	t.Helper()
	must[*kvs.CreateStreamOutput](t)(client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}))
	return must[*kvs.GetDataEndpointOutput](t)(client(s).GetDataEndpoint(ctx,
		&kvs.GetDataEndpointInput{StreamName: "s", APIName: kvs.APINameGetMedia})).DataEndpoint
}

func TestWithAddrs(t *testing.T) {
	a := freeAddrs(t, 4)
	s := start(t, kvstest.WithAddrs(kvstest.Addrs{Control: a[0], Data: a[1], Signaling: a[2], SignalingWebSocket: a[3]}))
	if s.URL != "http://"+a[0] || s.DataURL != "http://"+a[1] || s.SignalingURL != "http://"+a[2] || s.SignalingWebSocketURL != "ws://"+a[3] {
		t.Fatalf("URLs %s %s %s %s, want the addresses %v", s.URL, s.DataURL, s.SignalingURL, s.SignalingWebSocketURL, a)
	}
	if got := dataEndpoint(t, s); got != "http://"+a[1] {
		t.Errorf("GetDataEndpoint returned %s, want http://%s", got, a[1])
	}
	// A taken address is refused, naming the endpoint, and the addresses opened before it are
	// closed again.
	_, err := kvstest.Start(kvstest.WithAddrs(kvstest.Addrs{Signaling: a[2]}))
	if err == nil || !strings.Contains(err.Error(), "listening on "+a[2]+" for the signaling endpoint") {
		t.Errorf("second server on the same signaling address: %v", err)
	}
	_, err = kvstest.Start(kvstest.WithOnePort(), kvstest.WithAddrs(kvstest.Addrs{Data: "127.0.0.1:0"}))
	if err == nil || !strings.Contains(err.Error(), "set no other address") {
		t.Errorf("WithOnePort with a data address: %v", err)
	}
}

func TestWithOnePort(t *testing.T) {
	e := newSignalingEnv(t, kvs.SingleMasterConfiguration{}, kvstest.WithOnePort(), kvstest.WithTLS())
	s := e.s
	if s.DataURL != s.URL || s.SignalingURL != s.URL || s.SignalingWebSocketURL != "wss"+strings.TrimPrefix(s.URL, "https") {
		t.Fatalf("URLs %s %s %s %s, want one", s.URL, s.DataURL, s.SignalingURL, s.SignalingWebSocketURL)
	}
	if got := dataEndpoint(t, s); got != s.URL {
		t.Errorf("GetDataEndpoint returned %s, want %s", got, s.URL)
	}
	// Every endpoint answers at the one port: the data plane (an empty stream has no
	// fragments), the HTTPS signaling API and the WebSocket relay.
	control := client(s)
	data := archived.New(archived.Options{Options: control.Options(), Control: control})
	if _, err := data.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: "s",
		FragmentSelector: archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
			TimestampRange: archived.TimestampRange{StartTimestamp: time.Unix(1e9, 0), EndTimestamp: time.Now()}}}); err != nil {
		t.Errorf("ListFragments: %v", err)
	}
	if _, err := e.client.GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{ChannelARN: e.arn}); err != nil {
		t.Errorf("GetIceServerConfig: %v", err)
	}
	master := e.connect(t, "")
	viewer := e.connect(t, "v1")
	if err := viewer.SendSDPOffer(ctx, "", testOffer); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, master); m.Type != signaling.MessageTypeSDPOffer || m.SenderClientID != "v1" {
		t.Errorf("master received %+v", m)
	}
	// A path that is no operation of any endpoint gets the control plane's answer.
	resp, err := s.Client().Post(s.URL+"/noSuchOperation", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unknown path: %s", resp.Status)
	}
}

func TestWithTLSCertificate(t *testing.T) {
	cert, caPEM, err := kvstest.NewLocalCertificate()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, kvstest.WithTLSCertificate(cert))
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") || !strings.HasPrefix(s.SignalingWebSocketURL, "wss://127.0.0.1:") {
		t.Fatalf("URLs %s, %s", s.URL, s.SignalingWebSocketURL)
	}
	if !s.Certificate().Equal(cert.Leaf) {
		t.Error("Certificate is not the leaf given")
	}
	// A client trusting only the authority reaches every endpoint.
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("caPEM is not PEM: %q", caPEM)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	defer hc.CloseIdleConnections()
	for _, u := range []string{s.URL, s.DataURL, s.SignalingURL} {
		resp, err := hc.Get(u + "/")
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		resp.Body.Close()
	}
	// So does the server's own client, and the leaf names the loopback host by every name.
	must[*kvs.CreateStreamOutput](t)(client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}))
	for _, h := range []string{"127.0.0.1", "::1", "localhost"} {
		if err := cert.Leaf.VerifyHostname(h); err != nil {
			t.Error(err)
		}
	}
	// OpenSSL's strict checks, which Python 3.13 and Node apply, accept the chain.
	if _, err := exec.LookPath("openssl"); err == nil {
		dir := t.TempDir()
		ca, leaf := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "leaf.pem")
		writeFile(t, ca, caPEM)
		writeFile(t, leaf, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}))
		if out, err := exec.Command("openssl", "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", ca, leaf).CombinedOutput(); err != nil {
			t.Errorf("openssl verify: %v\n%s", err, out)
		}
	}
}

func TestNewLocalCertificateHosts(t *testing.T) {
	cert, _, err := kvstest.NewLocalCertificate("kvs.local", "10.1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.Leaf.VerifyHostname("kvs.local"); err != nil {
		t.Error(err)
	}
	if err := cert.Leaf.VerifyHostname("10.1.2.3"); err != nil {
		t.Error(err)
	}
	if err := cert.Leaf.VerifyHostname("127.0.0.1"); err == nil {
		t.Error("the certificate names a host it was not made for")
	}
	if _, _, err := kvstest.NewLocalCertificate(""); err == nil || !strings.Contains(err.Error(), "empty host") {
		t.Errorf("empty host: %v", err)
	}
	if _, err := kvstest.Start(kvstest.WithTLSCertificate(tls.Certificate{})); err == nil || !strings.Contains(err.Error(), "private key") {
		t.Errorf("empty certificate: %v", err)
	}
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestWithHost(t *testing.T) {
	cert, _, err := kvstest.NewLocalCertificate()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, kvstest.WithHost("localhost"), kvstest.WithTLSCertificate(cert))
	for _, u := range []string{s.URL, s.DataURL, s.SignalingURL} {
		if !strings.HasPrefix(u, "https://localhost:") {
			t.Errorf("URL %s does not name the host", u)
		}
	}
	if !strings.HasPrefix(s.SignalingWebSocketURL, "wss://localhost:") {
		t.Errorf("WebSocket URL %s", s.SignalingWebSocketURL)
	}
	if got := dataEndpoint(t, s); !strings.HasPrefix(got, "https://localhost:") {
		t.Errorf("GetDataEndpoint returned %s", got)
	}
	s6 := start(t, kvstest.WithHost("::1"), kvstest.WithAddr("127.0.0.1:0"))
	if !strings.HasPrefix(s6.URL, "http://[::1]:") {
		t.Errorf("URL %s", s6.URL)
	}
	for _, bad := range []string{"http://x", "a:1", "a/b", "a b"} {
		if _, err := kvstest.Start(kvstest.WithHost(bad)); err == nil || !strings.Contains(err.Error(), "not a host name") {
			t.Errorf("WithHost(%q): %v", bad, err)
		}
	}
}
