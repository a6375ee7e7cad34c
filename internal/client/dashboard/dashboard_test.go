package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// fakeDashboard holds one API definition (api_id "a1") as raw JSON and
// answers GET/PUT /api/apis/a1 as the Dashboard does; anything else is the
// Dashboard's 400 for an unknown API. puts counts the PUTs.
type fakeDashboard struct {
	mu   sync.Mutex
	def  map[string]any
	puts int
}

func (f *fakeDashboard) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		switch {
		case r.URL.Path == "/api/apis/a1" && r.Method == http.MethodGet:
			_ = json.NewEncoder(w).Encode(map[string]any{"api_definition": f.def})
		case r.URL.Path == "/api/apis/a1" && r.Method == http.MethodPut:
			f.puts++
			b, _ := io.ReadAll(r.Body)
			var body struct {
				APIDefinition map[string]any `json:"api_definition"`
			}
			if err := json.Unmarshal(b, &body); err != nil {
				t.Errorf("PUT body: %v", err)
			}
			f.def = body.APIDefinition
			_, _ = w.Write([]byte(`{"Status":"OK","Message":"API updated","Meta":null}`))
		case strings.HasPrefix(r.URL.Path, "/api/portal/policies/") && r.Method == http.MethodGet:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"Status":"Error","Message":"Invalid policy ID.","Meta":null}`))
		default:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"Status":"Error","Message":"Could not retrieve API detail","Meta":null}`))
		}
	}
}

func newFake(t *testing.T, mapping map[string]any) (*Client, *fakeDashboard) {
	t.Helper()
	f := &fakeDashboard{def: map[string]any{
		"api_id": "a1", "name": "a", "unmanaged_field": "kept",
		"scopes":                      map[string]any{"jwt": map[string]any{"scope_claim_name": "scp", "scope_to_policy": mapping}},
		"jwt_scope_to_policy_mapping": mapping,
	}}
	srv := httptest.NewServer(f.handler(t))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Plane: "Tyk Dashboard", BaseURL: srv.URL, Token: "dashboard-test-token", MaxRetries: -1, RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return New(c), f
}

func TestSetOwnedScopeMappings(t *testing.T) {
	ctx := context.Background()
	d, f := newFake(t, map[string]any{"other": "p-other", "mine": "p-old"})
	got, err := d.SetOwnedScopeMappings(ctx, "a1", map[string]string{"mine": "p-old"}, map[string]string{"mine2": "p-new"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["other"] != "p-other" || got["mine2"] != "p-new" {
		t.Fatalf("stored mapping %v: want other kept, mine replaced by mine2", got)
	}
	jwt := f.def["scopes"].(map[string]any)["jwt"].(map[string]any)                                                                                //nolint:forcetypeassert // the fake's own shape
	if f.def["unmanaged_field"] != "kept" || jwt["scope_claim_name"] != "scp" || len(f.def["jwt_scope_to_policy_mapping"].(map[string]any)) != 2 { //nolint:forcetypeassert // the fake's own shape
		t.Fatalf("fields around the mapping changed: %v", f.def)
	}
	// Another writer maps a scope of want elsewhere: a conflict, nothing written.
	puts := f.puts
	_, err = d.SetOwnedScopeMappings(ctx, "a1", nil, map[string]string{"other": "p-mine"})
	var conflict *MappingConflictError
	if !errors.As(err, &conflict) || !strings.Contains(conflict.Error(), `scope "other" is mapped to policy p-other`) || f.puts != puts {
		t.Fatalf("conflict: %v (puts %d → %d)", err, puts, f.puts)
	}
	// Removal takes only the entries still as this owner wrote them.
	if err := d.RemoveOwnedScopeMappings(ctx, "a1", map[string]string{"mine2": "p-new", "other": "p-changed"}); err != nil {
		t.Fatal(err)
	}
	if got := f.def["jwt_scope_to_policy_mapping"].(map[string]any); len(got) != 1 || got["other"] != "p-other" { //nolint:forcetypeassert // the fake's own shape
		t.Fatalf("after removal: %v", got)
	}
}

func TestMissingObjectsAreNotFound(t *testing.T) {
	d, _ := newFake(t, nil)
	if _, err := d.GetAPI(context.Background(), "nope"); !client.IsNotFound(err) {
		t.Errorf("GET of an unknown API (400 Could not retrieve API detail): %v, want not found", err)
	}
	if _, err := d.GetPolicy(context.Background(), "not-an-id"); !client.IsNotFound(err) {
		t.Errorf("GET of a malformed policy id (400 Invalid policy ID.): %v, want not found", err)
	}
}

func TestPolicyStatusAndJWKS(t *testing.T) {
	for _, s := range []string{"active", "draft", "deny"} {
		var p Policy
		p.SetStatus(s)
		if p.Status() != s {
			t.Errorf("SetStatus(%q) reads back as %q", s, p.Status())
		}
	}
	def := NewClassicAPI("x")
	def.SetJWKSURL("https://idp/jwks")
	if u, ok := def.JWKSURL(); !ok || u != "https://idp/jwks" || def.JWTSource == "https://idp/jwks" {
		t.Errorf("JWKS URL round trip: %q %v (source %q must be base64)", u, ok, def.JWTSource)
	}
	if m := def.ScopeMapping(); m == nil || len(m) != 0 {
		t.Errorf("a new Classic API has mapping %v, want an empty one", m)
	}
}

// A refresh's read is shared with the checks (GetAPIOnce, APIViewOnce);
// a write through the client drops it, and a read-modify-write reads
// afresh.
func TestObjectsReadOncePerRunAndDroppedByWrites(t *testing.T) {
	ctx := context.Background()
	var gets int
	_, f := newFake(t, map[string]any{"s": "p1"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets++
		}
		f.handler(t)(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Plane: "Tyk Dashboard", BaseURL: srv.URL, Token: "dashboard-test-token", MaxRetries: -1, RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	d := New(c)
	if _, err := d.GetAPIOnce(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	if v, err := d.APIViewOnce(ctx, "a1"); err != nil || v.ScopeMapping()["s"] != "p1" {
		t.Fatalf("APIViewOnce = %v, %v", v, err)
	}
	if gets != 1 {
		t.Fatalf("%d GETs for a refresh and a check of one API, want 1", gets)
	}
	if _, err := d.SetOwnedScopeMappings(ctx, "a1", nil, map[string]string{"t": "p2"}); err != nil {
		t.Fatal(err)
	}
	if gets != 2 {
		t.Fatalf("the read-modify-write read %d times, want a fresh GET", gets-1)
	}
	v, err := d.APIViewOnce(ctx, "a1")
	if err != nil || v.ScopeMapping()["t"] != "p2" || gets != 3 {
		t.Fatalf("after the write: view %v (%v), %d GETs; want the new mapping from a new GET", v, err, gets)
	}
	// A failed read is not kept.
	if _, err := d.GetAPIOnce(ctx, "nope"); !client.IsNotFound(err) {
		t.Fatal(err)
	}
	if _, err := d.GetAPIOnce(ctx, "nope"); !client.IsNotFound(err) || gets != 5 {
		t.Fatalf("%v after %d GETs: a failed read must be retried", err, gets)
	}
}
