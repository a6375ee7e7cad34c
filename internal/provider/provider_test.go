package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
	"github.com/tykdcr/terraform-provider-tyk/internal/provider"
)

// A resource whose plane is not configured fails with an error naming the
// attribute and the environment variable.
func TestAccProvider_planeNotConfigured(t *testing.T) {
	acctest.Sandbox(t)
	t.Setenv(provider.EnvPortalURL, "")
	t.Setenv(provider.EnvPortalToken, "")
	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "tyk_portal_user" "u" {
  email      = "x@example.com"
  first_name = "a"
  last_name  = "b"
}`,
			ExpectError: regexp.MustCompile(`(?s)Tyk Portal not configured.*portal_url \(or\s+TYK_PORTAL_URL\) and portal_token \(or TYK_PORTAL_TOKEN\)`),
		}},
	})
}

// Provider settings that are unknown at plan time (from another resource)
// are handled: the plan succeeds, nothing crashes.
func TestAccProvider_unknownConfigAtPlan(t *testing.T) {
	sb := acctest.Sandbox(t)
	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "url" {
  input = "` + sb.DashboardURL + `"
}

provider "tyk" {
  dashboard_url = terraform_data.url.output
}

resource "tyk_policy" "p" {
  name = "` + acctest.Name("unknown-cfg") + `"
}

resource "tyk_api_scope_mapping" "m" {
  api_id          = "not-yet"
  scope_to_policy = { s = tyk_policy.p.id }
}`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_policy.p", plancheck.ResourceActionCreate)},
			},
		}},
	})
}

func TestAccProvider_invalidSettings(t *testing.T) {
	acctest.Sandbox(t)
	for cfg, msg := range map[string]string{
		`provider "tyk" { dashboard_url = "ftp://dash" }`: `Invalid URL`,
		`provider "tyk" { request_timeout = "soon" }`:     `Invalid duration`,
		`provider "tyk" { max_retries = 99 }`:             `max_retries`,
		`provider "tyk" { portal_url = "not a url" }`:     `Invalid URL`,
	} {
		t.Run(msg, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      cfg + "\n" + `resource "tyk_policy" "p" { name = "x" }`,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(msg),
				}},
			})
		})
	}
}
