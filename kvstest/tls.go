// A local certificate authority, so that clients outside the test process (the AWS CLI, boto3,
// Node, curl, the C producer) can trust a Server started WithTLSCertificate.

package kvstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// localCertificateLifetime is how long a certificate of NewLocalCertificate is valid, from an
// hour before it is made (to allow for clocks that are behind).
const localCertificateLifetime = 30 * 24 * time.Hour

// NewLocalCertificate returns a TLS certificate for hosts (IP addresses such as "127.0.0.1", or
// DNS names such as "localhost"; 127.0.0.1, ::1 and localhost when none is given), issued by a
// certificate authority made for the purpose, and that authority's certificate in PEM form.
// Clients trust the server when they trust the authority: write caPEM to a file and point
// AWS_CA_BUNDLE (AWS CLI, boto3), NODE_EXTRA_CA_CERTS (Node), AWS_KVS_CACERT_PATH (the C
// producer) or curl --cacert at it. The authority's key is discarded, so it issues nothing else.
// The certificates use ECDSA P-256 keys and are valid for 30 days.
func NewLocalCertificate(hosts ...string) (cert tls.Certificate, caPEM []byte, err error) {
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1", "::1", "localhost"}
	}
	var ips []net.IP
	var names []string
	for _, h := range hosts {
		switch ip := net.ParseIP(h); {
		case ip != nil:
			ips = append(ips, ip)
		case h == "":
			return tls.Certificate{}, nil, errors.New("kvstest: an empty host name for the certificate")
		default:
			names = append(names, h)
		}
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("kvstest: making the authority's key: %w", err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("kvstest: making the certificate's key: %w", err)
	}
	notBefore := time.Now().Add(-time.Hour).Truncate(time.Second)
	ca := &x509.Certificate{
		SerialNumber:          serialNumber(),
		Subject:               pkix.Name{Organization: []string{"kvstest"}, CommonName: "kvstest local certificate authority"},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(localCertificateLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("kvstest: making the authority's certificate: %w", err)
	}
	if ca, err = x509.ParseCertificate(caDER); err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("kvstest: reading the authority's certificate: %w", err)
	}
	leaf := &x509.Certificate{
		SerialNumber: serialNumber(),
		Subject:      pkix.Name{Organization: []string{"kvstest"}, CommonName: hosts[0]},
		NotBefore:    notBefore,
		NotAfter:     notBefore.Add(localCertificateLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  ips,
		DNSNames:     names,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("kvstest: making the certificate: %w", err)
	}
	cert = tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}
	if cert.Leaf, err = x509.ParseCertificate(leafDER); err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("kvstest: reading the certificate: %w", err)
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}

// serialNumber returns a random 128-bit certificate serial number.
func serialNumber() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	return n
}
