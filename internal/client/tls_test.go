package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned is a CA-signed-by-itself certificate usable as a CA and as a
// client certificate.
func selfSigned(t *testing.T, cn string) (certPEM, keyPEM []byte, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	cert, _ = x509.ParseCertificate(der)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), cert
}

// Every way of building a client has a TLS configuration: none can
// dereference a nil one, whatever the settings.
func TestEveryClientHasTLSConfig(t *testing.T) {
	for _, tc := range []TLS{{}, {InsecureSkipVerify: true}} {
		hc, err := NewHTTPClient(tc, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if tr, ok := hc.Transport.(*http.Transport); !ok || tr.TLSClientConfig == nil || tr.TLSClientConfig.InsecureSkipVerify != tc.InsecureSkipVerify {
			t.Errorf("NewHTTPClient(%+v): %T %+v", tc, hc.Transport, tr)
		}
		c, err := New(Config{BaseURL: "https://example.invalid", TLS: tc})
		if err != nil {
			t.Fatal(err)
		}
		if tr, ok := c.http.HTTPClient.Transport.(*http.Transport); !ok || tr.TLSClientConfig == nil {
			t.Errorf("New: %T", c.http.HTTPClient.Transport)
		}
	}
}

// A private CA (file or PEM) is trusted on top of the system's; a server
// asking for a client certificate gets it; a wrong setting is an error
// naming what is wrong, and a certificate error names the setting that
// fixes it.
func TestTLSPrivateCAAndClientCertificate(t *testing.T) {
	clientPEM, clientKey, clientCert := selfSigned(t, "client")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	pool := x509.NewCertPool()
	pool.AddCert(clientCert)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()
	serverCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	_ = os.WriteFile(caFile, serverCA, 0o600)
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	_ = os.WriteFile(certFile, clientPEM, 0o600)
	_ = os.WriteFile(keyFile, clientKey, 0o600)

	get := func(tc TLS) error {
		tc.Hint, tc.Skip = "dashboard_tls.ca_file", "dashboard_tls.insecure_skip_verify"
		c, err := New(Config{Plane: "Tyk Dashboard", BaseURL: srv.URL, TLS: tc, MaxRetries: -1})
		if err != nil {
			return err
		}
		_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil)
		return err
	}
	for name, tc := range map[string]TLS{
		"CA file + client files": {CAFile: caFile, ClientCertFile: certFile, ClientKeyFile: keyFile},
		"CA PEM + client PEM":    {CAPEM: string(serverCA), ClientCertPEM: string(clientPEM), ClientKeyPEM: string(clientKey)},
	} {
		if err := get(tc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := get(TLS{CAFile: caFile}); err == nil {
		t.Error("the server requires a client certificate: a request without one must fail")
	}
	err := get(TLS{ClientCertPEM: string(clientPEM), ClientKeyPEM: string(clientKey)})
	if err == nil || !strings.Contains(err.Error(), "signed by an authority this provider does not trust") ||
		!strings.Contains(err.Error(), "Set dashboard_tls.ca_file") || !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("untrusted server: %v", err)
	}
	// A name the certificate is not for: which name, and which names it has.
	c, _ := New(Config{Plane: "Tyk Dashboard", BaseURL: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), MaxRetries: -1,
		TLS: TLS{CAFile: caFile, ClientCertFile: certFile, ClientKeyFile: keyFile}})
	if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"}, nil); err == nil ||
		!strings.Contains(err.Error(), `not valid for the name "localhost"`) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("name mismatch: %v", err)
	}
	for name, tc := range map[string]TLS{
		"missing CA file":     {CAFile: filepath.Join(dir, "none.pem")},
		"CA PEM not a cert":   {CAPEM: "hello"},
		"key of another cert": {ClientCertPEM: string(serverCA), ClientKeyPEM: string(clientKey)},
	} {
		if _, err := tc.Config(); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "PRIVATE KEY") {
			t.Errorf("%s: the error shows key material: %v", name, err)
		}
	}
}
