package gateway

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// idp serves a JWKS and signs tokens like Hydra's client_credentials
// tokens (RS256, kid, sub = client_id, scopes in the `scp` array).
type idp struct {
	mu   sync.Mutex
	key  *rsa.PrivateKey
	kid  string
	jwks *httptest.Server
}

func newIdP(t *testing.T) *idp {
	t.Helper()
	i := &idp{}
	i.rotate(t, "kid-1")
	i.jwks = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i.mu.Lock()
		defer i.mu.Unlock()
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &i.key.PublicKey, KeyID: i.kid, Algorithm: "RS256", Use: "sig"}}}
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(i.jwks.Close)
	return i
}

func (i *idp) rotate(t *testing.T, kid string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	i.mu.Lock()
	i.key, i.kid = k, kid
	i.mu.Unlock()
}

func (i *idp) token(t *testing.T, claims map[string]any) string {
	t.Helper()
	i.mu.Lock()
	defer i.mu.Unlock()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: i.key}, (&jose.SignerOptions{}).WithHeader("kid", i.kid).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type fixture struct {
	st  *store.Store
	g   *Gateway
	idp *idp
	now time.Time
}

// newFixture loads what examples/dcr-dashboard-first writes, as recorded in
// ../shared/tyk-recordings/gateway-5.12.1-dcr.md: the Payments API (JWT,
// JWKS source, default policy No-Op, scope claim scp, both mapping forms),
// the product policy {acl}, the plan policy {rate_limit, quota} 5/1 s and
// 1000/3600 s, and the No-Op policy with the provider's default limits (-1).
// The three policies carry the same last_updated, as Terraform creates them
// within one second (the in-memory rate limiter's bucket key includes it).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{st: store.New(), idp: newIdP(t), now: time.Now().Truncate(time.Second)}
	f.g = New(f.st, nil)
	f.g.Now = func() time.Time { return f.now }
	upstream := httptest.NewServer(Echo())
	t.Cleanup(upstream.Close)
	src := base64.StdEncoding.EncodeToString([]byte(f.idp.jwks.URL + "/.well-known/jwks.json"))
	mapping := map[string]any{"free_plan": "000000000000000000000002", "product_payments": "000000000000000000000001"}
	f.st.APIs.Put("payments", store.Doc{
		"api_id": "payments", "name": "Payments", "active": true, "enable_jwt": true, "jwt_signing_method": "rsa",
		"jwt_source": src, "jwt_identity_base_field": "sub", "jwt_policy_field_name": "pol",
		"jwt_default_policies": []any{"000000000000000000000003"}, "jwt_scope_claim_name": "scp",
		"jwt_scope_to_policy_mapping": mapping,
		"scopes":                      map[string]any{"jwt": map[string]any{"scope_claim_name": "scp", "scope_to_policy": mapping}},
		"proxy":                       map[string]any{"listen_path": "/payments/", "strip_listen_path": true, "target_url": upstream.URL},
	})
	f.st.APIs.Put("noop", store.Doc{
		"api_id": "noop", "name": "No-Op", "active": true, "enable_jwt": true, "jwt_signing_method": "rsa", "jwt_source": src,
		"proxy": map[string]any{"listen_path": "/noop/", "target_url": upstream.URL},
	})
	f.policy("000000000000000000000001", "payments", map[string]any{"acl": true}, -1, -1, -1, -1)
	f.policy("000000000000000000000002", "payments", map[string]any{"rate_limit": true, "quota": true}, 5, 1, 1000, 3600)
	f.policy("000000000000000000000003", "noop", map[string]any{}, -1, -1, -1, -1)
	return f
}

// hydraToken is a client_credentials token as Hydra v2.3.0 issues it
// (../shared/reference/idp-dcr.md §2.8), issued now on the fixture's clock.
func (f *fixture) hydraToken(t *testing.T, clientID string, scopes ...string) string {
	now := f.now.Unix()
	scp := []any{}
	for _, s := range scopes {
		scp = append(scp, s)
	}
	return f.idp.token(t, map[string]any{"sub": clientID, "client_id": clientID, "scp": scp, "iat": now, "nbf": now, "exp": now + 3600, "aud": []any{}})
}

