package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func portalCall(t *testing.T, sb *Sandbox, method, path, body string) (int, map[string]any) {
	t.Helper()
	return call(t, method, sb.PortalURL+"/portal-api"+path, "ptok", body)
}

// portalOK is portalCall that fails the test on an error answer.
func portalOK(t *testing.T, sb *Sandbox, method, path, body string) map[string]any {
	t.Helper()
	code, out := portalCall(t, sb, method, path, body)
	if code >= 300 {
		t.Fatalf("%s %s: %d %v", method, path, code, out)
	}
	return out
}

func TestPortalContract(t *testing.T) {
	sb := start(t)
	if code, _ := portalCall(t, sb, "GET", "/users", ""); code != 200 {
		t.Fatalf("users: %d", code)
	}
	code, body := call(t, "GET", sb.PortalURL+"/portal-api/users", "wrong", "")
	if code != 401 || body["errors"] == nil {
		t.Fatalf("bad token: %d %v", code, body)
	}
	req, _ := http.NewRequest("GET", sb.PortalURL+"/portal-api/no-such-thing", nil)
	req.Header.Set("Authorization", "ptok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || strings.TrimSpace(string(b)) != "404 page not found" {
		t.Fatalf("unknown route: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	if sb.SpecValidation {
		if code, body := portalCall(t, sb, "POST", "/oauth-providers", `{"Name":"x","Type":"Other","WellKnownURL":"http://i","SSLInsecureSkipVerify":"yes"}`); code != 422 || body["errors"] == nil {
			t.Fatalf("mistyped body accepted: %d %v", code, body)
		}
	}
	_, prov := portalCall(t, sb, "POST", "/oauth-providers", `{"Name":"idp","Type":"Other","WellKnownURL":"http://idp/.well-known/openid-configuration","RegistrationAccessToken":"secret-iat"}`)
	if _, leaked := prov["RegistrationAccessToken"]; leaked {
		t.Fatalf("write-only token returned: %v", prov)
	}
	pid := fmt.Sprint(prov["ID"])
	code, ct := portalCall(t, sb, "POST", "/oauth-providers/"+pid+"/client-types", `{"Name":"m","ResponseTypes":"code,id_token","GrantType":"authorization_code,refresh_token"}`)
	if code != 200 || ct["ResponseTypes"] != "code,id_token" {
		t.Fatalf("client type with CSV items: %d %v", code, ct)
	}
	if code, _ := portalCall(t, sb, "POST", "/oauth-providers/"+pid+"/client-types", `{"Name":"m","ResponseTypes":"code,bogus","GrantType":"implicit"}`); code != 422 && code != 400 {
		t.Fatalf("bogus CSV item accepted: %d", code)
	}
	// A product that uses the client type: the provider is in use.
	_, dp := portalCall(t, sb, "POST", "/providers", fmt.Sprintf(`{"Name":"d","Type":"tyk-pro","Configuration":{"MetaData":"{\"URL\":\"%s\",\"Secret\":\"tok\",\"OrgID\":\"o\",\"PoliciesTags\":[]}"}}`, sb.DashboardURL))
	call(t, "POST", sb.DashboardURL+"/api/apis", "tok", `{"api_definition":{"name":"a","api_id":"api1","enable_jwt":true,"proxy":{"listen_path":"/a/","target_url":"http://x"}}}`)
	code, product := portalCall(t, sb, "POST", "/products", fmt.Sprintf(`{"Name":"prod","ProviderID":%v,"IsDocumentationOnly":false,"APIDetails":[{"APIID":"api1"}],"DCREnabled":true,"Scopes":"s1"}`, dp["ID"]))
	if code != 201 || product["AuthType"] != "jwt" || len(fmt.Sprint(product["ReferenceID"])) != 24 {
		t.Fatalf("create product: %d %v", code, product)
	}
	prodID := fmt.Sprint(product["ID"])
	if code, _ := portalCall(t, sb, "POST", "/products/"+prodID+"/client_types", fmt.Sprintf(`{"ID":%v}`, ct["ID"])); code != 201 {
		t.Fatalf("attach: %d", code)
	}
	if code, body := portalCall(t, sb, "DELETE", "/oauth-providers/"+pid, ""); code != 400 || !strings.Contains(fmt.Sprint(body["errors"]), "prod") {
		t.Fatalf("delete in use: %d %v", code, body)
	}
	if code, _ := portalCall(t, sb, "DELETE", "/oauth-providers/"+pid+"?force=true", ""); code != 200 {
		t.Fatalf("force delete: %d", code)
	}
	resp2, _ := http.NewRequest("GET", sb.PortalURL+"/portal-api/products/"+prodID+"/client_types", nil)
	resp2.Header.Set("Authorization", "ptok")
	r2, _ := http.DefaultClient.Do(resp2)
	b2, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if strings.TrimSpace(string(b2)) != "[]" {
		t.Fatalf("force delete left client types attached: %s", b2)
	}
	// Deleting the product deletes its policy in the Dashboard.
	if code, _ := portalCall(t, sb, "DELETE", "/products/"+prodID, ""); code != 200 {
		t.Fatalf("delete product: %d", code)
	}
	if _, ok := sb.Store.Policies.Get(fmt.Sprint(product["ReferenceID"])); ok {
		t.Fatal("product policy left in the Dashboard")
	}
}

func TestPortalSyncUsesTheProvidersSecret(t *testing.T) {
	sb := start(t)
	_, dp := portalCall(t, sb, "POST", "/providers", fmt.Sprintf(`{"Name":"d","Configuration":{"MetaData":"{\"URL\":\"%s\",\"Secret\":\"wrong\",\"OrgID\":\"o\"}"}}`, sb.DashboardURL))
	code, body := portalCall(t, sb, "PUT", fmt.Sprintf("/providers/%v/synchronize", dp["ID"]), "")
	if code != 422 || body["status"] != "error" || !strings.Contains(fmt.Sprint(body["errors"]), "401") {
		t.Fatalf("sync with a wrong secret: %d %v", code, body)
	}
}
