package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
)

// portalFirstAccess: Portal-first product and plan, auto-approve optional,
// and an OAuth provider whose well-known URL can be broken.
func portalFirstAccess(sb *sandbox.Sandbox, h *acctest.Hydra, name, wellKnown string, autoApprove bool) string {
	return fmt.Sprintf(`
# The No-Op API and a default policy with floor limits: without them a token
# with the product scope alone would skip its plan (plan_bypass_test.go).
resource "tyk_api" "noop" {
  name        = "%[1]s-noop"
  listen_path = "/%[1]s-noop/"
  target_url  = %[2]q
  jwt         = { signing_method = "rsa", jwks_url = %[3]q }
}

resource "tyk_policy" "noop" {
  name               = "%[1]s-noop"
  rate               = 1
  per                = 3600
  quota_max          = 1
  quota_renewal_rate = 31536000
  access_rights {
    api_id = tyk_api.noop.api_id
  }
}

resource "tyk_api" "a" {
  name        = "%[1]s"
  listen_path = "/%[1]s/"
  target_url  = %[2]q
  jwt         = { signing_method = "rsa", jwks_url = %[3]q, scope_claim_name = "scp", default_policy_ids = [tyk_policy.noop.id] }
}

resource "tyk_portal_api_provider" "d" {
  name                        = "%[1]s"
  dashboard_url               = %[4]q
  dashboard_secret_wo         = %[5]q
  dashboard_secret_wo_version = 1
  org_id                      = "acc-org"
  policy_tags                 = ["%[1]s"]
}

resource "tyk_portal_oauth_provider" "idp" {
  name           = "%[1]s"
  type           = "Other"
  well_known_url = %[6]q
}

resource "tyk_portal_client_type" "ct" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "%[1]s"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_post"
}

resource "tyk_portal_product" "p" {
  provider_id     = tyk_portal_api_provider.d.id
  name            = "%[1]s-product"
  api_ids         = [tyk_api.a.api_id]
  dcr_enabled     = true
  scopes          = ["%[1]s_product"]
  client_type_ids = [tyk_portal_client_type.ct.id]
}

resource "tyk_portal_plan" "pl" {
  provider_id                  = tyk_portal_api_provider.d.id
  name                         = "%[1]s-plan"
  scopes                       = ["%[1]s_plan"]
  rate_limit                   = 10
  per                          = 1
  auto_approve_access_requests = %[7]t
}

resource "tyk_portal_user" "u" {
  email      = "%[1]s@example.com"
  first_name = "A"
  last_name  = "B"
}

resource "tyk_portal_app" "app" {
  user_id       = tyk_portal_user.u.id
  name          = "%[1]s-app"
  redirect_urls = ["https://app.example.com/callback"]
}

resource "tyk_portal_app_access" "access" {
  app_id         = tyk_portal_app.app.id
  product_ids    = [tyk_portal_product.p.id]
  plan_id        = tyk_portal_plan.pl.id
  client_type_id = tyk_portal_client_type.ct.id
}
`, name, sb.EchoURL, h.JWKSURL, sb.DashboardURL, acctest.DashboardToken, wellKnown, autoApprove)
}

func approveCalls(sb *sandbox.Sandbox) int {
	n := 0
	for _, r := range sb.Store.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/approve") {
			n++
		}
	}
	return n
}

func appAccessRequests(sb *sandbox.Sandbox, app string) int {
	n := 0
	for _, ar := range sb.Store.AccessRequests.List() {
		if ar["Client"] == app {
			n++
		}
	}
	return n
}

func TestAccPortalAppAccess_autoApprove(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accauto"), "-", "_")
	sb := acctest.Sandbox(t)
	h := acctest.SharedHydra(t)
	var approvesBefore int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t); approvesBefore = approveCalls(sb) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: portalFirstAccess(sb, h, name, h.WellKnownURL, true),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("status"), knownvalue.StringExact("approved")),
				statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("token_endpoint_auth_method"), knownvalue.StringExact("client_secret_post")),
			},
			Check: func(s *terraform.State) error {
				if n := approveCalls(sb) - approvesBefore; n != 0 {
					return fmt.Errorf("auto-approve plan, yet the provider sent %d approve calls", n)
				}
				a := s.RootModule().Resources["tyk_portal_app_access.access"].Primary.Attributes
				c, err := h.Client(a["client_id"])
				if err != nil || c == nil {
					return fmt.Errorf("no Hydra client: %v", err)
				}
				if uris, _ := c["redirect_uris"].([]any); len(uris) != 1 || uris[0] != "https://app.example.com/callback" {
					return fmt.Errorf("redirect URIs not registered: %v", c["redirect_uris"])
				}
				return nil
			},
		}},
	})
}

func TestAccPortalAppAccess_interruptedCreate(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accresume"), "-", "_")
	sb := acctest.Sandbox(t)
	h := acctest.SharedHydra(t)
	broken := h.PublicURL + "/no-such/.well-known/openid-configuration"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Approval fails: the Portal cannot discover the IdP.
				Config:      portalFirstAccess(sb, h, name, broken, false),
				ExpectError: regexp.MustCompile(`(?s)Could not approve the access request.*well-known`),
			},
			{
				// Fixed: the next apply completes and leaves exactly one request.
				Config: portalFirstAccess(sb, h, name, h.WellKnownURL, false),
				Check: func(s *terraform.State) error {
					if n := appAccessRequests(sb, name+"-app"); n != 1 {
						return fmt.Errorf("the app has %d access requests, want 1", n)
					}
					return nil
				},
			},
		},
	})
}
