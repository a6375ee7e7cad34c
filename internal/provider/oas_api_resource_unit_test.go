package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

// oasConfig is a tyk_oas_api configuration with jwt set (or not) and doc as
// openapi_document.
func oasConfig(t *testing.T, doc string, jwt bool) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	r := NewOASAPIResource()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["name"] = tftypes.NewValue(tftypes.String, "a")
	vals["openapi_document"] = tftypes.NewValue(tftypes.String, doc)
	if jwt {
		jt, _ := typ.AttributeTypes["jwt"].(tftypes.Object)
		j := map[string]tftypes.Value{}
		for name, at := range jt.AttributeTypes {
			j[name] = tftypes.NewValue(at, nil)
		}
		j["signing_method"] = tftypes.NewValue(tftypes.String, "rsa")
		vals["jwt"] = tftypes.NewValue(jt, j)
	}
	return tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}
}

// One owner per field: the description cannot carry the Tyk extension nor
// the scheme jwt manages; errors are on openapi_document, at plan time.
func TestOASAPIValidateConfig(t *testing.T) {
	cases := []struct {
		doc  string
		jwt  bool
		want string
	}{
		{`{"openapi":"3.0.3","info":{"title":"a","version":"1"},"paths":{}}`, true, ""},
		{`{"openapi":"3.0.3","components":{"securitySchemes":{"other":{"type":"apiKey"}}},"security":[{"other":[]}]}`, true, ""},
		{`not json`, false, "not valid JSON"},
		{`[1, 2]`, false, "must be a JSON object"},
		{`{"info":{}}`, false, `no "openapi" version`},
		{`{"openapi":"3.0.3","x-tyk-api-gateway":{}}`, false, "Remove x-tyk-api-gateway"},
		{`{"openapi":"3.0.3","components":{"securitySchemes":{"jwtAuth":{"type":"http"}}}}`, true, `"jwtAuth" belongs to the jwt attribute`},
		{`{"openapi":"3.0.3","security":[{"jwtAuth":[]}]}`, true, `"jwtAuth" belongs to the jwt attribute`},
		{`{"openapi":"3.0.3","security":[{"jwtAuth":[]}]}`, false, ""},
	}
	for _, c := range cases {
		r := &OASAPIResource{}
		resp := &resource.ValidateConfigResponse{}
		r.ValidateConfig(context.Background(), resource.ValidateConfigRequest{Config: oasConfig(t, c.doc, c.jwt)}, resp)
		switch {
		case c.want == "" && resp.Diagnostics.HasError():
			t.Errorf("%s (jwt %v): unexpected %v", c.doc, c.jwt, resp.Diagnostics)
		case c.want != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), c.want)):
			t.Errorf("%s (jwt %v): want an error with %q, got %v", c.doc, c.jwt, c.want, resp.Diagnostics)
		}
	}
}

// Reading an OAS API back gives the description without the extension and
// the managed scheme, so that import shows what a user writes.
func TestOASAPIReadShowsTheDescriptionAsWritten(t *testing.T) {
	o, err := dashboard.ParseOAS([]byte(`{"openapi":"3.0.3","info":{"title":"a","version":"1"},"paths":{},
	  "components":{"securitySchemes":{"jwtAuth":{"type":"http","scheme":"bearer","bearerFormat":"JWT"}}},"security":[{"jwtAuth":[]}],
	  "x-tyk-api-gateway":{"info":{"name":"a","state":{"active":true}},"upstream":{"url":"http://up"},
	    "server":{"listenPath":{"value":"/a/","strip":true},"authentication":{"enabled":true,"securitySchemes":{"jwtAuth":{
	      "enabled":true,"signingMethod":"rsa","source":"aHR0cDovL2lkcC9qd2tz","scopes":{"claimName":"scp"}}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var m oasAPIModel
	m.JWT = types.ObjectNull(jwtAttrTypes)
	if d := m.read(context.Background(), "o1", o); d.HasError() {
		t.Fatal(d)
	}
	if got := m.OpenAPI.ValueString(); got != `{"info":{"title":"a","version":"1"},"openapi":"3.0.3","paths":{}}` {
		t.Errorf("openapi_document %s", got)
	}
	if m.SchemeName.ValueString() != "jwtAuth" || m.JWT.IsNull() || m.ListenPath.ValueString() != "/a/" {
		t.Errorf("import: %+v", m)
	}
}
