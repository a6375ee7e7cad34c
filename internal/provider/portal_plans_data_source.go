package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type plansModel struct {
	NameRegex  types.String `tfsdk:"name_regex"`
	ProviderID types.Int64  `tfsdk:"provider_id"`
	Plans      []planItem   `tfsdk:"plans"`
}

type planItem struct {
	ID          int64    `tfsdk:"id"`
	Name        string   `tfsdk:"name"`
	DisplayName string   `tfsdk:"display_name"`
	ReferenceID string   `tfsdk:"reference_id"`
	ProviderID  int64    `tfsdk:"provider_id"`
	Scopes      []string `tfsdk:"scopes"`
	ImportID    string   `tfsdk:"import_id"`
}

// NewPortalPlansDataSource returns data.tyk_portal_plans.
func NewPortalPlansDataSource() datasource.DataSource {
	return &listDataSource[plansModel]{
		typeName: "_portal_plans",
		description: "Lists the Portal's plans (GET /plans, one request per page). The list items are summaries without the " +
			"plan's policy (ReferenceID), API provider (ProviderID) or scopes (JWTScope) -- the spec's PlanSummary has " +
			"none of them, and a Dashboard-first plan's import ID needs its policy -- so each plan that passes `name_regex` " +
			"is read once (GET /plans/{id}).",
		attributes: map[string]schema.Attribute{
			"name_regex":  regexFilter("name"),
			"provider_id": schema.Int64Attribute{Optional: true, Description: "Only plans of this API provider."},
			"plans": itemsAttribute("The matching plans, sorted by id.", map[string]schema.Attribute{
				"id":           computedInt("Portal id."),
				"name":         computedString("Name (for a Dashboard-first plan, its policy's name)."),
				"display_name": computedString("Display name."),
				"reference_id": computedString("The Dashboard policy `_id` a Dashboard-first plan was imported from; empty for a Portal-first one."),
				"provider_id":  computedInt("The API provider."),
				"scopes":       computedStrings("Scopes (JWTScope)."),
				"import_id":    importIDAttribute("tyk_portal_plan"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *plansModel, diags *diag.Diagnostics) {
			p := d.portalClient(diags)
			if diags.HasError() {
				return
			}
			all, err := p.ListPlans(ctx)
			if err != nil {
				diags.AddError("Could not list Portal plans", err.Error())
				return
			}
			match := matcher(m.NameRegex)
			m.Plans = []planItem{}
			for _, summary := range all {
				if !match(summary.Name) {
					continue
				}
				pl, err := p.GetPlan(ctx, summary.ID)
				if err != nil {
					diags.AddError("Could not read a Portal plan", fmt.Sprintf("Plan %d: %s", summary.ID, err))
					return
				}
				if !m.ProviderID.IsNull() && pl.ProviderID != m.ProviderID.ValueInt64() {
					continue
				}
				m.Plans = append(m.Plans, planItem{
					ID: summary.ID, Name: pl.Name, DisplayName: pl.DisplayName, ReferenceID: pl.ReferenceID, ProviderID: pl.ProviderID,
					Scopes: nonNil(splitScopes(pl.JWTScope)), ImportID: offeringImportID(summary.ID, pl.ReferenceID),
				})
			}
			sortedBy(m.Plans, func(p planItem) int64 { return p.ID })
		},
	}
}
