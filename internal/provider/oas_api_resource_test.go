package provider_test

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

func testOASConfig(name, listenPath, extra string) string {
	return fmt.Sprintf(`
resource "tyk_policy" "noop" {
  name = "%[1]s-noop"
}

resource "tyk_oas_api" "test" {
  name        = %[1]q
  listen_path = %[2]q
  target_url  = "http://upstream.example/anything"
  %[3]s
}
`, name, listenPath, extra)
}

const oasJWTBlock = `
  jwt = {
    signing_method     = "rsa"
    jwks_url           = "http://127.0.0.1:4444/.well-known/jwks.json"
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = "scp"
  }
  openapi_document = jsonencode({
    openapi = "3.0.3"
    info    = { title = "Payments", version = "1.0.0" }
    paths = {
      "/get" = { get = { operationId = "get", responses = { "200" = { description = "OK" } } } }
    }
  })
`

func oasID(s *terraform.State) string { return acctest.AttrOf("tyk_oas_api.test", "id")(s) }

func dig(doc map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		doc, _ = doc[k].(map[string]any)
	}
	return doc
}

// Create (keyless, minimal description), switch JWT and a description on in
// place, keep a field of the extension the provider does not manage, import
// with an empty plan.
func TestAccOASAPI_lifecycle(t *testing.T) {
	name := acctest.Name("acc-oas")
	tg := acctest.DefaultTarget(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckOASAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: testOASConfig(name, "/"+name+"/", ""),
				Check: func(s *terraform.State) error {
					doc, err := tg.OASGet(oasID(s))
					if err != nil {
						return err
					}
					x := dig(doc, "x-tyk-api-gateway")
					if dig(x, "info")["name"] != name || dig(x, "server", "listenPath")["value"] != "/"+name+"/" ||
						dig(x, "upstream")["url"] != "http://upstream.example/anything" || dig(x, "info", "state")["active"] != true {
						return fmt.Errorf("extension not written: %v", x)
					}
					if doc["openapi"] != "3.0.3" || dig(doc, "info")["title"] != name {
						return fmt.Errorf("no minimal OpenAPI description: %v", doc)
					}
					if dig(x, "server", "authentication")["enabled"] == true {
						return fmt.Errorf("an API without jwt must be open: %v", dig(x, "server", "authentication"))
					}
					return nil
				},
			},
			{
				Config: testOASConfig(name, "/"+name+"/", oasJWTBlock),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_oas_api.test", plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraform.State) error {
					doc, err := tg.OASGet(oasID(s))
					if err != nil {
						return err
					}
					if c := dig(doc, "components", "securitySchemes", "jwtAuth"); c["type"] != "http" || c["scheme"] != "bearer" || c["bearerFormat"] != "JWT" {
						return fmt.Errorf("the JWT scheme is not declared: %v", dig(doc, "components"))
					}
					sec, _ := doc["security"].([]any)
					if len(sec) == 0 || !reflect.DeepEqual(sec[0], map[string]any{"jwtAuth": []any{}}) {
						return fmt.Errorf("the JWT scheme is not the first security requirement: %v", doc["security"])
					}
					auth := dig(doc, "x-tyk-api-gateway", "server", "authentication")
					j := dig(auth, "securitySchemes", "jwtAuth")
					want := base64.StdEncoding.EncodeToString([]byte("http://127.0.0.1:4444/.well-known/jwks.json"))
					if auth["enabled"] != true || j["enabled"] != true || j["signingMethod"] != "rsa" || j["source"] != want ||
						dig(j, "scopes")["claimName"] != "scp" {
						return fmt.Errorf("JWT settings not written: %v", auth)
					}
					if dig(doc, "paths", "/get") == nil {
						return fmt.Errorf("the description's paths are missing: %v", doc["paths"])
					}
					// The Gateway's view (classic endpoint, is_oas) has JWT on.
					w, err := tg.DashboardGet("/api/apis/" + oasID(s))
					if err != nil {
						return err
					}
					if def := dig(w, "api_definition"); def["is_oas"] != true || def["enable_jwt"] != true || def["use_keyless"] != false {
						return fmt.Errorf("classic view: %v", def)
					}
					return nil
				},
			},
			{
				// A field of the extension the provider does not model survives.
				PreConfig: func() {
					if err := tg.ModifyOAS(oasIDByName(t, tg, name), func(doc map[string]any) {
						dig(doc, "x-tyk-api-gateway")["middleware"] = map[string]any{"global": map[string]any{"cors": map[string]any{"enabled": true}}}
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: testOASConfig(name, "/"+name+"-v2/", oasJWTBlock),
				Check: func(s *terraform.State) error {
					doc, err := tg.OASGet(oasID(s))
					if err != nil {
						return err
					}
					x := dig(doc, "x-tyk-api-gateway")
					if dig(x, "middleware", "global", "cors")["enabled"] != true {
						return fmt.Errorf("unmanaged middleware lost on update: %v", x["middleware"])
					}
					if dig(x, "server", "listenPath")["value"] != "/"+name+"-v2/" {
						return fmt.Errorf("listen path not updated: %v", dig(x, "server", "listenPath"))
					}
					return nil
				},
			},
			{
				ResourceName:      "tyk_oas_api.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// import block: the plan imports and changes nothing.
				Config:          testOASConfig(name, "/"+name+"-v2/", oasJWTBlock),
				ResourceName:    "tyk_oas_api.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

func oasIDByName(t *testing.T, tg *acctest.Target, name string) string {
	t.Helper()
	apis, err := tg.DashboardGet("/api/apis")
	if err != nil {
		t.Fatal(err)
	}
	list, _ := apis["apis"].([]any)
	for _, a := range list {
		m, _ := a.(map[string]any)
		def := dig(m, "api_definition")
		if def["name"] == name && def["is_oas"] == true {
			return fmt.Sprint(def["api_id"])
		}
	}
	t.Fatalf("no OAS API named %s", name)
	return ""
}

// A change made in the Dashboard to a managed field shows in the plan, and
// an API deleted there is created again by the next apply.
func TestAccOASAPI_driftAndOutOfBandDeletion(t *testing.T) {
	name := acctest.Name("acc-oas-oob")
	tg := acctest.DefaultTarget(t)
	cfg := testOASConfig(name, "/"+name+"/", oasJWTBlock)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckOASAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					return tg.ModifyOAS(oasID(s), func(doc map[string]any) {
						dig(doc, "x-tyk-api-gateway", "upstream")["url"] = "http://elsewhere.example"
						doc["paths"] = map[string]any{}
					})
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tyk_oas_api.test", plancheck.ResourceActionUpdate),
					},
				},
				Check: func(s *terraform.State) error {
					doc, err := tg.OASGet(oasID(s))
					if err != nil {
						return err
					}
					if dig(doc, "x-tyk-api-gateway", "upstream")["url"] != "http://upstream.example/anything" || dig(doc, "paths", "/get") == nil {
						return fmt.Errorf("drift not repaired: %v", doc)
					}
					return tg.DashboardDelete("/api/apis/oas/" + oasID(s))
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tyk_oas_api.test", plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// The seed flow with the product API in Tyk OAS: the scope mappings land in
// the JWT scheme's scopeToPolicyMapping (each resource owning only its
// entries, written concurrently in one apply), the plan-bypass check sees
// the OAS API, and the approved app's token gets 200 through the gateway.
func TestAccOASAPI_mappingsAndGateway(t *testing.T) {
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	name := acctest.Name("accoasm")
	cfg := acctest.DCRConfig(tg, h, name, "")
	classic := fmt.Sprintf(`resource "tyk_api" "payments" {
  name        = "%[1]s-payments"
  listen_path = "/%[1]s/"
  target_url  = %[2]q
  jwt = {
    signing_method     = "rsa"
    jwks_url           = %[3]q
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = "scp"
  }
}`, name, tg.UpstreamURL, h.JWKSURL)
	if !strings.Contains(cfg, classic) {
		t.Fatal("the seed flow's payments API is not where this test expects it")
	}
	oas := strings.Replace(classic, `resource "tyk_api" "payments"`, `resource "tyk_oas_api" "payments"`, 1)
	cfg = strings.ReplaceAll(strings.Replace(cfg, classic, oas, 1), "tyk_api.payments.api_id", "tyk_oas_api.payments.id")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             acctest.CheckOASAPIsDestroyed(tg),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						doc, err := tg.OASGet(acctest.AttrOf("tyk_oas_api.payments", "id")(s))
						if err != nil {
							return err
						}
						got, _ := dig(doc, "x-tyk-api-gateway", "server", "authentication", "securitySchemes", "jwtAuth", "scopes")["scopeToPolicyMapping"].([]any)
						want := []any{
							map[string]any{"scope": name + "_plan", "policyId": acctest.AttrOf("tyk_policy.plan", "id")(s)},
							map[string]any{"scope": name + "_product", "policyId": acctest.AttrOf("tyk_policy.product", "id")(s)},
						}
						if !reflect.DeepEqual(got, want) {
							return fmt.Errorf("scopeToPolicyMapping = %v, want %v (sorted by scope, as the Gateway's Scopes.Fill writes it)", got, want)
						}
						return nil
					},
					checkGateway(tg, h, name),
				),
			},
			{
				// Another writer's entry on the same scheme is not the
				// mappings' to own: the plan stays empty.
				PreConfig: func() {
					if err := tg.ModifyOAS(oasIDByName(t, tg, name+"-payments"), func(doc map[string]any) {
						scopes := dig(doc, "x-tyk-api-gateway", "server", "authentication", "securitySchemes", "jwtAuth", "scopes")
						l, _ := scopes["scopeToPolicyMapping"].([]any)
						scopes["scopeToPolicyMapping"] = append(l, map[string]any{"scope": "zz_other_writer", "policyId": "5f0000000000000000000000"})
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}
