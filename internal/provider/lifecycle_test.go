package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// dcrAddrs are the resources of acctest.DCRResources, every resource type
// of the flow.
var dcrAddrs = []string{
	"tyk_api.noop", "tyk_policy.noop", "tyk_api.payments", "tyk_policy.product", "tyk_policy.plan",
	"tyk_api_scope_mapping.product", "tyk_api_scope_mapping.plan", "tyk_portal_api_provider.dashboard",
	"tyk_portal_oauth_provider.hydra", "tyk_portal_client_type.machine", "tyk_portal_product.payments",
	"tyk_portal_plan.free", "tyk_portal_user.dev", "tyk_portal_app.app", "tyk_portal_app_access.access",
}

// withReplaceTrigger adds replace_triggered_by = [terraform_data.rev] to the
// named resources of cfg and declares terraform_data.rev with input rev:
// changing rev makes Terraform replace them the way -replace does (planned
// with the prior state, then again without it).
func withReplaceTrigger(cfg string, rev int, addrs ...string) string {
	for _, a := range addrs {
		typ, name, _ := strings.Cut(a, ".")
		head := fmt.Sprintf("resource %q %q {", typ, name)
		if !strings.Contains(cfg, head) {
			panic("no " + head)
		}
		cfg = strings.Replace(cfg, head, head+"\n  lifecycle {\n    replace_triggered_by = [terraform_data.rev]\n  }", 1)
	}
	return cfg + fmt.Sprintf("\nresource \"terraform_data\" \"rev\" {\n  input = %d\n}\n", rev)
}

// rememberClient appends the access's client id to ids.
func rememberClient(ids *[]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*ids = append(*ids, accessAttrs(s)["client_id"])
		return nil
	}
}

// checkOnlyLastClient: the last remembered client is the state's and the
// IdP holds none of the earlier ones.
func checkOnlyLastClient(h *acctest.Hydra, ids *[]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		all := *ids
		if len(all) < 2 || all[len(all)-1] == all[len(all)-2] {
			return fmt.Errorf("the access kept its client across the replacement: %v", all)
		}
		old := append([]string(nil), all[:len(all)-1]...)
		return checkNoHydraClients(h, &old)(s)
	}
}

// TestAccDCR_replaceEveryResource replaces every resource of the
// Dashboard-first flow at once (taint: planned as new objects while the old
// ones still exist), then the products and plans through a RequiresReplace-
// like trigger. Scope uniqueness must not count the objects being replaced,
// one apply must leave a working flow, the old IdP client must be gone, and
// the plan after it must be empty.
func TestAccDCR_replaceEveryResource(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accrep"), "-", "_")
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	var clients []string
	cfg := acctest.DCRConfig(tg, h, name, "")
	triggered := []string{"tyk_portal_product.payments", "tyk_portal_plan.free", "tyk_portal_app_access.access"}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			acctest.CheckPoliciesDestroyed(tg), acctest.CheckAPIsDestroyed(tg),
			func(s *terraform.State) error { return checkNoHydraClients(h, &clients)(s) },
		),
		Steps: []resource.TestStep{
			{
				Config: withReplaceTrigger(cfg, 1, triggered...),
				Check:  resource.ComposeTestCheckFunc(rememberClient(&clients), checkGateway(tg, h, name)),
			},
			{
				Config: withReplaceTrigger(cfg, 1, triggered...),
				Taint:  dcrAddrs,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: replaceChecks(dcrAddrs...),
				},
				Check: resource.ComposeTestCheckFunc(rememberClient(&clients), checkOnlyLastClient(h, &clients), checkGateway(tg, h, name)),
			},
			{
				// Only the product and plan tainted: their policies stay, so
				// the new objects are planned with known policies whose
				// Portal products and plans (theirs) hold the scopes.
				Config:           withReplaceTrigger(cfg, 1, triggered...),
				Taint:            triggered,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaceChecks(triggered...)},
				Check:            resource.ComposeTestCheckFunc(rememberClient(&clients), checkOnlyLastClient(h, &clients), checkGateway(tg, h, name)),
			},
			{
				Config: withReplaceTrigger(cfg, 2, triggered...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: replaceChecks(triggered...),
				},
				Check: resource.ComposeTestCheckFunc(rememberClient(&clients), checkOnlyLastClient(h, &clients), checkGateway(tg, h, name)),
			},
		},
	})
}

