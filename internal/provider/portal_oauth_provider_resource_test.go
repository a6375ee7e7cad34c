package provider_test

import (
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

// An OAuth provider whose client type an API product uses is not destroyed
// unless force_destroy is set; then the Portal detaches it from the product.
func TestAccPortalOAuthProvider_forceDestroy(t *testing.T) {
	name := acctest.Name("accforce")
	sb := acctest.Sandbox(t)
	cfg := func(force bool) string {
		return fmt.Sprintf(`
resource "tyk_portal_oauth_provider" "idp" {
  name           = %q
  type           = "Other"
  well_known_url = "http://idp.example/.well-known/openid-configuration"
  force_destroy  = %t
}
`, name, force)
	}
	var productID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, p := range sb.Store.OAuthProviders.List() {
				if p["Name"] == name {
					return fmt.Errorf("OAuth provider %s still exists", name)
				}
			}
			cts, err := acctest.SeedList(sb, "/products/"+productID+"/client_types")
			if err != nil || len(cts) != 0 {
				return fmt.Errorf("product still has client types %v (%v)", cts, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: cfg(false)},
			{
				// Outside Terraform, a client type of the provider is put on a product.
				PreConfig: func() {
					var providerID any
					for _, p := range sb.Store.OAuthProviders.List() {
						if p["Name"] == name {
							providerID = p["ID"]
						}
					}
					ct, err := acctest.Seed(sb, "portal", "POST", fmt.Sprintf("/oauth-providers/%v/client-types", providerID),
						`{"Name":"outside","ResponseTypes":"token","GrantType":"client_credentials","TokenEndpointAuthMethod":"client_secret_basic"}`)
					if err != nil {
						t.Fatal(err)
					}
					prov, err := acctest.Seed(sb, "portal", "POST", "/providers", `{"Name":"`+name+`","Configuration":{"MetaData":"{\"URL\":\"`+sb.DashboardURL+`\",\"Secret\":\"`+acctest.DashboardToken+`\",\"OrgID\":\"o\"}"}}`)
					if err != nil {
						t.Fatal(err)
					}
					pr, err := acctest.Seed(sb, "portal", "POST", "/products", fmt.Sprintf(`{"Name":"%s","ProviderID":%v,"IsDocumentationOnly":true}`, name, prov["ID"]))
					if err != nil {
						t.Fatal(err)
					}
					productID = fmt.Sprint(pr["ID"])
					if _, err := acctest.Seed(sb, "portal", "POST", "/products/"+productID+"/client_types", fmt.Sprintf(`{"ID":%v}`, ct["ID"])); err != nil {
						t.Fatal(err)
					}
				},
				Config:      cfg(false),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)OAuth2.0 provider in use.*force_destroy =\s+true`),
			},
			{Config: cfg(true)},
		},
	})
}
