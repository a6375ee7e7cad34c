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
)

// Two APIs, a product policy, a plan policy; each API gets a product and a
// plan mapping from two separate resources, all in one apply.
func testMappingConfig(name, planScope string) string {
	return fmt.Sprintf(`
# About the mapping mechanics, not the plan bypass (plan_bypass_test.go).
provider "tyk" {
  allow_plan_bypass = true
}

resource "tyk_policy" "product" {
  name       = "%[1]s-product"
  partitions = { acl = true }
  access_rights {
    api_id = tyk_api.a.api_id
  }
  access_rights {
    api_id = tyk_api.b.api_id
  }
}

resource "tyk_policy" "plan" {
  name       = "%[1]s-plan"
  rate       = 10
  per        = 1
  partitions = { rate_limit = true }
  access_rights {
    api_id = tyk_api.a.api_id
  }
  access_rights {
    api_id = tyk_api.b.api_id
  }
}

resource "tyk_api" "a" {
  name        = "%[1]s-a"
  listen_path = "/%[1]s-a/"
  target_url  = "http://upstream.example"
  jwt         = { signing_method = "rsa" }
}

resource "tyk_api" "b" {
  name        = "%[1]s-b"
  listen_path = "/%[1]s-b/"
  target_url  = "http://upstream.example"
  jwt         = { signing_method = "rsa" }
}

resource "tyk_api_scope_mapping" "product_a" {
  api_id          = tyk_api.a.api_id
  scope_to_policy = { "%[1]s_product" = tyk_policy.product.id }
}

resource "tyk_api_scope_mapping" "product_b" {
  api_id          = tyk_api.b.api_id
  scope_to_policy = { "%[1]s_product" = tyk_policy.product.id }
}

resource "tyk_api_scope_mapping" "plan_a" {
  api_id          = tyk_api.a.api_id
  scope_to_policy = { %[2]q = tyk_policy.plan.id }
}

resource "tyk_api_scope_mapping" "plan_b" {
  api_id          = tyk_api.b.api_id
  scope_to_policy = { %[2]q = tyk_policy.plan.id }
}
`, name, planScope)
}

func mappingOf(def map[string]any) (current, deprecated map[string]any) {
	scopes, _ := def["scopes"].(map[string]any)
	jwt, _ := scopes["jwt"].(map[string]any)
	current, _ = jwt["scope_to_policy"].(map[string]any)
	deprecated, _ = def["jwt_scope_to_policy_mapping"].(map[string]any)
	return current, deprecated
}

func checkMappings(tg *acctest.Target, apiAddr string, want map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return acctest.CheckAPI(tg, acctest.AttrOf(apiAddr, "api_id"), func(def map[string]any) error {
			return mappingsAre(s, def, apiAddr, want)
		})(s)
	}
}

func mappingsAre(s *terraform.State, def map[string]any, apiAddr string, want map[string]string) error {
	cur, dep := mappingOf(def)
	for scope, policyAddr := range want {
		policy := s.RootModule().Resources[policyAddr].Primary.ID
		if cur[scope] != policy || dep[scope] != policy {
			return fmt.Errorf("%s: scope %s → %v (scopes.jwt) / %v (deprecated), want %s", apiAddr, scope, cur[scope], dep[scope], policy)
		}
	}
	if len(cur) != len(want) || len(dep) != len(want) {
		return fmt.Errorf("%s: mapping has %d/%d entries, want %d: %v", apiAddr, len(cur), len(dep), len(want), cur)
	}
	return nil
}

