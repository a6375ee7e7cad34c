package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

func TestAccOAuth2TokenEphemeral(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("acceph"), "-", "_")
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	resource.Test(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"tyk":  acctest.ProtoV6ProviderFactories["tyk"],
			"echo": echoprovider.NewProviderServer(),
		},
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{Config: acctest.DCRConfig(tg, h, name, "")},
			{
				Config: acctest.DCRConfig(tg, h, name, "") + fmt.Sprintf(`
data "tyk_oidc_discovery" "hydra" {
  well_known_url = %q
}

ephemeral "tyk_oauth2_token" "t" {
  well_known_url = data.tyk_oidc_discovery.hydra.well_known_url
  client_id      = tyk_portal_app_access.access.client_id
  client_secret  = tyk_portal_app_access.access.client_secret
  scopes         = tolist(tyk_portal_app_access.access.scopes)
}

provider "echo" {
  data = {
    granted    = ephemeral.tyk_oauth2_token.t.granted_scopes
    token_type = ephemeral.tyk_oauth2_token.t.token_type
    has_token  = length(ephemeral.tyk_oauth2_token.t.access_token) > 100
  }
}

resource "echo" "token" {}
`, h.WellKnownURL),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("has_token"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("token_type"), knownvalue.StringExact("bearer")),
					statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("granted"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.tyk_oidc_discovery.hydra", tfjsonpath.New("registration_endpoint"), knownvalue.StringExact(h.PublicURL+"/oauth2/register")),
				},
			},
		},
	})
}
