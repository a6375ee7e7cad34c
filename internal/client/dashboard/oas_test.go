package dashboard

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

const testOAS = `{
  "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
  "tags": [{"name": "kept"}],
  "components": {"securitySchemes": {"jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                                     "other": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
  "security": [{"jwtAuth": []}, {"other": []}],
  "x-tyk-api-gateway": {
    "info": {"id": "o1", "name": "oas", "state": {"active": true}},
    "upstream": {"url": "http://up"},
    "server": {"listenPath": {"value": "/oas/", "strip": true},
      "authentication": {"enabled": true, "securitySchemes": {"jwtAuth": {"enabled": true, "signingMethod": "rsa",
        "source": "aHR0cDovL2lkcC9qd2tz", "defaultPolicies": ["noop"], "customClaimValidation": {"x": 1},
        "scopes": {"claimName": "scp", "scopeToPolicyMapping": [{"scope": "b", "policyId": "p2"}, {"scope": "a", "policyId": "p1"}]}}}}},
    "middleware": {"global": {"cors": {"enabled": true}}}
  }
}`

func parsed(t *testing.T) *OASAPI {
	t.Helper()
	o, err := ParseOAS([]byte(testOAS))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The Gateway's reading of an OAS definition: the JWT scheme of the first
// security requirement, its mapping, and the classic view the checks use.
func TestOASView(t *testing.T) {
	o := parsed(t)
	if name, ok := o.JWTSchemeName(); !ok || name != "jwtAuth" {
		t.Fatalf("JWT scheme: %q %v", name, ok)
	}
	if got := o.ScopeMapping(); !reflect.DeepEqual(got, map[string]string{"a": "p1", "b": "p2"}) {
		t.Errorf("mapping %v", got)
	}
	v := o.ClassicView("o1")
	if !v.IsOAS || !v.EnableJWT || v.UseKeyless || v.Proxy.ListenPath != "/oas/" || v.ScopeClaimName() != "scp" ||
		!reflect.DeepEqual(v.JWTDefaultPolicies, []string{"noop"}) || v.ScopeMapping()["a"] != "p1" {
		t.Errorf("classic view %+v", v)
	}
	if u, ok := v.JWKSURL(); !ok || u != "http://idp/jwks" {
		t.Errorf("JWKS URL %q", u)
	}
	// Not in the first requirement: not the Gateway's JWT scheme.
	o.Doc["security"] = []any{map[string]any{"other": []any{}}, map[string]any{"jwtAuth": []any{}}}
	if _, ok := o.JWTSchemeName(); ok || o.ClassicView("o1").EnableJWT {
		t.Error("a JWT scheme outside the first security requirement is not used by the Gateway")
	}
	if err := o.SetScopeMapping(map[string]string{"x": "y"}); err == nil {
		t.Error("writing a mapping without a JWT scheme must fail")
	}
}

// SetJWT keeps what it does not manage (the mapping, other settings of the
// scheme, other schemes and requirements); SetScopeMapping writes the
// Gateway's sorted array; OpenAPIPart is the description without the
// extension and the managed scheme.
func TestOASWrites(t *testing.T) {
	o := parsed(t)
	o.SetJWT("jwtAuth", JWT{SigningMethod: "rsa", Source: JWKSSource("http://idp2/jwks"), IdentityBaseField: "sub", PolicyFieldName: "pol",
		ScopeClaimName: "scope"}, nil)
	j, _ := o.JWT("jwtAuth")
	if j.ScopeClaimName != "scope" || !reflect.DeepEqual(j.DefaultPolicies, []string{"noop"}) {
		t.Errorf("SetJWT with unmanaged defaults: %+v", j)
	}
	s := object(o.Doc, false, TykExtension, "server", "authentication", "securitySchemes", "jwtAuth")
	if s["customClaimValidation"] == nil || len(o.ScopeMapping()) != 2 {
		t.Errorf("SetJWT dropped unmanaged settings: %v", s)
	}
	if sec, _ := o.Doc["security"].([]any); len(sec) != 2 || !reflect.DeepEqual(sec[0], map[string]any{"jwtAuth": []any{}}) {
		t.Errorf("security %v", o.Doc["security"])
	}
	if err := o.SetScopeMapping(map[string]string{"z": "p3", "a": "p1"}); err != nil {
		t.Fatal(err)
	}
	got := object(s, false, "scopes")["scopeToPolicyMapping"]
	want := []any{map[string]any{"scope": "a", "policyId": "p1"}, map[string]any{"scope": "z", "policyId": "p3"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scopeToPolicyMapping %v", got)
	}
	part := o.OpenAPIPart("jwtAuth")
	if part[TykExtension] != nil || object(part, false, "components", "securitySchemes", "jwtAuth") != nil ||
		object(part, false, "components", "securitySchemes", "other") == nil || part["tags"] == nil {
		t.Errorf("OpenAPI part %v", part)
	}
	if sec, _ := part["security"].([]any); len(sec) != 1 {
		t.Errorf("OpenAPI part security %v", part["security"])
	}
	if o.Doc[TykExtension] == nil || object(o.Doc, false, "components", "securitySchemes", "jwtAuth") == nil {
		t.Error("OpenAPIPart changed the document")
	}
}

// Mapping writes find out whether an API is Classic or OAS: an OAS API is
// written through /api/apis/oas whether the classic endpoint shows it
// (is_oas) or does not know it.
func TestScopeMappingsOnOASAPIs(t *testing.T) {
	for name, classicKnowsIt := range map[string]bool{"listed with is_oas": true, "unknown to the classic endpoint": false} {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			doc := parsed(t).Doc
			oasPuts, classicPuts := 0, 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case r.URL.Path == "/api/apis/o1" && r.Method == http.MethodGet && classicKnowsIt:
					_ = json.NewEncoder(w).Encode(map[string]any{"api_definition": map[string]any{"api_id": "o1", "is_oas": true}})
				case r.URL.Path == "/api/apis/o1" && r.Method == http.MethodPut:
					classicPuts++
					w.WriteHeader(http.StatusBadRequest)
				case r.URL.Path == "/api/apis/oas/o1" && r.Method == http.MethodGet:
					_ = json.NewEncoder(w).Encode(doc)
				case r.URL.Path == "/api/apis/oas/o1" && r.Method == http.MethodPut:
					oasPuts++
					b, _ := io.ReadAll(r.Body)
					doc = map[string]any{}
					_ = json.Unmarshal(b, &doc)
					_, _ = w.Write([]byte(`{"Status":"OK","Message":"API updated.","Meta":null}`))
				default:
					w.WriteHeader(http.StatusBadRequest)
					_, _ = w.Write([]byte(`{"Status":"Error","Message":"Could not retrieve API detail","Meta":null}`))
				}
			}))
			defer srv.Close()
			c, err := client.New(client.Config{Plane: "Tyk Dashboard", BaseURL: srv.URL, Token: "unit-test-token", MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			d := New(c)
			got, err := d.SetOwnedScopeMappings(context.Background(), "o1", map[string]string{"a": "p1"}, map[string]string{"a": "p9", "c": "p3"})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]string{"a": "p9", "b": "p2", "c": "p3"}; !reflect.DeepEqual(got, want) || oasPuts != 1 || classicPuts != 0 {
				t.Errorf("mapping %v (want %v), %d OAS PUTs, %d classic PUTs", got, want, oasPuts, classicPuts)
			}
			if _, err := d.SetOwnedScopeMappings(context.Background(), "o1", nil, map[string]string{"b": "other"}); err == nil {
				t.Error("a scope another writer maps elsewhere must be a conflict")
			}
			if err := d.RemoveOwnedScopeMappings(context.Background(), "o1", map[string]string{"a": "p9", "b": "not-mine"}); err != nil {
				t.Fatal(err)
			}
			view, err := d.APIView(context.Background(), "o1")
			if err != nil {
				t.Fatal(err)
			}
			if classicKnowsIt {
				// The classic endpoint's answer is the view (this fake's has no mapping).
				return
			}
			if got := view.ScopeMapping(); !reflect.DeepEqual(got, map[string]string{"b": "p2", "c": "p3"}) {
				t.Errorf("after removal: %v", got)
			}
		})
	}
}
