package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// PortalProductDataSource looks an API product up by name.
type PortalProductDataSource struct{ resourceBase }

// NewPortalProductDataSource returns data.tyk_portal_product.
func NewPortalProductDataSource() datasource.DataSource { return &PortalProductDataSource{} }

type productDataModel struct {
	Name        types.String `tfsdk:"name"`
	ID          types.Int64  `tfsdk:"id"`
	ReferenceID types.String `tfsdk:"reference_id"`
	DCREnabled  types.Bool   `tfsdk:"dcr_enabled"`
	Scopes      types.Set    `tfsdk:"scopes"`
	APIIDs      types.Set    `tfsdk:"api_ids"`
	AuthType    types.String `tfsdk:"auth_type"`
}

func (d *PortalProductDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_product"
}

func (d *PortalProductDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up a Portal API product by name, e.g. one the Portal imported from a Dashboard policy.",
		Attributes: map[string]schema.Attribute{
			"name":         schema.StringAttribute{Required: true, Description: "Product name (exact match)."},
			"id":           schema.Int64Attribute{Computed: true, Description: "The product's Portal id."},
			"reference_id": schema.StringAttribute{Computed: true, Description: "The `_id` of the product's Dashboard policy."},
			"dcr_enabled":  schema.BoolAttribute{Computed: true, Description: "Whether DCR is enabled."},
			"scopes":       schema.SetAttribute{ElementType: types.StringType, Computed: true, Description: "The product's OAuth scopes."},
			"api_ids":      schema.SetAttribute{ElementType: types.StringType, Computed: true, Description: "`api_id`s of the product's APIs."},
			"auth_type":    schema.StringAttribute{Computed: true, Description: "Authentication type of the product's APIs."},
		},
	}
}

func (d *PortalProductDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *PortalProductDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m productDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	p := d.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := p.ListProducts(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list Portal API products", err.Error())
		return
	}
	pr, ok := byName(all, m.Name.ValueString(), "Portal API product", func(pr portal.Product) string { return pr.Name }, &resp.Diagnostics)
	if !ok {
		return
	}
	var apiIDs []string
	for _, det := range pr.APIDetails {
		apiIDs = append(apiIDs, det.APIID)
	}
	m.ID, m.ReferenceID, m.DCREnabled, m.AuthType = types.Int64Value(
		pr.ID,
	), types.StringValue(
		pr.ReferenceID,
	), types.BoolValue(
		pr.DCREnabled,
	), types.StringValue(
		pr.AuthType,
	)
	var diags diag.Diagnostics
	m.Scopes, diags = types.SetValueFrom(ctx, types.StringType, nonNil([]string(portal.ParseCSV(pr.Scopes))))
	resp.Diagnostics.Append(diags...)
	m.APIIDs, diags = types.SetValueFrom(ctx, types.StringType, nonNil(apiIDs))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
