package provider_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// credentialsChain: the access keeps its secret out of state; the
// ephemeral credentials are read from the Portal and handed to the
// ephemeral token; the echo provider (a test tool) receives both so that the
// test can check them and call the gateway with the token.
func credentialsChain(tg *acctest.Target, h *acctest.Hydra, name, rotation, echo string) string {
	return acctest.DCRConfig(tg, h, name, `store_client_secret = false
  `+rotation) + `
ephemeral "tyk_portal_app_credentials" "c" {
  app_id            = tyk_portal_app_access.access.app_id
  access_request_id = tyk_portal_app_access.access.id
}

ephemeral "tyk_oauth2_token" "t" {
  token_url                  = ephemeral.tyk_portal_app_credentials.c.token_endpoint
  client_id                  = ephemeral.tyk_portal_app_credentials.c.client_id
  client_secret              = ephemeral.tyk_portal_app_credentials.c.client_secret
  token_endpoint_auth_method = ephemeral.tyk_portal_app_credentials.c.token_endpoint_auth_method
  scopes                     = ephemeral.tyk_portal_app_credentials.c.scopes
}

provider "echo" {
  data = {
    client_id    = ephemeral.tyk_portal_app_credentials.c.client_id
    secret       = ephemeral.tyk_portal_app_credentials.c.client_secret
    credential   = ephemeral.tyk_portal_app_credentials.c.credential_id
    access_token = ephemeral.tyk_oauth2_token.t.access_token
  }
}

resource "echo" "` + echo + `" {}
`
}

// echoData is what the echo resource received (the echo provider sets it
// when the resource is created and never updates it).
func echoData(s *terraform.State) map[string]string {
	out := map[string]string{}
	var rs *terraform.ResourceState
	for _, r := range s.RootModule().Resources {
		if r.Type == "echo" {
			rs = r
		}
	}
	if rs == nil {
		return out
	}
	for k, v := range rs.Primary.Attributes {
		if after, ok := strings.CutPrefix(k, "data."); ok {
			out[after] = v
		}
	}
	return out
}

// noSecretInTyk is a plan check: no tyk_* resource of the plan (prior state,
// planned values, changes) holds the secret.
type noSecretInTyk struct{ secret *string }

func (c noSecretInTyk) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if *c.secret == "" {
		resp.Error = fmt.Errorf("no secret to look for: the check would prove nothing")
		return
	}
	var parts []any
	for _, rc := range req.Plan.ResourceChanges {
		if strings.HasPrefix(rc.Type, "tyk_") {
			parts = append(parts, rc)
		}
	}
	collect := func(st *tfjson.StateModule) {
		if st == nil {
			return
		}
		for _, r := range st.Resources {
			if strings.HasPrefix(r.Type, "tyk_") {
				parts = append(parts, r)
			}
		}
	}
	if req.Plan.PriorState != nil && req.Plan.PriorState.Values != nil {
		collect(req.Plan.PriorState.Values.RootModule)
	}
	if req.Plan.PlannedValues != nil {
		collect(req.Plan.PlannedValues.RootModule)
	}
	b, err := json.Marshal(parts)
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(b), *c.secret) {
		resp.Error = fmt.Errorf("the client secret appears in the plan's tyk resources")
	}
}

func TestAccPortalAppCredentials_ephemeral(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("acccred"), "-", "_")
	tg := acctest.DefaultTarget(t)
	h := acctest.SharedHydra(t)
	var secret, clientID string
	var oldSecret, oldClient string
	// checkChain: the access's state holds no secret but its fingerprint;
	// the ephemeral credentials are the access's current ones; the token
	// they led to works at the gateway.
	checkChain := func(s *terraform.State) error {
		e := echoData(s)
		a := accessAttrs(s)
		secret, clientID = e["secret"], e["client_id"]
		if secret == "" || clientID != a["client_id"] || e["credential"] != a["credential_id"] {
			return fmt.Errorf("ephemeral credentials %q/%q are not the access's %q/%q", clientID, e["credential"], a["client_id"], a["credential_id"])
		}
		if v, ok := a["client_secret"]; ok && v != "" {
			return fmt.Errorf("client_secret is in state with store_client_secret = false")
		}
		sum := sha256.Sum256([]byte(secret))
		if a["client_secret_sha256"] != hex.EncodeToString(sum[:]) {
			return fmt.Errorf("client_secret_sha256 %q is not the SHA-256 of the current secret", a["client_secret_sha256"])
		}
		for addr, rs := range s.RootModule().Resources {
			if !strings.HasPrefix(rs.Type, "tyk_") {
				continue
			}
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(v, secret) {
					return fmt.Errorf("the client secret is in state: %s.%s", addr, k)
				}
			}
		}
		code, body, err := tg.CallGateway("/"+name+"/get", e["access_token"])
		if err != nil || code != 200 {
			return fmt.Errorf("gateway with the ephemeral token: %d %s %v", code, body, err)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"tyk":  acctest.ProtoV6ProviderFactories["tyk"],
			"echo": echoprovider.NewProviderServer(),
		},
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config: credentialsChain(tg, h, name, "", "creds"),
				Check:  checkChain,
			},
			{
				// The plan carries no secret (prior state and planned values).
				Config:   credentialsChain(tg, h, name, "", "creds"),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{noSecretInTyk{&secret}},
				},
			},
			{
				// Rotation in one apply with the secret out of state: the
				// fingerprint shows it in the plan, and the old secret stops
				// working at the IdP.
				PreConfig: func() { oldSecret, oldClient = secret, clientID },
				Config:    credentialsChain(tg, h, name, `rotation_triggers = { n = "1" }`, "creds"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("tyk_portal_app_access.access", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("tyk_portal_app_access.access", tfjsonpath.New("client_secret_sha256")),
						noSecretInTyk{&oldSecret},
					},
				},
				Check: func(s *terraform.State) error {
					sum := sha256.Sum256([]byte(oldSecret))
					if accessAttrs(s)["client_secret_sha256"] == hex.EncodeToString(sum[:]) {
						return fmt.Errorf("the fingerprint did not change with the rotation")
					}
					if _, err := acctest.ClientCredentialsToken(h, oldClient, oldSecret, name+"_product", name+"_plan"); err == nil {
						return fmt.Errorf("the old secret still gets a token after rotation")
					}
					return nil
				},
			},
			{
				// The ephemeral credentials read afterwards (by a new echo
				// resource) are the new ones, and lead to a working token.
				Config: credentialsChain(tg, h, name, `rotation_triggers = { n = "1" }`, "after_rotation"),
				Check: resource.ComposeTestCheckFunc(checkChain, func(*terraform.State) error {
					if secret == oldSecret {
						return fmt.Errorf("the ephemeral credentials still return the old secret")
					}
					return nil
				}),
			},
			{
				// Keeping the secret in state again is an in-place change.
				Config: acctest.DCRConfig(tg, h, name, `rotation_triggers = { n = "1" }`),
				Check: func(s *terraform.State) error {
					if accessAttrs(s)["client_secret"] != secret {
						return fmt.Errorf("store_client_secret = true did not bring the secret back into state")
					}
					return nil
				},
			},
			{
				// An access that does not exist: a clear error.
				Config: acctest.DCRConfig(tg, h, name, `rotation_triggers = { n = "1" }`) + `
ephemeral "tyk_portal_app_credentials" "gone" {
  app_id            = tyk_portal_app_access.access.app_id
  access_request_id = 987654
}
`,
				ExpectError: regexp.MustCompile(`Access request not found[\s\S]*has no access request 987654`),
			},
		},
	})
}