func TestAccAPIScopeMapping_twoResourcesOneAPI(t *testing.T) {
	name := acctest.Name("accmap")
	tg := acctest.DefaultTarget(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: testMappingConfig(name, name+"_free"),
				Check: resource.ComposeTestCheckFunc(
					checkMappings(tg, "tyk_api.a", map[string]string{name + "_product": "tyk_policy.product", name + "_free": "tyk_policy.plan"}),
					checkMappings(tg, "tyk_api.b", map[string]string{name + "_product": "tyk_policy.product", name + "_free": "tyk_policy.plan"}),
				),
			},
			{
				// Rename the plan scope: only the plan entries change.
				Config: testMappingConfig(name, name+"_gold"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tyk_api_scope_mapping.plan_a", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("tyk_api_scope_mapping.product_a", plancheck.ResourceActionNoop),
					},
				},
				Check: checkMappings(tg, "tyk_api.a", map[string]string{name + "_product": "tyk_policy.product", name + "_gold": "tyk_policy.plan"}),
			},
			{
				// An entry edited outside Terraform is drift; an entry someone
				// else added is not ours and is left alone.
				PreConfig: func() {
					err := tg.ModifyAPI(apiIDByName(t, tg, name+"-a"), func(d map[string]any) {
						cur, dep := mappingOf(d)
						cur[name+"_gold"], dep[name+"_gold"] = "000000000000000000000000", "000000000000000000000000"
						cur["someone_else"], dep["someone_else"] = "111111111111111111111111", "111111111111111111111111"
					})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: testMappingConfig(name, name+"_gold"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_api_scope_mapping.plan_a", plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraform.State) error {
					return acctest.CheckAPI(tg, acctest.AttrOf("tyk_api.a", "api_id"), func(def map[string]any) error {
						cur, _ := mappingOf(def)
						if cur["someone_else"] != "111111111111111111111111" {
							return fmt.Errorf("foreign entry was touched: %v", cur)
						}
						if cur[name+"_gold"] != s.RootModule().Resources["tyk_policy.plan"].Primary.ID {
							return fmt.Errorf("drift not repaired: %v", cur)
						}
						return nil
					})(s)
				},
			},
			{
				ResourceName:      "tyk_api_scope_mapping.product_b",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return acctest.AttrOf("tyk_api.b", "api_id")(s) + ":" + name + "_product", nil
				},
			},
		},
	})
}

func TestAccAPIScopeMapping_conflictIsAnError(t *testing.T) {
	name := acctest.Name("accmapconf")
	tg := acctest.DefaultTarget(t)
	base := fmt.Sprintf(`
resource "tyk_policy" "p1" {
  name = "%[1]s-1"
  access_rights {
    api_id = tyk_api.a.api_id
  }
}

resource "tyk_policy" "p2" {
  name = "%[1]s-2"
  access_rights {
    api_id = tyk_api.a.api_id
  }
}

resource "tyk_api" "a" {
  name        = %[1]q
  listen_path = "/%[1]s/"
  target_url  = "http://upstream.example"
  jwt         = { signing_method = "rsa" }
}

resource "tyk_api_scope_mapping" "first" {
  api_id          = tyk_api.a.api_id
  scope_to_policy = { shared = tyk_policy.p1.id }
}
`, name)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{Config: base},
			{
				// Known at plan time: the API already maps "shared" elsewhere.
				Config: base + `
resource "tyk_api_scope_mapping" "second" {
  api_id          = tyk_api.a.api_id
  scope_to_policy = { shared = tyk_policy.p2.id }
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Scope already mapped on this API`),
			},
			{
				Config: base,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_api_scope_mapping.first", tfjsonpath.New("scope_to_policy").AtMapKey("shared"), knownvalue.NotNull()),
				},
			},
		},
	})
}

func TestAccAPIScopeMapping_invalidScope(t *testing.T) {
	acctest.Sandbox(t)
	for _, scope := range []string{"two words", "a,b", ""} {
		t.Run(scope, func(t *testing.T) {
			before := acctest.WriteCount(acctest.Sandbox(t))
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
resource "tyk_api_scope_mapping" "m" {
  api_id          = "abc"
  scope_to_policy = { %q = "0123456789abcdef01234567" }
}`, scope),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`scope_to_policy`),
				}},
			})
			if after := acctest.WriteCount(acctest.Sandbox(t)); after != before {
				t.Fatalf("invalid config caused %d writes", after-before)
			}
		})
	}
}
