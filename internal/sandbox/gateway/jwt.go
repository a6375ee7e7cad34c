package gateway

import (
	"crypto/md5" //nolint:gosec // the Gateway's own key derivation, not a security measure here
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// Messages and statuses of gateway/mw_jwt.go (v5.12.1).
const (
	msgAuthMissing       = "Authorization field missing"                   // ProcessRequest, 400
	msgNotAuthorized     = "Key not authorized"                            // bad signature, unknown kid, 403
	msgUnexpectedSigning = "Key not authorized: Unexpected signing method" // handler_error.go, 403
	msgNoMatchingPolicy  = "key not authorized: no matching policy"        // base policy missing, 403
	msgNoPolicyFound     = "key not authorized: no matching policy found"  // no policy at all, 403
	msgNoScopeMatch      = "key not authorized: no matching policy found in scope claim"
	msgSeveralPolicies   = "key not authorized: could not apply several policies"
	msgNoScopeOrPolicy   = "key not authorized: no scope or policy in token"
	msgNoUserIDClaim     = "no suitable claims for user ID were found" // ErrNoSuitableUserIDClaimFound
)

// httpScheme is mw_jwt.go's httpScheme ("^https?://").
var httpScheme = regexp.MustCompile(`^https?://`)

type jwksEntry struct {
	url     string
	set     *jose.JSONWebKeySet
	fetched time.Time
}

// signing method name → algorithms (assertSigningMethod: RSA accepts
// RSA and RSA-PSS; an empty method defaults to HMAC).
var algs = map[string][]jose.SignatureAlgorithm{
	"rsa":   {jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512},
	"ecdsa": {jose.ES256, jose.ES384, jose.ES512},
	"hmac":  {jose.HS256, jose.HS384, jose.HS512},
	"":      {jose.HS256, jose.HS384, jose.HS512},
}

var allAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.HS256, jose.HS384, jose.HS512, jose.EdDSA}

// authenticateJWT is JWTMiddleware.ProcessRequest followed by
// processCentralisedJWT: a session, or the status and message to answer.
func (g *Gateway) authenticateJWT(r *http.Request, api store.Doc) (*session, int, string) {
	raw := r.Header.Get("Authorization")
	if raw == "" {
		return nil, http.StatusBadRequest, msgAuthMissing
	}
	if len(raw) > 6 && strings.ToUpper(raw[0:7]) == "BEARER " { // stripBearer (mw_auth_key.go)
		raw = raw[7:]
	}
	tok, err := jwt.ParseSigned(raw, allAlgs)
	if err != nil || len(tok.Headers) == 0 {
		return nil, http.StatusForbidden, msgNotAuthorized
	}
	method, _ := api["jwt_signing_method"].(string)
	allowed := false
	for _, a := range algs[method] {
		allowed = allowed || string(a) == tok.Headers[0].Algorithm
	}
	if !allowed {
		return nil, http.StatusForbidden, msgUnexpectedSigning
	}
	key, ok := g.verificationKey(api, tok.Headers[0].KeyID)
	if !ok {
		return nil, http.StatusForbidden, msgNotAuthorized
	}
	claims := map[string]any{}
	if err := tok.Claims(key, &claims); err != nil {
		return nil, http.StatusForbidden, msgNotAuthorized
	}
	if msg := timeValidate(claims, g.Now()); msg != "" {
		return nil, http.StatusUnauthorized, "Key not authorized: " + msg
	}
	return g.centralised(api, claims)
}

// verificationKey is getSecretToVerifySignature → getSecretFromURL for a
// JWKS source: jwt_source is a URL or the base64 of one. The key set is
// cached per API for JWKSCacheTTL; an unknown kid is not refetched early.
// Static keys (PEM, HMAC secrets) are outside the DCR flow and fail.
func (g *Gateway) verificationKey(api store.Doc, kid string) (any, bool) {
	src, _ := api["jwt_source"].(string)
	u := src
	if !httpScheme.MatchString(src) {
		b, err := base64.StdEncoding.DecodeString(src)
		if err != nil || !httpScheme.MatchString(string(b)) {
			return nil, false
		}
		u = string(b)
	}
	if kid == "" { // ErrKIDNotAString
		return nil, false
	}
	apiID, _ := api["api_id"].(string)
	now := g.Now()
	g.mu.Lock()
	e := g.jwks[apiID]
	g.mu.Unlock()
	if e == nil || e.url != u || now.Sub(e.fetched) >= JWKSCacheTTL {
		set, err := g.fetchJWKS(u)
		if err != nil {
			return nil, false
		}
		e = &jwksEntry{url: u, set: set, fetched: now}
		g.mu.Lock()
		g.jwks[apiID] = e
		g.mu.Unlock()
	}
	keys := e.set.Key(kid)
	if len(keys) == 0 { // "No matching KID could be found"
		return nil, false
	}
	return keys[0].Public().Key, true
}

