package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type apisModel struct {
	NameRegex types.String `tfsdk:"name_regex"`
	APIs      []apiItem    `tfsdk:"apis"`
}

type apiItem struct {
	APIID          string            `tfsdk:"api_id"`
	Name           string            `tfsdk:"name"`
	ListenPath     string            `tfsdk:"listen_path"`
	TargetURL      string            `tfsdk:"target_url"`
	Active         bool              `tfsdk:"active"`
	JWT            bool              `tfsdk:"jwt"`
	ScopeClaimName string            `tfsdk:"scope_claim_name"`
	ScopeToPolicy  map[string]string `tfsdk:"scope_to_policy"`
	ImportID       string            `tfsdk:"import_id"`
}

// NewAPIsDataSource returns data.tyk_apis.
func NewAPIsDataSource() datasource.DataSource {
	return &listDataSource[apisModel]{
		typeName: "_apis",
		description: "Lists the Dashboard's API definitions (GET /api/apis, one request per page) with their JWT scope → policy " +
			"mappings, e.g. to import the APIs of an existing DCR setup and their `tyk_api_scope_mapping`s.",
		attributes: map[string]schema.Attribute{
			"name_regex": regexFilter("name"),
			"apis": itemsAttribute("The matching APIs, sorted by `api_id`.", map[string]schema.Attribute{
				"api_id":           computedString("The API's `api_id`, as `tyk_api.api_id`."),
				"name":             computedString("Name."),
				"listen_path":      computedString("Listen path."),
				"target_url":       computedString("Upstream URL."),
				"active":           computedBool("Whether the Gateway loads the API."),
				"jwt":              computedBool("Whether the API uses JWT authentication."),
				"scope_claim_name": computedString("The JWT claim holding scopes (empty: not set)."),
				"scope_to_policy": schema.MapAttribute{
					Computed: true, ElementType: types.StringType,
					Description: "The API's scope → policy id mapping, every entry whoever wrote it. Import one " +
						"`tyk_api_scope_mapping` per owner with `<api_id>:<scope>[,<scope>…]`.",
				},
				"import_id": importIDAttribute("tyk_api"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *apisModel, diags *diag.Diagnostics) {
			dash := d.dashboardClient(diags)
			if diags.HasError() {
				return
			}
			all, err := dash.ListAPIs(ctx)
			if err != nil {
				diags.AddError("Could not list Dashboard APIs", err.Error())
				return
			}
			match := matcher(m.NameRegex)
			m.APIs = []apiItem{}
			for _, w := range all {
				a := &w.APIDefinition
				if !match(a.Name) {
					continue
				}
				mapping := a.ScopeMapping()
				if mapping == nil {
					mapping = map[string]string{}
				}
				m.APIs = append(m.APIs, apiItem{
					APIID: a.APIID, Name: a.Name, ListenPath: a.Proxy.ListenPath, TargetURL: a.Proxy.TargetURL, Active: a.Active,
					JWT: a.EnableJWT, ScopeClaimName: a.ScopeClaimName(), ScopeToPolicy: mapping, ImportID: a.APIID,
				})
			}
			sortedBy(m.APIs, func(a apiItem) string { return a.APIID })
		},
	}
}
