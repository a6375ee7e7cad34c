package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

// The policy's access rights: a configuration without versions sends
// ["Default"] and reads ["Default"] back as null (no diff); explicit
// versions are kept; an import shows non-default versions only; fields the
// provider does not model survive an update.
func TestPolicyVersionsRules(t *testing.T) {
	ctx := context.Background()
	noVersions := accessModel{APIID: types.StringValue("a1"), APIName: types.StringNull(), Versions: types.ListNull(types.StringType)}
	m := policyModel{
		Name: types.StringValue("p"), State: types.StringValue("active"), Tags: types.SetValueMust(types.StringType, nil),
		MetaData: types.MapValueMust(types.StringType, nil), Partitions: types.ObjectNull(partitionAttrTypes),
		AccessRights: []accessModel{noVersions},
	}
	p := &dashboard.Policy{AccessRights: map[string]dashboard.AccessDefinition{"a1": {APIID: "a1", Extra: client.Extra{"limit": json.RawMessage(`{"rate":5}`)}}}}
	if d := m.toAPI(ctx, p); d.HasError() {
		t.Fatal(d)
	}
	got := p.AccessRights["a1"]
	if len(got.Versions) != 1 || got.Versions[0] != "Default" {
		t.Errorf("versions sent = %v, want [Default]", got.Versions)
	}
	if got.Extra["limit"] == nil {
		t.Error("the per-API limit the provider does not model was dropped")
	}
	if !p.Active || p.IsInactive {
		t.Errorf("state active sent as active=%v is_inactive=%v", p.Active, p.IsInactive)
	}

	back := m
	if d := back.fromAPI(ctx, p); d.HasError() {
		t.Fatal(d)
	}
	if !back.AccessRights[0].Versions.IsNull() {
		t.Errorf("[Default] read back as %v, want null (no diff)", back.AccessRights[0].Versions)
	}

	imported := policyModel{}
	p.AccessRights["a2"] = dashboard.AccessDefinition{APIID: "a2", Versions: []string{"v1", "v2"}}
	if d := imported.fromAPI(ctx, p); d.HasError() {
		t.Fatal(d)
	}
	if !imported.AccessRights[0].Versions.IsNull() || len(imported.AccessRights[1].Versions.Elements()) != 2 {
		t.Errorf("import: versions %v / %v, want null / [v1 v2]", imported.AccessRights[0].Versions, imported.AccessRights[1].Versions)
	}
	for _, tc := range []struct {
		active, inactive bool
		want             string
	}{{true, false, "active"}, {false, false, "draft"}, {true, true, "deny"}} {
		st := policyModel{}
		if d := st.fromAPI(ctx, &dashboard.Policy{Active: tc.active, IsInactive: tc.inactive}); d.HasError() {
			t.Fatal(d)
		}
		if st.State.ValueString() != tc.want {
			t.Errorf("active=%v is_inactive=%v read as %q, want %q", tc.active, tc.inactive, st.State.ValueString(), tc.want)
		}
	}
}

// The API's JWT settings: jwks_url is sent base64-encoded as Tyk stores it;
// jwks_url, source and default policies are reflected only when managed, so
// that the values a Portal writes at approval are not drift; an import
// shows everything.
func TestAPIJWTManagedAndImported(t *testing.T) {
	ctx := context.Background()
	jwt := func(jwks string, defaults types.Set) types.Object {
		j := jwtModel{
			SigningMethod: types.StringValue("rsa"), JWKSURL: types.StringNull(), Source: types.StringNull(),
			IdentityBaseField: types.StringValue(""), PolicyFieldName: types.StringValue(""), DefaultPolicyIDs: defaults,
			ScopeClaimName: types.StringValue("scp"),
		}
		if jwks != "" {
			j.JWKSURL = types.StringValue(jwks)
		}
		return types.ObjectValueMust(jwtAttrTypes, map[string]attr.Value{
			"signing_method": j.SigningMethod, "jwks_url": j.JWKSURL, "source": j.Source, "identity_base_field": j.IdentityBaseField,
			"policy_field_name": j.PolicyFieldName, "default_policy_ids": j.DefaultPolicyIDs, "scope_claim_name": j.ScopeClaimName,
		})
	}
	m := apiModel{Name: types.StringValue("a"), Active: types.BoolValue(true), ListenPath: types.StringValue("/a/"),
		TargetURL: types.StringValue("http://up"), StripListenPath: types.BoolValue(true), Keyless: types.BoolValue(false),
		JWT: jwt("https://idp/jwks", types.SetNull(types.StringType))}
	def := &dashboard.APIDefinition{}
	if d := m.toAPI(ctx, def); d.HasError() {
		t.Fatal(d)
	}
	if want := base64.StdEncoding.EncodeToString([]byte("https://idp/jwks")); def.JWTSource != want || !def.EnableJWT || def.UseKeyless {
		t.Fatalf("sent jwt_source %q enable_jwt %v keyless %v", def.JWTSource, def.EnableJWT, def.UseKeyless)
	}
	if def.ScopeClaimName() != "scp" {
		t.Errorf("scope claim %q", def.ScopeClaimName())
	}
	// A Portal writes default policies at approval: not managed here, not drift.
	def.JWTDefaultPolicies = []string{"portal-written"}
	read := m
	if d := read.fromAPI(ctx, def); d.HasError() {
		t.Fatal(d)
	}
	var j jwtModel
	read.JWT.As(ctx, &j, objectAsOptions)
	if !j.DefaultPolicyIDs.IsNull() || j.JWKSURL.ValueString() != "https://idp/jwks" {
		t.Errorf("managed read: default policies %v (want null), jwks_url %v", j.DefaultPolicyIDs, j.JWKSURL)
	}
	// Import: everything shown.
	imp := apiModel{JWT: types.ObjectNull(jwtAttrTypes)}
	if d := imp.fromAPI(ctx, def); d.HasError() {
		t.Fatal(d)
	}
	imp.JWT.As(ctx, &j, objectAsOptions)
	if len(j.DefaultPolicyIDs.Elements()) != 1 || j.JWKSURL.ValueString() != "https://idp/jwks" {
		t.Errorf("import: default policies %v, jwks_url %v", j.DefaultPolicyIDs, j.JWKSURL)
	}
	for src, want := range map[string]string{"https://x/j": "https://x/j", base64.StdEncoding.EncodeToString([]byte("http://y/j")): "http://y/j", "c2VjcmV0": ""} {
		if got, _ := (&dashboard.APIDefinition{JWTSource: src}).JWKSURL(); got != want {
			t.Errorf("JWKSURL of %q = %q, want %q", src, got, want)
		}
	}
}
