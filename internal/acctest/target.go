package acctest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
	"github.com/tykdcr/terraform-provider-tyk/internal/provider"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
)

// Target is the Tyk installation an acceptance test runs against: the
// in-process sandbox (one per emulated Portal version), or, with
// TYK_ACC_TARGET=external, a real installation named by the environment.
// Checks read the target through the provider's own clients (Dashboard,
// Portal), never through the sandbox's store, so they hold on a real Tyk too.
type Target struct {
	Name                        string
	DashboardURL, DashboardTok  string
	PortalURL, PortalTok        string
	GatewayURL                  string
	UpstreamURL                 string // where test APIs proxy to (an httpbin-style echo)
	DashboardURLForPortal       string // the Dashboard URL as the Portal reaches it
	Dashboard                   *dashboard.Client
	Portal                      *portal.Client
	sb                          *sandbox.Sandbox
	dashboardClient, portalHTTP *client.Client
	// pki, for a target serving TLS: its CA is what checks and the
	// provider block trust.
	pki         *TestPKI
	gatewayHTTP *http.Client
}

// Environment of an external target.
const (
	EnvTarget         = "TYK_ACC_TARGET"       // "external" to run against a real installation
	EnvGatewayURL     = "TYK_GATEWAY_URL"      // the Gateway serving the Dashboard's APIs
	EnvUpstreamURL    = "TYK_ACC_UPSTREAM_URL" // an httpbin-style upstream the Gateway reaches
	EnvDashboardForPO = "TYK_ACC_DASHBOARD_URL_FROM_PORTAL"
	EnvIdPPublicURL   = "TYK_ACC_IDP_PUBLIC_URL" // an Ory Hydra's public URL
	EnvIdPAdminURL    = "TYK_ACC_IDP_ADMIN_URL"  // and its admin API (client checks)
)

// External reports whether the tests run against a real installation.
func External() bool { return os.Getenv(EnvTarget) == "external" }

// SkipExternal skips a test that needs the sandbox itself (fault injection,
// emulated versions, its request log).
func SkipExternal(t testing.TB) {
	t.Helper()
	if External() {
		t.Skip("needs the sandbox (TYK_ACC_TARGET=external)")
	}
}

// Sandbox returns the sandbox behind a target, for tests that need it; it
// skips the test against an external target.
func (tg *Target) Sandbox(t testing.TB) *sandbox.Sandbox {
	t.Helper()
	SkipExternal(t)
	return tg.sb
}

var (
	targetsMu sync.Mutex
	targets   = map[string]*Target{}
	extraSBs  []*sandbox.Sandbox
)

// DefaultTarget is the target of most acceptance tests: the shared sandbox
// (newest Portal version), or the external installation.
func DefaultTarget(t testing.TB) *Target {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1")
	}
	targetsMu.Lock()
	defer targetsMu.Unlock()
	if tg, ok := targets[""]; ok {
		return tg
	}
	var tg *Target
	if External() {
		tg = externalTarget(t)
	} else {
		tg = sandboxTarget(Sandbox(t))
	}
	targets[""] = tg
	return tg
}

// PortalVersionTarget is a sandbox emulating a Portal version (one per
// version for the whole run). It skips against an external target.
func PortalVersionTarget(t testing.TB, version string) *Target {
	t.Helper()
	SkipExternal(t)
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1")
	}
	targetsMu.Lock()
	defer targetsMu.Unlock()
	if tg, ok := targets[version]; ok {
		return tg
	}
	terraformEnv()
	s, err := sandbox.Start(sandbox.Options{
		DashboardToken: DashboardToken, PortalToken: PortalToken, SpecDir: spec.FindDir(RepoRoot()),
		StrictResponses: true, PortalVersion: version,
	})
	if err != nil {
		t.Fatalf("starting the sandbox for Portal %s: %v", version, err)
	}
	extraSBs = append(extraSBs, s)
	tg := sandboxTarget(s)
	targets[version] = tg
	return tg
}

func sandboxTarget(s *sandbox.Sandbox) *Target {
	return newTarget("sandbox (Portal "+s.PortalVersion+")", s.DashboardURL, DashboardToken, s.PortalURL, PortalToken,
		s.GatewayURL, s.EchoURL, s.DashboardURL, s)
}

func externalTarget(t testing.TB) *Target {
	t.Helper()
	need := func(k string) string {
		v := os.Getenv(k)
		if v == "" {
			t.Fatalf("%s=external needs %s", EnvTarget, k)
		}
		return v
	}
	dash := need(provider.EnvDashboardURL)
	forPortal := os.Getenv(EnvDashboardForPO)
	if forPortal == "" {
		forPortal = dash
	}
	return newTarget("external", dash, need(provider.EnvDashboardToken), need(provider.EnvPortalURL), need(provider.EnvPortalToken),
		need(EnvGatewayURL), need(EnvUpstreamURL), forPortal, nil)
}

func newTarget(name, dashURL, dashTok, portalURL, portalTok, gw, upstream, dashForPortal string, s *sandbox.Sandbox) *Target {
	return newTargetTLS(name, dashURL, dashTok, portalURL, portalTok, gw, upstream, dashForPortal, s, nil)
}

