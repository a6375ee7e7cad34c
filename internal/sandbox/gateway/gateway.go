// Package gateway is the sandbox's data plane. It serves every active Tyk
// Classic API the emulated Dashboard holds the way the open-source Tyk
// Gateway v5.12.1 (TykTechnologies/tyk) does for the DCR flow, and each
// behaviour names the Tyk source it follows:
//
//   - gateway/mw_jwt.go: the JWT middleware (ProcessRequest,
//     processCentralisedJWT, getSecretFromURL, getScopeFromClaim,
//     mapScopeToPolicies, getUserIDFromClaim, generateSessionFromPolicy);
//   - internal/policy/apply.go: how the policies of a session are merged
//     (policy.go here);
//   - gateway/mw_key_expired_check.go, mw_access_rights.go,
//     mw_rate_limiting.go, session_manager.go: the checks after
//     authentication (limits.go here);
//   - templates/error.json: error bodies {"error": "..."}.
//
// Outcomes recorded on the real Gateway with this provider's configuration
// (../shared/tyk-recordings/gateway-5.12.1-dcr.md) are reproduced by the
// package's tests. It also offers an httpbin-style echo upstream.
package gateway

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// JWKSCacheTTL is how long the Gateway keeps an API's JWKS (jwks.cache.timeout,
// default 240 s: config/config.go JWKSCacheConfig, gateway/server.go
// buildJWKSCache). An unknown kid does not refetch before it expires
// (getSecretFromURL only refetches when nothing is cached or the API's JWKS
// URL changed).
const JWKSCacheTTL = 240 * time.Second

// Gateway serves the APIs in the store.
type Gateway struct {
	st   *store.Store
	http *http.Client
	// Now is the Gateway's clock (tests move it).
	Now func() time.Time

	mu       sync.Mutex
	jwks     map[string]*jwksEntry // api_id → cached key set
	buckets  map[string]*bucket    // in-memory DRL buckets (not in Redis)
	quotas   map[string]*quotaKey  // "Redis" quota counters
	sessions map[string]bool       // "Redis" sessions: identity keys seen
	warnings []string
}

func (g *Gateway) warn(msg string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.warnings) < 10000 {
		g.warnings = append(g.warnings, msg)
	}
}

// Warnings returns what the Gateway would have logged as warnings.
func (g *Gateway) Warnings() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.warnings...)
}

// New returns a gateway over st; rootCAs are the CAs it trusts when it
// fetches JWKS over HTTPS (nil: the system's).
func New(st *store.Store, rootCAs *x509.CertPool) *Gateway {
	tr := http.DefaultTransport.(*http.Transport).Clone() //nolint:forcetypeassert // net/http's own type
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: rootCAs}
	return &Gateway{
		st: st, http: &http.Client{Timeout: 10 * time.Second, Transport: tr}, Now: time.Now,
		jwks: map[string]*jwksEntry{}, buckets: map[string]*bucket{}, quotas: map[string]*quotaKey{}, sessions: map[string]bool{},
	}
}

// FlushRedis forgets what the real Gateway keeps in Redis: sessions and
// quota counters. The rate limiter's buckets stay: with one Gateway node the
// default limiter (DRL) keeps them in memory (session_manager.go limitDRL,
// internal/memorycache), as the JWKS cache.
func (g *Gateway) FlushRedis() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.quotas = map[string]*quotaKey{}
	g.sessions = map[string]bool{}
}

// tykError writes templates/error.json: {"error": "<message>"}, indented as
// the template is.
func tykError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(msg)
	_, _ = w.Write([]byte("{\n    \"error\": " + string(b) + "\n}"))
}

// route finds the active API with the longest listen path matching path.
func (g *Gateway) route(path string) store.Doc {
	var best store.Doc
	bestLen := -1
	for _, api := range g.st.APIs.List() {
		if active, _ := api["active"].(bool); !active {
			continue
		}
		proxy, _ := api["proxy"].(map[string]any)
		lp, _ := proxy["listen_path"].(string)
		if lp == "" {
			continue
		}
		if strings.HasPrefix(path, lp) || path+"/" == lp {
			if len(lp) > bestLen {
				best, bestLen = api, len(lp)
			}
		}
	}
	return best
}

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api := g.route(r.URL.Path)
	if api == nil {
		http.NotFound(w, r)
		return
	}
	if keyless, _ := api["use_keyless"].(bool); !keyless {
		jwtOn, _ := api["enable_jwt"].(bool)
		if !jwtOn {
			// Standard auth tokens are outside the DCR flow; without a
			// token the auth-key middleware answers this.
			tykError(w, http.StatusUnauthorized, "Authorization field missing")
			return
		}
		s, status, msg := g.authenticateJWT(r, api)
		if status != 0 {
			tykError(w, status, msg)
			return
		}
		if status, msg := g.checkSession(api, s); status != 0 {
			tykError(w, status, msg)
			return
		}
	}
	g.proxy(w, r, api)
}

// proxy forwards to the target URL. The Authorization header goes upstream
// too (StripAuth runs only with strip_auth_data; recorded on the real
// Gateway, and in Tyk's DCR guide's echo).
func (g *Gateway) proxy(w http.ResponseWriter, r *http.Request, api store.Doc) {
	proxyCfg, _ := api["proxy"].(map[string]any)
	target, _ := proxyCfg["target_url"].(string)
	lp, _ := proxyCfg["listen_path"].(string)
	u, err := url.Parse(target)
	if err != nil {
		tykError(w, http.StatusInternalServerError, "There was a problem proxying the request")
		return
	}
	path := r.URL.Path
	if strip, _ := proxyCfg["strip_listen_path"].(bool); strip {
		path = "/" + strings.TrimPrefix(strings.TrimPrefix(path, strings.TrimSuffix(lp, "/")), "/")
	}
	stripAuth, _ := api["strip_auth_data"].(bool)
	rp := &httputil.ReverseProxy{
		Transport: g.http.Transport,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.URL.Path = strings.TrimRight(u.Path, "/") + path
			pr.Out.URL.RawPath = ""
			if stripAuth {
				pr.Out.Header.Del("Authorization")
			}
			pr.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			tykError(w, http.StatusBadGateway, "There was a problem proxying the request")
		},
	}
	rp.ServeHTTP(w, r)
}

// Echo is an httpbin-style upstream: /get and /anything echo the request.
func Echo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		args := map[string]any{}
		for k, v := range r.URL.Query() {
			if len(v) == 1 {
				args[k] = v[0]
			} else {
				args[k] = v
			}
		}
		headers := map[string]string{}
		keys := make([]string, 0, len(r.Header))
		for k := range r.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			headers[k] = strings.Join(r.Header[k], ",")
		}
		headers["Host"] = r.Host
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"args": args, "headers": headers, "origin": strings.Split(r.RemoteAddr, ":")[0],
			"url": scheme + "://" + r.Host + r.URL.RequestURI(), "method": r.Method,
		})
	})
}
