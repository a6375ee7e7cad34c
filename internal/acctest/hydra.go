package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Hydra is a running identity provider of the DCR tests: Ory Hydra v2.3.0,
// or oidc-provider (StartOIDCProvider), which answers the subset of Hydra's
// admin API the tests use, so that checks read both alike.
type Hydra struct {
	// Kind is "hydra" or "oidc-provider".
	Kind         string
	Port         int    // the public listener's own port
	PublicURL    string // issuer, token and registration endpoints
	AdminURL     string // admin API (no auth): client assertions
	WellKnownURL string
	JWKSURL      string
	TokenURL     string
	// ScopeClaim is the JWT claim holding the token's scopes: Hydra's
	// `scp` array, or the `scope` string of Keycloak-type IdPs.
	ScopeClaim string
	// InitialAccessToken, when set, is what registration needs (the OAuth
	// provider's registration_access_token_wo).
	InitialAccessToken string
	// RotatesRegistrationToken: every RFC 7592 read issues a new
	// registration access token (Curity-like); verify_idp_client then goes
	// through the token endpoint.
	RotatesRegistrationToken bool

	// HTTP is the client for its public endpoints (it trusts the test CA
	// of a Hydra serving TLS).
	HTTP *http.Client

	cmd *exec.Cmd
	dir string
	log *os.File
}

func (h *Hydra) httpClient() *http.Client {
	if h.HTTP != nil {
		return h.HTTP
	}
	return http.DefaultClient
}

// HydraBinary is where `make hydra` puts the binary; HYDRA_BIN overrides.
func HydraBinary() string {
	if b := os.Getenv("HYDRA_BIN"); b != "" {
		return b
	}
	return filepath.Join(RepoRoot(), "bin", "hydra")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("listener address %v is not TCP", l.Addr())
	}
	return addr.Port, nil
}

// StartHydra starts Hydra with an in-memory database, dynamic client
// registration on, registration_endpoint advertised and JWT access tokens
// (scopes in the `scp` array claim, Hydra's default).
func StartHydra() (*Hydra, error) { return StartHydraBehind("") }

// StartHydraBehind starts Hydra announcing publicURL (a proxy in front of
// it, e.g. one that counts requests) as its issuer and public URL; "" means
// its own address.
func StartHydraBehind(publicURL string) (*Hydra, error) { return startHydra(publicURL, nil) }

// StartHydraTLS starts Hydra serving its public endpoints (issuer, discovery,
// JWKS, registration, token) over HTTPS with pki's server certificate; the
// admin API stays on HTTP for the tests' checks.
func StartHydraTLS(pki *TestPKI) (*Hydra, error) { return startHydra("", pki) }

func startHydra(publicURL string, pki *TestPKI) (*Hydra, error) {
	bin := HydraBinary()
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("hydra binary %s not found: run `make hydra` (tests that need the IdP depend on it)", bin)
	}
	pub, err := freePort()
	if err != nil {
		return nil, err
	}
	adm, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hydra-acc-")
	if err != nil {
		return nil, err
	}
	scheme, tlsCfg := "http", ""
	if pki != nil {
		scheme = "https"
		tlsCfg = fmt.Sprintf(", tls: { enabled: true, cert: { path: %s }, key: { path: %s } }", pki.CertFile, pki.KeyFile)
	}
	public := fmt.Sprintf("%s://127.0.0.1:%d", scheme, pub)
	if publicURL != "" {
		public = strings.TrimRight(publicURL, "/")
	}
	// Client secrets are hashed with 1,000 pbkdf2 iterations instead of
	// Hydra's default 25,000, as Hydra's own test driver lowers the bcrypt
	// cost to 4 (internal/testhelpers/driver.go): the default costs about
	// 6.6 ms of CPU per registered client, which in make bench competes with
	// Terraform for the same cores (an IdP runs on its own machines), and
	// the hashing cost is the IdP operator's setting, invisible to the
	// provider.
	cfg := fmt.Sprintf(`dsn: memory
log:
  level: warn
serve:
  public: { host: 127.0.0.1, port: %d%s }
  admin:  { host: 127.0.0.1, port: %d }
urls:
  self:
    issuer: %s/
    public: %s/
secrets:
  system: ["acceptance-test-system-secret-0123456789"]
oidc:
  dynamic_client_registration:
    enabled: true
    default_scope: [openid]
webfinger:
  oidc_discovery:
    client_registration_url: %s/oauth2/register
strategies:
  access_token: jwt
oauth2:
  hashers:
    algorithm: pbkdf2
    pbkdf2: { iterations: 1000 }
`, pub, tlsCfg, adm, public, public, public)
	cfgPath := filepath.Join(dir, "hydra.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "hydra.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "all", "--dev", "--sqa-opt-out", "-c", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting hydra: %w", err)
	}
	h := &Hydra{
		Kind: "hydra", TokenURL: public + "/oauth2/token", ScopeClaim: "scp",
		Port:      pub,
		PublicURL: public, AdminURL: fmt.Sprintf("http://127.0.0.1:%d", adm),
		WellKnownURL: public + "/.well-known/openid-configuration", JWKSURL: public + "/.well-known/jwks.json",
		cmd: cmd, dir: dir, log: logf,
	}
	if pki != nil {
		h.HTTP = pki.Client()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		resp, err := http.Get(h.AdminURL + "/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return h, nil
			}
		}
		select {
		case <-ctx.Done():
			h.Stop()
			b, _ := os.ReadFile(filepath.Join(dir, "hydra.log"))
			return nil, fmt.Errorf("hydra not ready after 60s; log:\n%s", tail(string(b), 2000))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Warm makes Hydra generate its signing keys now: it creates each JSON Web
// Key Set (RSA) on first use, discovery's and the JWKS document's, which
// costs about 2.7 s of CPU on a 2-core machine. A benchmark warms it so that
// this one-time cost of a new IdP is not counted as the first measured run's.
func (h *Hydra) Warm() error {
	client := h.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	for _, u := range []string{h.WellKnownURL, h.JWKSURL} {
		resp, err := client.Get(u)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", u, resp.Status)
		}
	}
	return nil
}