func (g *Gateway) fetchJWKS(u string) (*jose.JSONWebKeySet, error) {
	resp, err := g.http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWKS %s: HTTP %d", u, resp.StatusCode)
	}
	var ks jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&ks); err != nil {
		return nil, err
	}
	return &ks, nil
}

// timeValidate is timeValidateJWTClaims with no skew: exp, iat and nbf are
// optional; the last failing check names the message.
func timeValidate(claims map[string]any, now time.Time) string {
	msg := ""
	unix := now.Unix()
	if exp, ok := claims["exp"]; ok && int64(num(exp)) < unix {
		msg = "token has expired"
	}
	if iat, ok := claims["iat"]; ok && int64(num(iat)) > unix {
		msg = "token used before issued"
	}
	if nbf, ok := claims["nbf"]; ok && int64(num(nbf)) > unix {
		msg = "token is not valid yet"
	}
	return msg
}

// centralised is processCentralisedJWT for a Classic API.
func (g *Gateway) centralised(api store.Doc, claims map[string]any) (*session, int, string) {
	identityField, _ := api["jwt_identity_base_field"].(string)
	identity, ok := userID(claims, identityField)
	if !ok {
		return nil, http.StatusForbidden, msgNoUserIDClaim
	}
	// The virtual session's key: the org and the md5 of the identity
	// (processCentralisedJWT: keyID := md5(baseFieldData)).
	sum := md5.Sum([]byte(identity)) //nolint:gosec // as the Gateway does
	key := hex.EncodeToString(sum[:])
	g.mu.Lock()
	exists := g.sessions[key]
	g.mu.Unlock()

	defaults := stringList(api["jwt_default_policies"])
	basePolicyID, isDefaultPol := "", false
	if field, _ := api["jwt_policy_field_name"].(string); field != "" {
		basePolicyID, _ = claimString(claims, field)
	}
	if basePolicyID == "" && len(defaults) > 0 {
		basePolicyID, isDefaultPol = defaults[0], true
	}
	s := &session{}
	if basePolicyID != "" {
		pol, found := g.policy(basePolicyID)
		if !found {
			return nil, http.StatusForbidden, msgNoMatchingPolicy
		}
		*s = sessionFromPolicy(pol)
		if isDefaultPol {
			for _, id := range defaults {
				if !contains(s.Policies, id) {
					s.Policies = append(s.Policies, id)
				}
			}
		}
		if err := applyPolicies(s, g.policy); err != nil {
			return nil, http.StatusInternalServerError, "failed to create key: " + err.Error()
		}
	}

	if claimName, mapping := scopeConfig(api); len(mapping) > 0 {
		if scopes := scopesFromClaim(claims, claimName); len(scopes) > 0 {
			var ids []string
			if basePolicyID != "" && !isDefaultPol {
				ids = []string{basePolicyID}
			}
			// "If specified, scopes should not use default policy"
			ids = append(ids, mapScopes(mapping, scopes)...)
			if len(ids) == 0 {
				return nil, http.StatusForbidden, msgNoScopeMatch
			}
			s.Policies = ids
			if err := applyPolicies(s, g.policy); err != nil {
				return nil, http.StatusForbidden, msgSeveralPolicies
			}
		} else if basePolicyID == "" && exists {
			return nil, http.StatusForbidden, msgNoScopeOrPolicy
		}
	}
	if basePolicyID == "" && len(defaults) == 0 && len(s.Policies) == 0 {
		return nil, http.StatusForbidden, msgNoPolicyFound
	}
	// Without idp_client_id_mapping_disabled the Gateway looks the token's
	// client id up as one of its own OAuth clients on every request, which
	// fails for an external IdP and logs a warning
	// (processCentralisedJWT, oauthClientIDClaims).
	if off, _ := api["idp_client_id_mapping_disabled"].(bool); !off {
		for _, c := range []string{"clientId", "cid", "client_id"} {
			if v, ok := claims[c].(string); ok && v != "" {
				g.warn("Failed to retrieve OAuth client. For external IDPs, consider disabling IDP client ID mapping for better performance.")
				break
			}
		}
	}
	g.mu.Lock()
	g.sessions[key] = true
	g.mu.Unlock()
	s.key = key
	return s, 0, ""
}

