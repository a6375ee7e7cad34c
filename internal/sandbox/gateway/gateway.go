// Package gateway is the sandbox's data plane: it serves every active Tyk
// Classic API the emulated Dashboard holds, authenticating JWTs the way the
// Tyk Gateway does for DCR (signature against the API's JWKS source, scope
// claim as a string or an array, scope → policy mapping, default policies
// when no scope maps, partitioned policies combined into one session) and
// proxying to the target URL. It also offers an httpbin-style echo upstream.
package gateway

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// Gateway serves the APIs in the store.
type Gateway struct {
	st   *store.Store
	jwks sync.Map // url → *jose.JSONWebKeySet
	http *http.Client

	mu       sync.Mutex
	counters map[string]*window
}

type window struct {
	start time.Time
	count int
}

// New returns a gateway over st.
func New(st *store.Store) *Gateway {
	return &Gateway{st: st, http: &http.Client{Timeout: 10 * time.Second}, counters: map[string]*window{}}
}

func tykError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
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
		tykError(w, http.StatusNotFound, "API not found")
		return
	}
	if keyless, _ := api["use_keyless"].(bool); !keyless {
		jwtOn, _ := api["enable_jwt"].(bool)
		if !jwtOn {
			tykError(w, http.StatusUnauthorized, "Authorization field missing")
			return
		}
		if status, msg := g.authorizeJWT(r, api); status != 0 {
			tykError(w, status, msg)
			return
		}
	}
	g.proxy(w, r, api)
}

func (g *Gateway) proxy(w http.ResponseWriter, r *http.Request, api store.Doc) {
	proxyCfg, _ := api["proxy"].(map[string]any)
	target, _ := proxyCfg["target_url"].(string)
	lp, _ := proxyCfg["listen_path"].(string)
	u, err := url.Parse(target)
	if err != nil {
		tykError(w, http.StatusInternalServerError, "invalid target URL")
		return
	}
	path := r.URL.Path
	if strip, _ := proxyCfg["strip_listen_path"].(bool); strip {
		path = "/" + strings.TrimPrefix(strings.TrimPrefix(path, strings.TrimSuffix(lp, "/")), "/")
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.URL.Path = strings.TrimRight(u.Path, "/") + path
			pr.Out.URL.RawPath = ""
			pr.Out.Header.Del("Authorization")
			pr.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			tykError(w, http.StatusBadGateway, "There was a problem proxying the request")
		},
	}
	rp.ServeHTTP(w, r)
}

// jwtSource returns the JWKS URL an API's jwt_source holds (base64 of the
// URL, as Tyk documents, or the plain URL newer Gateways accept).
func jwtSource(api store.Doc) (string, bool) {
	src, _ := api["jwt_source"].(string)
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return src, true
	}
	b, err := base64.StdEncoding.DecodeString(src)
	if err == nil && (strings.HasPrefix(string(b), "http://") || strings.HasPrefix(string(b), "https://")) {
		return string(b), true
	}
	return "", false
}

func (g *Gateway) keySet(u string, refresh bool) (*jose.JSONWebKeySet, error) {
	if !refresh {
		if ks, ok := g.jwks.Load(u); ok {
			return ks.(*jose.JSONWebKeySet), nil
		}
	}
	resp, err := g.http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var ks jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&ks); err != nil {
		return nil, err
	}
	g.jwks.Store(u, &ks)
	return &ks, nil
}

var algs = map[string][]jose.SignatureAlgorithm{
	"rsa":   {jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512},
	"ecdsa": {jose.ES256, jose.ES384, jose.ES512},
	"hmac":  {jose.HS256, jose.HS384, jose.HS512},
}

// authorizeJWT returns 0 when the request may pass, else a status and the
// Gateway's error message.
func (g *Gateway) authorizeJWT(r *http.Request, api store.Doc) (int, string) {
	raw := strings.TrimSpace(r.Header.Get("Authorization"))
	if raw == "" {
		return http.StatusBadRequest, "Authorization field missing"
	}
	raw = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(raw, "Bearer "), "bearer "))
	method, _ := api["jwt_signing_method"].(string)
	tok, err := jwt.ParseSigned(raw, algs[method])
	if err != nil {
		return http.StatusForbidden, "Key not authorized: unexpected signing method or malformed token"
	}
	claims := map[string]any{}
	var std jwt.Claims
	if src, ok := jwtSource(api); ok {
		verified := false
		for _, refresh := range []bool{false, true} {
			ks, err := g.keySet(src, refresh)
			if err != nil {
				return http.StatusForbidden, "Key not authorized: cannot fetch JWKS"
			}
			if len(tok.Headers) > 0 {
				if keys := ks.Key(tok.Headers[0].KeyID); len(keys) > 0 {
					if err := tok.Claims(keys[0].Public(), &claims, &std); err == nil {
						verified = true
						break
					}
				}
			}
		}
		if !verified {
			return http.StatusForbidden, "Key not authorized"
		}
	} else {
		// Static key sources (PEM / HMAC secret) are outside the DCR flow.
		return http.StatusForbidden, "Key not authorized: no JWKS source configured"
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Time: time.Now()}, 0); err != nil {
		return http.StatusUnauthorized, "Key not authorized: token has expired"
	}
	identityField, _ := api["jwt_identity_base_field"].(string)
	if identityField == "" {
		identityField = "sub"
	}
	identity := fmt.Sprint(claims[identityField])

	policyIDs := g.policiesFor(api, claims)
	if len(policyIDs) == 0 {
		return http.StatusForbidden, "key not authorized: no matching policy found"
	}
	return g.applyPolicies(api, identity, policyIDs)
}

