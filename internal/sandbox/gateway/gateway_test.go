package gateway

import "testing"

func TestTokenScopesStringArrayNested(t *testing.T) {
	claims := map[string]any{
		"scope": "a b", "scp": []any{"c", "d"},
		"realm": map[string]any{"scopes": []any{"e"}},
	}
	for name, want := range map[string][]string{"scope": {"a", "b"}, "scp": {"c", "d"}, "realm.scopes": {"e"}, "none": nil} {
		got := tokenScopes(claims, name)
		if len(got) != len(want) {
			t.Fatalf("%s: %v", name, got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: %v", name, got)
			}
		}
	}
}

func TestScopeConfigPrefersScopesSection(t *testing.T) {
	api := map[string]any{
		"jwt_scope_claim_name":        "legacy",
		"jwt_scope_to_policy_mapping": map[string]any{"old": "p0"},
		"scopes":                      map[string]any{"jwt": map[string]any{"scope_claim_name": "scp", "scope_to_policy": map[string]any{"new": "p1"}}},
	}
	name, m := scopeConfig(api)
	if name != "scp" || m["new"] != "p1" || m["old"] != nil {
		t.Fatalf("%s %v", name, m)
	}
	delete(api, "scopes")
	name, m = scopeConfig(api)
	if name != "legacy" || m["old"] != "p0" {
		t.Fatalf("deprecated fallback: %s %v", name, m)
	}
}

func TestAllowFixedWindow(t *testing.T) {
	g := New(nil)
	for i := 0; i < 3; i++ {
		if !g.allow("k", 3, 0) {
			t.Fatalf("request %d refused", i)
		}
	}
	if g.allow("k", 3, 0) {
		t.Fatal("4th request allowed with a limit of 3")
	}
}
