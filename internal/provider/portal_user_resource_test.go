package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

func TestAccPortalUser(t *testing.T) {
	email := acctest.Name("dev") + "@example.com"
	sb := acctest.Sandbox(t)
	cfg := func(first string) string {
		return fmt.Sprintf(`
resource "tyk_portal_user" "dev" {
  email      = %q
  first_name = %q
  last_name  = "Developer"
}

data "tyk_portal_user" "dev" {
  email = upper(tyk_portal_user.dev.email)
}
`, email, first)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, u := range sb.Store.Users.List() {
				if u["Email"] == email {
					return fmt.Errorf("user %s still exists", email)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("Ada"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_user.dev", tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.tyk_portal_user.dev", tfjsonpath.New("first_name"), knownvalue.StringExact("Ada")),
				},
				Check: func(s *terraform.State) error {
					for k, v := range s.RootModule().Resources["tyk_portal_user.dev"].Primary.Attributes {
						if strings.HasPrefix(v, "eyJ") {
							return fmt.Errorf("user's admin API token leaked into state at %s", k)
						}
					}
					return nil
				},
			},
			{
				Config: cfg("Grace"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_user.dev", plancheck.ResourceActionUpdate)},
				},
			},
			{ResourceName: "tyk_portal_user.dev", ImportState: true, ImportStateVerify: true},
		},
	})
}
