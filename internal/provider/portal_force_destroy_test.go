package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

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
