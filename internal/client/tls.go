package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// TLS is what one plane's HTTPS connections trust and present: extra CA
// certificates on top of the system's (PEM content and/or a file), an
// optional client certificate (mTLS), or no verification at all.
type TLS struct {
	CAPEM              string
	CAFile             string
	ClientCertPEM      string
	ClientKeyPEM       string
	ClientCertFile     string
	ClientKeyFile      string
	InsecureSkipVerify bool
	// Hint names the setting that fixes a certificate problem, e.g.
	// "dashboard_tls.ca_file (or TYK_DASHBOARD_CA_FILE)"; Skip names the
	// opt-out, e.g. "dashboard_tls.insecure_skip_verify".
	Hint, Skip string
}

// Config builds the *tls.Config: TLS 1.2 or later, the system roots plus
// the extra CAs, the client certificate. It never returns nil.
func (t TLS) Config() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.InsecureSkipVerify {
		cfg.InsecureSkipVerify = true //nolint:gosec // opt-in by the user
	}
	if t.CAPEM != "" || t.CAFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, src := range []struct{ what, pem, file string }{{"CA PEM", t.CAPEM, ""}, {"CA file", "", t.CAFile}} {
			pem := []byte(src.pem)
			if src.file != "" {
				b, err := os.ReadFile(src.file)
				if err != nil {
					return nil, fmt.Errorf("reading the %s: %w", src.what, err)
				}
				pem = b
			}
			if len(pem) > 0 && !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("the %s holds no PEM certificate", src.what)
			}
		}
		cfg.RootCAs = pool
	}
	certPEM, keyPEM := []byte(t.ClientCertPEM), []byte(t.ClientKeyPEM)
	if t.ClientCertFile != "" {
		b, err := os.ReadFile(t.ClientCertFile)
		if err != nil {
			return nil, fmt.Errorf("reading the client certificate: %w", err)
		}
		certPEM = b
	}
	if t.ClientKeyFile != "" {
		b, err := os.ReadFile(t.ClientKeyFile)
		if err != nil {
			return nil, fmt.Errorf("reading the client key: %w", err)
		}
		keyPEM = b
	}
	if len(certPEM) > 0 || len(keyPEM) > 0 {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			// The error of X509KeyPair never contains key material.
			return nil, fmt.Errorf("the client certificate and key do not form a pair: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// DescribeTLS turns a certificate verification failure into an error
// saying which endpoint, which name, and which setting fixes it; other
// errors are returned as they are.
func DescribeTLS(err error, plane, rawURL string, t TLS) error {
	host := rawURL
	if u, perr := url.Parse(rawURL); perr == nil && u.Host != "" {
		host = u.Scheme + "://" + u.Host
	}
	fix := ""
	if t.Hint != "" {
		fix = " Set " + t.Hint + " to the CA certificate that signed it"
		if t.Skip != "" {
			fix += ", or " + t.Skip + " = true to skip verification (not for production)"
		}
		fix += "."
	}
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &hostErr):
		names := hostErr.Certificate.DNSNames
		for _, ip := range hostErr.Certificate.IPAddresses {
			names = append(names, ip.String())
		}
		return fmt.Errorf("%s at %s: its TLS certificate is not valid for the name %q (it is for: %s). Use a URL with one of "+
			"those names, or a certificate that includes %q: %w", plane, host, hostErr.Host, strings.Join(names, ", "), hostErr.Host, err)
	case errors.As(err, &unknown):
		return fmt.Errorf("%s at %s: its TLS certificate (subject %q) is signed by an authority this provider does not trust.%s %w",
			plane, host, subject(unknown.Cert), fix, err)
	case errors.As(err, &invalid):
		return fmt.Errorf("%s at %s: its TLS certificate (subject %q) is not valid: %s.%s %w", plane, host, subject(invalid.Cert),
			invalid.Error(), fix, err)
	case errors.As(err, &verify):
		return fmt.Errorf("%s at %s: TLS certificate verification failed.%s %w", plane, host, fix, err)
	}
	return err
}

func subject(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return c.Subject.String()
}
