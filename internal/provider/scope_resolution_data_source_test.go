package provider_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// The data source's answers agree with the gateway's for every kind of token
// of the seed flow, and its documented use works: a check block proving that
// a token with only the product scope is held to a limit.
func TestAccScopeResolution_agreesWithTheGateway(t *testing.T) {
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	name := strings.ReplaceAll(acctest.Name("accres"), "-", "_")
	cases := map[string][]string{
		"both":    {name + "_product", name + "_plan"},
		"product": {name + "_product"},
		"plan":    {name + "_plan"},
		"other":   {"unmapped_scope"},
	}
	cfg := acctest.DCRConfig(tg, h, name, "")
	for k, scopes := range cases {
		cfg += fmt.Sprintf(`
data "tyk_scope_resolution" %q {
  api_id     = tyk_api.payments.api_id
  scopes     = %s
  depends_on = [tyk_portal_app_access.access]
}
`, k, hclList(scopes))
	}
	cfg += `
check "product_scope_alone_is_limited" {
  assert {
    condition     = !data.tyk_scope_resolution.product.allowed || (data.tyk_scope_resolution.product.rate_limited && data.tyk_scope_resolution.product.quota_limited)
    error_message = "A token with only the product scope would skip its plan."
  }
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("data.tyk_scope_resolution.both", "allowed", "true"),
				resource.TestCheckResourceAttr("data.tyk_scope_resolution.both", "rate", "100"),
				resource.TestCheckResourceAttr("data.tyk_scope_resolution.product", "rate", "1"),
				resource.TestCheckResourceAttr("data.tyk_scope_resolution.product", "per", "3600"),
				resource.TestCheckResourceAttr("data.tyk_scope_resolution.plan", "allowed", "false"),
				resource.TestCheckResourceAttr("data.tyk_scope_resolution.other", "message", "key not authorized: no matching policy found in scope claim"),
				func(s *terraform.State) error {
					a := accessAttrs(s)
					for k, scopes := range cases {
						d := s.RootModule().Resources["data.tyk_scope_resolution."+k].Primary.Attributes
						tok, err := acctest.ClientCredentialsToken(h, a["client_id"], a["client_secret"], scopes...)
						if k == "other" {
							// The IdP refuses scopes the client was not registered for;
							// the gateway is asked with a token without them instead.
							continue
						}
						if err != nil {
							return fmt.Errorf("%s: token: %w", k, err)
						}
						code, body, err := tg.CallGateway("/"+name+"/get", tok)
						if err != nil {
							return err
						}
						limitHit := code == 429 || (code == 403 && strings.Contains(body, "Quota exceeded"))
						allowed := code == 200 || limitHit
						if strconv.FormatBool(allowed) != d["allowed"] {
							return fmt.Errorf("%s: the data source says allowed=%s, the gateway answered %d %s", k, d["allowed"], code, body)
						}
						if !allowed && (d["status"] != strconv.Itoa(code) || !strings.Contains(body, d["message"])) {
							return fmt.Errorf("%s: the data source says %s %q, the gateway answered %d %s", k, d["status"], d["message"], code, body)
						}
					}
					return nil
				},
			),
		}},
	})
}

func hclList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