func newTargetTLS(name, dashURL, dashTok, portalURL, portalTok, gw, upstream, dashForPortal string, s *sandbox.Sandbox, pki *TestPKI) *Target {
	tg := &Target{
		Name: name, DashboardURL: dashURL, DashboardTok: dashTok, PortalURL: portalURL, PortalTok: portalTok,
		GatewayURL: gw, UpstreamURL: upstream, DashboardURLForPortal: dashForPortal, sb: s, pki: pki, gatewayHTTP: http.DefaultClient,
	}
	var trust client.TLS
	if pki != nil {
		trust.CAFile, tg.gatewayHTTP = pki.CAFile, pki.Client()
	}
	dc, err := client.New(client.Config{Plane: "Tyk Dashboard", BaseURL: dashURL, Token: dashTok, MaxRetries: 2, TLS: trust})
	if err == nil {
		tg.dashboardClient = dc
		tg.Dashboard = dashboard.New(dc)
	}
	pc, err := client.New(client.Config{Plane: "Tyk Portal", BaseURL: portal.BaseURL(portalURL), Token: portalTok, MaxRetries: 2, TLS: trust})
	if err == nil {
		tg.portalHTTP = pc
		tg.Portal = portal.New(pc)
	}
	return tg
}

// ProviderBlock configures the provider for this target explicitly (for a
// target serving TLS, trusting its CA on every plane and the IdP).
func (tg *Target) ProviderBlock() string {
	extra := ""
	if tg.pki != nil {
		extra = fmt.Sprintf("  dashboard_tls   = { ca_file = %[1]q }\n  portal_tls      = { ca_file = %[1]q }\n  idp_tls         = { ca_file = %[1]q }\n",
			tg.pki.CAFile)
	}
	return tg.ProviderBlockWith(extra)
}

// ProviderBlockWith configures the provider for this target with extra
// attributes (e.g. TLS settings) instead of the target's own.
func (tg *Target) ProviderBlockWith(extra string) string {
	return fmt.Sprintf(`
provider "tyk" {
  dashboard_url   = %q
  dashboard_token = %q
  portal_url      = %q
  portal_token    = %q
  max_retries     = 2
%s}
`, tg.DashboardURL, tg.DashboardTok, tg.PortalURL, tg.PortalTok, extra)
}

// TLSTarget starts a sandbox of its own serving every plane over HTTPS with
// pki's server certificate and trusting pki's CA for its own calls (the
// Portal to IdPs and the Dashboard, the Gateway to JWKS), as an
// installation with a private CA in its trust store. trustCA false leaves
// the installation with the system's roots only. It is closed when the test
// ends; it skips against an external target.
func TLSTarget(t testing.TB, pki *TestPKI, trustCA bool) *Target {
	t.Helper()
	SkipExternal(t)
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1")
	}
	terraformEnv()
	opts := sandbox.Options{
		DashboardToken: DashboardToken, PortalToken: PortalToken, SpecDir: spec.FindDir(RepoRoot()), StrictResponses: true,
		TLS: pki.ServerTLS(),
	}
	if trustCA {
		opts.RootCAs = pki.Pool
	}
	s, err := sandbox.Start(opts)
	if err != nil {
		t.Fatalf("starting the TLS sandbox: %v", err)
	}
	t.Cleanup(func() {
		for _, v := range s.Violations() {
			t.Errorf("answer outside the official spec: %s", v)
		}
		s.Close()
	})
	return newTargetTLS("sandbox over TLS", s.DashboardURL, DashboardToken, s.PortalURL, PortalToken, s.GatewayURL, s.EchoURL, s.DashboardURL, s, pki)
}

// PortalDo sends an admin API request to the target's Portal, as an operator
// acting outside Terraform would, and returns the status.
func (tg *Target) PortalDo(method, path string) (int, error) {
	req := client.Request{Method: method, Path: path}
	if p, q, ok := strings.Cut(path, "?"); ok {
		v, err := url.ParseQuery(q)
		if err != nil {
			return 0, err
		}
		req.Path, req.Query = p, v
	}
	resp, err := tg.portalHTTP.Do(context.Background(), req, nil)
	if err != nil {
		if code := client.StatusCode(err); code != 0 {
			return code, nil
		}
		return 0, err
	}
	return resp.StatusCode, nil
}

// CallGateway calls path on the target's Gateway with a bearer token.
func (tg *Target) CallGateway(path, token string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodGet, strings.TrimRight(tg.GatewayURL, "/")+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := tg.gatewayHTTP.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// closeTargets stops the per-version sandboxes.
func closeTargets() {
	for _, s := range extraSBs {
		s.Close()
	}
}

// targetViolations are the spec violations of every sandbox started.
func targetViolations() []string {
	var out []string
	for _, s := range extraSBs {
		for _, v := range s.Violations() {
			out = append(out, "Portal "+s.PortalVersion+" sandbox: "+v)
		}
	}
	return out
}