func (f *fixture) policy(id, apiID string, parts map[string]any, rate, per float64, quota, renew int64) {
	partitions := map[string]any{"acl": false, "quota": false, "rate_limit": false, "complexity": false, "per_api": false}
	for k, v := range parts {
		partitions[k] = v
	}
	f.st.Policies.Put(id, store.Doc{
		"_id": id, "id": "", "name": id, "active": true, "is_inactive": false, "last_updated": "1800000000",
		"rate": json.Number(fmt.Sprint(rate)), "per": json.Number(fmt.Sprint(per)),
		"quota_max": json.Number(fmt.Sprint(quota)), "quota_renewal_rate": json.Number(fmt.Sprint(renew)),
		"partitions":    partitions,
		"access_rights": map[string]any{apiID: map[string]any{"api_id": apiID, "versions": []any{"Default"}}},
	})
}

func (f *fixture) call(t *testing.T, path, token string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	f.g.ServeHTTP(w, r)
	f.now = f.now.Add(10 * time.Millisecond) // calls made back to back
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b)
}

// burst sends 8 calls back to back, as the recording did, after a Redis
// flush, and returns the statuses and the last body.
func (f *fixture) burst(t *testing.T, token string) (string, string) {
	t.Helper()
	f.g.FlushRedis()
	var codes []string
	var body string
	for range 8 {
		code, b := f.call(t, "/payments/get", token)
		codes = append(codes, fmt.Sprint(code))
		body = b
	}
	return strings.Join(codes, " "), body
}

func errorText(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body is not {\"error\": ...}: %q", body)
	}
	return e.Error
}

// The three rows of the recording's configurations, each with the columns
// `product+plan`, `product` only, `plan` only: statuses of 8 calls and the
// error text.
func TestRecordedTables(t *testing.T) {
	const allOK, fiveThen429, all429, all403 = "200 200 200 200 200 200 200 200",
		"200 200 200 200 200 429 429 429", "429 429 429 429 429 429 429 429", "403 403 403 403 403 403 403 403"
	floor := func(f *fixture, id, apiID string, parts map[string]any) {
		f.policy(id, apiID, parts, 1, 3600, 1, 31536000)
	}
	for _, row := range []struct {
		name                   string
		setup                  func(*fixture)
		both, product, planSeq string
	}{
		{"as the provider writes it", func(*fixture) {}, fiveThen429, allOK, all403},
		{"product policy with floor limits", func(f *fixture) {
			floor(f, "000000000000000000000001", "payments", map[string]any{"acl": true, "rate_limit": true, "quota": true})
		}, fiveThen429, all429, all403},
		{"No-Op default policy with floor limits", func(f *fixture) {
			floor(f, "000000000000000000000003", "noop", map[string]any{})
		}, fiveThen429, all429, all403},
	} {
		t.Run(row.name, func(t *testing.T) {
			f := newFixture(t)
			row.setup(f)
			got, _ := f.burst(t, f.hydraToken(t, "client-1", "product_payments", "free_plan"))
			if got != row.both {
				t.Errorf("product+plan: %s, recorded %s", got, row.both)
			}
			got, body := f.burst(t, f.hydraToken(t, "client-1", "product_payments"))
			if got != row.product {
				t.Errorf("product only: %s, recorded %s", got, row.product)
			}
			if row.product == all429 && errorText(t, body) != "Rate Limit Exceeded" {
				t.Errorf("product only: %q", body)
			}
			got, body = f.burst(t, f.hydraToken(t, "client-1", "free_plan"))
			if got != row.planSeq || errorText(t, body) != "key not authorized: could not apply several policies" {
				t.Errorf("plan only: %s %q, recorded %s and \"key not authorized: could not apply several policies\"", got, body, row.planSeq)
			}
			code, body := f.call(t, "/payments/get", "")
			if code != 400 || errorText(t, body) != "Authorization field missing" {
				t.Errorf("no Authorization header: %d %q", code, body)
			}
		})
	}
}

