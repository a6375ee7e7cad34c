package provider

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

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
