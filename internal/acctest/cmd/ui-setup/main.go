// Command ui-setup builds a whole Dashboard-first DCR setup the way an
// operator following Tyk's guide in the Dashboard and Portal UIs would --
// direct admin API calls, no Terraform and no code of the provider -- so
// that the adoption example (examples/adopt) has something to adopt:
//
//	Dashboard: the No Operation API and policy, the Payments API with JWT
//	auth, the product and plan policies (tagged), the scope -> policy
//	mapping on the API;
//	Portal: the API provider and a sync, the OAuth2.0 provider and two
//	client types, DCR and scopes on the imported product and plan, a
//	developer, an app, its access request, approved (the Portal registers
//	the OAuth client in the IdP).
//
// It prints what it created as shell assignments (ids, the client id) for
// scripts/examples.sh to check the adoption against.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

var (
	dashURL     = flag.String("dashboard-url", os.Getenv("TYK_DASHBOARD_URL"), "Dashboard API URL")
	dashToken   = flag.String("dashboard-token", os.Getenv("TYK_DASHBOARD_TOKEN"), "Dashboard API token")
	portalURL   = flag.String("portal-url", os.Getenv("TYK_PORTAL_URL"), "Portal URL (the admin API is under /portal-api)")
	portalToken = flag.String("portal-token", os.Getenv("TYK_PORTAL_TOKEN"), "Portal admin API token")
	wellKnown   = flag.String("well-known-url", "", "the IdP's OpenID Connect discovery URL")
	jwksURL     = flag.String("jwks-url", "", "the IdP's JWKS URL")
	upstream    = flag.String("upstream-url", "", "where the Gateway proxies the APIs to")
	dashForPort = flag.String("dashboard-url-for-portal", "", "the Dashboard URL as the Portal reaches it (default: -dashboard-url)")
)

type obj = map[string]any

