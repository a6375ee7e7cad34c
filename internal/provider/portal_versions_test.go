package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// The seed flow under each emulated Portal version: 1.12 (Dashboard-first
// only, plans listed as a bare array with display-string limits), 1.13
// (writes the JWKS source and the scope mappings into the API definitions at
// approval), 1.16 (one IdP client per app) and 1.18 (mappings by custom
// policy id). After apply the plan is empty (no fight between the mappings
// Terraform owns and those the Portal writes), the credentials work through
// the gateway, and destroy leaves no client in the IdP.
func TestAccSeedFlow_portalVersions(t *testing.T) {
	h := acctest.SharedHydra(t)
	for _, version := range []string{"1.12", "1.13", "1.16", "1.18"} {
		t.Run(version, func(t *testing.T) {
			tg := acctest.PortalVersionTarget(t, version)
			name := strings.ReplaceAll(acctest.Name("accv"+strings.ReplaceAll(version, ".", "")), "-", "_")
			var clients []string
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             func(s *terraform.State) error { return checkNoHydraClients(h, &clients)(s) },
				Steps: []resource.TestStep{{
					Config: acctest.DCRConfig(tg, h, name, ""),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("status"), knownvalue.StringExact("approved")),
						statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("idp_client_status"), knownvalue.StringExact("ok")),
					},
					Check: resource.ComposeTestCheckFunc(
						func(s *terraform.State) error {
							clients = append(clients, accessAttrs(s)["client_id"])
							return nil
						},
						checkGateway(tg, h, name),
						checkPortalWroteMappings(tg, version, name),
					),
				}},
			})
		})
	}
}

// With Portal 1.13+ the mappings can be left to the Portal: without any
// tyk_api_scope_mapping, the approval writes them and the token passes.
func TestAccSeedFlow_portalOwnedMappings(t *testing.T) {
	h := acctest.SharedHydra(t)
	for _, version := range []string{"1.13", "1.18"} {
		t.Run(version, func(t *testing.T) {
			tg := acctest.PortalVersionTarget(t, version)
			name := strings.ReplaceAll(acctest.Name("accown"+strings.ReplaceAll(version, ".", "")), "-", "_")
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.WithoutMappings(acctest.DCRConfig(tg, h, name, "")),
					Check:  resource.ComposeTestCheckFunc(checkGateway(tg, h, name), checkPortalWroteMappings(tg, version, name)),
				}},
			})
		})
	}
}

// checkPortalWroteMappings reads the payments API through the Dashboard
// client: from 1.13 the Portal's approval wrote the product and plan scopes
// into `scopes.jwt` (the same policies the mapping resources name, so the
// plan stays empty); 1.12 writes nothing, so only Terraform's mapping is
// there.
func checkPortalWroteMappings(tg *acctest.Target, version, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		apiID := s.RootModule().Resources["tyk_api.payments"].Primary.Attributes["api_id"]
		w, err := tg.Dashboard.GetAPI(context.Background(), apiID)
		if err != nil {
			return err
		}
		m := w.APIDefinition.ScopeMapping()
		product := s.RootModule().Resources["tyk_policy.product"].Primary.ID
		plan := s.RootModule().Resources["tyk_policy.plan"].Primary.ID
		if m[name+"_product"] != product || m[name+"_plan"] != plan {
			return fmt.Errorf("Portal %s: mapping %v, want %s_product → %s and %s_plan → %s", version, m, name, product, name, plan)
		}
		return nil
	}
}

// From Portal 1.16 an app keeps one OAuth client: a second access of the
// same app gets the same client, with both requests' scopes; revoking one
// access keeps the client (the other still uses it) with the remaining
// scopes; destroying the last one deletes it.
func TestAccPortalAppAccess_oneClientPerApp(t *testing.T) {
	h := acctest.SharedHydra(t)
	tg := acctest.PortalVersionTarget(t, "1.16")
	name := strings.ReplaceAll(acctest.Name("accshared"), "-", "_")
	second := fmt.Sprintf(`
resource "tyk_policy" "gold" {
  name               = "%[1]s-gold"
  tags               = ["%[1]s"]
  rate               = 50
  per                = 1
  quota_max          = 10000
  quota_renewal_rate = 3600
  partitions         = { rate_limit = true, quota = true }
  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

resource "tyk_api_scope_mapping" "gold" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { "%[1]s_gold" = tyk_policy.gold.id }
}

resource "tyk_portal_plan" "gold" {
  provider_id   = tyk_portal_api_provider.dashboard.id
  policy_id     = tyk_policy.gold.id
  scopes        = ["%[1]s_gold"]
  catalogue_ids = [1]
}

resource "tyk_portal_app_access" "gold" {
  app_id         = tyk_portal_app.app.id
  product_ids    = [tyk_portal_product.payments.id]
  plan_id        = tyk_portal_plan.gold.id
  client_type_id = tyk_portal_client_type.machine.id
  depends_on     = [tyk_portal_app_access.access, tyk_api_scope_mapping.gold]
}
`, name)
	var client string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return checkNoHydraClients(h, &[]string{client})(s) },
		Steps: []resource.TestStep{
			{
				Config: acctest.DCRConfig(tg, h, name, "") + second,
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["tyk_portal_app_access.access"].Primary.Attributes
					b := s.RootModule().Resources["tyk_portal_app_access.gold"].Primary.Attributes
					client = a["client_id"]
					if b["client_id"] != client {
						return fmt.Errorf("the app's second access got client %s, the first %s: Portal 1.16 keeps one client per app", b["client_id"], client)
					}
					c, err := h.Client(client)
					if err != nil || c == nil {
						return fmt.Errorf("client %s not in Hydra: %v", client, err)
					}
					for _, sc := range []string{name + "_product", name + "_plan", name + "_gold"} {
						if !strings.Contains(" "+fmt.Sprint(c["scope"])+" ", " "+sc+" ") {
							return fmt.Errorf("the shared client's scopes %q lack %s", c["scope"], sc)
						}
					}
					return nil
				},
			},
			{
				// Revoking the first access keeps the client for the second.
				Config: tg.ProviderBlock() + acctest.DCRSetup(tg, h, name) + strings.Replace(second, "tyk_portal_app_access.access, ", "", 1),
				Check: func(s *terraform.State) error {
					c, err := h.Client(client)
					if err != nil || c == nil {
						return fmt.Errorf("revoking one access deleted the client the other still uses: %v", err)
					}
					if strings.Contains(fmt.Sprint(c["scope"]), name+"_plan") {
						return fmt.Errorf("the shared client kept the revoked access's plan scope: %q", c["scope"])
					}
					return nil
				},
			},
		},
	})
}
