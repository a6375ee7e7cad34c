package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

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
