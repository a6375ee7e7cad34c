package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
)

// DCRConfig is the whole seed flow (Dashboard-first) for one test against a
// target, with the provider configured for it: see DCRResources.
func DCRConfig(tg *Target, h *Hydra, name, extra string) string {
	return tg.ProviderBlock() + DCRResources(tg, h, name, extra)
}

// DCRResources is the whole seed flow (Dashboard-first) for one test: the
// No-Op API and policy (with the floor limits that close the plan bypass),
// the product API with JWT against Hydra's JWKS (scope claim `scp`, Hydra's
// array claim), product and plan policies, scope mappings, the Portal's API
// provider, the OAuth provider and a client type, the DCR product and plan, a
// developer, an app and its approved access (after the mappings, which
// Portals 1.13+ also write at approval). extra goes into the access.
func DCRResources(tg *Target, h *Hydra, name, extra string) string {
	if h.RotatesRegistrationToken && !strings.Contains(extra, "verify_idp_client_via") {
		extra += "\n  verify_idp_client_via = \"token_endpoint\""
	}
	return DCRSetup(tg, h, name) + fmt.Sprintf(`
`+"resource \"tyk_portal_app_access\" \"access\" {"+`
  app_id         = tyk_portal_app.app.id
  product_ids    = [tyk_portal_product.payments.id]
  plan_id        = tyk_portal_plan.free.id
  client_type_id = tyk_portal_client_type.machine.id
  depends_on     = [tyk_api_scope_mapping.product, tyk_api_scope_mapping.plan]
  %s
}
`, extra)
}

// DCRSetup is the seed flow without the app's access: everything up to the
// developer's app.
func DCRSetup(tg *Target, h *Hydra, name string) string {
	return fmt.Sprintf(`
resource "tyk_api" "noop" {
  name        = "%[1]s-noop"
  listen_path = "/%[1]s-noop/"
  target_url  = %[4]q
  jwt = {
    signing_method = "rsa"
    jwks_url       = %[3]q
  }
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

resource "tyk_api" "payments" {
  name        = "%[1]s-payments"
  listen_path = "/%[1]s/"
  target_url  = %[4]q
  jwt = {
    signing_method     = "rsa"
    jwks_url           = %[3]q
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = %[7]q
  }
}

resource "tyk_policy" "product" {
  name       = "%[1]s-product"
  tags       = ["%[1]s"]
  partitions = { acl = true }
  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

resource "tyk_policy" "plan" {
  name               = "%[1]s-plan"
  tags               = ["%[1]s"]
  rate               = 100
  per                = 1
  quota_max          = 1000
  quota_renewal_rate = 3600
  partitions         = { rate_limit = true, quota = true }
  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

resource "tyk_api_scope_mapping" "product" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { "%[1]s_product" = tyk_policy.product.id }
}

resource "tyk_api_scope_mapping" "plan" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { "%[1]s_plan" = tyk_policy.plan.id }
}

resource "tyk_portal_api_provider" "dashboard" {
  name                        = "%[1]s-dashboard"
  dashboard_url               = %[5]q
  dashboard_secret_wo         = %[6]q
  dashboard_secret_wo_version = 1
  org_id                      = "acc-org"
  policy_tags                 = ["%[1]s"]
}

resource "tyk_portal_oauth_provider" "hydra" {
  name           = "%[1]s-hydra"
  type           = "Other"
  well_known_url = %[2]q
%[8]s}

resource "tyk_portal_client_type" "machine" {
  oauth_provider_id          = tyk_portal_oauth_provider.hydra.id
  name                       = "%[1]s machine"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

resource "tyk_portal_product" "payments" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  policy_id       = tyk_policy.product.id
  dcr_enabled     = true
  scopes          = ["%[1]s_product"]
  client_type_ids = [tyk_portal_client_type.machine.id]
  catalogue_ids   = [1]
}

resource "tyk_portal_plan" "free" {
  provider_id   = tyk_portal_api_provider.dashboard.id
  policy_id     = tyk_policy.plan.id
  scopes        = ["%[1]s_plan"]
  catalogue_ids = [1]
}

resource "tyk_portal_user" "dev" {
  email      = "%[1]s@example.com"
  first_name = "Dev"
  last_name  = "Eloper"
}

resource "tyk_portal_app" "app" {
  user_id = tyk_portal_user.dev.id
  name    = "%[1]s-app"
}

`, name, h.WellKnownURL, h.JWKSURL, tg.UpstreamURL, tg.DashboardURLForPortal, tg.DashboardTok, h.ScopeClaim, iatAttributes(h))
}

// iatAttributes sends the IdP's initial access token, if it needs one.
func iatAttributes(h *Hydra) string {
	if h.InitialAccessToken == "" {
		return ""
	}
	return fmt.Sprintf("  registration_access_token_wo         = %q\n  registration_access_token_wo_version = 1\n", h.InitialAccessToken)
}

// ClientCredentialsToken gets a token from Hydra for the given scopes,
// authenticating with client_secret_basic.
func ClientCredentialsToken(h *Hydra, clientID, secret string, scopes ...string) (string, error) {
	return ClientCredentialsTokenAuth(h, "client_secret_basic", clientID, secret, scopes...)
}

// ClientCredentialsTokenAuth gets a token from Hydra for the given scopes,
// authenticating with method (client_secret_basic or client_secret_post).
func ClientCredentialsTokenAuth(h *Hydra, method, clientID, secret string, scopes ...string) (string, error) {
	style := oauth2.AuthStyleInHeader
	if method == "client_secret_post" {
		style = oauth2.AuthStyleInParams
	}
	cfg := clientcredentials.Config{ClientID: clientID, ClientSecret: secret, TokenURL: h.TokenURL, Scopes: scopes, AuthStyle: style}
	tok, err := cfg.Token(context.WithValue(context.Background(), oauth2.HTTPClient, h.httpClient()))
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// Seed creates an object in the sandbox over its HTTP API, as an operator
// would outside Terraform, and returns the decoded answer.
func Seed(sb *sandbox.Sandbox, plane, method, path, body string) (map[string]any, error) {
	base, token := sb.DashboardURL, DashboardToken
	if plane == "portal" {
		base, token = sb.PortalURL+"/portal-api", PortalToken
	}
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return out, nil
}

// SeedList reads a Portal list endpoint.
func SeedList(sb *sandbox.Sandbox, path string) ([]any, error) {
	req, _ := http.NewRequest(http.MethodGet, sb.PortalURL+"/portal-api"+path, nil)
	req.Header.Set("Authorization", PortalToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []any
	err = json.NewDecoder(resp.Body).Decode(&out)
	return out, err
}

// WithoutMappings removes the tyk_api_scope_mapping resources from a seed
// flow configuration (and the access's dependency on them): the setup in
// which Portals 1.13+ own the mappings they write at approval.
func WithoutMappings(cfg string) string {
	out := cfg
	for {
		i := strings.Index(out, "resource \"tyk_api_scope_mapping\"")
		if i < 0 {
			break
		}
		j := strings.Index(out[i:], "\n}\n")
		out = out[:i] + out[i+j+3:]
	}
	return strings.ReplaceAll(out, "  depends_on     = [tyk_api_scope_mapping.product, tyk_api_scope_mapping.plan]\n", "")
}
