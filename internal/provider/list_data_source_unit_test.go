package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// pagedPortal serves GET /apps and GET /apps/{id}/access-requests from
// fixed data, page by page as the Portal does (page, per_page), and records
// every request.
type pagedPortal struct {
	mu       sync.Mutex
	requests []string
	apps     []map[string]any
	accesses map[int64][]map[string]any
}

func (f *pagedPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	var items []map[string]any
	switch {
	case r.URL.Path == "/apps":
		items = f.apps
	case strings.HasPrefix(r.URL.Path, "/apps/") && strings.HasSuffix(r.URL.Path, "/access-requests"):
		id, _ := strconv.ParseInt(strings.Split(r.URL.Path, "/")[2], 10, 64)
		items = f.accesses[id]
	default:
		http.NotFound(w, r)
		return
	}
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	_ = json.NewEncoder(w).Encode(items[lo:hi])
}

func (f *pagedPortal) count(prefix string) int {
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func readList[M any](t *testing.T, plain datasource.DataSource, srv string, filters map[string]tftypes.Value) M {
	t.Helper()
	ds, ok := plain.(datasource.DataSourceWithConfigure)
	if !ok {
		t.Fatal("the data source cannot be configured")
	}
	ctx := context.Background()
	c, err := client.New(client.Config{Plane: "Tyk Portal", BaseURL: srv, Token: "unit-test-token", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: &providerData{portal: portal.New(c)}},
		&datasource.ConfigureResponse{})
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := filters[name]; ok {
			vals[name] = v
		}
	}
	req := datasource.ReadRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Read: %v", resp.Diagnostics)
	}
	var m M
	if d := resp.State.Get(ctx, &m); d.HasError() {
		t.Fatal(d)
	}
	return m
}

// A plural data source costs one list request per page: 250 apps at the
// client's page size are 3 pages, so 3 requests and nothing else; filters
// are applied to what the lists return.
func TestPluralDataSourcesListOncePerPage(t *testing.T) {
	f := &pagedPortal{accesses: map[int64][]map[string]any{}}
	for i := 1; i <= 250; i++ {
		f.apps = append(f.apps, map[string]any{"ID": i, "Name": fmt.Sprintf("app-%03d", i), "UserID": 1 + i%2, "RedirectURLs": "https://a.example/cb, https://b.example/cb"})
	}
	f.accesses[7] = []map[string]any{
		{"ID": 70, "Status": "approved", "Plan": "Free", "Products": "Payments, Orders", "DCREnabled": true,
			"Credentials": []map[string]any{{"ID": 1, "OAuthClientID": "client-70", "OAuthClientSecret": "s3cret"}}},
		{"ID": 71, "Status": "pending", "Plan": "Free", "Products": "Payments"},
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	pages := (250 + portal.PerPage - 1) / portal.PerPage

	apps := readList[appsModel](t, NewPortalAppsDataSource(), srv.URL, map[string]tftypes.Value{
		"user_id": tftypes.NewValue(tftypes.Number, 2), "name_regex": tftypes.NewValue(tftypes.String, "^app-0[0-4]"),
	})
	if got := f.count("GET /apps"); got != pages || len(f.requests) != pages {
		t.Errorf("tyk_portal_apps: %d list requests of %d requests, want %d (one per page)", got, len(f.requests), pages)
	}
	// app-001..app-049 with an even UserID-1 (i odd): 25 apps, sorted by id.
	if len(apps.Apps) != 25 || apps.Apps[0].ID != 1 || apps.Apps[24].ID != 49 {
		t.Errorf("filtered apps: %d, first %+v", len(apps.Apps), apps.Apps)
	}
	if got := apps.Apps[0].RedirectURLs; len(got) != 2 || got[1] != "https://b.example/cb" || apps.Apps[0].ImportID != "1" {
		t.Errorf("app item: %+v", apps.Apps[0])
	}

	f.requests = nil
	acc := readList[appAccessesModel](t, NewPortalAppAccessesDataSource(), srv.URL, map[string]tftypes.Value{
		"app_id": tftypes.NewValue(tftypes.Number, 7), "status": tftypes.NewValue(tftypes.String, "approved"),
	})
	if len(f.requests) != 1 || f.requests[0] != "GET /apps/7/access-requests" {
		t.Errorf("with app_id: requests %v, want the app's list alone", f.requests)
	}
	if len(acc.Accesses) != 1 {
		t.Fatalf("approved accesses: %+v", acc.Accesses)
	}
	a := acc.Accesses[0]
	if a.ImportID != "7/70" || a.ClientID != "client-70" || a.Plan != "Free" || len(a.Products) != 2 || a.Products[1] != "Orders" {
		t.Errorf("access item: %+v", a)
	}
	if strings.Contains(fmt.Sprintf("%+v", acc), "s3cret") {
		t.Error("the client secret reached the data source")
	}

	// Without app_id: the apps (of the user), then one list per app.
	f.requests = nil
	acc = readList[appAccessesModel](t, NewPortalAppAccessesDataSource(), srv.URL, map[string]tftypes.Value{
		"user_id": tftypes.NewValue(tftypes.Number, 2),
	})
	if got, want := f.count("GET /apps/"), 125; got != want || f.count("GET /apps") != want+pages {
		t.Errorf("with user_id: %d per-app lists (want %d) and %d requests in all (want %d)", got, want, len(f.requests), want+pages)
	}
	if len(acc.Accesses) != 2 {
		t.Errorf("accesses of user 2: %+v", acc.Accesses)
	}
}

func TestRegexFilterIsCheckedAtPlanTime(t *testing.T) {
	for re, ok := range map[string]bool{"^app-": true, "(": false, "[a-": false, "": true} {
		resp := &validator.StringResponse{}
		validRegex().ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("name_regex"), ConfigValue: types.StringValue(re)}, resp)
		if resp.Diagnostics.HasError() == ok {
			t.Errorf("%q: error = %v, want valid = %v", re, resp.Diagnostics, ok)
		}
		if !ok && !strings.Contains(resp.Diagnostics[0].Detail(), "name_regex") {
			t.Errorf("%q: the error does not name the attribute: %s", re, resp.Diagnostics[0].Detail())
		}
	}
	if !matcher(types.StringNull())("anything") || matcher(types.StringValue("^a$"))("ab") {
		t.Error("matcher: null matches everything, ^a$ matches only a")
	}
}

func TestImportIDsOfListItems(t *testing.T) {
	if got := offeringImportID(4, ""); got != "4" {
		t.Errorf("Portal-first: %q", got)
	}
	if got := offeringImportID(4, "64a0c3d2e4b0a1b2c3d4e5f6"); got != "4:64a0c3d2e4b0a1b2c3d4e5f6" {
		t.Errorf("Dashboard-first: %q", got)
	}
	if !hasAll([]string{"a", "b"}, []string{"b"}) || hasAll([]string{"a"}, []string{"a", "b"}) || !hasAll(nil, nil) {
		t.Error("hasAll")
	}
}
