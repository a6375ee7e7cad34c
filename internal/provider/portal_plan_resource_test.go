package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
)

// portalBase: an API, the Portal's connection to the sandbox Dashboard, an
// OAuth provider and the two client types of the example.
func portalBase(sb *sandbox.Sandbox, name string) string {
	return fmt.Sprintf(`
resource "tyk_api" "payments" {
  name        = "%[1]s-api"
  listen_path = "/%[1]s/"
  target_url  = "http://upstream.example"
  jwt         = { signing_method = "rsa" }
}

resource "tyk_portal_api_provider" "dashboard" {
  name                        = "%[1]s-dashboard"
  dashboard_url               = %[2]q
  dashboard_secret_wo         = %[3]q
  dashboard_secret_wo_version = 1
  org_id                      = "acc-org"
  policy_tags                 = ["%[1]s"]
}

resource "tyk_portal_oauth_provider" "idp" {
  name           = "%[1]s-idp"
  type           = "Other"
  well_known_url = "http://127.0.0.1:4444/.well-known/openid-configuration"
}

resource "tyk_portal_client_type" "machine" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Confidential client"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

resource "tyk_portal_client_type" "web" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Web application"
  response_types             = ["code"]
  grant_types                = ["authorization_code", "refresh_token"]
  token_endpoint_auth_method = "client_secret_post"
}
`, name, sb.DashboardURL, acctest.DashboardToken)
}

func policiesNamed(sb *sandbox.Sandbox, name string) []map[string]any {
	var out []map[string]any
	for _, p := range sb.Store.Policies.List() {
		if p["name"] == name {
			out = append(out, p)
		}
	}
	return out
}

