// Package sandbox runs an emulation of the Tyk control plane (Dashboard API,
// Developer Portal admin API) and a Gateway data plane, in-process for tests
// or as a standalone process (cmd/tyk-sandbox). It is an independent witness
// of the Tyk contract: it imports nothing from the provider.
package sandbox

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/dashboard"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/faults"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/gateway"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/portal"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// Options configures a sandbox.
type Options struct {
	DashboardToken         string
	DashboardReadOnlyToken string
	PortalToken            string
	// SpecDir holds the official OpenAPI documents; empty disables request
	// validation.
	SpecDir string
	// Listen addresses; empty means 127.0.0.1 on a free port.
	DashboardAddr string
	PortalAddr    string
	GatewayAddr   string
	EchoAddr      string
	// FaultSeed seeds fault injection, for reproducible runs.
	FaultSeed uint64
	// StrictResponses holds every answer of the Dashboard and the Portal to
	// the official spec (needs SpecDir): a violation is recorded (see
	// Violations) and answered 500 instead, so the request that caused it
	// fails. Tests turn it on.
	StrictResponses bool
	// PortalVersion is the Portal version emulated (portal.Profiles; ""
	// is the newest the spec covers): its spec validates requests and
	// answers, and its version-specific behaviours apply.
	PortalVersion string
	// TLS, when set, serves every plane (Dashboard, Portal, Gateway, echo)
	// over HTTPS with this configuration.
	TLS *tls.Config
	// RootCAs are the CAs the emulated installation trusts for its own
	// HTTPS calls: the Portal to the Dashboard and to IdPs, the Gateway to
	// JWKS endpoints (as a real installation's system trust store). nil:
	// the system's.
	RootCAs *x509.CertPool
}

// Sandbox is a running emulation.
type Sandbox struct {
	Store        *store.Store
	DashboardURL string
	// PortalURL is the Portal's base URL; the admin API is below /portal-api.
	PortalURL string
	// GatewayURL serves the active APIs; EchoURL is an httpbin-style upstream.
	GatewayURL string
	EchoURL    string
	// SpecValidation reports whether requests are checked against the spec.
	SpecValidation bool
	// Faults injects failures; it has no rules until a test sets some.
	Faults *faults.Injector
	// PortalVersion is the Portal version emulated.
	PortalVersion string

	servers []*http.Server
	tls     *tls.Config
}

// Start launches every plane.
func Start(opts Options) (*Sandbox, error) {
	if opts.DashboardToken == "" || opts.PortalToken == "" {
		return nil, errors.New("sandbox: DashboardToken and PortalToken are required")
	}
	prof, err := portal.ProfileFor(opts.PortalVersion)
	if err != nil {
		return nil, err
	}
	sb := &Sandbox{Store: store.New(), Faults: faults.New(opts.FaultSeed), PortalVersion: prof.Version}
	var dashVal, portalVal *spec.Validator
	if opts.SpecDir != "" {
		dashVal, err = spec.Load(filepath.Join(opts.SpecDir, spec.DashboardFile), "")
		if err != nil {
			return nil, err
		}
		portalVal, err = spec.Load(filepath.Join(opts.SpecDir, prof.SpecFile), portal.Base)
		if err != nil {
			return nil, err
		}
		dashVal.SetRules(spec.DashboardRules)
		rules := spec.PortalRules
		if !prof.ProductListFull {
			rules.Fields = append(rules.Fields, spec.ProductListIDBefore114)
		}
		portalVal.SetRules(rules)
		sb.SpecValidation = true
	}
	dash := dashboard.Handler(dashboard.Options{
		Store: sb.Store, Token: opts.DashboardToken, ReadOnlyToken: opts.DashboardReadOnlyToken, Validator: dashVal, Faults: sb.Faults,
		CheckResponses: opts.StrictResponses,
	})

	sb.tls = opts.TLS
	sb.DashboardURL, err = sb.serve(opts.DashboardAddr, dash)
	if err != nil {
		sb.Close()
		return nil, err
	}
	sb.PortalURL, err = sb.serve(opts.PortalAddr, portal.Handler(portal.Options{Store: sb.Store, Token: opts.PortalToken, Validator: portalVal, Faults: sb.Faults, CheckResponses: opts.StrictResponses, Profile: prof, RootCAs: opts.RootCAs}))
	if err == nil {
		sb.GatewayURL, err = sb.serve(opts.GatewayAddr, sb.Faults.Wrap("gateway", gateway.New(sb.Store, opts.RootCAs)))
	}
	if err == nil {
		sb.EchoURL, err = sb.serve(opts.EchoAddr, gateway.Echo())
	}
	if err != nil {
		sb.Close()
		return nil, err
	}
	return sb, nil
}

func (sb *Sandbox) serve(addr string, h http.Handler) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sandbox: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	sb.servers = append(sb.servers, srv)
	scheme := "http"
	if sb.tls != nil {
		ln, scheme = tls.NewListener(ln, sb.tls.Clone()), "https"
	}
	go func() { _ = srv.Serve(ln) }()
	return scheme + "://" + ln.Addr().String(), nil
}

// Close stops every plane.
func (sb *Sandbox) Close() {
	for _, s := range sb.servers {
		_ = s.Close()
	}
	sb.servers = nil
}

// APIsByName returns the api_id of every API definition named name.
func (sb *Sandbox) APIsByName(name string) []string {
	var ids []string
	for _, d := range sb.Store.APIs.List() {
		if d["name"] == name {
			id, _ := d["api_id"].(string)
			ids = append(ids, id)
		}
	}
	return ids
}

// Violations returns every answer that departed from the official spec
// (with StrictResponses).
func (sb *Sandbox) Violations() []string { return sb.Store.Violations() }
