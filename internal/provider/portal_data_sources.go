package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ datasource.DataSource = &PortalUserDataSource{}
	_ datasource.DataSource = &PortalOAuthProviderDataSource{}
)

// PortalUserDataSource looks a Portal user up by email.
type PortalUserDataSource struct{ resourceBase }

// NewPortalUserDataSource returns data.tyk_portal_user.
func NewPortalUserDataSource() datasource.DataSource { return &PortalUserDataSource{} }

func (d *PortalUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_user"
}

func (d *PortalUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up a Developer Portal user by email (case-insensitive), e.g. a developer who signed up through the Portal.",
		Attributes: map[string]schema.Attribute{
			"email":           schema.StringAttribute{Required: true, Description: "Email address to look up."},
			"id":              schema.Int64Attribute{Computed: true, Description: "The user's Portal id."},
			"first_name":      schema.StringAttribute{Computed: true, Description: "First name."},
			"last_name":       schema.StringAttribute{Computed: true, Description: "Last name."},
			"organisation_id": schema.Int64Attribute{Computed: true, Description: "Consumer organisation id."},
			"role":            schema.StringAttribute{Computed: true, Description: "Role in the organisation."},
			"active":          schema.BoolAttribute{Computed: true, Description: "Whether the user can log in."},
		},
	}
}

func (d *PortalUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *PortalUserDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m portalUserModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	p := d.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := p.FindUserByEmail(ctx, m.Email.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Could not list Portal users", err.Error())
		return
	}
	if u == nil {
		resp.Diagnostics.AddError("Portal user not found", fmt.Sprintf("No Portal user has the email %q.", m.Email.ValueString()))
		return
	}
	m.fromAPI(u)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// PortalOAuthProviderDataSource looks an OAuth2.0 provider up by name.
type PortalOAuthProviderDataSource struct{ resourceBase }

// NewPortalOAuthProviderDataSource returns data.tyk_portal_oauth_provider.
func NewPortalOAuthProviderDataSource() datasource.DataSource {
	return &PortalOAuthProviderDataSource{}
}

type oauthProviderDataModel struct {
	ID                    types.Int64  `tfsdk:"id"`
	Name                  types.String `tfsdk:"name"`
	Type                  types.String `tfsdk:"type"`
	WellKnownURL          types.String `tfsdk:"well_known_url"`
	SSLInsecureSkipVerify types.Bool   `tfsdk:"ssl_insecure_skip_verify"`
	ClientTypeIDs         types.Map    `tfsdk:"client_type_ids"`
}

func (d *PortalOAuthProviderDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_oauth_provider"
}

func (d *PortalOAuthProviderDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up a Portal OAuth2.0 provider (IdP connection) by name, with the ids of its client types.",
		Attributes: map[string]schema.Attribute{
			"name":                     schema.StringAttribute{Required: true, Description: "Provider name to look up (exact match)."},
			"id":                       schema.Int64Attribute{Computed: true, Description: "The provider's Portal id."},
			"type":                     schema.StringAttribute{Computed: true, Description: "`Keycloak`, `Gluu`, `Okta` or `Other`."},
			"well_known_url":           schema.StringAttribute{Computed: true, Description: "The IdP's OpenID Connect discovery URL."},
			"ssl_insecure_skip_verify": schema.BoolAttribute{Computed: true, Description: "Whether the Portal skips TLS verification towards the IdP."},
			"client_type_ids":          schema.MapAttribute{ElementType: types.Int64Type, Computed: true, Description: "Client type name → id."},
		},
	}
}

func (d *PortalOAuthProviderDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *PortalOAuthProviderDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m oauthProviderDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	p := d.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := p.ListOAuthProviders(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list Portal OAuth2.0 providers", err.Error())
		return
	}
	var names []string
	for _, prov := range all {
		names = append(names, prov.Name)
		if prov.Name != m.Name.ValueString() {
			continue
		}
		full, err := p.GetOAuthProvider(ctx, prov.ID)
		if err != nil {
			resp.Diagnostics.AddError("Could not read Portal OAuth2.0 provider", err.Error())
			return
		}
		ids := map[string]int64{}
		for _, ct := range full.ClientTypes {
			ids[ct.Name] = ct.ID
		}
		m.ID, m.Type, m.WellKnownURL = types.Int64Value(full.ID), types.StringValue(full.Type), types.StringValue(full.WellKnownURL)
		m.SSLInsecureSkipVerify = types.BoolValue(full.SSLInsecureSkipVerify)
		ctIDs, diags := types.MapValueFrom(ctx, types.Int64Type, ids)
		resp.Diagnostics.Append(diags...)
		m.ClientTypeIDs = ctIDs
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	resp.Diagnostics.AddError("Portal OAuth2.0 provider not found",
		fmt.Sprintf("No OAuth2.0 provider is named %q. Existing providers: %s.", m.Name.ValueString(), strings.Join(names, ", ")))
}

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
	for _, pr := range all {
		if pr.Name != m.Name.ValueString() {
			continue
		}
		var apiIDs []string
		for _, det := range pr.APIDetails {
			apiIDs = append(apiIDs, det.APIID)
		}
		m.ID, m.ReferenceID, m.DCREnabled, m.AuthType = types.Int64Value(pr.ID), types.StringValue(pr.ReferenceID), types.BoolValue(pr.DCREnabled), types.StringValue(pr.AuthType)
		var diags diag.Diagnostics
		m.Scopes, diags = types.SetValueFrom(ctx, types.StringType, nonNil([]string(portal.ParseCSV(pr.Scopes))))
		resp.Diagnostics.Append(diags...)
		m.APIIDs, diags = types.SetValueFrom(ctx, types.StringType, nonNil(apiIDs))
		resp.Diagnostics.Append(diags...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	resp.Diagnostics.AddError("Portal API product not found", fmt.Sprintf("No API product is named %q.", m.Name.ValueString()))
}

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
			"name":                         schema.StringAttribute{Required: true, Description: "Plan name (exact match)."},
			"id":                           schema.Int64Attribute{Computed: true, Description: "The plan's Portal id."},
			"reference_id":                 schema.StringAttribute{Computed: true, Description: "The `_id` of the plan's Dashboard policy."},
			"scopes":                       schema.SetAttribute{ElementType: types.StringType, Computed: true, Description: "The plan's OAuth scope(s) (`JWTScope`)."},
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
	for _, pl := range all {
		if pl.Name != m.Name.ValueString() {
			continue
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
		return
	}
	resp.Diagnostics.AddError("Portal plan not found", fmt.Sprintf("No plan is named %q.", m.Name.ValueString()))
}
