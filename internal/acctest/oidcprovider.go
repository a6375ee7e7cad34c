package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// OIDCProviderDir is the tool module of the second IdP (tools/oidc-provider,
// installed by `make oidc-provider`).
func OIDCProviderDir() string { return filepath.Join(RepoRoot(), "tools", "oidc-provider") }

// StartOIDCProvider starts the second real IdP: oidc-provider configured as
// Keycloak-type IdPs behave for DCR (tools/oidc-provider/server.js):
// registration needs an initial access token, access tokens carry a
// space-delimited `scope` claim, and the registration access token rotates
// on every RFC 7592 read. It answers Hydra's admin API subset, so it is
// handled as a *Hydra.
func StartOIDCProvider() (*Hydra, error) {
	dir := OIDCProviderDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider")); err != nil {
		return nil, fmt.Errorf("oidc-provider is not installed in %s: run `make oidc-provider` (needs Node.js 20+ and npm)", dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found: install Node.js 20+ (Debian: nodejs) for the oidc-provider IdP")
	}
	pub, err := freePort()
	if err != nil {
		return nil, err
	}
	adm, err := freePort()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "oidc-provider-acc-")
	if err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	iat := "iat-" + hex.EncodeToString(b)
	public := fmt.Sprintf("http://127.0.0.1:%d", pub)
	logf, err := os.Create(filepath.Join(tmp, "oidc-provider.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, filepath.Join(dir, "server.js"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", pub), fmt.Sprintf("ADMIN_PORT=%d", adm), "INITIAL_ACCESS_TOKEN="+iat)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting oidc-provider: %w", err)
	}
	h := &Hydra{
		Kind: "oidc-provider", Port: pub, PublicURL: public, AdminURL: fmt.Sprintf("http://127.0.0.1:%d", adm),
		WellKnownURL: public + "/.well-known/openid-configuration", JWKSURL: public + "/jwks", TokenURL: public + "/token",
		ScopeClaim: "scope", InitialAccessToken: iat, RotatesRegistrationToken: true,
		cmd: cmd, dir: tmp, log: logf,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		if resp, err := http.Get(h.WellKnownURL); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return h, nil
			}
		}
		select {
		case <-ctx.Done():
			b, _ := os.ReadFile(filepath.Join(tmp, "oidc-provider.log"))
			h.Stop()
			return nil, fmt.Errorf("oidc-provider not ready after 30s; log:\n%s", tail(string(b), 2000))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

var (
	oidcProviderOnce sync.Once
	oidcProvider     *Hydra
	oidcProviderErr  error
)

// IdPs are the identity providers the IdP-facing acceptance tests run
// against: Hydra (the default) and, against the sandbox, oidc-provider
// (shared by the run, started once).
func IdPs(t interface {
	Helper()
	Fatalf(string, ...any)
	Skip(...any)
}) []*Hydra {
	t.Helper()
	out := []*Hydra{SharedHydra(t)}
	if External() {
		return out
	}
	oidcProviderOnce.Do(func() { oidcProvider, oidcProviderErr = StartOIDCProvider() })
	if oidcProviderErr != nil {
		t.Fatalf("%v", oidcProviderErr)
	}
	return append(out, oidcProvider)
}
