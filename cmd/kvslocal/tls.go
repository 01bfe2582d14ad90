package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/kvsgo/sdk/kvstest"
)

// tlsFlags are the flags that serve the endpoints over TLS.
type tlsFlags struct {
	generate bool   // -tls: a certificate issued at start-up by a new local authority
	caFile   string // -tls-ca-file: where that authority's certificate is written
	hosts    string // -tls-hosts: the names of that certificate, besides the listen hosts
	certFile string // -tls-cert: the user's own certificate chain, PEM
	keyFile  string // -tls-key: its private key, PEM
}

// enabled reports whether the endpoints are served over TLS.
func (f *tlsFlags) enabled() bool { return f.generate || f.certFile != "" || f.keyFile != "" }

// option returns the option that serves the certificate the flags choose, and the path the
// authority's certificate was written to ("" with the user's own certificate). A generated
// certificate names host (the -host of the endpoint URLs, if any) and the hosts of listenAddrs,
// the addresses the endpoints listen on.
func (f *tlsFlags) option(host string, listenAddrs ...string) (kvstest.Option, string, error) {
	switch {
	case f.certFile != "" || f.keyFile != "":
		if f.generate {
			return nil, "", errors.New("-tls makes a certificate; -tls-cert and -tls-key serve your own: give one or the other")
		}
		if f.certFile == "" || f.keyFile == "" {
			return nil, "", errors.New("-tls-cert and -tls-key go together")
		}
		cert, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
		if err != nil {
			return nil, "", fmt.Errorf("loading -tls-cert %s and -tls-key %s: %w", f.certFile, f.keyFile, err)
		}
		return kvstest.WithTLSCertificate(cert), "", nil
	case !f.generate:
		return nil, "", nil
	}
	if f.caFile == "" {
		return nil, "", errors.New("-tls-ca-file must name a file")
	}
	hosts := []string{"127.0.0.1", "::1", "localhost"}
	seen := map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true}
	add := func(h string) {
		if ip := net.ParseIP(h); h == "" || seen[h] || ip != nil && ip.IsUnspecified() {
			return
		}
		seen[h] = true
		hosts = append(hosts, h)
	}
	add(host)
	for _, a := range listenAddrs {
		if h, _, err := net.SplitHostPort(a); err == nil {
			add(h)
		}
	}
	for h := range strings.SplitSeq(f.hosts, ",") {
		add(strings.TrimSpace(h))
	}
	cert, caPEM, err := kvstest.NewLocalCertificate(hosts...)
	if err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(f.caFile, caPEM, 0o644); err != nil {
		return nil, "", fmt.Errorf("writing the certificate authority to -tls-ca-file: %w", err)
	}
	return kvstest.WithTLSCertificate(cert), f.caFile, nil
}
