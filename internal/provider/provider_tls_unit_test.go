package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

var tlsAttrTypes = map[string]attr.Type{
	"ca_pem": types.StringType, "ca_file": types.StringType, "insecure_skip_verify": types.BoolType, "client_cert_pem": types.StringType,
	"client_key_pem": types.StringType, "client_cert_file": types.StringType, "client_key_file": types.StringType,
}

func tlsBlock(vals map[string]attr.Value) types.Object {
	all := map[string]attr.Value{}
	for k, t := range tlsAttrTypes {
		if t == types.BoolType {
			all[k] = types.BoolNull()
		} else {
			all[k] = types.StringNull()
		}
	}
	for k, v := range vals {
		all[k] = v
	}
	return types.ObjectValueMust(tlsAttrTypes, all)
}

// Each TLS block: attributes first, then <PREFIX>_* variables, then the
// provider-wide insecure_skip_verify; half a client certificate and
// unreadable files are errors on the block; certificate errors will name
// the block's ca_file and its variable.
func TestTLSBlockResolution(t *testing.T) {
	ctx := context.Background()
	t.Setenv("TYK_PORTAL_CA_FILE", "/from/env.pem")
	t.Setenv("TYK_IDP_INSECURE_SKIP_VERIFY", "true")
	var diags diag.Diagnostics
	got := portalTLS.resolve(ctx, types.ObjectNull(tlsAttrTypes), false, &diags)
	if got.CAFile != "/from/env.pem" || got.Hint != "portal_tls.ca_file (or TYK_PORTAL_CA_FILE)" {
		t.Errorf("env fallback: %+v", got)
	}
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "/from/env.pem") {
		t.Errorf("an unreadable CA file must be an error naming it: %v", diags)
	}
	diags = nil
	if got := idpTLS.resolve(ctx, types.ObjectNull(tlsAttrTypes), false, &diags); !got.InsecureSkipVerify || diags.HasError() {
		t.Errorf("TYK_IDP_INSECURE_SKIP_VERIFY: %+v %v", got, diags)
	}
	if got := idpTLS.resolve(ctx, tlsBlock(map[string]attr.Value{"insecure_skip_verify": types.BoolValue(false)}), true, &diags); got.InsecureSkipVerify {
		t.Error("the block's insecure_skip_verify = false overrides the environment and the provider-wide setting")
	}
	if got := dashboardTLS.resolve(ctx, types.ObjectNull(tlsAttrTypes), true, &diags); !got.InsecureSkipVerify {
		t.Error("the provider-wide insecure_skip_verify applies when the block says nothing")
	}
	diags = nil
	dashboardTLS.resolve(ctx, tlsBlock(map[string]attr.Value{"client_cert_file": types.StringValue("/c.pem")}), false, &diags)
	if !diags.HasError() || diags[0].Summary() != "Incomplete client certificate" {
		t.Errorf("half a client certificate: %v", diags)
	}
}

func TestInsecureWarning(t *testing.T) {
	var diags diag.Diagnostics
	warnInsecure(map[string]client.TLS{"Tyk Dashboard": {}, "identity providers": {InsecureSkipVerify: true}}, &diags)
	if len(diags) != 1 || diags.HasError() || !strings.Contains(diags[0].Detail(), "identity providers") || strings.Contains(diags[0].Detail(), "Dashboard") {
		t.Errorf("warning: %v", diags)
	}
	diags = nil
	warnInsecure(map[string]client.TLS{"Tyk Dashboard": {}}, &diags)
	if len(diags) != 0 {
		t.Errorf("no warning when everything is verified: %v", diags)
	}
}
