package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// The seed flow over HTTPS end to end, with a private CA: the sandbox serves
// the Dashboard, the Portal and the Gateway on TLS, Hydra serves its public
// endpoints on TLS, the Portal and the Gateway trust the CA (their trust
// store), and the provider trusts it through dashboard_tls, portal_tls and
// idp_tls. The app's credentials get a 200 through the gateway.
func TestAccTLS_seedFlowWithPrivateCA(t *testing.T) {
	pki, err := acctest.NewTestPKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tg := acctest.TLSTarget(t, pki, true)
	h, err := acctest.StartHydraTLS(pki)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Stop)
	name := acctest.Name("acctls")
	cfg := tg.ProviderBlock() + acctest.DCRResources(tg, h, name, "") + `
data "tyk_oidc_discovery" "idp" {
  well_known_url = tyk_portal_oauth_provider.hydra.well_known_url
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				resource.TestMatchResourceAttr("tyk_portal_app_access.access", "token_endpoint", regexp.MustCompile(`^https://`)),
				resource.TestCheckResourceAttr("tyk_portal_app_access.access", "idp_client_status", "ok"),
				resource.TestMatchResourceAttr("data.tyk_oidc_discovery.idp", "issuer", regexp.MustCompile(`^https://127\.0\.0\.1:`)),
				checkGateway(tg, h, name),
			),
		}},
	})
}

// Without the CA the provider refuses the certificate, and the error says
// which endpoint, which certificate, and which attribute fixes it; with
// insecure_skip_verify it works (and warns).
func TestAccTLS_untrustedCertificate(t *testing.T) {
	pki, err := acctest.NewTestPKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tg := acctest.TLSTarget(t, pki, true)
	name := acctest.Name("acctlsno")
	policy := fmt.Sprintf(`
resource "tyk_policy" "p" {
  name = %q
}
`, name)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderBlockWith("") + policy,
				ExpectError: regexp.MustCompile(`(?s)Tyk Dashboard at https://127\.0\.0\.1:\d+: its TLS\s+certificate.*signed\s+by\s+an\s+authority.*` +
					`dashboard_tls\.ca_file.*TYK_DASHBOARD_CA_FILE`),
			},
			{
				// The IdP plane has its own setting.
				Config: tg.ProviderBlockWith(fmt.Sprintf("  dashboard_tls = { ca_file = %q }\n", pki.CAFile)) + fmt.Sprintf(`
data "tyk_oidc_discovery" "idp" {
  well_known_url = "%s/.well-known/openid-configuration"
}
`, tg.DashboardURL),
				ExpectError: regexp.MustCompile(`(?s)Identity\s+provider\s+at\s+https://127\.0\.0\.1:\d+:\s+its\s+TLS\s+certificate.*idp_tls\.ca_file`),
			},
			{
				// A CA file that is not there: a plan-time error on the block.
				Config:      tg.ProviderBlockWith("  portal_tls = { ca_file = \"/nonexistent/ca.pem\" }\n") + policy,
				ExpectError: regexp.MustCompile(`(?s)Invalid TLS settings.*portal_tls`),
			},
			{
				Config: tg.ProviderBlockWith("  insecure_skip_verify = true\n") + policy,
				Check:  resource.TestCheckResourceAttrSet("tyk_policy.p", "id"),
			},
		},
	})
}

// The Portal's own TLS towards the IdP: an installation that does not
// trust the IdP's CA refuses it at approval, unless the OAuth provider's
// ssl_insecure_skip_verify ("SSL secure skip verify" in the Portal UI) is on.
func TestAccTLS_portalSkipVerifyTowardsTheIdP(t *testing.T) {
	pki, err := acctest.NewTestPKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tg := acctest.TLSTarget(t, pki, false)
	h, err := acctest.StartHydraTLS(pki)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Stop)
	name := acctest.Name("acctlsskip")
	// The Portal reaches the Dashboard with the API provider's own skip-verify.
	base := strings.Replace(tg.ProviderBlock()+acctest.DCRResources(tg, h, name, ""),
		"  org_id                      = \"acc-org\"\n", "  org_id                      = \"acc-org\"\n  insecure_skip_verify        = true\n", 1)
	skip := strings.Replace(base, "  type           = \"Other\"\n", "  type           = \"Other\"\n  ssl_insecure_skip_verify = true\n", 1)
	if skip == base {
		t.Fatal("the OAuth provider block is not where this test expects it")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      base,
				ExpectError: regexp.MustCompile(`(?s)Could not approve the access request.*certificate`),
			},
			{
				Config: skip,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("tyk_portal_app_access.access", "status", "approved"),
					func(s *terraform.State) error {
						c, err := h.Client(s.RootModule().Resources["tyk_portal_app_access.access"].Primary.Attributes["client_id"])
						if err != nil || c == nil {
							return fmt.Errorf("the Portal registered no client in the IdP: %v", err)
						}
						return nil
					},
				),
			},
		},
	})
}
