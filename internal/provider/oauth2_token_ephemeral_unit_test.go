package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/oidc"
)

// openToken calls tyk_oauth2_token's Open directly against tokenURL.
func openToken(t *testing.T, data *providerData, tokenURL string) *ephemeral.OpenResponse {
	t.Helper()
	ctx := context.Background()
	e := &OAuth2TokenEphemeral{resourceBase{data: data}}
	var sr ephemeral.SchemaResponse
	e.Schema(ctx, ephemeral.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the schema's type is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["token_url"] = tftypes.NewValue(tftypes.String, tokenURL)
	vals["client_id"] = tftypes.NewValue(tftypes.String, "cid")
	vals["client_secret"] = tftypes.NewValue(tftypes.String, "s3cret-value")
	cfg := tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}
	resp := &ephemeral.OpenResponse{Result: tfsdk.EphemeralResultData{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	e.Open(ctx, ephemeral.OpenRequest{Config: cfg}, resp)
	return resp
}

// The token request uses the provider's IdP client: with
// insecure_skip_verify a self-signed endpoint works (it used to crash on a
// nil TLS config), without it the certificate is refused with an error.
func TestOAuth2TokenTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "cid" || p != "s3cret-value" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"bearer","expires_in":60,"scope":"a b"}`))
	}))
	defer srv.Close()
	for _, insecure := range []bool{true, false} {
		tlsCfg := client.TLS{InsecureSkipVerify: insecure, Hint: "idp_tls.ca_file", Skip: "idp_tls.insecure_skip_verify"}
		idp, err := oidc.New(oidc.Options{TLS: tlsCfg})
		if err != nil {
			t.Fatal(err)
		}
		data := &providerData{idp: idp}
		resp := openToken(t, data, srv.URL+"/oauth2/token")
		switch {
		case insecure && resp.Diagnostics.HasError():
			t.Fatalf("insecure_skip_verify: %v", resp.Diagnostics)
		case !insecure && !resp.Diagnostics.HasError():
			t.Fatal("a self-signed certificate was accepted without insecure_skip_verify")
		case !insecure:
			if d := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(d, "idp_tls.ca_file") || strings.Contains(d, "s3cret-value") {
				t.Fatalf("error detail: %s", d)
			}
		}
	}
	// Unconfigured provider (nil data): defaults, verified TLS, no crash.
	if resp := openToken(t, nil, srv.URL+"/oauth2/token"); !resp.Diagnostics.HasError() {
		t.Fatal("nil provider data accepted a self-signed certificate")
	}
}