// TestAccPortalFirst_replaceEveryResource does the same for the Portal-first
// flow, whose products and plans the Portal creates with their policies.
func TestAccPortalFirst_replaceEveryResource(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accrepf"), "-", "_")
	sb := acctest.Sandbox(t)
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	var clients []string
	cfg := portalFirstAccess(sb, h, name, h.WellKnownURL, false)
	addrs := []string{
		"tyk_api.noop", "tyk_policy.noop", "tyk_api.a", "tyk_portal_api_provider.d", "tyk_portal_oauth_provider.idp",
		"tyk_portal_client_type.ct", "tyk_portal_product.p", "tyk_portal_plan.pl", "tyk_portal_user.u",
		"tyk_portal_app.app", "tyk_portal_app_access.access",
	}
	triggered := []string{"tyk_portal_product.p", "tyk_portal_plan.pl", "tyk_portal_app_access.access"}
	renamed := strings.NewReplacer(`"`+name+`-product"`, `"`+name+`-product2"`, `"`+name+`-plan"`, `"`+name+`-plan2"`).Replace(cfg)
	if renamed == cfg {
		t.Fatal("rename did not apply")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			acctest.CheckPoliciesDestroyed(tg), acctest.CheckAPIsDestroyed(tg),
			func(s *terraform.State) error { return checkNoHydraClients(h, &clients)(s) },
		),
		Steps: []resource.TestStep{
			{
				Config: withReplaceTrigger(cfg, 1, triggered...),
				Check:  resource.ComposeTestCheckFunc(rememberClient(&clients), checkGateway(tg, h, name)),
			},
			{
				Config:           withReplaceTrigger(cfg, 1, triggered...),
				Taint:            addrs,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaceChecks(addrs...)},
				Check:            resource.ComposeTestCheckFunc(rememberClient(&clients), checkOnlyLastClient(h, &clients), checkGateway(tg, h, name)),
			},
			{
				Config:           withReplaceTrigger(cfg, 2, triggered...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaceChecks(triggered...)},
				Check:            resource.ComposeTestCheckFunc(rememberClient(&clients), checkOnlyLastClient(h, &clients), checkGateway(tg, h, name)),
			},
			{
				// Replaced and renamed at once: the new objects share
				// neither id nor name with the old ones that hold the scopes.
				Config:           withReplaceTrigger(renamed, 3, triggered...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaceChecks(triggered...)},
				Check:            resource.ComposeTestCheckFunc(rememberClient(&clients), checkOnlyLastClient(h, &clients), checkGateway(tg, h, name)),
			},
		},
	})
}

func replaceChecks(addrs ...string) []plancheck.PlanCheck {
	var out []plancheck.PlanCheck
	for _, a := range addrs {
		out = append(out, plancheck.ExpectResourceAction(a, plancheck.ResourceActionDestroyBeforeCreate))
	}
	return out
}

