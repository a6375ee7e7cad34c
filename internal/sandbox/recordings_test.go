package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/recordings"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
)

// The sandbox's answers for the endpoints a real Portal was recorded on
// (../shared/tyk-recordings/portal-1.x-2023-08-15) carry the same set of
// fields as the recording, at every level (credentials inside requests too).
// The recording predates Visibility on apps (the 2026 spec), which only the
// newest emulated version adds.
func TestAnswersHaveTheRecordedFields(t *testing.T) {
	recordings.Load(t, recordings.PortalDir+"/apps.txt") // skips without the recordings
	for _, version := range []string{"1.12", "1.18"} {
		t.Run(version, func(t *testing.T) {
			wd, _ := os.Getwd()
			sb, err := Start(Options{DashboardToken: "tok", PortalToken: "ptok", SpecDir: spec.FindDir(wd), StrictResponses: true, PortalVersion: version})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sb.Close()
				for _, v := range sb.Violations() {
					t.Errorf("answer outside the official spec: %s", v)
				}
			})
			appID, arID, userID := seedApprovedKeyAccess(t, sb)
			added := map[string]bool{}
			if version == "1.18" {
				added["[].Visibility"] = true
			}
			for _, c := range []struct{ path, rec string }{
				{"/apps", "apps.txt"},
				{"/apps/" + appID + "/access-requests", "list_app_access_requests.txt"},
				{"/apps/" + appID + "/access-requests/" + arID, "get_ar_success.txt"},
				{"/users/" + userID, "users_1.txt"},
			} {
				want := fieldSet(t, recordings.Load(t, recordings.PortalDir+"/"+c.rec).Body)
				got := fieldSet(t, getRaw(t, sb, c.path))
				for f := range added {
					delete(got, f)
				}
				if w, g := strings.Join(sorted(want), " "), strings.Join(sorted(got), " "); w != g {
					t.Errorf("GET %s: fields\n  %s\nrecorded (%s)\n  %s", c.path, g, c.rec, w)
				}
			}
		})
	}
}

// seedApprovedKeyAccess creates, over the admin API, what the recording
// shows: an app whose access request for a (non-DCR) product on a plan was
// approved with a Tyk key credential.
func seedApprovedKeyAccess(t *testing.T, sb *Sandbox) (appID, arID, userID string) {
	t.Helper()
	call(t, "POST", sb.DashboardURL+"/api/apis", "tok", `{"api_definition":{"name":"a","api_id":"api1","active":true,"proxy":{"listen_path":"/a/","target_url":"http://x"}}}`)
	call(t, "POST", sb.DashboardURL+"/api/portal/policies", "tok", `{"name":"public_product","tags":["t"],"partitions":{"acl":true},"access_rights":{"api1":{"api_id":"api1","versions":["Default"]}}}`)
	call(t, "POST", sb.DashboardURL+"/api/portal/policies", "tok", `{"name":"free_plan","tags":["t"],"rate":5,"per":1,"partitions":{"rate_limit":true},"access_rights":{"api1":{"api_id":"api1","versions":["Default"]}}}`)
	prov := portalOK(t, sb, "POST", "/providers", fmt.Sprintf(`{"Name":"d","Type":"tyk-pro","Configuration":{"MetaData":"{\"URL\":\"%s\",\"Secret\":\"tok\",\"OrgID\":\"o\",\"PoliciesTags\":[\"t\"]}"}}`, sb.DashboardURL))
	portalOK(t, sb, "PUT", fmt.Sprintf("/providers/%v/synchronize", prov["ID"]), "")
	user := portalOK(t, sb, "POST", "/users", `{"Email":"dev@example.com","First":"a","Last":"b","Active":true}`)
	app := portalOK(t, sb, "POST", "/apps", fmt.Sprintf(`{"Name":"v34","UserID":%v}`, user["ID"]))
	var productID, planID any
	for _, p := range listRaw(t, sb, "/products") {
		productID = p["ID"]
	}
	body := getRaw(t, sb, "/plans")
	var plans []map[string]any
	if err := json.Unmarshal(body, &plans); err != nil {
		var env struct{ Data []map[string]any }
		_ = json.Unmarshal(body, &env)
		plans = env.Data
	}
	for _, p := range plans {
		planID = p["ID"]
	}
	appID = fmt.Sprint(app["ID"])
	portalOK(t, sb, "PUT", "/apps/"+appID+"/provision", fmt.Sprintf(`{"PlanID":%v,"ProductIDs":[%v]}`, planID, productID))
	ars := listRaw(t, sb, "/apps/"+appID+"/access-requests")
	if len(ars) != 1 {
		t.Fatalf("access requests: %v", ars)
	}
	arID = fmt.Sprint(ars[0]["ID"])
	portalOK(t, sb, "PUT", "/access_requests/"+arID+"/approve", "")
	return appID, arID, fmt.Sprint(user["ID"])
}

func getRaw(t *testing.T, sb *Sandbox, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", sb.PortalURL+"/portal-api"+path, nil)
	req.Header.Set("Authorization", "ptok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b
}

func listRaw(t *testing.T, sb *Sandbox, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(getRaw(t, sb, path), &out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return out
}

// fieldSet lists the field paths of a JSON document ("[].Credentials[].ID").
func fieldSet(t *testing.T, body []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	out := map[string]bool{}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if at != "" {
					p = at + "." + k
				}
				out[p] = true
				walk(e, p)
			}
		case []any:
			for _, e := range x {
				walk(e, at+"[]")
			}
		}
	}
	walk(v, "")
	return out
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
