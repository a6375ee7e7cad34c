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

func TestAccPolicy_lifecycle(t *testing.T) {
	name := acctest.Name("acc-policy")
	tg := acctest.DefaultTarget(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckPoliciesDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: testPolicyConfig(name, "acl = true", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_policy.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{24}$`))),
					statecheck.ExpectKnownValue("tyk_policy.test", tfjsonpath.New("state"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("tyk_policy.test", tfjsonpath.New("partitions").AtMapKey("acl"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("tyk_policy.test", tfjsonpath.New("tags"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("dcr")})),
				},
				Check: acctest.CheckPolicy(tg, "tyk_policy.test", func(doc map[string]any) error {
					parts, _ := doc["partitions"].(map[string]any)
					if parts["acl"] != true || parts["quota"] != false {
						return fmt.Errorf("partitions = %v", parts)
					}
					if doc["name"] != name {
						return fmt.Errorf("name = %v", doc["name"])
					}
					rights, _ := doc["access_rights"].(map[string]any)
					if len(rights) != 1 {
						return fmt.Errorf("access_rights = %v", rights)
					}
					return nil
				}),
			},
			{
				// In-place update: no replacement, new values stored.
				Config: testPolicyConfig(name+"-renamed", "quota = true\n    rate_limit = true", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_policy.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_policy.test", tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
					statecheck.ExpectKnownValue("tyk_policy.test", tfjsonpath.New("rate"), knownvalue.Float64Exact(100)),
					statecheck.ExpectKnownValue("tyk_policy.test", tfjsonpath.New("access_rights"), knownvalue.SetSizeExact(2)),
				},
			},
			{
				ResourceName:      "tyk_policy.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

func testPolicyConfig(name, partitions string, apis int) string {
	rights, defs := "", ""
	for i := 0; i < 2; i++ {
		defs += fmt.Sprintf(`
resource "tyk_api" "a%[1]d" {
  name        = "%[2]s-api-%[1]d"
  listen_path = "/%[2]s-%[1]d/"
  target_url  = "http://upstream.example"
}
`, i, name)
	}
	for i := 0; i < apis; i++ {
		rights += fmt.Sprintf(`
  access_rights {
    api_id   = tyk_api.a%[1]d.api_id
    api_name = "API %[1]d"
    allowed_urls {
      url     = "/anything"
      methods = ["GET", "POST"]
    }
  }
`, i, name)
	}
	return fmt.Sprintf(`
resource "tyk_policy" "test" {
  name               = %[1]q
  tags               = ["dcr"]
  rate               = 100
  per                = 60
  quota_max          = 1000
  quota_renewal_rate = 3600
  meta_data          = { team = "payments" }
  partitions = {
    %[2]s
  }
%[3]s
}
`, name, partitions, rights) + defs
}

func TestAccPolicy_outOfBandDeleteRecreates(t *testing.T) {
	name := acctest.Name("acc-policy-oob")
	tg := acctest.DefaultTarget(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckPoliciesDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`resource "tyk_policy" "test" { name = %q }`, name),
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources["tyk_policy.test"].Primary.ID
					return tg.DashboardDelete("/api/portal/policies/" + id)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: fmt.Sprintf(`resource "tyk_policy" "test" { name = %q }`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_policy.test", plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccPolicy_invalidConfig(t *testing.T) {
	acctest.Sandbox(t)
	cases := map[string]struct {
		config string
		err    string
	}{
		"rate without per": {"resource \"tyk_policy\" \"t\" {\n name = \"x\"\n rate = 10\n}", `Rate limit without a period`},
		"empty name":       {`resource "tyk_policy" "t" { name = "" }`, `string length must be at least 1`},
		"bad state":        {"resource \"tyk_policy\" \"t\" {\n name = \"x\"\n state = \"on\"\n}", `value must be one of`},
		"negative quota":   {"resource \"tyk_policy\" \"t\" {\n name = \"x\"\n quota_max = -5\n}", `quota_max`},
		"duplicate api":    {`resource "tyk_policy" "t" {` + "\n name = \"x\"\n access_rights {\n api_id = \"a\"\n }\n access_rights {\n api_id = \"a\"\n api_name = \"b\"\n }\n}", `Duplicate API in access rights`},
		"bad method":       {`resource "tyk_policy" "t" {` + "\n name = \"x\"\n access_rights {\n api_id = \"a\"\n allowed_urls {\n url = \"/\"\n methods = [\"FETCH\"]\n }\n }\n}", `value must be one of`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := acctest.WriteCount(acctest.Sandbox(t))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				PreCheck:                 func() { acctest.PreCheck(t) },
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.err),
				}},
			})
			if after := acctest.WriteCount(acctest.Sandbox(t)); after != before {
				t.Fatalf("invalid config caused %d write requests", after-before)
			}
		})
	}
}
