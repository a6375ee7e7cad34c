package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// PortalPlanDataSource looks a plan up by name.
type PortalPlanDataSource struct{ resourceBase }

// NewPortalPlanDataSource returns data.tyk_portal_plan.
func NewPortalPlanDataSource() datasource.DataSource { return &PortalPlanDataSource{} }

type planDataModel struct {
	Name        types.String `tfsdk:"name"`
	ID          types.Int64  `tfsdk:"id"`
	ReferenceID types.String `tfsdk:"reference_id"`
	Scopes      types.Set    `tfsdk:"scopes"`
	AutoApprove types.Bool   `tfsdk:"auto_approve_access_requests"`
}

func (d *PortalPlanDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_plan"
}

func (d *PortalPlanDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up a Portal plan by name.",
		Attributes: map[string]schema.Attribute{
			"name":         schema.StringAttribute{Required: true, Description: "Plan name (exact match)."},
			"id":           schema.Int64Attribute{Computed: true, Description: "The plan's Portal id."},
			"reference_id": schema.StringAttribute{Computed: true, Description: "The `_id` of the plan's Dashboard policy."},
			"scopes": schema.SetAttribute{
				ElementType: types.StringType,
				Computed:    true,
				Description: "The plan's OAuth scope(s) (`JWTScope`).",
			},
			"auto_approve_access_requests": schema.BoolAttribute{Computed: true, Description: "Whether access requests are approved automatically."},
		},
	}
}

func (d *PortalPlanDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *PortalPlanDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m planDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	p := d.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := p.ListPlans(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list Portal plans", err.Error())
		return
	}
	pl, ok := byName(all, m.Name.ValueString(), "Portal plan", func(pl portal.Plan) string { return pl.Name }, &resp.Diagnostics)
	if !ok {
		return
	}
	full, err := p.GetPlan(ctx, pl.ID) // list items are summaries
	if err != nil {
		resp.Diagnostics.AddError("Could not read Portal plan", err.Error())
		return
	}
	m.ID, m.ReferenceID, m.AutoApprove = types.Int64Value(full.ID), types.StringValue(full.ReferenceID), types.BoolValue(full.AutoApproveAccessRequests)
	var diags diag.Diagnostics
	m.Scopes, diags = types.SetValueFrom(ctx, types.StringType, nonNil([]string(portal.ParseCSV(full.JWTScope))))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
