package provider_test

import (
	"fmt"
	"regexp"
	"strings"
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

func accessAttrs(s *terraform.State) map[string]string {
	return s.RootModule().Resources["tyk_portal_app_access.access"].Primary.Attributes
}

// checkGateway proves the credentials work end to end, with what the real
// Gateway answers (../shared/tyk-recordings/gateway-5.12.1-dcr.md) for the
// seed flow's configuration, whose No-Op default policy carries floor limits:
// a token with the product and plan scopes passes (200 with the echo body); a
// token with only the product scope is held to the floor (at most one of
// three calls passes; the others get the rate limit's 429, or the quota's 403
// once the client's quota counter, shared by all its tokens, is past the
// floor's one request); a token with only
// the plan scope is refused (403: the plan policy grants no access); no token
// is a 400.
func checkGateway(tg *acctest.Target, h *acctest.Hydra, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := accessAttrs(s)
		method := "client_secret_basic"
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "tyk_portal_client_type" && rs.Primary.ID == a["client_type_id"] {
				method = rs.Primary.Attributes["token_endpoint_auth_method"]
			}
		}
		token := func(scopes ...string) (string, error) {
			return acctest.ClientCredentialsTokenAuth(h, method, a["client_id"], a["client_secret"], scopes...)
		}
		tok, err := token(name+"_product", name+"_plan")
		if err != nil {
			return fmt.Errorf("token with product+plan scopes: %w", err)
		}
		code, body, err := tg.CallGateway("/"+name+"/get?hello=world", tok)
		if err != nil || code != 200 || !strings.Contains(body, `"hello":"world"`) {
			return fmt.Errorf("gateway with both scopes: %d %s %v", code, body, err)
		}
		productOnly, err := token(name + "_product")
		if err != nil {
			return fmt.Errorf("token with the product scope: %w", err)
		}
		passed := 0
		for range 3 {
			code, body, _ := tg.CallGateway("/"+name+"/get", productOnly)
			switch {
			case code == 200:
				passed++
			case code == 429, code == 403 && strings.Contains(body, "Quota exceeded"):
			default:
				return fmt.Errorf("gateway with the product scope only: %d %s, want 429 or the quota's 403 (the floor)", code, body)
			}
		}
		if passed > 1 {
			return fmt.Errorf("gateway with the product scope only: %d of 3 calls passed, the floor allows 1 per hour", passed)
		}
		planOnly, err := token(name + "_plan")
		if err != nil {
			return fmt.Errorf("token with the plan scope: %w", err)
		}
		if code, body, _ := tg.CallGateway("/"+name+"/get", planOnly); code != 403 || !strings.Contains(body, "could not apply several policies") {
			return fmt.Errorf("gateway with the plan scope only: %d %s, want 403", code, body)
		}
		if code, _, _ := tg.CallGateway("/"+name+"/get", ""); code != 400 {
			return fmt.Errorf("gateway without a token: %d, want 400", code)
		}
		return nil
	}
}

func checkNoHydraClients(h *acctest.Hydra, ids *[]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, id := range *ids {
			c, err := h.Client(id)
			if err != nil {
				return err
			}
			if c != nil {
				return fmt.Errorf("Hydra still holds client %s", id)
			}
		}
		return nil
	}
}

// The seed flow, import, rotation, drift in the IdP (client deleted, scopes
// changed) and in the Portal, and revocation at destroy, against each real
// IdP: Ory Hydra, and oidc-provider configured as Keycloak-type IdPs behave
// (initial access token, `scope` string claim, registration access token
// rotated on every read, so verify_idp_client goes through the token
// endpoint).
func TestAccPortalAppAccess_dcrFlow(t *testing.T) {
	tg := acctest.DefaultTarget(t)
	for _, h := range acctest.IdPs(t) {
		t.Run(h.Kind, func(t *testing.T) { testDCRFlow(t, tg, h) })
	}
}