// TestRecordingFileAgrees reads the recording, when present, and checks that
// the table rows above are the ones it shows (skipped without ../shared).
func TestRecordingFileAgrees(t *testing.T) {
	wd, _ := os.Getwd()
	var b []byte
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "..", "shared", "tyk-recordings", "gateway-5.12.1-dcr.md")); err == nil {
			b = data
			break
		}
	}
	if b == nil {
		t.Skip("../shared/tyk-recordings not present")
	}
	text := string(b)
	for _, want := range []string{
		"`200 200 200 200 200 429 429 429`",
		"**200; 8 calls: all 200 — no rate limit, no quota: the plan is bypassed**",
		"403 `{\"error\": \"key not authorized: could not apply several policies\"}`",
		"400 `{\"error\": \"Authorization field missing\"}`",
		"| as the provider writes it today | 5×200, then 429 | **8×200 (unlimited)** | 8×403 |",
		"| 5×200, then 429 (the plan's more generous limits win) | 8×429 | 8×403 |",
		"| No Operation default policy gets the same floor limits (product policy unchanged) | 5×200, then 429 | 8×429 | 8×403 |",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the recording no longer says %q: update TestRecordedTables", want)
		}
	}
}

func TestScopesNoneMappedIsRefused(t *testing.T) {
	f := newFixture(t)
	code, body := f.call(t, "/payments/get", f.hydraToken(t, "c", "unknown_scope"))
	if code != 403 || errorText(t, body) != "key not authorized: no matching policy found in scope claim" {
		t.Fatalf("%d %q", code, body)
	}
	// No scope claim at all: the default (No-Op) policy applies, which does
	// not grant the Payments API.
	code, body = f.call(t, "/payments/get", f.idp.token(t, map[string]any{"sub": "c2", "exp": f.now.Unix() + 60}))
	if code != 403 || errorText(t, body) != "Access to this API has been disallowed" {
		t.Fatalf("no scope claim: %d %q", code, body)
	}
}

func TestIdentityClaimRequired(t *testing.T) {
	f := newFixture(t)
	code, body := f.call(t, "/payments/get", f.idp.token(t, map[string]any{"scp": []any{"product_payments", "free_plan"}, "exp": f.now.Unix() + 60}))
	if code != 403 || errorText(t, body) != "no suitable claims for user ID were found" {
		t.Fatalf("%d %q", code, body)
	}
}

func TestAuthorizationForwardedUpstream(t *testing.T) {
	f := newFixture(t)
	tok := f.hydraToken(t, "c", "product_payments", "free_plan")
	code, body := f.call(t, "/payments/get?x=1", tok)
	if code != 200 || !strings.Contains(body, "Bearer "+tok) {
		t.Fatalf("%d %s", code, body)
	}
}

func TestJWKSCachedWithoutEarlyRefetch(t *testing.T) {
	f := newFixture(t)
	if code, _ := f.call(t, "/payments/get", f.hydraToken(t, "c", "product_payments", "free_plan")); code != 200 {
		t.Fatalf("first call: %d", code)
	}
	f.idp.rotate(t, "kid-2") // the IdP rotates its signing key
	tok := f.hydraToken(t, "c", "product_payments", "free_plan")
	if code, body := f.call(t, "/payments/get", tok); code != 403 || errorText(t, body) != "Key not authorized" {
		t.Fatalf("new kid before the cache expires: %d %q", code, body)
	}
	f.now = f.now.Add(JWKSCacheTTL)
	if code, body := f.call(t, "/payments/get", tok); code != 200 {
		t.Fatalf("new kid after %s: %d %q", JWKSCacheTTL, code, body)
	}
}

func TestQuotaAndExpiry(t *testing.T) {
	f := newFixture(t)
	f.policy("000000000000000000000002", "payments", map[string]any{"rate_limit": true, "quota": true}, 100, 1, 2, 3600)
	tok := f.hydraToken(t, "c", "product_payments", "free_plan")
	for i, want := range []int{200, 200, 403} {
		code, body := f.call(t, "/payments/get", tok)
		if code != want || (want == 403 && errorText(t, body) != "Quota exceeded") {
			t.Fatalf("call %d: %d %q", i+1, code, body)
		}
	}
	f.now = f.now.Add(3601 * time.Second)
	if code, _ := f.call(t, "/payments/get", f.hydraToken(t, "c", "product_payments", "free_plan")); code != 200 {
		t.Fatalf("after the renewal: %d", code)
	}
	expired := f.idp.token(t, map[string]any{"sub": "c", "scp": []any{"product_payments", "free_plan"}, "exp": f.now.Unix() - 1})
	if code, body := f.call(t, "/payments/get", expired); code != 401 || errorText(t, body) != "Key not authorized: token has expired" {
		t.Fatalf("expired token: %d %q", code, body)
	}
}