// scopeClaimName and mapping follow the Gateway: scopes.jwt when `scopes`
// is set, else the deprecated fields; the claim defaults to "scope".
func scopeConfig(api store.Doc) (string, map[string]any) {
	if scopes, ok := api["scopes"].(map[string]any); ok && len(scopes) > 0 {
		jwtCfg, _ := scopes["jwt"].(map[string]any)
		name, _ := jwtCfg["scope_claim_name"].(string)
		m, _ := jwtCfg["scope_to_policy"].(map[string]any)
		if name == "" {
			name = "scope"
		}
		return name, m
	}
	name, _ := api["jwt_scope_claim_name"].(string)
	if name == "" {
		name = "scope"
	}
	m, _ := api["jwt_scope_to_policy_mapping"].(map[string]any)
	return name, m
}

func tokenScopes(claims map[string]any, name string) []string {
	var v any = claims
	for _, part := range strings.Split(name, ".") { // nested claims: "realm_access.scopes"
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	switch t := v.(type) {
	case string:
		return strings.Fields(t)
	case []any:
		var out []string
		for _, s := range t {
			out = append(out, fmt.Sprint(s))
		}
		return out
	}
	return nil
}

// policiesFor returns mapped policies for the token's scopes, else the
// API's default policies (mapped scopes drop the default policy).
func (g *Gateway) policiesFor(api store.Doc, claims map[string]any) []string {
	claimName, mapping := scopeConfig(api)
	seen := map[string]bool{}
	var ids []string
	for _, s := range tokenScopes(claims, claimName) {
		if pid, ok := mapping[s].(string); ok && !seen[pid] {
			seen[pid] = true
			ids = append(ids, pid)
		}
	}
	if len(ids) > 0 {
		return ids
	}
	defaults, _ := api["jwt_default_policies"].([]any)
	for _, d := range defaults {
		ids = append(ids, fmt.Sprint(d))
	}
	return ids
}

func (g *Gateway) policy(id string) (store.Doc, bool) {
	if p, ok := g.st.Policies.Get(id); ok {
		return p, true
	}
	for _, p := range g.st.Policies.List() {
		if p["id"] == id && id != "" {
			return p, true
		}
	}
	return nil, false
}

func num(v any) float64 {
	switch t := v.(type) {
	case json.Number:
		f, _ := t.Float64()
		return f
	case float64:
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	}
	return 0
}

// applyPolicies combines the policies into one session: the ACL comes from
// policies with the ACL partition (or unpartitioned), limits from those with
// the rate-limit/quota partitions (or unpartitioned), the most permissive
// limit winning. A session needs both an ACL for this API and limits: a
// product policy alone (ACL only) grants no allowance, which is why Tyk's
// DCR guide has consumers request the product and the plan scope together.
func (g *Gateway) applyPolicies(api store.Doc, identity string, ids []string) (int, string) {
	apiID, _ := api["api_id"].(string)
	acl, limited := false, false
	rate, per := -2.0, 0.0
	quota, renew := -2.0, 0.0
	for _, id := range ids {
		p, ok := g.policy(id)
		if !ok {
			continue
		}
		if state, _ := p["state"].(string); state != "" && state != "active" {
			continue
		}
		parts, _ := p["partitions"].(map[string]any)
		pACL, _ := parts["acl"].(bool)
		pQuota, _ := parts["quota"].(bool)
		pRate, _ := parts["rate_limit"].(bool)
		partitioned := pACL || pQuota || pRate
		if !partitioned || pACL {
			if rights, _ := p["access_rights"].(map[string]any); rights != nil {
				if _, ok := rights[apiID]; ok {
					acl = true
				}
			}
		}
		if !partitioned || pRate {
			limited = true
			r, pr := num(p["rate"]), num(p["per"])
			if r < 0 || rate == -1 {
				rate, per = -1, 0
			} else if pr > 0 && (rate == -2 || r/pr > rate/per) {
				rate, per = r, pr
			}
		}
		if !partitioned || pQuota {
			limited = true
			q, qr := num(p["quota_max"]), num(p["quota_renewal_rate"])
			if q < 0 || quota == -1 {
				quota, renew = -1, 0
			} else if quota == -2 || q > quota {
				quota, renew = q, qr
			}
		}
	}
	if !acl {
		return http.StatusForbidden, "Access to this API has been disallowed"
	}
	if !limited {
		return http.StatusForbidden, "Access to this API has been disallowed: no policy grants a rate limit or quota"
	}
	if rate > 0 && !g.allow("rate|"+apiID+"|"+identity, int(rate), time.Duration(per*float64(time.Second))) {
		return http.StatusTooManyRequests, "Rate limit exceeded"
	}
	if quota >= 0 && !g.allow("quota|"+apiID+"|"+identity, int(quota), time.Duration(renew*float64(time.Second))) {
		return http.StatusForbidden, "Quota exceeded"
	}
	return 0, ""
}

// allow is a fixed-window counter.
func (g *Gateway) allow(k string, limit int, period time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	w, ok := g.counters[k]
	now := time.Now()
	if !ok || (period > 0 && now.Sub(w.start) >= period) {
		w = &window{start: now}
		g.counters[k] = w
	}
	if w.count >= limit {
		return false
	}
	w.count++
	return true
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