func TestAccPortalProductPlan_portalFirst(t *testing.T) {
	name := acctest.Name("accpf")
	sb := acctest.Sandbox(t)
	cfgNamed := func(scope string, rate int, renamed string) string {
		return portalBase(sb, name) + fmt.Sprintf(`
resource "tyk_portal_product" "payments" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  name            = "%[1]s-product%[4]s"
  display_name    = "Payments"
  api_ids         = [tyk_api.payments.api_id]
  dcr_enabled     = true
  scopes          = ["%[1]s_product"]
  client_type_ids = [tyk_portal_client_type.machine.id, tyk_portal_client_type.web.id]
  catalogue_ids   = [1]
}

resource "tyk_portal_plan" "free" {
  provider_id        = tyk_portal_api_provider.dashboard.id
  name               = "%[1]s-plan%[4]s"
  scopes             = [%[2]q]
  rate_limit         = %[3]d
  per                = 60
  quota              = 1000
  quota_renewal_rate = 3600
  catalogue_ids      = [1]
}
`, name, scope, rate, renamed)
	}
	cfg := func(scope string, rate int) string { return cfgNamed(scope, rate, "") }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			n := 0
			for _, pol := range []string{"-product", "-plan", "-product-renamed", "-plan-renamed"} {
				n += len(policiesNamed(sb, name+pol))
			}
			if n != 0 {
				return fmt.Errorf("%d product/plan policies left in the Dashboard", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg(name+"_free", 10),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_product.payments", tfjsonpath.New("client_type_ids"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue("tyk_portal_product.payments", tfjsonpath.New("auth_type"), knownvalue.StringExact("jwt")),
					statecheck.ExpectKnownValue("tyk_portal_product.payments", tfjsonpath.New("reference_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{24}$`))),
					statecheck.ExpectKnownValue("tyk_portal_plan.free", tfjsonpath.New("rate_limit"), knownvalue.Float64Exact(10)),
					statecheck.ExpectKnownValue("tyk_portal_api_provider.dashboard", tfjsonpath.New("status"), knownvalue.StringExact("Up")),
				},
				Check: func(s *terraform.State) error {
					prod := policiesNamed(sb, name+"-product")
					plan := policiesNamed(sb, name+"-plan")
					if len(prod) != 1 || len(plan) != 1 {
						return fmt.Errorf("Portal did not create the product and plan policies: %d, %d", len(prod), len(plan))
					}
					parts, _ := prod[0]["partitions"].(map[string]any)
					if parts["acl"] != true {
						return fmt.Errorf("product policy is not ACL-partitioned: %v", parts)
					}
					if tags, _ := prod[0]["tags"].([]any); len(tags) != 1 || tags[0] != name {
						return fmt.Errorf("product policy tags = %v", prod[0]["tags"])
					}
					return nil
				},
			},
			{
				Config: cfg(name+"_gold", 20),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tyk_portal_plan.free", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("tyk_portal_product.payments", plancheck.ResourceActionNoop),
					},
				},
				Check: func(s *terraform.State) error {
					pol := policiesNamed(sb, name+"-plan")
					if len(pol) != 1 || fmt.Sprint(pol[0]["rate"]) != "20" {
						return fmt.Errorf("plan policy rate not updated: %v", pol)
					}
					return nil
				},
			},
			{
				// DCR disabled on the product outside Terraform: drift, repaired.
				PreConfig: func() {
					for _, p := range sb.Store.Products.List() {
						if p["Name"] == name+"-product" {
							sb.Store.Products.Update(fmt.Sprint(p["ID"]), func(d map[string]any) { d["DCREnabled"] = false })
						}
					}
				},
				Config: cfg(name+"_gold", 20),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_product.payments", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_product.payments", tfjsonpath.New("dcr_enabled"), knownvalue.Bool(true)),
				},
			},
			{ResourceName: "tyk_portal_product.payments", ImportState: true, ImportStateVerify: true},
			{ResourceName: "tyk_portal_plan.free", ImportState: true, ImportStateVerify: true},
			{
				ResourceName: "tyk_portal_api_provider.dashboard", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"dashboard_secret", "dashboard_secret_wo_version"},
			},
			{
				// Scope reuse is refused at plan time, naming the owner.
				Config: cfg(name+"_gold", 20) + fmt.Sprintf(`
resource "tyk_portal_plan" "dup" {
  provider_id = tyk_portal_api_provider.dashboard.id
  name        = "%[1]s-dup"
  scopes      = ["%[1]s_product"]
}
`, name),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Scope "` + name + `_product" is already used by API product`),
			},
			{
				// Portal-first names are the resources': renaming is an
				// in-place update that converges in one apply.
				Config: cfgNamed(name+"_gold", 20, "-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tyk_portal_product.payments", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("tyk_portal_plan.free", plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_product.payments", tfjsonpath.New("name"), knownvalue.StringExact(name+"-product-renamed")),
					statecheck.ExpectKnownValue("tyk_portal_plan.free", tfjsonpath.New("name"), knownvalue.StringExact(name+"-plan-renamed")),
				},
			},
		},
	})
}

func TestAccPortalProductPlan_dashboardFirst(t *testing.T) {
	name := acctest.Name("accdf")
	sb := acctest.Sandbox(t)
	cfg := func(scope, planScope string, rate int) string {
		return portalBase(sb, name) + fmt.Sprintf(`
resource "tyk_policy" "product" {
  name       = "%[1]s-product-policy"
  tags       = ["%[1]s"]
  partitions = { acl = true }
  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

resource "tyk_policy" "plan" {
  name               = "%[1]s-plan-policy"
  tags               = ["%[1]s"]
  rate               = %[4]d
  per                = 1
  quota_max          = 100
  quota_renewal_rate = 60
  partitions         = { rate_limit = true, quota = true }
  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

resource "tyk_portal_product" "payments" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  policy_id       = tyk_policy.product.id
  dcr_enabled     = true
  scopes          = [%[2]q]
  client_type_ids = [tyk_portal_client_type.machine.id]
  catalogue_ids   = [1]
}

resource "tyk_portal_plan" "free" {
  provider_id   = tyk_portal_api_provider.dashboard.id
  policy_id     = tyk_policy.plan.id
  scopes        = [%[3]q]
  catalogue_ids = [1]
}

data "tyk_portal_product" "payments" {
  name = tyk_portal_product.payments.name
}

data "tyk_portal_plan" "free" {
  name       = tyk_portal_plan.free.name
  depends_on = [tyk_portal_plan.free]
}
`, name, scope, planScope, rate)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckPoliciesDestroyed(acctest.DefaultTarget(t)),
		Steps: []resource.TestStep{
			{
				Config: cfg(name+"_product", name+"_plan", 5),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_product.payments", tfjsonpath.New("name"), knownvalue.StringExact(name+"-product-policy")),
					statecheck.ExpectKnownValue("tyk_portal_product.payments", tfjsonpath.New("api_ids"), knownvalue.SetSizeExact(1)),
					statecheck.ExpectKnownValue("tyk_portal_plan.free", tfjsonpath.New("rate_limit"), knownvalue.Float64Exact(5)),
					statecheck.ExpectKnownValue("tyk_portal_plan.free", tfjsonpath.New("quota"), knownvalue.Int64Exact(100)),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("tyk_portal_product.payments", "reference_id", "tyk_policy.product", "id"),
					resource.TestCheckResourceAttrPair("tyk_portal_plan.free", "reference_id", "tyk_policy.plan", "id"),
					// The data sources find the same objects by name.
					resource.TestCheckResourceAttrPair("data.tyk_portal_product.payments", "id", "tyk_portal_product.payments", "id"),
					resource.TestCheckResourceAttrPair("data.tyk_portal_product.payments", "reference_id", "tyk_policy.product", "id"),
					resource.TestCheckResourceAttr("data.tyk_portal_product.payments", "dcr_enabled", "true"),
					resource.TestCheckResourceAttr("data.tyk_portal_product.payments", "scopes.0", name+"_product"),
					resource.TestCheckResourceAttrPair("data.tyk_portal_plan.free", "id", "tyk_portal_plan.free", "id"),
					resource.TestCheckResourceAttr("data.tyk_portal_plan.free", "scopes.0", name+"_plan"),
				),
			},
			{
				// A name that does not exist: an error listing what does.
				Config: cfg(name+"_product", name+"_plan", 5) + `
data "tyk_portal_plan" "typo" {
  name = "no-such-plan"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Portal plan not found.*No portal plan is named\s+"no-such-plan"\.\s+Existing:\s+"`),
			},
			{
				Config: cfg(name+"_product2", name+"_plan", 5),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_product.payments", plancheck.ResourceActionUpdate)},
				},
			},
			{
				// The policy (owner of the limits) and the plan (owner of its
				// scopes) change in one apply: the plan's whole-object PUT
				// must not send the Portal's stale copy of the old rate back
				// into the policy. One apply converges; the Dashboard keeps
				// the new rate.
				Config: cfg(name+"_product2", name+"_plan2", 7),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tyk_policy.plan", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("tyk_portal_plan.free", plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_plan.free", tfjsonpath.New("rate_limit"), knownvalue.Float64Exact(7)),
				},
				Check: func(s *terraform.State) error {
					pol := policiesNamed(sb, name+"-plan-policy")
					if len(pol) != 1 || fmt.Sprint(pol[0]["rate"]) != "7" {
						return fmt.Errorf("Dashboard policy rate is not the configured 7: %v", pol)
					}
					return nil
				},
			},
			{
				ResourceName: "tyk_portal_product.payments", ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					rs := s.RootModule().Resources["tyk_portal_product.payments"]
					return rs.Primary.ID + ":" + rs.Primary.Attributes["policy_id"], nil
				},
			},
		},
	})
}