// userID is getUserIDFromClaim with fallback to sub (Classic APIs).
func userID(claims map[string]any, field string) (string, bool) {
	if field != "" {
		if v, ok := claimString(claims, field); ok {
			return v, true
		}
	}
	if sub, ok := claims["sub"].(string); ok && sub != "" {
		return sub, true
	}
	return "", false
}

// claimString is getClaimValue: a literal key first, then a dotted path.
func claimString(claims map[string]any, field string) (string, bool) {
	if v, ok := claims[field].(string); ok && v != "" {
		return v, true
	}
	if strings.Contains(field, ".") {
		if v, ok := nested(claims, strings.Split(field, ".")).(string); ok && v != "" {
			return v, true
		}
	}
	return "", false
}

func nested(m map[string]any, keys []string) any {
	var c any = m
	for _, k := range keys {
		mm, ok := c.(map[string]any)
		if !ok {
			return nil
		}
		c = mm[k]
	}
	return c
}

// scopesFromClaim is getScopeFromClaim / toScopeStringsSlice: a string is
// split on spaces, an array taken item by item; the claim name may be a
// dotted path.
func scopesFromClaim(claims map[string]any, name string) []string {
	var out []string
	var walk func(v any, inArray bool)
	walk = func(v any, inArray bool) {
		switch t := v.(type) {
		case string:
			if inArray {
				out = append(out, t)
			} else {
				out = append(out, strings.Split(t, " ")...)
			}
		case []any:
			for _, x := range t {
				walk(x, true)
			}
		}
	}
	walk(nested(claims, strings.Split(name, ".")), false)
	return out
}

// scopeConfig follows APIDefinition.GetScopeClaimName and
// GetScopeToPolicyMapping (apidef/api_definitions.go): `scopes.jwt` when
// `scopes` is set, else the deprecated fields; the claim defaults to
// "scope" (processCentralisedJWT).
func scopeConfig(api store.Doc) (string, map[string]string) {
	var name string
	var raw map[string]any
	if scopes, ok := api["scopes"].(map[string]any); ok && len(scopes) > 0 {
		jwtCfg, _ := scopes["jwt"].(map[string]any)
		name, _ = jwtCfg["scope_claim_name"].(string)
		raw, _ = jwtCfg["scope_to_policy"].(map[string]any)
	} else {
		name, _ = api["jwt_scope_claim_name"].(string)
		raw, _ = api["jwt_scope_to_policy_mapping"].(map[string]any)
	}
	if name == "" {
		name = "scope"
	}
	m := make(map[string]string, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok {
			m[k] = s
		}
	}
	return name, m
}

// mapScopes is mapScopeToPolicies: each distinct mapped policy once.
func mapScopes(mapping map[string]string, scopes []string) []string {
	var ids []string
	for _, sc := range scopes {
		if id, ok := mapping[sc]; ok && !contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// policy finds a policy the way Gateway ≥ 5.11 indexes them: under its
// custom `id` when set, else under its `_id` (internal/model/policies.go
// EnsurePolicyId). Policies of another organisation are not applied.
func (g *Gateway) policy(id string) (*policy, bool) {
	if id == "" {
		return nil, false
	}
	if d, ok := g.st.Policies.Get(id); ok {
		if custom, _ := d["id"].(string); custom == "" || custom == id {
			return decodePolicy(id, d), true
		}
	}
	for _, d := range g.st.Policies.List() {
		if custom, _ := d["id"].(string); custom == id {
			return decodePolicy(id, d), true
		}
	}
	return nil, false
}

func stringList(v any) []string {
	raw, _ := v.([]any)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
