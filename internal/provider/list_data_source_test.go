package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// The nine plural data sources find every object of the seed flow with the
// ids an import block needs, and their filters keep other tests' objects
// (the sandbox is shared) out.
func TestAccListDataSources_findTheSeedFlow(t *testing.T) {
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	name := acctest.Name("acclist")
	setup := acctest.DCRConfig(tg, h, name, "")
	lists := setup + fmt.Sprintf(`
data "tyk_policies" "tagged" {
  tags       = [%[1]q]
  depends_on = [tyk_policy.product, tyk_policy.plan]
}

data "tyk_policies" "by_name" {
  name_regex = "^%[1]s-noop$"
  depends_on = [tyk_policy.noop]
}

data "tyk_apis" "all" {
  name_regex = "^%[1]s-"
  depends_on = [tyk_api_scope_mapping.product, tyk_api_scope_mapping.plan]
}

data "tyk_portal_oauth_providers" "all" {
  name_regex = "^%[1]s-hydra$"
  depends_on = [tyk_portal_oauth_provider.hydra]
}

data "tyk_portal_client_types" "of_provider" {
  oauth_provider_id = tyk_portal_oauth_provider.hydra.id
  depends_on        = [tyk_portal_client_type.machine]
}

data "tyk_portal_client_types" "by_name" {
  name_regex = "^%[1]s machine$"
  depends_on = [tyk_portal_client_type.machine]
}

data "tyk_portal_products" "of_provider" {
  provider_id = tyk_portal_api_provider.dashboard.id
  depends_on  = [tyk_portal_product.payments]
}

data "tyk_portal_plans" "of_provider" {
  provider_id = tyk_portal_api_provider.dashboard.id
  depends_on  = [tyk_portal_plan.free]
}

data "tyk_portal_users" "dev" {
  email_regex = "^%[1]s@"
  depends_on  = [tyk_portal_user.dev]
}

data "tyk_portal_apps" "of_user" {
  user_id    = tyk_portal_user.dev.id
  depends_on = [tyk_portal_app.app]
}

data "tyk_portal_app_accesses" "of_app" {
  app_id     = tyk_portal_app.app.id
  status     = "approved"
  depends_on = [tyk_portal_app_access.access]
}

data "tyk_portal_app_accesses" "of_user" {
  user_id    = tyk_portal_user.dev.id
  depends_on = [tyk_portal_app_access.access]
}
`, name)
	attr := func(s *terraform.State, addr, key string) string {
		return s.RootModule().Resources[addr].Primary.Attributes[key]
	}
	same := func(ds, key, res, resKey string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			if got, want := attr(s, ds, key), attr(s, res, resKey); got != want || want == "" {
				return fmt.Errorf("%s.%s = %q, want %s.%s = %q", ds, key, got, res, resKey, want)
			}
			return nil
		}
	}
	equals := func(ds, key string, want func(s *terraform.State) string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			if got, w := attr(s, ds, key), want(s); got != w {
				return fmt.Errorf("%s.%s = %q, want %q", ds, key, got, w)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: lists, Check: resource.ComposeAggregateTestCheckFunc(
				// Policies: the tag finds product and plan, not the untagged No-Op.
				resource.TestCheckResourceAttr("data.tyk_policies.tagged", "policies.#", "2"),
				resource.TestCheckTypeSetElemNestedAttrs("data.tyk_policies.tagged", "policies.*",
					map[string]string{"name": name + "-product", "partitions.#": "1", "partitions.0": "acl", "state": "active"}),
				resource.TestCheckTypeSetElemNestedAttrs("data.tyk_policies.tagged", "policies.*",
					map[string]string{"name": name + "-plan", "partitions.#": "2", "partitions.0": "quota", "partitions.1": "rate_limit"}),
				resource.TestCheckResourceAttr("data.tyk_policies.by_name", "policies.#", "1"),
				same("data.tyk_policies.by_name", "policies.0.import_id", "tyk_policy.noop", "id"),
				same("data.tyk_policies.by_name", "policies.0.api_ids.0", "tyk_api.noop", "api_id"),
				// APIs, with every mapping entry whoever wrote it.
				resource.TestCheckResourceAttr("data.tyk_apis.all", "apis.#", "2"),
				resource.TestCheckTypeSetElemNestedAttrs("data.tyk_apis.all", "apis.*",
					map[string]string{"name": name + "-payments", "listen_path": "/" + name + "/", "jwt": "true", "scope_claim_name": "scp",
						"scope_to_policy.%": "2"}),
				func(s *terraform.State) error {
					for i := range 2 {
						p := fmt.Sprintf("apis.%d.", i)
						if attr(s, "data.tyk_apis.all", p+"name") != name+"-payments" {
							continue
						}
						for _, m := range []struct{ scope, policy string }{{"_product", "tyk_policy.product"}, {"_plan", "tyk_policy.plan"}} {
							if got, want := attr(s, "data.tyk_apis.all", p+"scope_to_policy."+name+m.scope), attr(s, m.policy, "id"); got != want {
								return fmt.Errorf("scope %s maps to %q, want %q", name+m.scope, got, want)
							}
						}
						return same("data.tyk_apis.all", p+"import_id", "tyk_api.payments", "api_id")(s)
					}
					return fmt.Errorf("the payments API is not listed")
				},
				// OAuth provider and client types, by provider and by name.
				resource.TestCheckResourceAttr("data.tyk_portal_oauth_providers.all", "oauth_providers.#", "1"),
				same("data.tyk_portal_oauth_providers.all", "oauth_providers.0.import_id", "tyk_portal_oauth_provider.hydra", "id"),
				resource.TestCheckResourceAttr("data.tyk_portal_oauth_providers.all", "oauth_providers.0.type", "Other"),
				resource.TestCheckResourceAttr("data.tyk_portal_client_types.of_provider", "client_types.#", "1"),
				resource.TestCheckResourceAttr("data.tyk_portal_client_types.by_name", "client_types.#", "1"),
				equals("data.tyk_portal_client_types.by_name", "client_types.0.import_id", func(s *terraform.State) string {
					return attr(s, "tyk_portal_oauth_provider.hydra", "id") + "/" + attr(s, "tyk_portal_client_type.machine", "id")
				}),
				resource.TestCheckResourceAttr("data.tyk_portal_client_types.of_provider", "client_types.0.grant_types.0", "client_credentials"),
				// Products and plans of the API provider, with Dashboard-first import ids.
				resource.TestCheckResourceAttr("data.tyk_portal_products.of_provider", "products.#", "1"),
				equals("data.tyk_portal_products.of_provider", "products.0.import_id", func(s *terraform.State) string {
					return attr(s, "tyk_portal_product.payments", "id") + ":" + attr(s, "tyk_policy.product", "id")
				}),
				resource.TestCheckResourceAttr("data.tyk_portal_products.of_provider", "products.0.dcr_enabled", "true"),
				resource.TestCheckResourceAttr("data.tyk_portal_products.of_provider", "products.0.scopes.0", name+"_product"),
				resource.TestCheckResourceAttr("data.tyk_portal_plans.of_provider", "plans.#", "1"),
				same("data.tyk_portal_plans.of_provider", "plans.0.reference_id", "tyk_policy.plan", "id"),
				equals("data.tyk_portal_plans.of_provider", "plans.0.import_id", func(s *terraform.State) string {
					return attr(s, "tyk_portal_plan.free", "id") + ":" + attr(s, "tyk_policy.plan", "id")
				}),
				resource.TestCheckResourceAttr("data.tyk_portal_plans.of_provider", "plans.0.scopes.0", name+"_plan"),
				// Users, apps and accesses.
				resource.TestCheckResourceAttr("data.tyk_portal_users.dev", "users.#", "1"),
				same("data.tyk_portal_users.dev", "users.0.import_id", "tyk_portal_user.dev", "id"),
				resource.TestCheckResourceAttr("data.tyk_portal_apps.of_user", "apps.#", "1"),
				same("data.tyk_portal_apps.of_user", "apps.0.import_id", "tyk_portal_app.app", "id"),
				resource.TestCheckResourceAttr("data.tyk_portal_app_accesses.of_app", "accesses.#", "1"),
				resource.TestCheckResourceAttr("data.tyk_portal_app_accesses.of_user", "accesses.#", "1"),
				same("data.tyk_portal_app_accesses.of_app", "accesses.0.client_id", "tyk_portal_app_access.access", "client_id"),
				equals("data.tyk_portal_app_accesses.of_user", "accesses.0.import_id", func(s *terraform.State) string {
					return attr(s, "tyk_portal_app.app", "id") + "/" + attr(s, "tyk_portal_app_access.access", "id")
				}),
				resource.TestCheckResourceAttr("data.tyk_portal_app_accesses.of_app", "accesses.0.status", "approved"),
				// No secret in a plural data source.
				func(s *terraform.State) error {
					for addr, r := range s.RootModule().Resources {
						for k, v := range r.Primary.Attributes {
							if secret := attr(s, "tyk_portal_app_access.access", "client_secret"); secret != "" && v == secret && addr != "tyk_portal_app_access.access" {
								return fmt.Errorf("%s.%s holds the client secret", addr, k)
							}
						}
					}
					return nil
				},
			)},
		},
	})
}