func main() {
	flag.Parse()
	if *dashForPort == "" {
		*dashForPort = *dashURL
	}
	jwks := base64.StdEncoding.EncodeToString([]byte(*jwksURL))

	// Dashboard: APIs -> Add new API, Policies -> Add policy.
	noopAPI := apiID()
	call("dashboard", "POST", "/api/apis", obj{"api_definition": apiDef(noopAPI, "No Operation", "/noop/", jwks, nil)})
	noopPolicy := str(call("dashboard", "POST", "/api/portal/policies", policy("No Operation", nil, noopAPI, "No Operation",
		obj{"rate": 1, "per": 3600, "quota_max": 1, "quota_renewal_rate": 31536000}, obj{})), "Message")
	payAPI := apiID()
	call("dashboard", "POST", "/api/apis", obj{"api_definition": apiDef(payAPI, "Payments API", "/payments/", jwks, []string{noopPolicy})})
	productPolicy := str(call("dashboard", "POST", "/api/portal/policies", policy("Payments API Product", []string{"dcr"}, payAPI, "Payments API",
		obj{}, obj{"acl": true})), "Message")
	planPolicy := str(call("dashboard", "POST", "/api/portal/policies", policy("Free plan", []string{"dcr"}, payAPI, "Payments API",
		obj{"rate": 5, "per": 1, "quota_max": 1000, "quota_renewal_rate": 3600}, obj{"rate_limit": true, "quota": true})), "Message")
	// API -> Authentication -> JWT -> scope to policy mapping.
	w := call("dashboard", "GET", "/api/apis/"+payAPI, nil)
	def := asObj(w["api_definition"])
	mapping := obj{"product_payments": productPolicy, "free_plan": planPolicy}
	def["jwt_scope_to_policy_mapping"] = mapping
	def["scopes"] = obj{"jwt": obj{"scope_claim_name": "scp", "scope_to_policy": mapping}}
	call("dashboard", "PUT", "/api/apis/"+payAPI, obj{"api_definition": def})

	// Portal: Settings -> Providers -> Add provider, Synchronize.
	meta, _ := json.Marshal(obj{"URL": *dashForPort, "Secret": *dashToken, "OrgID": "demo-org", "Gateway": "",
		"PoliciesTags": []string{"dcr"}, "InsecureSkipVerify": false})
	provider := id(call("portal", "POST", "/providers", obj{"Name": "Tyk Dashboard", "Type": "tyk-pro",
		"Configuration": obj{"MetaData": string(meta)}}))
	call("portal", "PUT", fmt.Sprintf("/providers/%d/synchronize", provider), nil)

	// Settings -> Advanced -> OAuth2.0 providers, and its client types.
	oauth := id(call("portal", "POST", "/oauth-providers", obj{"Name": "Ory Hydra", "Type": "Other", "WellKnownURL": *wellKnown,
		"SSLInsecureSkipVerify": false}))
	machine := id(call("portal", "POST", fmt.Sprintf("/oauth-providers/%d/client-types", oauth), obj{"Name": "Confidential client",
		"Description": "Server-side apps using client_credentials", "ResponseTypes": "token", "GrantType": "client_credentials",
		"TokenEndpointAuthMethod": "client_secret_basic"}))
	web := id(call("portal", "POST", fmt.Sprintf("/oauth-providers/%d/client-types", oauth), obj{"Name": "Web application",
		"Description": "", "ResponseTypes": "code", "GrantType": "authorization_code,refresh_token", "TokenEndpointAuthMethod": "client_secret_post"}))

	// API Products -> the imported product -> enable DCR, scopes, client types.
	product := imported("/products", productPolicy)
	edit(fmt.Sprintf("/products/%d", product), []string{"ID", "ReferenceID", "AuthTypes", "Logo", "Preview", "CreatedAt", "UpdatedAt",
		"Templates", "Tags", "SpecDetails"}, func(p obj) {
		p["DisplayName"], p["DCREnabled"], p["Scopes"], p["Catalogues"] = "Payments API", true, "product_payments", []int{1}
		var details []obj
		for _, d := range asList(p["APIDetails"]) {
			details = append(details, obj{"APIID": asObj(d)["APIID"], "Description": asObj(d)["Description"]})
		}
		p["APIDetails"] = details
	})
	for _, ct := range []int64{machine, web} {
		call("portal", "POST", fmt.Sprintf("/products/%d/client_types", product), obj{"ID": ct})
	}
	// Plans -> the imported plan -> scopes.
	plan := imported("/plans", planPolicy)
	edit(fmt.Sprintf("/plans/%d", plan), []string{"ID", "ReferenceID", "CreatedAt", "UpdatedAt"}, func(p obj) {
		p["DisplayName"], p["JWTScope"], p["Catalogues"] = "Free plan", "free_plan", []int{1}
	})

	// Users -> Add user; the developer's app; its access request, approved.
	user := id(call("portal", "POST", "/users", obj{"Email": "developer@example.com", "First": "Ada", "Last": "Developer",
		"Active": true, "OrganisationID": 1}))
	app := id(call("portal", "POST", "/apps", obj{"Name": "Payments client", "Description": "A backend that calls the Payments API",
		"UserID": user, "RedirectURLs": ""}))
	call("portal", "PUT", fmt.Sprintf("/apps/%d/provision", app), obj{"PlanID": plan, "ProductIDs": []int64{product}, "DCRTemplateID": machine})
	ars := asList(callAny("portal", "GET", fmt.Sprintf("/apps/%d/access-requests", app), nil))
	if len(ars) != 1 {
		fail("expected one access request for app %d, got %d", app, len(ars))
	}
	ar := id(asObj(ars[0]))
	call("portal", "PUT", fmt.Sprintf("/access_requests/%d/approve", ar), nil)
	clientID := ""
	for deadline := time.Now().Add(30 * time.Second); clientID == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, a := range asList(callAny("portal", "GET", fmt.Sprintf("/apps/%d/access-requests", app), nil)) {
			for _, c := range asList(asObj(a)["Credentials"]) {
				clientID = str(asObj(c), "OAuthClientID")
			}
		}
	}
	if clientID == "" {
		fail("access request %d got no credential", ar)
	}
	for k, v := range map[string]any{
		"noop_api_id": noopAPI, "payments_api_id": payAPI, "noop_policy_id": noopPolicy, "product_policy_id": productPolicy,
		"plan_policy_id": planPolicy, "api_provider_id": provider, "oauth_provider_id": oauth, "machine_client_type_id": machine,
		"web_client_type_id": web, "portal_product_id": product, "portal_plan_id": plan, "user_id": user, "app_id": app,
		"access_request_id": ar, "client_id": clientID,
	} {
		fmt.Printf("ui_%s=%v\n", k, v)
	}
}