// Stop ends Hydra and removes its files.
func (h *Hydra) Stop() {
	if h == nil || h.cmd == nil || h.cmd.Process == nil {
		return
	}
	_ = h.cmd.Process.Kill()
	_, _ = h.cmd.Process.Wait()
	h.log.Close()
	os.RemoveAll(h.dir)
	h.cmd = nil
}

// Clients lists the OAuth clients Hydra holds (admin API).
func (h *Hydra) Clients() ([]map[string]any, error) {
	resp, err := http.Get(h.AdminURL + "/admin/clients?page_size=500")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []map[string]any
	err = json.NewDecoder(resp.Body).Decode(&out)
	return out, err
}

// Client returns one client, or nil when Hydra has none with that id.
func (h *Hydra) Client(id string) (map[string]any, error) {
	resp, err := http.Get(h.AdminURL + "/admin/clients/" + id)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	var out map[string]any
	err = json.NewDecoder(resp.Body).Decode(&out)
	return out, err
}

// DeleteClient deletes a client behind the Portal's back (drift tests).
func (h *Hydra) DeleteClient(id string) error {
	req, _ := http.NewRequest(http.MethodDelete, h.AdminURL+"/admin/clients/"+id, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("hydra delete client %s: %d", id, resp.StatusCode)
	}
	return nil
}

// SetClientScope changes a client's scope behind the Portal's back.
func (h *Hydra) SetClientScope(id, scope string) error {
	body := `[{"op":"replace","path":"/scope","value":` + jsonString(scope) + `}]`
	req, _ := http.NewRequest(http.MethodPatch, h.AdminURL+"/admin/clients/"+id, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("hydra patch client %s: %d", id, resp.StatusCode)
	}
	return nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var (
	hydraOnce sync.Once
	hydra     *Hydra
	hydraErr  error
)

// SharedHydra starts (once) the Hydra the acceptance tests share. Outside
// acceptance runs (TF_ACC unset) it skips the test, as resource.Test would.
func SharedHydra(t interface {
	Helper()
	Fatalf(string, ...any)
	Skip(...any)
}) *Hydra {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1")
	}
	hydraOnce.Do(func() {
		if External() {
			hydra, hydraErr = externalHydra()
			return
		}
		hydra, hydraErr = StartHydra()
	})
	if hydraErr != nil {
		t.Fatalf("%v", hydraErr)
	}
	return hydra
}

// Cleanup stops what the harness started; call it from TestMain.
func Cleanup() {
	hydra.Stop()
	oidcProvider.Stop()
	if sb != nil {
		sb.Close()
	}
	closeTargets()
}

// SpecViolations returns the sandbox answers that departed from the official
// spec during the run (each was also answered 500, failing the test that
// asked). TestMain fails the run when there are any, so that a violation the
// provider swallowed is not lost.
func SpecViolations() []string {
	out := targetViolations()
	if sb != nil {
		out = append(out, sb.Violations()...)
	}
	return out
}

// externalHydra is the Hydra of an external target: its public URL (issuer)
// and its admin API, from the environment.
func externalHydra() (*Hydra, error) {
	pub, adm := strings.TrimRight(os.Getenv(EnvIdPPublicURL), "/"), strings.TrimRight(os.Getenv(EnvIdPAdminURL), "/")
	if pub == "" || adm == "" {
		return nil, fmt.Errorf("%s=external needs %s and %s (an Ory Hydra the Portal registers clients in)", EnvTarget, EnvIdPPublicURL, EnvIdPAdminURL)
	}
	return &Hydra{
		Kind: "hydra", PublicURL: pub, AdminURL: adm, WellKnownURL: pub + "/.well-known/openid-configuration", JWKSURL: pub + "/.well-known/jwks.json",
		TokenURL: pub + "/oauth2/token", ScopeClaim: "scp",
	}, nil
}

// Pid is the IdP process's id (0 for an external one), for measurements.
func (h *Hydra) Pid() int {
	if h == nil || h.cmd == nil || h.cmd.Process == nil {
		return 0
	}
	return h.cmd.Process.Pid
}
