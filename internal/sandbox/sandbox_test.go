package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
)

func start(t *testing.T) *Sandbox {
	t.Helper()
	wd, _ := os.Getwd()
	sb, err := Start(Options{DashboardToken: "tok", DashboardReadOnlyToken: "ro", PortalToken: "ptok", SpecDir: spec.FindDir(wd), StrictResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sb.Close()
		for _, v := range sb.Violations() {
			t.Errorf("answer outside the official spec: %s", v)
		}
	})
	return sb
}

func call(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func TestDashboardAuth(t *testing.T) {
	sb := start(t)
	if code, body := call(t, "GET", sb.DashboardURL+"/api/portal/policies", "", ""); code != 401 || body["Message"] != "Not authorised" || body["Status"] != "Error" {
		t.Fatalf("no key: %d %v", code, body)
	}
	if code, _ := call(t, "GET", sb.DashboardURL+"/api/portal/policies", "wrong", ""); code != 401 {
		t.Fatalf("wrong key: %d", code)
	}
	if code, _ := call(t, "GET", sb.DashboardURL+"/api/portal/policies", "ro", ""); code != 200 {
		t.Fatalf("read-only GET: %d", code)
	}
	code, body := call(t, "POST", sb.DashboardURL+"/api/portal/policies", "ro", `{"name":"x"}`)
	if code != 403 || !strings.HasPrefix(str(body["Message"]), "access denied") {
		t.Fatalf("read-only POST: %d %v", code, body)
	}
}

func TestDashboardPolicyContract(t *testing.T) {
	sb := start(t)
	u := sb.DashboardURL + "/api/portal/policies"
	code, body := call(t, "POST", u, "tok", `{"name":"p1","rate":10,"per":60,"active":true}`)
	id := str(body["Message"])
	if code != 200 || body["Status"] != "OK" || len(id) != 24 || body["Meta"] != nil {
		t.Fatalf("create: %d %v", code, body)
	}
	if code, body := call(t, "POST", u, "tok", `{"name":"p1"}`); code != 400 || !strings.Contains(str(body["Message"]), "already been used") {
		t.Fatalf("duplicate name: %d %v", code, body)
	}
	code, got := call(t, "GET", u+"/"+id, "tok", "")
	if code != 200 || got["_id"] != id || got["id"] != "" || got["org_id"] != sb.Store.OrgID || got["rate"] != 10.0 {
		t.Fatalf("get: %d %v", code, got)
	}
	if code, body := call(t, "GET", u+"/not-hex", "tok", ""); code != 400 || body["Message"] != "Invalid policy ID." {
		t.Fatalf("bad id: %d %v", code, body)
	}
	if code, body := call(t, "GET", u+"/0123456789abcdef01234567", "tok", ""); code != 404 || body["Message"] != "Could not retrieve portal object." {
		t.Fatalf("missing: %d %v", code, body)
	}
	if code, body := call(t, "PUT", u+"/"+id, "tok", `{"name":"p1b"}`); code != 200 || body["Message"] != "Data updated" {
		t.Fatalf("update: %d %v", code, body)
	}
	if code, body := call(t, "DELETE", u+"/"+id, "tok", ""); code != 200 || body["Message"] != "Data deleted" {
		t.Fatalf("delete: %d %v", code, body)
	}
	if code, body := call(t, "DELETE", u+"/"+id, "tok", ""); code != 404 || body["Message"] != "Could not retrieve object for deletion" {
		t.Fatalf("delete again: %d %v", code, body)
	}
}

func TestDashboardPaging(t *testing.T) {
	sb := start(t)
	for i := 0; i < 23; i++ {
		call(t, "POST", sb.DashboardURL+"/api/portal/policies", "tok", fmt.Sprintf(`{"name":"p%d"}`, i))
	}
	seen := 0
	for p := 1; p <= 3; p++ {
		_, body := call(t, "GET", fmt.Sprintf("%s/api/portal/policies?p=%d", sb.DashboardURL, p), "tok", "")
		if body["Pages"] != 3.0 {
			t.Fatalf("Pages = %v", body["Pages"])
		}
		seen += len(anyList(body["Data"]))
	}
	_, all := call(t, "GET", sb.DashboardURL+"/api/portal/policies?p=-1", "tok", "")
	if seen != 23 || len(anyList(all["Data"])) != 23 {
		t.Fatalf("paged %d, all %d", seen, len(anyList(all["Data"])))
	}
}

func TestDashboardAPIContract(t *testing.T) {
	sb := start(t)
	u := sb.DashboardURL + "/api/apis"
	code, body := call(t, "POST", u, "tok", `{"api_definition":{"name":"a","api_id":"abc123","proxy":{"listen_path":"/a/","target_url":"http://x"}}}`)
	if code != 200 || body["ID"] != "abc123" || body["Message"] != "API created" || len(str(body["Meta"])) != 24 {
		t.Fatalf("create: %d %v", code, body)
	}
	internal := str(body["Meta"])
	if code, body := call(t, "POST", u, "tok", `{"api_definition":{"name":"a2","api_id":"abc123"}}`); code != 409 || body["Message"] != "Found API with the same ID" {
		t.Fatalf("same id: %d %v", code, body)
	}
	for _, ref := range []string{"abc123", internal} {
		code, w := call(t, "GET", u+"/"+ref, "tok", "")
		def, _ := w["api_definition"].(map[string]any)
		if code != 200 || def["api_id"] != "abc123" || def["id"] != internal {
			t.Fatalf("get by %s: %d %v", ref, code, w)
		}
	}
	if code, body := call(t, "PUT", u+"/abc123", "tok", `{"api_definition":{"id":"0123456789abcdef01234567","name":"a"}}`); code != 400 || body["Message"] != "Invalid `ID` value" {
		t.Fatalf("id mismatch: %d %v", code, body)
	}
	if code, body := call(t, "PUT", u+"/nope", "tok", `{"api_definition":{"name":"a"}}`); code != 404 || body["Message"] != "API definition does not exist" {
		t.Fatalf("put missing: %d %v", code, body)
	}
	if code, _ := call(t, "DELETE", u+"/abc123", "tok", ""); code != 200 {
		t.Fatalf("delete: %d", code)
	}
	if code, body := call(t, "GET", u+"/abc123", "tok", ""); code != 400 || body["Message"] != "Could not retrieve API detail" {
		t.Fatalf("get deleted: %d %v", code, body)
	}
}

func TestDashboardRejectsWhatTheSpecRejects(t *testing.T) {
	sb := start(t)
	if !sb.SpecValidation {
		t.Skip("official spec not found (../shared/tyk-specs); spec validation is off")
	}
	// rate is a number in the spec; a string must be refused like Tyk would.
	code, body := call(t, "POST", sb.DashboardURL+"/api/portal/policies", "tok", `{"name":"x","rate":"fast"}`)
	if code != 400 || body["Status"] != "Error" {
		t.Fatalf("invalid body accepted: %d %v", code, body)
	}
	code, _ = call(t, "POST", sb.DashboardURL+"/api/apis", "tok", `{"api_definition":{"name":"a","active":"yes"}}`)
	if code != 400 {
		t.Fatalf("invalid API body accepted: %d", code)
	}
	if n := sb.Store.Policies.Len() + sb.Store.APIs.Len(); n != 0 {
		t.Fatalf("rejected requests stored %d objects", n)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}