func TestSigningMethodAndSignature(t *testing.T) {
	f := newFixture(t)
	hs, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")}, (&jose.SignerOptions{}).WithHeader("kid", "kid-1"))
	tok, _ := jwt.Signed(hs).Claims(map[string]any{"sub": "c"}).Serialize()
	if code, body := f.call(t, "/payments/get", tok); code != 403 || errorText(t, body) != "Key not authorized: Unexpected signing method" {
		t.Fatalf("HS256 on an RSA API: %d %q", code, body)
	}
	other := newIdP(t)
	if code, body := f.call(t, "/payments/get", other.token(t, map[string]any{"sub": "c", "scp": []any{"product_payments"}})); code != 403 || errorText(t, body) != "Key not authorized" {
		t.Fatalf("foreign key: %d %q", code, body)
	}
}

func TestIDPClientIDMappingWarning(t *testing.T) {
	f := newFixture(t)
	f.call(t, "/payments/get", f.hydraToken(t, "c", "product_payments", "free_plan"))
	if len(f.g.Warnings()) != 1 {
		t.Fatalf("warnings without idp_client_id_mapping_disabled: %v", f.g.Warnings())
	}
	api, _ := f.st.APIs.Get("payments")
	api["idp_client_id_mapping_disabled"] = true
	f.st.APIs.Put("payments", api)
	f.call(t, "/payments/get", f.hydraToken(t, "c", "product_payments", "free_plan"))
	if len(f.g.Warnings()) != 1 {
		t.Fatalf("warned with idp_client_id_mapping_disabled: %v", f.g.Warnings())
	}
}

func TestNoDefaultPolicyNoScope(t *testing.T) {
	f := newFixture(t)
	api, _ := f.st.APIs.Get("payments")
	delete(api, "jwt_default_policies")
	f.st.APIs.Put("payments", api)
	tok := f.idp.token(t, map[string]any{"sub": "c", "exp": f.now.Unix() + 60})
	if code, body := f.call(t, "/payments/get", tok); code != 403 || errorText(t, body) != "key not authorized: no matching policy found" {
		t.Fatalf("new session: %d %q", code, body)
	}
	// A session that exists (an earlier call with scopes) and a token
	// without a scope: "no scope or policy in token".
	f.call(t, "/payments/get", f.hydraToken(t, "c", "product_payments", "free_plan"))
	if code, body := f.call(t, "/payments/get", tok); code != 403 || errorText(t, body) != "key not authorized: no scope or policy in token" {
		t.Fatalf("existing session: %d %q", code, body)
	}
}

func TestScopeConfigPrefersScopesSection(t *testing.T) {
	api := map[string]any{
		"jwt_scope_claim_name":        "legacy",
		"jwt_scope_to_policy_mapping": map[string]any{"old": "p0"},
		"scopes":                      map[string]any{"jwt": map[string]any{"scope_claim_name": "scp", "scope_to_policy": map[string]any{"new": "p1"}}},
	}
	name, m := scopeConfig(api)
	if name != "scp" || m["new"] != "p1" || m["old"] != "" {
		t.Fatalf("%s %v", name, m)
	}
	delete(api, "scopes")
	name, m = scopeConfig(api)
	if name != "legacy" || m["old"] != "p0" {
		t.Fatalf("deprecated fallback: %s %v", name, m)
	}
}

func TestScopesFromClaim(t *testing.T) {
	claims := map[string]any{"scope": "a b", "scp": []any{"c", "d"}, "realm": map[string]any{"scopes": []any{"e f"}}}
	for name, want := range map[string]string{"scope": "a,b", "scp": "c,d", "realm.scopes": "e f", "none": ""} {
		if got := strings.Join(scopesFromClaim(claims, name), ","); got != want {
			t.Fatalf("%s: %q", name, got)
		}
	}
}
