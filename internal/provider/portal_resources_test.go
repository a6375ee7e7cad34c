package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

func testOAuthConfig(name, wellKnown, tokenVersion string) string {
	return fmt.Sprintf(`
resource "tyk_portal_oauth_provider" "idp" {
  name                                 = %[1]q
  type                                 = "Other"
  well_known_url                       = %[2]q
  registration_access_token_wo         = "initial-token-%[3]s"
  registration_access_token_wo_version = %[3]s
}

resource "tyk_portal_client_type" "machine" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Confidential client"
  description                = "Server-side apps, client_credentials"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

resource "tyk_portal_client_type" "web" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "%[1]s web"
  response_types             = ["code", "id_token"]
  grant_types                = ["authorization_code", "refresh_token"]
  token_endpoint_auth_method = "client_secret_post"
}

data "tyk_portal_oauth_provider" "lookup" {
  name       = tyk_portal_oauth_provider.idp.name
  depends_on = [tyk_portal_client_type.machine, tyk_portal_client_type.web]
}
`, name, wellKnown, tokenVersion)
}

func TestAccPortalOAuthProviderAndClientTypes(t *testing.T) {
	name := acctest.Name("acc-idp")
	sb := acctest.Sandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy: func(s *terraform.State) error {
			for _, rs := range s.RootModule().Resources {
				switch rs.Type {
				case "tyk_portal_oauth_provider":
					if _, ok := sb.Store.OAuthProviders.Get(rs.Primary.ID); ok {
						return fmt.Errorf("oauth provider %s still exists", rs.Primary.ID)
					}
				case "tyk_portal_client_type":
					if _, ok := sb.Store.ClientTypes.Get(rs.Primary.ID); ok {
						return fmt.Errorf("client type %s still exists", rs.Primary.ID)
					}
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testOAuthConfig(name, "http://127.0.0.1:4444/.well-known/openid-configuration", "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_portal_oauth_provider.idp", tfjsonpath.New("registration_access_token_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue("tyk_portal_client_type.web", tfjsonpath.New("response_types"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("code"), knownvalue.StringExact("id_token")})),
					statecheck.ExpectKnownValue("data.tyk_portal_oauth_provider.lookup", tfjsonpath.New("client_type_ids"), knownvalue.MapSizeExact(2)),
				},
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources["tyk_portal_oauth_provider.idp"].Primary.ID
					doc, _ := sb.Store.OAuthProviders.Get(id)
					if doc["RegistrationAccessToken"] != "initial-token-1" {
						return fmt.Errorf("write-only token not sent: %v", doc["RegistrationAccessToken"])
					}
					for _, rs := range s.RootModule().Resources {
						for k, v := range rs.Primary.Attributes {
							if strings.Contains(v, "initial-token") {
								return fmt.Errorf("write-only token in state at %s.%s", rs.Type, k)
							}
						}
					}
					ct, _ := sb.Store.ClientTypes.Get(s.RootModule().Resources["tyk_portal_client_type.web"].Primary.ID)
					if ct["ResponseTypes"] != "code,id_token" || ct["GrantType"] != "authorization_code,refresh_token" {
						return fmt.Errorf("client type stored as %v / %v", ct["ResponseTypes"], ct["GrantType"])
					}
					return nil
				},
			},
			{
				// New token version: an in-place update sends the new token.
				Config: testOAuthConfig(name+"-2", "http://127.0.0.1:4444/.well-known/openid-configuration", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_oauth_provider.idp", plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraform.State) error {
					doc, _ := sb.Store.OAuthProviders.Get(s.RootModule().Resources["tyk_portal_oauth_provider.idp"].Primary.ID)
					if doc["RegistrationAccessToken"] != "initial-token-2" || doc["Name"] != name+"-2" {
						return fmt.Errorf("update not applied: %v %v", doc["Name"], doc["RegistrationAccessToken"])
					}
					return nil
				},
			},
			{
				ResourceName:            "tyk_portal_oauth_provider.idp",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"registration_access_token_wo_version"},
			},
			{
				ResourceName:      "tyk_portal_client_type.web",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					rs := s.RootModule().Resources["tyk_portal_client_type.web"]
					return rs.Primary.Attributes["oauth_provider_id"] + "/" + rs.Primary.ID, nil
				},
			},
			{
				// Deleted in the Portal: removed from state, recreated.
				PreConfig: func() {
					for _, d := range sb.Store.ClientTypes.List() {
						if d["Name"] == name+"-2 web" {
							if id, err := strconv.ParseInt(fmt.Sprint(d["ID"]), 10, 64); err == nil {
								sb.Store.ClientTypes.Delete(strconv.FormatInt(id, 10))
							}
						}
					}
				},
				Config: testOAuthConfig(name+"-2", "http://127.0.0.1:4444/.well-known/openid-configuration", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_portal_client_type.web", plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccPortalClientType_invalidCombinations(t *testing.T) {
	sb := acctest.Sandbox(t)
	base := `
resource "tyk_portal_client_type" "t" {
  oauth_provider_id = 1
  name              = "x"
%s
}`
	cases := map[string]struct{ body, err string }{
		"auth code without code": {"response_types = [\"token\"]\n grant_types = [\"authorization_code\"]", `authorization_code needs response type code`},
		"implicit without token": {"response_types = [\"code\"]\n grant_types = [\"implicit\"]", `implicit needs response type token`},
		"client creds public":    {"response_types = [\"token\"]\n grant_types = [\"client_credentials\"]", `client_credentials needs a confidential client`},
		"unknown grant":          {"response_types = [\"code\"]\n grant_types = [\"magic\"]", `value must be one of`},
		"unknown response":       {"response_types = [\"it_token\"]\n grant_types = [\"implicit\"]", `value must be one of`},
		"bad auth method":        {"response_types = [\"token\"]\n grant_types = [\"client_credentials\"]\n token_endpoint_auth_method = \"private_key_jwt\"", `value must be one of`},
		"empty grants":           {"response_types = [\"code\"]\n grant_types = []", `grant_types`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := acctest.WriteCount(sb)
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: fmt.Sprintf(base, tc.body), PlanOnly: true, ExpectError: regexp.MustCompile(tc.err)}},
			})
			if after := acctest.WriteCount(sb); after != before {
				t.Fatalf("invalid config caused %d writes", after-before)
			}
		})
	}
}

func TestAccPortalClientType_providerTypeRules(t *testing.T) {
	name := acctest.Name("acc-okta")
	acctest.Sandbox(t)
	okta := fmt.Sprintf(`
resource "tyk_portal_oauth_provider" "okta" {
  name           = %q
  type           = "Okta"
  well_known_url = "https://example.okta.com/oauth2/default/.well-known/openid-configuration"
}
`, name)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: okta},
			{
				Config: okta + `
resource "tyk_portal_client_type" "svc" {
  oauth_provider_id          = tyk_portal_oauth_provider.okta.id
  name                       = "Service"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Okta needs an app type`),
			},
			{
				Config: okta + `
resource "tyk_portal_client_type" "svc" {
  oauth_provider_id          = tyk_portal_oauth_provider.okta.id
  name                       = "Service"
  response_types             = ["code", "token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
  okta_app_type              = "service"
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Okta client_credentials needs response type token only`),
			},
			{
				Config: okta + `
resource "tyk_portal_client_type" "svc" {
  oauth_provider_id          = tyk_portal_oauth_provider.okta.id
  name                       = "Service"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
  okta_app_type              = "service"
}`,
			},
		},
	})
}

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

func mustInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}
