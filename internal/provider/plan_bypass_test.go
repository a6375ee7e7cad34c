package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// bypassConfig is the Dashboard half of the DCR recipe: a No-Op API and
// default policy (with or without floor limits), the product's API mapped to
// an ACL-only product policy and a limits-only plan policy.
func bypassConfig(tg *acctest.Target, name string, floor bool, defaults string, providerExtra string) string {
	limits := ""
	if floor {
		limits = `
  rate               = 1
  per                = 3600
  quota_max          = 1
  quota_renewal_rate = 31536000`
	}
	return fmt.Sprintf(`
provider "tyk" {
  dashboard_url   = %[5]q
  dashboard_token = %[6]q
  %[4]s
}

resource "tyk_api" "noop" {
  name        = "%[1]s-noop"
  listen_path = "/%[1]s-noop/"
  target_url  = "http://upstream.example"
  jwt         = { signing_method = "rsa", jwks_url = "http://idp.example/jwks" }
}

resource "tyk_policy" "noop" {
  name = "%[1]s-noop"%[2]s
  access_rights {
    api_id = tyk_api.noop.api_id
  }
}

resource "tyk_api" "payments" {
  name        = "%[1]s-payments"
  listen_path = "/%[1]s/"
  target_url  = "http://upstream.example"
  jwt = {
    signing_method     = "rsa"
    jwks_url           = "http://idp.example/jwks"
    default_policy_ids = %[3]s
    scope_claim_name   = "scp"
  }
}

resource "tyk_policy" "product" {
  name       = "%[1]s-product"
  partitions = { acl = true }
  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

resource "tyk_policy" "plan" {
  name               = "%[1]s-plan"
  rate               = 5
  per                = 1
  quota_max          = 1000
  quota_renewal_rate = 3600
  partitions         = { rate_limit = true, quota = true }
  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

resource "tyk_api_scope_mapping" "product" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { "%[1]s_product" = tyk_policy.product.id }
}

resource "tyk_api_scope_mapping" "plan" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { "%[1]s_plan" = tyk_policy.plan.id }
}
`, name, limits, defaults, providerExtra, tg.DashboardURL, tg.DashboardTok)
}

var bypassError = regexp.MustCompile(`(?s)would skip its plan.*no rate limit and no\s+quota`)

// A configuration that lets a product-only token skip its plan fails before
// anything is written for the mapping (the policies are new, so the check
// runs at apply time), and destroy still works.
func TestAccPlanBypass_newSetupRefused(t *testing.T) {
	tg := acctest.DefaultTarget(t)
	name := acctest.Name("accbypassnew")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckAPIsDestroyed(tg),
		Steps: []resource.TestStep{{
			Config:      bypassConfig(tg, name, false, "[tyk_policy.noop.id]", ""),
			ExpectError: bypassError,
		}},
	})
}

// Once the safe setup exists, every change that would open the bypass is a
// plan-time error on the attribute at fault: the default policy loses its
// floor, the API loses its default policy, a scope maps to the ACL-only
// policy on an API without limits. The documented opt-out lets it through.
func TestAccPlanBypass_changesRefusedAtPlan(t *testing.T) {
	tg := acctest.DefaultTarget(t)
	name := acctest.Name("accbypass")
	safe := bypassConfig(tg, name, true, "[tyk_policy.noop.id]", "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: safe},
			{
				// The default policy loses its floor limits.
				Config:      bypassConfig(tg, name, false, "[tyk_policy.noop.id]", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)would skip its plan.*with tyk_policy\.noop`),
			},
			{
				// The API loses its default policy (allowed from Gateway 5.11).
				Config:      bypassConfig(tg, name, true, "[]", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)would skip its plan.*with tyk_api\.payments.*no default\s+policy`),
			},
			{
				// A new mapping of an ACL-only policy on an API without a
				// default policy (the No-Op API): first the policy ...
				Config: safe + fmt.Sprintf(`
resource "tyk_policy" "extra" {
  name       = "%[1]s-extra"
  partitions = { acl = true }
  access_rights {
    api_id = tyk_api.noop.api_id
  }
}
`, name),
			},
			{
				// ... then the mapping, refused at plan time.
				Config: safe + fmt.Sprintf(`
resource "tyk_policy" "extra" {
  name       = "%[1]s-extra"
  partitions = { acl = true }
  access_rights {
    api_id = tyk_api.noop.api_id
  }
}

resource "tyk_api_scope_mapping" "other" {
  api_id          = tyk_api.noop.api_id
  scope_to_policy = { "%[1]s_other" = tyk_policy.extra.id }
}
`, name),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)would skip its plan.*with tyk_api_scope_mapping\.other.*no default\s+policy`),
			},
			{
				// The explicit opt-out.
				Config:             bypassConfig(tg, name, false, "[tyk_policy.noop.id]", "allow_plan_bypass = true"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
