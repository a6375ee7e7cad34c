package provider_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
)

// badInputFixture creates, outside Terraform, the objects some invalid
// configurations refer to.
type badInputFixture struct {
	apiID, aclPolicy, otherPolicy, limitsPolicy string
	apiProvider, otherIdP, oktaIdP, product     string
	plan, user, dcrProduct                      string
	planNoScope, clientType                     string
}

func seedBadInput(t *testing.T, sb *sandbox.Sandbox) badInputFixture {
	t.Helper()
	must := func(m map[string]any, err error) map[string]any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	n := strings.ReplaceAll(acctest.Name("bi"), "-", "_")
	var f badInputFixture
	f.apiID = fmt.Sprint(must(acctest.Seed(sb, "dashboard", "POST", "/api/apis", `{"api_definition":{"name":"`+n+`","active":true,"enable_jwt":true,"jwt_signing_method":"rsa","proxy":{"listen_path":"/`+n+`/","target_url":"http://x"}}}`))["ID"])
	grant := `"access_rights":{"` + f.apiID + `":{"api_id":"` + f.apiID + `","versions":["Default"]}}`
	f.aclPolicy = fmt.Sprint(must(acctest.Seed(sb, "dashboard", "POST", "/api/portal/policies", `{"name":"`+n+`_acl","tags":["`+n+`"],"partitions":{"acl":true},`+grant+`}`))["Message"])
	f.otherPolicy = fmt.Sprint(must(acctest.Seed(sb, "dashboard", "POST", "/api/portal/policies", `{"name":"`+n+`_other","partitions":{"acl":true},"access_rights":{}}`))["Message"])
	f.limitsPolicy = fmt.Sprint(must(acctest.Seed(sb, "dashboard", "POST", "/api/portal/policies", `{"name":"`+n+`_limits","rate":5,"per":1,"partitions":{"rate_limit":true},`+grant+`}`))["Message"])
	def, ok := must(acctest.Seed(sb, "dashboard", "GET", "/api/apis/"+f.apiID, ""))["api_definition"].(map[string]any)
	if !ok {
		t.Fatal("the seeded API has no api_definition")
	}
	def["scopes"] = map[string]any{"jwt": map[string]any{"scope_claim_name": "scope", "scope_to_policy": map[string]any{n + "_taken": f.aclPolicy}}}
	def["jwt_scope_to_policy_mapping"] = map[string]any{n + "_taken": f.aclPolicy}
	must(acctest.Seed(sb, "dashboard", "PUT", "/api/apis/"+f.apiID, mustJSON(map[string]any{"api_definition": def})))
	f.apiProvider = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/providers", `{"Name":"`+n+`","Configuration":{"MetaData":"{\"URL\":\"`+sb.DashboardURL+`\",\"Secret\":\"`+acctest.DashboardToken+`\",\"OrgID\":\"o\",\"PoliciesTags\":[\"`+n+`\"]}"}}`))["ID"])
	f.otherIdP = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/oauth-providers", `{"Name":"`+n+`_other","Type":"Other","WellKnownURL":"http://idp/.well-known/openid-configuration"}`))["ID"])
	f.oktaIdP = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/oauth-providers", `{"Name":"`+n+`_okta","Type":"Okta","WellKnownURL":"http://okta/.well-known/openid-configuration"}`))["ID"])
	ct := fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/oauth-providers/"+f.otherIdP+"/client-types", `{"Name":"m","ResponseTypes":"token","GrantType":"client_credentials","TokenEndpointAuthMethod":"client_secret_basic"}`))["ID"])
	f.clientType = ct
	f.product = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/products", `{"Name":"`+n+`_p","ProviderID":`+f.apiProvider+`,"IsDocumentationOnly":false,"APIDetails":[{"APIID":"`+f.apiID+`"}],"Scopes":"`+n+`_scope"}`))["ID"])
	f.dcrProduct = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/products", `{"Name":"`+n+`_dcr","ProviderID":`+f.apiProvider+`,"IsDocumentationOnly":false,"APIDetails":[{"APIID":"`+f.apiID+`"}],"DCREnabled":true,"Scopes":"`+n+`_dcr"}`))["ID"])
	must(acctest.Seed(sb, "portal", "POST", "/products/"+f.dcrProduct+"/client_types", `{"ID":`+ct+`}`))
	f.plan = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/plans", `{"Name":"`+n+`_plan","ProviderID":`+f.apiProvider+`,"JWTScope":"`+n+`_plan_scope"}`))["ID"])
	f.planNoScope = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/plans", `{"Name":"`+n+`_plan_noscope","ProviderID":`+f.apiProvider+`}`))["ID"])
	f.user = fmt.Sprint(must(acctest.Seed(sb, "portal", "POST", "/users", `{"Email":"`+n+`@example.com","First":"a","Last":"b"}`))["ID"])
	f.product = n // the scope prefix, reused below
	return f
}

// TestAccBadInput: invalid configurations fail at plan time, on the right
// attribute, and send no write request.
func TestAccBadInput(t *testing.T) {
	sb := acctest.Sandbox(t)
	acctest.PreCheck(t)
	f := seedBadInput(t, sb)
	n := f.product
	type tc struct {
		name, config, summary, attr string
	}
	res := func(typ, body string) string { return fmt.Sprintf("resource %q \"x\" {\n%s\n}\n", typ, body) }
	cases := []tc{
		// tyk_policy
		{"policy empty name", res("tyk_policy", `name = ""`), `Invalid Attribute Value Length`, `name`},
		{"policy bad state", res("tyk_policy", "name = \"p\"\nstate = \"on\""), `Invalid Attribute Value Match`, `state`},
		{"policy rate without per", res("tyk_policy", "name = \"p\"\nrate = 10"), `Rate limit without a period`, `rate`},
		{"policy per without rate", res("tyk_policy", "name = \"p\"\nper = 10"), `Rate-limit period without a rate`, `per`},
		{"policy negative quota", res("tyk_policy", "name = \"p\"\nquota_max = -5"), `Invalid Attribute Value`, `quota_max`},
		{"policy quota without period", res("tyk_policy", "name = \"p\"\nquota_max = 100\nquota_renewal_rate = -1"), `Quota without a renewal period`, `quota_renewal_rate`},
		{"policy bad throttle", res("tyk_policy", "name = \"p\"\nthrottle_retry_limit = -3"), `Invalid Attribute Value`, `throttle_retry_limit`},
		{"policy negative key expiry", res("tyk_policy", "name = \"p\"\nkey_expires_in = -1"), `Invalid Attribute Value`, `key_expires_in`},
		{"policy empty tag", res("tyk_policy", "name = \"p\"\ntags = [\"\"]"), `Invalid Attribute Value Length`, `tags`},
		{"policy duplicate API", res("tyk_policy", "name = \"p\"\naccess_rights {\napi_id = \"a\"\n}\naccess_rights {\napi_id = \"a\"\napi_name = \"b\"\n}"), `Duplicate API in access rights`, `access_rights`},
		{"policy bad method", res("tyk_policy", "name = \"p\"\naccess_rights {\napi_id = \""+f.apiID+"\"\nallowed_urls {\nurl = \"/\"\nmethods = [\"FETCH\"]\n}\n}"), `Invalid Attribute Value Match`, `methods`},
		{"policy unknown API", res("tyk_policy", "name = \"p\"\naccess_rights {\napi_id = \"no-such-api\"\n}"), `API not found`, `access_rights`},
		// tyk_api
		{"api listen path", res("tyk_api", "name = \"a\"\nlisten_path = \"payments\"\ntarget_url = \"http://x\""), `Invalid Attribute Value Match`, `listen_path`},
		{"api target url", res("tyk_api", "name = \"a\"\nlisten_path = \"/a/\"\ntarget_url = \"not-a-url\""), `Invalid URL`, `target_url`},
		{"api signing method", res("tyk_api", "name = \"a\"\nlisten_path = \"/a/\"\ntarget_url = \"http://x\"\njwt = { signing_method = \"rs256\" }"), `Invalid Attribute Value Match`, `jwt`},
		{"api jwks and source", res("tyk_api", "name = \"a\"\nlisten_path = \"/a/\"\ntarget_url = \"http://x\"\njwt = { signing_method = \"rsa\", jwks_url = \"http://i/jwks\", source = \"aGk=\" }"), `Invalid Attribute Combination`, `jwt`},
		{"api jwks scheme", res("tyk_api", "name = \"a\"\nlisten_path = \"/a/\"\ntarget_url = \"http://x\"\njwt = { signing_method = \"rsa\", jwks_url = \"ftp://i/jwks\" }"), `Invalid URL`, `jwt`},
		{"api keyless with jwt", res("tyk_api", "name = \"a\"\nlisten_path = \"/a/\"\ntarget_url = \"http://x\"\nkeyless = true\njwt = { signing_method = \"rsa\" }"), `Keyless API with JWT authentication`, `keyless`},
		{"api id with space", res("tyk_api", "name = \"a\"\napi_id = \"has space\"\nlisten_path = \"/a/\"\ntarget_url = \"http://x\""), `Invalid Attribute Value Match`, `api_id`},
		{"api empty name", res("tyk_api", "name = \"\"\nlisten_path = \"/a/\"\ntarget_url = \"http://x\""), `Invalid Attribute Value Length`, `name`},
		// tyk_api_scope_mapping
		{"mapping scope with space", res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = { \"a b\" = \""+f.aclPolicy+"\" }"), `Invalid Attribute Value Match`, `scope_to_policy`},
		{"mapping scope with comma", res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = { \"a,b\" = \""+f.aclPolicy+"\" }"), `Invalid Attribute Value Match`, `scope_to_policy`},
		{"mapping empty", res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = {}"), `Invalid Attribute Value`, `scope_to_policy`},
		{"mapping unknown API", res("tyk_api_scope_mapping", "api_id = \"no-such-api\"\nscope_to_policy = { s = \""+f.aclPolicy+"\" }"), `API not found`, `api_id`},
		{"mapping policy without the API", res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = { "+n+"_new = \""+f.otherPolicy+"\" }"), `Policy does not grant this API`, `scope_to_policy`},
		{"mapping conflicting scope", res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = { "+n+"_taken = \""+f.limitsPolicy+"\" }"), `Scope already mapped on this API`, `scope_to_policy`},
		{"mapping one scope twice", res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = { "+n+"_dup = \""+f.aclPolicy+"\" }") +
			strings.Replace(res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = { "+n+"_dup = \""+f.limitsPolicy+"\", "+n+"_more = \""+f.aclPolicy+"\" }"), `"x"`, `"y"`, 1),
			`Scope mapped twice in this plan`, `scope_to_policy`},
		{"mapping unknown policy", res("tyk_api_scope_mapping", "api_id = \""+f.apiID+"\"\nscope_to_policy = { "+n+"_x = \"0123456789abcdef01234567\" }"), `Policy not found`, `scope_to_policy`},
		// tyk_portal_oauth_provider
		{"idp unknown type", res("tyk_portal_oauth_provider", "name = \"i\"\ntype = \"Auth0\"\nwell_known_url = \"http://i/.well-known/openid-configuration\""), `Invalid Attribute Value Match`, `type`},
		{"idp bad url", res("tyk_portal_oauth_provider", "name = \"i\"\ntype = \"Other\"\nwell_known_url = \"not a url\""), `Invalid URL`, `well_known_url`},
		{"idp token twice", res("tyk_portal_oauth_provider", "name = \"i\"\ntype = \"Other\"\nwell_known_url = \"http://i/w\"\nregistration_access_token = \"a\"\nregistration_access_token_wo = \"b\"\nregistration_access_token_wo_version = 1"), `Invalid Attribute Combination`, `registration_access_token`},
		{"idp wo without version", res("tyk_portal_oauth_provider", "name = \"i\"\ntype = \"Other\"\nwell_known_url = \"http://i/w\"\nregistration_access_token_wo = \"b\""), `Invalid Attribute Combination`, `registration_access_token_wo`},
		{"idp empty name", res("tyk_portal_oauth_provider", "name = \"\"\ntype = \"Other\"\nwell_known_url = \"http://i/w\""), `Invalid Attribute Value Length`, `name`},
		// tyk_portal_client_type
		{"ct auth code without code", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"token\"]\ngrant_types = [\"authorization_code\"]"), `authorization_code needs response type code`, `response_types`},
		{"ct implicit without token", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"code\"]\ngrant_types = [\"implicit\"]"), `implicit needs response type token`, `response_types`},
		{"ct public client credentials", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"token\"]\ngrant_types = [\"client_credentials\"]"), `client_credentials needs a confidential client`, `token_endpoint_auth_method`},
		{"ct code without a code grant", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"code\"]\ngrant_types = [\"client_credentials\"]\ntoken_endpoint_auth_method = \"client_secret_basic\""), `Response type code needs the authorization_code grant`, `response_types`},
		{"ct id_token without an interactive grant", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"id_token\"]\ngrant_types = [\"client_credentials\"]\ntoken_endpoint_auth_method = \"client_secret_basic\""), `Response type id_token needs an interactive grant`, `response_types`},
		{"ct unknown grant", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"code\"]\ngrant_types = [\"magic\"]"), `Invalid Attribute Value Match`, `grant_types`},
		{"ct unknown response", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"it_token\"]\ngrant_types = [\"implicit\"]"), `Invalid Attribute Value Match`, `response_types`},
		{"ct bad auth method", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"token\"]\ngrant_types = [\"client_credentials\"]\ntoken_endpoint_auth_method = \"private_key_jwt\""), `Invalid Attribute Value Match`, `token_endpoint_auth_method`},
		{"ct unknown provider", res("tyk_portal_client_type", "oauth_provider_id = 999999\nname = \"c\"\nresponse_types = [\"code\"]\ngrant_types = [\"authorization_code\"]"), `OAuth2.0 provider not found`, `oauth_provider_id`},
		{"ct okta type on other IdP", res("tyk_portal_client_type", "oauth_provider_id = "+f.otherIdP+"\nname = \"c\"\nresponse_types = [\"code\"]\ngrant_types = [\"authorization_code\"]\nokta_app_type = \"web\""), `okta_app_type on a non-Okta provider`, `okta_app_type`},
		{"ct okta without app type", res("tyk_portal_client_type", "oauth_provider_id = "+f.oktaIdP+"\nname = \"c\"\nresponse_types = [\"code\"]\ngrant_types = [\"authorization_code\"]"), `Okta needs an app type`, `okta_app_type`},
		{"ct okta client credentials with code", res("tyk_portal_client_type", "oauth_provider_id = "+f.oktaIdP+"\nname = \"c\"\nresponse_types = [\"code\", \"token\"]\ngrant_types = [\"client_credentials\"]\ntoken_endpoint_auth_method = \"client_secret_basic\"\nokta_app_type = \"service\""), `Okta client_credentials needs response type token only`, `response_types`},
		// tyk_portal_product
		{"product scope with space", res("tyk_portal_product", "provider_id = "+f.apiProvider+"\nname = \"p\"\nscopes = [\"a b\"]"), `Invalid Attribute Value Match`, `scopes`},
		{"product name and policy", res("tyk_portal_product", "provider_id = "+f.apiProvider+"\nname = \"p\"\npolicy_id = \""+f.aclPolicy+"\""), `Invalid Attribute Combination`, `policy_id`},
		{"product neither name nor policy", res("tyk_portal_product", "provider_id = "+f.apiProvider+"\ndcr_enabled = true"), `Invalid Attribute Combination`, `policy_id`},
		{"product unknown provider", res("tyk_portal_product", "provider_id = 999999\nname = \"p\""), `API provider not found`, `provider_id`},
		{"product scope used by a product", res("tyk_portal_product", "provider_id = "+f.apiProvider+"\nname = \"p\"\nscopes = [\""+n+"_scope\"]"), `Scope already used`, `scopes`},
		{"product scope used by a plan", res("tyk_portal_product", "provider_id = "+f.apiProvider+"\nname = \"p\"\nscopes = [\""+n+"_plan_scope\"]"), `Scope already used`, `scopes`},
		{"product from a limits policy", res("tyk_portal_product", "provider_id = "+f.apiProvider+"\npolicy_id = \""+f.limitsPolicy+"\""), `Policy is not an API product policy`, `policy_id`},
		// tyk_portal_plan
		{"product and plan take one scope", res("tyk_portal_product", "provider_id = "+f.apiProvider+"\nname = \"p1\"\nscopes = [\""+n+"_shared\"]") +
			strings.Replace(res("tyk_portal_plan", "provider_id = "+f.apiProvider+"\nname = \"p2\"\nscopes = [\""+n+"_shared\"]"), `"x"`, `"y"`, 1),
			`Scope used twice in this plan`, `scopes`},
		{"plan rate without per", res("tyk_portal_plan", "provider_id = "+f.apiProvider+"\nname = \"p\"\nrate_limit = 10"), `Invalid Attribute Combination`, `rate_limit`},
		{"plan policy and limits", res("tyk_portal_plan", "provider_id = "+f.apiProvider+"\npolicy_id = \""+f.limitsPolicy+"\"\nrate_limit = 5\nper = 1"), `Invalid Attribute Combination`, `policy_id`},
		{"plan from an ACL policy", res("tyk_portal_plan", "provider_id = "+f.apiProvider+"\npolicy_id = \""+f.aclPolicy+"\""), `Policy is not a plan policy`, `policy_id`},
		{"plan scope used by a product", res("tyk_portal_plan", "provider_id = "+f.apiProvider+"\nname = \"p\"\nscopes = [\""+n+"_scope\"]"), `Scope already used`, `scopes`},
		// tyk_portal_api_provider
		{"api provider bad url", res("tyk_portal_api_provider", "name = \"d\"\ndashboard_url = \"dashboard\"\ndashboard_secret = \"s\"\norg_id = \"o\""), `Invalid URL`, `dashboard_url`},
		{"api provider two secrets", res("tyk_portal_api_provider", "name = \"d\"\ndashboard_url = \"http://d\"\ndashboard_secret = \"s\"\ndashboard_secret_wo = \"s\"\ndashboard_secret_wo_version = 1\norg_id = \"o\""), `Invalid Attribute Combination`, `dashboard_secret`},
		{"api provider no secret", res("tyk_portal_api_provider", "name = \"d\"\ndashboard_url = \"http://d\"\norg_id = \"o\""), `Invalid Attribute Combination`, `dashboard_secret`},
		// users, apps, access
		{"user bad email", res("tyk_portal_user", "email = \"not-an-email\"\nfirst_name = \"a\"\nlast_name = \"b\""), `Invalid Attribute Value Match`, `email`},
		{"app unknown user", res("tyk_portal_app", "user_id = 999999\nname = \"a\""), `Portal user not found`, `user_id`},
		{"app bad redirect", res("tyk_portal_app", "user_id = "+f.user+"\nname = \"a\"\nredirect_urls = [\"not a url\"]"), `Invalid URL`, `redirect_urls`},
		{"app bad visibility", res("tyk_portal_app", "user_id = "+f.user+"\nname = \"a\"\nvisibility = \"public\""), `Invalid Attribute Value Match`, `visibility`},
		{"access no products", res("tyk_portal_app_access", "app_id = 1\nproduct_ids = []\nplan_id = "+f.plan), `Invalid Attribute Value`, `product_ids`},
		{"access unknown product", res("tyk_portal_app_access", "app_id = 1\nproduct_ids = [999999]\nplan_id = "+f.plan), `API product not found`, `product_ids`},
		{"access unknown plan", res("tyk_portal_app_access", "app_id = 1\nproduct_ids = ["+f.dcrProduct+"]\nplan_id = 999999\nclient_type_id = 1"), `Plan not found`, `plan_id`},
		{"access DCR without client type", res("tyk_portal_app_access", "app_id = 1\nproduct_ids = ["+f.dcrProduct+"]\nplan_id = "+f.plan), `Client type required`, `client_type_id`},
		{"access plan without a scope", res("tyk_portal_app_access", "app_id = 1\nproduct_ids = ["+f.dcrProduct+"]\nplan_id = "+f.planNoScope+"\nclient_type_id = "+f.clientType), `Plan without a scope`, `plan_id`},
		{"access client type not on product", res("tyk_portal_app_access", "app_id = 1\nproduct_ids = ["+f.dcrProduct+"]\nplan_id = "+f.plan+"\nclient_type_id = 999999"), `Client type not enabled for the product`, `client_type_id`},
		// provider configuration
		{"provider timeout", "provider \"tyk\" {\nrequest_timeout = \"soon\"\n}\n" + res("tyk_policy", `name = "p"`), `Invalid duration`, `request_timeout`},
		{"provider retries", "provider \"tyk\" {\nmax_retries = 99\n}\n" + res("tyk_policy", `name = "p"`), `Invalid Attribute Value`, `max_retries`},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := acctest.WriteCount(sb)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:   c.config,
					PlanOnly: true,
					// The attribute is named on the quoted configuration line or,
					// when it is absent or nested, in the diagnostic's detail.
					ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta(c.summary) + `.*\b` + regexp.QuoteMeta(c.attr) + `\b`),
				}},
			})
			if after := acctest.WriteCount(sb); after != before {
				t.Fatalf("%d write requests reached the sandbox", after-before)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
