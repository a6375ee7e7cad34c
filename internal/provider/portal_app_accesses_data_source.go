package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

type appAccessesModel struct {
	AppID    types.Int64     `tfsdk:"app_id"`
	UserID   types.Int64     `tfsdk:"user_id"`
	Status   types.String    `tfsdk:"status"`
	Accesses []appAccessItem `tfsdk:"accesses"`
}

type appAccessItem struct {
	ID         int64    `tfsdk:"id"`
	AppID      int64    `tfsdk:"app_id"`
	Status     string   `tfsdk:"status"`
	Plan       string   `tfsdk:"plan"`
	Products   []string `tfsdk:"products"`
	DCREnabled bool     `tfsdk:"dcr_enabled"`
	ClientID   string   `tfsdk:"client_id"`
	ImportID   string   `tfsdk:"import_id"`
}

// NewPortalAppAccessesDataSource returns data.tyk_portal_app_accesses.
func NewPortalAppAccessesDataSource() datasource.DataSource {
	return &listDataSource[appAccessesModel]{
		typeName: "_portal_app_accesses",
		description: "Lists apps' access requests with their OAuth client ids. The Portal lists access requests per app " +
			"(GET /apps/{id}/access-requests; its global GET /access_requests does not say which app a request belongs to): " +
			"with `app_id` that is one request per page; otherwise the apps are listed first (filtered by `user_id`), then " +
			"each app's requests. Client secrets are never read into this data source: use the ephemeral " +
			"`tyk_portal_app_credentials`.",
		attributes: map[string]schema.Attribute{
			"app_id":  schema.Int64Attribute{Optional: true, Description: "Only this app's access requests."},
			"user_id": schema.Int64Attribute{Optional: true, Description: "Only access requests of this Portal user's apps."},
			"status":  schema.StringAttribute{Optional: true, Description: "Only requests in this status, e.g. `approved` (what `tyk_portal_app_access` manages) or `pending`."},
			"accesses": itemsAttribute("The matching access requests, sorted by app and id.", map[string]schema.Attribute{
				"id":          computedInt("Access request id."),
				"app_id":      computedInt("The app."),
				"status":      computedString("`approved`, `pending`, `rejected`..."),
				"plan":        computedString("The plan's name (the Portal's list names plans and products; it does not give their ids)."),
				"products":    computedStrings("The products' names."),
				"dcr_enabled": computedBool("Whether the request registered an OAuth client in the IdP."),
				"client_id":   computedString("The OAuth client id of its credential (empty before approval)."),
				"import_id":   importIDAttribute("tyk_portal_app_access"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *appAccessesModel, diags *diag.Diagnostics) {
			p := d.portalClient(diags)
			if diags.HasError() {
				return
			}
			var apps []int64
			if !m.AppID.IsNull() {
				apps = []int64{m.AppID.ValueInt64()}
			} else {
				all, err := p.ListApps(ctx)
				if err != nil {
					diags.AddError("Could not list Portal apps", err.Error())
					return
				}
				for _, a := range all {
					if m.UserID.IsNull() || a.UserID == m.UserID.ValueInt64() {
						apps = append(apps, a.ID)
					}
				}
			}
			sortedBy(apps, func(id int64) int64 { return id })
			m.Accesses = []appAccessItem{}
			for _, appID := range apps {
				ars, err := p.AppAccessRequests(ctx, appID)
				if err != nil {
					diags.AddError("Could not list access requests", fmt.Sprintf("App %d: %s", appID, err))
					return
				}
				for _, ar := range sortedBy(ars, func(a portal.AccessRequest) int64 { return a.ID }) {
					if !m.Status.IsNull() && ar.Status != m.Status.ValueString() {
						continue
					}
					item := appAccessItem{
						ID: ar.ID, AppID: appID, Status: ar.Status, Plan: ar.Plan, Products: nonNil(ar.Products),
						DCREnabled: ar.DCREnabled, ImportID: fmt.Sprintf("%d/%d", appID, ar.ID),
					}
					if c := ar.Credential(); c != nil {
						item.ClientID = c.OAuthClientID
					}
					m.Accesses = append(m.Accesses, item)
				}
			}
		},
	}
}
