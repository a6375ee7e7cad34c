package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

type appsModel struct {
	NameRegex types.String `tfsdk:"name_regex"`
	UserID    types.Int64  `tfsdk:"user_id"`
	Apps      []appItem    `tfsdk:"apps"`
}

type appItem struct {
	ID           int64    `tfsdk:"id"`
	Name         string   `tfsdk:"name"`
	Description  string   `tfsdk:"description"`
	UserID       int64    `tfsdk:"user_id"`
	RedirectURLs []string `tfsdk:"redirect_urls"`
	ImportID     string   `tfsdk:"import_id"`
}

// NewPortalAppsDataSource returns data.tyk_portal_apps.
func NewPortalAppsDataSource() datasource.DataSource {
	return &listDataSource[appsModel]{
		typeName:    "_portal_apps",
		description: "Lists the Portal's developer apps (GET /apps, one request per page).",
		attributes: map[string]schema.Attribute{
			"name_regex": regexFilter("name"),
			"user_id":    schema.Int64Attribute{Optional: true, Description: "Only apps of this Portal user."},
			"apps": itemsAttribute("The matching apps, sorted by id.", map[string]schema.Attribute{
				"id":            computedInt("Portal id."),
				"name":          computedString("Name."),
				"description":   computedString("Description."),
				"user_id":       computedInt("The owning user."),
				"redirect_urls": computedStrings("OAuth redirect URLs."),
				"import_id":     importIDAttribute("tyk_portal_app"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *appsModel, diags *diag.Diagnostics) {
			p := d.portalClient(diags)
			if diags.HasError() {
				return
			}
			all, err := p.ListApps(ctx)
			if err != nil {
				diags.AddError("Could not list Portal apps", err.Error())
				return
			}
			match := matcher(m.NameRegex)
			m.Apps = []appItem{}
			for _, a := range all {
				if match(a.Name) && (m.UserID.IsNull() || a.UserID == m.UserID.ValueInt64()) {
					m.Apps = append(m.Apps, appItem{
						ID: a.ID, Name: a.Name, Description: a.Description, UserID: a.UserID,
						RedirectURLs: nonNil([]string(portal.ParseCSV(a.RedirectURLs))), ImportID: strconv.FormatInt(a.ID, 10),
					})
				}
			}
			sortedBy(m.Apps, func(a appItem) int64 { return a.ID })
		},
	}
}