// TestAccDCR_outOfBandDeletion deletes one object of the flow in each plane
// behind Terraform's back, one step each: the next plan must show it (the
// resource planned for creation), one apply must restore a working flow
// (token → 200, the plan still enforced), and the plan after it must be
// empty.
func TestAccDCR_outOfBandDeletion(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accoob"), "-", "_")
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	cfg := acctest.DCRConfig(tg, h, name, "")
	var last *terraform.State
	var clients []string
	keep := func(s *terraform.State) error {
		if s == nil || s.RootModule() == nil {
			return fmt.Errorf("no state to remember")
		}
		last = s
		return nil
	}
	attr := func(addr, a string) string { return acctest.AttrOf(addr, a)(last) }
	portalDelete := func(path func() string) func() {
		return func() {
			if code, err := tg.PortalDo("DELETE", path()); err != nil || code/100 != 2 {
				t.Fatalf("DELETE %s: %d %v", path(), code, err)
			}
		}
	}
	step := func(_ string, del func(), recreated ...string) resource.TestStep {
		var checks []plancheck.PlanCheck
		for _, a := range recreated {
			checks = append(checks, plancheck.ExpectResourceAction(a, plancheck.ResourceActionCreate))
		}
		return resource.TestStep{
			PreConfig:        del,
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
			Check:            resource.ComposeTestCheckFunc(keep, rememberClient(&clients), checkGateway(tg, h, name)),
		}
	}
	steps := []resource.TestStep{{
		Config: cfg,
		Check:  resource.ComposeTestCheckFunc(keep, rememberClient(&clients), checkGateway(tg, h, name)),
	}}
	dashboard := func(path func() string) func() {
		return func() {
			if err := tg.DashboardDelete(path()); err != nil {
				t.Fatalf("DELETE %s: %v", path(), err)
			}
		}
	}
	steps = append(steps,
		// Dashboard plane.
		step("plan policy", dashboard(func() string { return "/api/portal/policies/" + attr("tyk_policy.plan", "id") }), "tyk_policy.plan"),
		step("product API", dashboard(func() string { return "/api/apis/" + attr("tyk_api.payments", "api_id") }), "tyk_api.payments"),
		// Portal plane.
		step("product", portalDelete(func() string { return "/products/" + attr("tyk_portal_product.payments", "id") }), "tyk_portal_product.payments"),
		step("plan", portalDelete(func() string { return "/plans/" + attr("tyk_portal_plan.free", "id") }), "tyk_portal_plan.free"),
		step("client type", portalDelete(func() string {
			return fmt.Sprintf("/oauth-providers/%s/client-types/%s?force=true", attr("tyk_portal_oauth_provider.hydra", "id"), attr("tyk_portal_client_type.machine", "id"))
		}), "tyk_portal_client_type.machine"),
		step("OAuth provider", portalDelete(func() string {
			return "/oauth-providers/" + attr("tyk_portal_oauth_provider.hydra", "id") + "?force=true"
		}), "tyk_portal_oauth_provider.hydra"),
		step("app", portalDelete(func() string { return "/apps/" + attr("tyk_portal_app.app", "id") }), "tyk_portal_app.app", "tyk_portal_app_access.access"),
		step("access", portalDelete(func() string { return "/access_requests/" + attr("tyk_portal_app_access.access", "id") }), "tyk_portal_app_access.access"),
	)
	// IdP plane: the client is gone; the access is replaced.
	idp := resource.TestStep{
		PreConfig: func() {
			if err := h.DeleteClient(attr("tyk_portal_app_access.access", "client_id")); err != nil {
				t.Fatal(err)
			}
		},
		Config: cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionDestroyBeforeCreate),
		}},
		Check: resource.ComposeTestCheckFunc(keep, rememberClient(&clients), checkGateway(tg, h, name)),
	}
	steps = append(steps, idp)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			acctest.CheckPoliciesDestroyed(tg), acctest.CheckAPIsDestroyed(tg),
			func(s *terraform.State) error { return checkNoHydraClients(h, &clients)(s) },
		),
		Steps: steps,
	})
}

// An object that breaks the provider's plan-time rules (created outside
// Terraform) can still be adopted and destroyed: the combination checks run
// when a change is planned, not when the configuration matches what exists
// (and `terraform destroy` plans no change to it).
func TestAccInvalidExistingObjectDoesNotBlockDestroy(t *testing.T) {
	sb := acctest.Sandbox(t)
	tg := acctest.DefaultTarget(t)
	name := acctest.Name("accinvdestroy")
	prov, err := acctest.Seed(sb, "portal", "POST", "/oauth-providers", `{"Name":"`+name+`","Type":"Other","WellKnownURL":"http://127.0.0.1:4444/.well-known/openid-configuration"}`)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := acctest.Seed(sb, "portal", "POST", fmt.Sprintf("/oauth-providers/%v/client-types", prov["ID"]),
		`{"Name":"`+name+`","ResponseTypes":"code","GrantType":"client_credentials","TokenEndpointAuthMethod":"client_secret_basic"}`)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`
import {
  to = tyk_portal_oauth_provider.idp
  id = "%[2]v"
}

import {
  to = tyk_portal_client_type.ct
  id = "%[2]v/%[3]v"
}

resource "tyk_portal_oauth_provider" "idp" {
  name           = %[1]q
  type           = "Other"
  well_known_url = "http://127.0.0.1:4444/.well-known/openid-configuration"
}

resource "tyk_portal_client_type" "ct" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = %[1]q
  response_types             = ["code"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}
`, name, prov["ID"], ct["ID"])
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := tg.Portal.GetOAuthProvider(context.Background(), mustInt(fmt.Sprint(prov["ID"]))); err == nil {
				return fmt.Errorf("OAuth provider %v still exists", prov["ID"])
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// A change to another invalid value is refused at plan time.
				Config:      strings.Replace(cfg, `response_types             = ["code"]`, `response_types             = ["code", "id_token"]`, 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Response type code needs the authorization_code grant`),
			},
		},
	})
}
