package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// TestAccConcurrency: 100 approved app accesses and 8 mapping resources on
// one API, applied at -parallelism=20, lose no update.
func TestAccConcurrency(t *testing.T) {
	const apps, mappings = 100, 8
	name := strings.ReplaceAll(acctest.Name("acccc"), "-", "_")
	sb := acctest.Sandbox(t)
	h := acctest.SharedHydra(t)
	t.Setenv("TF_CLI_ARGS_apply", "-parallelism=20")
	t.Setenv("TF_CLI_ARGS_destroy", "-parallelism=20")
	base := strings.Replace(portalFirstAccess(sb, h, name, h.WellKnownURL, true),
		"  client_type_id = tyk_portal_client_type.ct.id\n}", "  client_type_id = tyk_portal_client_type.ct.id\n  depends_on     = [tyk_api_scope_mapping.many]\n}", 1)
	cfg := base + fmt.Sprintf(`
resource "tyk_portal_app" "many" {
  count   = %[1]d
  user_id = tyk_portal_user.u.id
  name    = "%[3]s-many-${count.index}"
}

# The Portal (1.13+) writes mappings into the API at approval; the accesses
# wait for the mapping resources, as the docs advise, so that the Portal's
# read-modify-write cannot race theirs.
resource "tyk_portal_app_access" "many" {
  count          = %[1]d
  app_id         = tyk_portal_app.many[count.index].id
  product_ids    = [tyk_portal_product.p.id]
  plan_id        = tyk_portal_plan.pl.id
  client_type_id = tyk_portal_client_type.ct.id
  depends_on     = [tyk_api_scope_mapping.many]
}

resource "tyk_api_scope_mapping" "many" {
  count           = %[2]d
  api_id          = tyk_api.a.api_id
  scope_to_policy = { "%[3]s_extra_${count.index}" = tyk_portal_product.p.reference_id }
}
`, apps, mappings, name)
	countClients := func() (int, error) {
		clients, err := h.Clients()
		n := 0
		for _, c := range clients {
			if strings.HasPrefix(fmt.Sprint(c["client_name"]), name+"-many-") {
				n++
			}
		}
		return n, err
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n, err := countClients(); err != nil || n != 0 {
				return fmt.Errorf("%d Hydra clients left after destroy (%v)", n, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(s *terraform.State) error {
				def, ok := sb.Store.APIs.Get(s.RootModule().Resources["tyk_api.a"].Primary.ID)
				if !ok {
					return fmt.Errorf("API missing")
				}
				cur, dep := mappingOf(def)
				for i := 0; i < mappings; i++ {
					scope := fmt.Sprintf("%s_extra_%d", name, i)
					if cur[scope] == nil || dep[scope] == nil {
						return fmt.Errorf("mapping %s lost (concurrent update): %v", scope, cur)
					}
				}
				approved := 0
				for _, ar := range sb.Store.AccessRequests.List() {
					if strings.HasPrefix(fmt.Sprint(ar["Client"]), name+"-many-") && ar["Status"] == "approved" {
						approved++
					}
				}
				if approved != apps {
					return fmt.Errorf("%d approved access requests, want %d", approved, apps)
				}
				if n, err := countClients(); err != nil || n != apps {
					return fmt.Errorf("%d Hydra clients, want %d (%v)", n, apps, err)
				}
				return nil
			},
		}},
	})
}
