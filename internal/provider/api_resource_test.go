package provider_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

func testAPIConfig(name, listenPath, jwt string) string {
	return fmt.Sprintf(`
resource "tyk_policy" "noop" {
  name = "%[1]s-noop"
}

resource "tyk_api" "test" {
  name        = %[1]q
  listen_path = %[2]q
  target_url  = "http://upstream.example/anything"
  %[3]s
}
`, name, listenPath, jwt)
}

const jwtBlock = `
  jwt = {
    signing_method     = "rsa"
    jwks_url           = "http://127.0.0.1:4444/.well-known/jwks.json"
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = "scp"
  }
`

func TestAccAPI_lifecycle(t *testing.T) {
	name := acctest.Name("acc-api")
	tg := acctest.DefaultTarget(t)
	apiID := acctest.AttrOf("tyk_api.test", "api_id")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: testAPIConfig(name, "/"+name+"/", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("tyk_api.test", tfjsonpath.New("api_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
					statecheck.ExpectKnownValue("tyk_api.test", tfjsonpath.New("internal_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{24}$`))),
					statecheck.ExpectKnownValue("tyk_api.test", tfjsonpath.New("jwt"), knownvalue.Null()),
				},
			},
			{
				// Switching JWT on is an in-place update.
				Config: testAPIConfig(name, "/"+name+"/", jwtBlock),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_api.test", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(
					acctest.CheckAPI(tg, apiID, func(def map[string]any) error {
						want := base64.StdEncoding.EncodeToString([]byte("http://127.0.0.1:4444/.well-known/jwks.json"))
						if def["enable_jwt"] != true || def["jwt_signing_method"] != "rsa" || def["jwt_source"] != want {
							return fmt.Errorf("jwt settings not stored: enable_jwt=%v method=%v source=%v", def["enable_jwt"], def["jwt_signing_method"], def["jwt_source"])
						}
						scopes, _ := def["scopes"].(map[string]any)
						jwt, _ := scopes["jwt"].(map[string]any)
						if jwt["scope_claim_name"] != "scp" || def["jwt_scope_claim_name"] != "scp" {
							return fmt.Errorf("scope claim name not written to both forms: %v / %v", jwt["scope_claim_name"], def["jwt_scope_claim_name"])
						}
						if vd, _ := def["version_data"].(map[string]any); vd["not_versioned"] != true {
							return fmt.Errorf("version_data lost: %v", def["version_data"])
						}
						return nil
					}),
				),
			},
			{
				// A field the provider does not model survives updates.
				PreConfig: func() {
					if err := tg.ModifyAPI(apiIDByName(t, tg, name), func(d map[string]any) { d["custom_middleware_bundle"] = "bundle.zip" }); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAPIConfig(name, "/"+name+"-v2/", jwtBlock),
				Check: acctest.CheckAPI(tg, apiID, func(def map[string]any) error {
					if def["custom_middleware_bundle"] != "bundle.zip" {
						return fmt.Errorf("unmanaged field lost on update: %v", def["custom_middleware_bundle"])
					}
					proxy, _ := def["proxy"].(map[string]any)
					if proxy["listen_path"] != "/"+name+"-v2/" {
						return fmt.Errorf("listen_path = %v", proxy["listen_path"])
					}
					return nil
				}),
			},
			{
				ResourceName:      "tyk_api.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

func apiIDByName(t *testing.T, tg *acctest.Target, name string) string {
	t.Helper()
	apis, err := tg.Dashboard.ListAPIs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apis {
		if a.APIDefinition.Name == name {
			return a.APIDefinition.APIID
		}
	}
	t.Fatalf("no API named %s", name)
	return ""
}

func TestAccAPI_outOfBandDeleteRecreates(t *testing.T) {
	name := acctest.Name("acc-api-oob")
	tg := acctest.DefaultTarget(t)
	cfg := testAPIConfig(name, "/"+name+"/", jwtBlock)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					return tg.DashboardDelete("/api/apis/" + acctest.AttrOf("tyk_api.test", "api_id")(s))
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_api.test", plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}
