package acctest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// TestPKI is a throwaway certificate authority and a server certificate it
// signed for 127.0.0.1 and localhost, written to files for Hydra, the
// sandbox binary and the provider's *_tls.ca_file.
type TestPKI struct {
	CAPEM, CertPEM, KeyPEM        []byte
	CAFile, CertFile, KeyFile     string
	Pool                          *x509.CertPool
	Server                        tls.Certificate
	ClientCertPEM, ClientKeyPEM   []byte
	ClientCertFile, ClientKeyFile string
}

// NewTestPKI generates a CA, a server certificate and a client certificate
// into dir.
func NewTestPKI(dir string) (*TestPKI, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "terraform-provider-tyk test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	leaf := func(serial int64, cn string, usage x509.ExtKeyUsage, server bool) ([]byte, []byte, error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		}
		if server {
			tmpl.DNSNames = []string{"localhost"}
			tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return nil, nil, err
		}
		kb, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return nil, nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), nil
	}
	p := &TestPKI{CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), Pool: x509.NewCertPool()}
	p.Pool.AddCert(ca)
	if p.CertPEM, p.KeyPEM, err = leaf(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, true); err != nil {
		return nil, err
	}
	if p.ClientCertPEM, p.ClientKeyPEM, err = leaf(3, "terraform-provider-tyk test client", x509.ExtKeyUsageClientAuth, false); err != nil {
		return nil, err
	}
	if p.Server, err = tls.X509KeyPair(p.CertPEM, p.KeyPEM); err != nil {
		return nil, err
	}
	files := map[*string][]byte{&p.CAFile: p.CAPEM, &p.CertFile: p.CertPEM, &p.KeyFile: p.KeyPEM,
		&p.ClientCertFile: p.ClientCertPEM, &p.ClientKeyFile: p.ClientKeyPEM}
	names := map[*string]string{&p.CAFile: "ca.pem", &p.CertFile: "server.pem", &p.KeyFile: "server-key.pem",
		&p.ClientCertFile: "client.pem", &p.ClientKeyFile: "client-key.pem"}
	for ptr, b := range files {
		*ptr = filepath.Join(dir, names[ptr])
		if err := os.WriteFile(*ptr, b, 0o600); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ServerTLS is the sandbox's serving configuration with this PKI.
func (p *TestPKI) ServerTLS() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{p.Server}}
}

// Client is an HTTP client that trusts this PKI's CA.
func (p *TestPKI) Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone() //nolint:forcetypeassert // net/http's own type
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: p.Pool}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}