func apiID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func apiDef(id, name, listen, jwks string, defaults []string) obj {
	return obj{
		"api_id": id, "name": name, "active": true, "use_keyless": false, "enable_jwt": true,
		"jwt_signing_method": "rsa", "jwt_source": jwks, "jwt_identity_base_field": "sub", "jwt_policy_field_name": "pol",
		"jwt_default_policies": defaults, "jwt_scope_claim_name": "scp",
		"scopes": obj{"jwt": obj{"scope_claim_name": "scp", "scope_to_policy": obj{}}},
		"proxy":  obj{"listen_path": listen, "target_url": *upstream, "strip_listen_path": true},
	}
}

func policy(name string, tags []string, api, apiName string, limits, partitions obj) obj {
	p := obj{
		"name": name, "state": "active", "active": true, "tags": tags, "rate": -1, "per": -1, "quota_max": -1,
		"quota_renewal_rate": -1, "throttle_interval": -1, "throttle_retry_limit": -1, "max_query_depth": -1, "key_expires_in": 0,
		"meta_data": obj{}, "access_rights": obj{api: obj{"api_id": api, "api_name": apiName, "versions": []string{"Default"}, "allowed_urls": []any{}}},
	}
	if tags == nil {
		p["tags"] = []string{}
	}
	parts := obj{"acl": false, "quota": false, "rate_limit": false, "complexity": false, "per_api": false}
	for k, v := range partitions {
		parts[k] = v
	}
	p["partitions"] = parts
	for k, v := range limits {
		p[k] = v
	}
	return p
}

// imported finds the product or plan the Portal imported from a policy:
// the list, then each item (plan summaries carry no ReferenceID).
func imported(list, policyID string) int64 {
	for _, it := range asList(callAny("portal", "GET", list, nil)) {
		item := id(asObj(it))
		if str(call("portal", "GET", fmt.Sprintf("%s/%d", list, item), nil), "ReferenceID") == policyID {
			return item
		}
	}
	fail("the Portal imported nothing from policy %s into %s", policyID, list)
	return 0
}

// edit is the UI's edit form: the object as read, changed, saved whole.
func edit(path string, readOnly []string, change func(obj)) {
	o := call("portal", "GET", path, nil)
	for _, k := range readOnly {
		delete(o, k)
	}
	change(o)
	call("portal", "PUT", path, o)
}

func call(plane, method, path string, body any) obj {
	out, _ := callAny(plane, method, path, body).(obj)
	if out == nil {
		out = obj{}
	}
	return out
}

func callAny(plane, method, path string, body any) any {
	base, token := *dashURL, *dashToken
	if plane == "portal" {
		base, token = strings.TrimRight(*portalURL, "/")+"/portal-api", *portalToken
	}
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimRight(base, "/")+path, rd)
	if err != nil {
		fail("%v", err)
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fail("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		fail("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	var out any
	_ = json.Unmarshal(b, &out)
	if m, ok := out.(obj); ok {
		if d, ok := m["data"].([]any); ok && len(m) == 1 {
			return d
		}
	}
	return out
}

func asList(v any) []any { l, _ := v.([]any); return l }

func str(o obj, k string) string { s, _ := o[k].(string); return s }

func asObj(v any) obj { o, _ := v.(obj); return o }

// id is an object's integer ID.
func id(o obj) int64 {
	f, ok := o["ID"].(float64)
	if !ok {
		fail("no ID in %v", o)
	}
	return int64(f)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ui-setup: "+format+"\n", args...)
	os.Exit(1)
}