func testDCRFlow(t *testing.T, tg *acctest.Target, h *acctest.Hydra) {
	name := acctest.Name("accdcr")
	name = strings.ReplaceAll(name, "-", "_")
	var clients []string
	var lastAccess string
	remember := func(s *terraform.State) error {
		clients = append(clients, accessAttrs(s)["client_id"])
		lastAccess = accessAttrs(s)["id"]
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return checkNoHydraClients(h, &clients)(s) },
		Steps: []resource.TestStep{
			{
				Config: acctest.DCRConfig(tg, h, name, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("status"), knownvalue.StringExact("approved")),
					statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("idp_client_status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("token_endpoint"), knownvalue.StringExact(h.TokenURL)),
					statecheck.ExpectKnownValue("tyk_portal_app_access.access", tfjsonpath.New("scopes"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(name + "_product"), knownvalue.StringExact(name + "_plan")})),
					statecheck.ExpectSensitiveValue("tyk_portal_app_access.access", tfjsonpath.New("client_secret")),
				},
				Check: resource.ComposeTestCheckFunc(
					remember,
					func(s *terraform.State) error {
						c, err := h.Client(accessAttrs(s)["client_id"])
						if err != nil || c == nil {
							return fmt.Errorf("client not registered in Hydra: %v", err)
						}
						if c["scope"] != name+"_product "+name+"_plan" {
							return fmt.Errorf("Hydra client scope = %v", c["scope"])
						}
						return nil
					},
					checkGateway(tg, h, name),
				),
			},
			{
				ResourceName:      "tyk_portal_app_access.access",
				ImportState:       true,
				ImportStateVerify: true,
				// verify_idp_client_via lives in configuration only (an
				// imported access is probed through the token endpoint until
				// its next apply).
				ImportStateVerifyIgnore: []string{"timeouts", "verify_idp_client_via"},
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					a := accessAttrs(s)
					return a["app_id"] + "/" + a["id"], nil
				},
			},
			{
				// Rotation: a new client and secret, the old client gone.
				Config: acctest.DCRConfig(tg, h, name, `rotation_triggers = { n = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						if accessAttrs(s)["client_id"] == clients[0] {
							return fmt.Errorf("rotation kept client %s", clients[0])
						}
						if c, _ := h.Client(clients[0]); c != nil {
							return fmt.Errorf("old client %s still in Hydra after rotation", clients[0])
						}
						return nil
					},
					remember,
					checkGateway(tg, h, name),
				),
			},
			{
				// The client is deleted in the IdP: drift, the next apply replaces the access.
				PreConfig: func() {
					if err := h.DeleteClient(clients[len(clients)-1]); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.DCRConfig(tg, h, name, `rotation_triggers = { n = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(remember, checkGateway(tg, h, name)),
			},
			{
				// The access request is deleted in the Portal: recreated.
				PreConfig: func() {
					if code, err := tg.PortalDo("DELETE", fmt.Sprintf("/access_requests/%s", lastAccess)); err != nil || code != 200 {
						t.Fatalf("deleting access request %s: %d %v", lastAccess, code, err)
					}
				},
				Config: acctest.DCRConfig(tg, h, name, `rotation_triggers = { n = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeTestCheckFunc(remember, checkGateway(tg, h, name)),
			},
			{
				// Scopes changed in the IdP: drift, replaced.
				PreConfig: func() {
					if err := h.SetClientScope(clients[len(clients)-1], name+"_product"); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.DCRConfig(tg, h, name, `rotation_triggers = { n = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(remember, checkGateway(tg, h, name)),
			},
		},
	})
}

// Changing a product's or plan's scopes does not leave the app with a client
// registered for the old ones: with replace_triggered_by on the scopes the
// access is replaced in the same apply; without it, the next plan shows the
// outdated client as drift and replaces it, with the reason. Either way the
// new client gets a token for the new scopes and the old client is gone.
func TestAccPortalAppAccess_scopeChange(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accscope"), "-", "_")
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	renamed := func(cfg, from, to string) string { return strings.ReplaceAll(cfg, `"`+from+`"`, `"`+to+`"`) }
	trigger := `lifecycle {
    replace_triggered_by = [tyk_portal_product.payments.scopes, tyk_portal_plan.free.scopes]
  }`
	base := acctest.DCRConfig(tg, h, name, trigger)
	step2 := renamed(base, name+"_product", name+"_product2")
	step3 := renamed(renamed(acctest.DCRConfig(tg, h, name, ""), name+"_product", name+"_product2"), name+"_plan", name+"_plan2")
	var clients []string
	remember := func(s *terraform.State) error {
		clients = append(clients, accessAttrs(s)["client_id"])
		return nil
	}
	oldClientGone := func(*terraform.State) error {
		if len(clients) < 2 || clients[len(clients)-1] == clients[len(clients)-2] {
			return fmt.Errorf("the access kept client %v", clients)
		}
		if c, _ := h.Client(clients[len(clients)-2]); c != nil {
			return fmt.Errorf("the old client %s is still in the IdP", clients[len(clients)-2])
		}
		return nil
	}
	tokenFor := func(scopes ...string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			a := accessAttrs(s)
			tok, err := acctest.ClientCredentialsToken(h, a["client_id"], a["client_secret"], scopes...)
			if err != nil {
				return fmt.Errorf("token for %v: %w", scopes, err)
			}
			if code, body, _ := tg.CallGateway("/"+name+"/get", tok); code != 200 {
				return fmt.Errorf("gateway with %v: %d %s", scopes, code, body)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return checkNoHydraClients(h, &clients)(s) },
		Steps: []resource.TestStep{
			{Config: base, Check: resource.ComposeTestCheckFunc(remember, tokenFor(name+"_product", name+"_plan"))},
			{
				// The product scope changes; replace_triggered_by replaces
				// the access in the same apply.
				Config: step2,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(remember, oldClientGone, tokenFor(name+"_product2", name+"_plan")),
			},
			{
				// Both scopes change, without replace_triggered_by: the
				// apply changes the product and the plan, and the refresh
				// after it finds the client outdated.
				Config:             step3,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: step3,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(remember, oldClientGone, tokenFor(name+"_product2", name+"_plan2")),
			},
		},
	})
}

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

// An IdP that needs an initial access token refuses registration with a
// wrong one, and the approval error says where to look.
func TestAccPortalAppAccess_wrongInitialAccessToken(t *testing.T) {
	tg := acctest.DefaultTarget(t)
	var op *acctest.Hydra
	for _, h := range acctest.IdPs(t) {
		if h.InitialAccessToken != "" {
			op = h
		}
	}
	if op == nil {
		t.Skip("no IdP that needs an initial access token (external target)")
	}
	wrong := *op
	wrong.InitialAccessToken = "not-the-initial-access-token"
	name := strings.ReplaceAll(acctest.Name("acciat"), "-", "_")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.DCRConfig(tg, &wrong, name, ""),
			ExpectError: regexp.MustCompile(`(?s)Could not approve the access request.*invalid_token.*registration\s+access\s+token`),
		}},
	})
}
