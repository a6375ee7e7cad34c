package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

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
	prov, ok := byName(all, m.Name.ValueString(), "Portal OAuth2.0 provider", func(o portal.OAuthProvider) string { return o.Name }, &resp.Diagnostics)
	if !ok {
		return
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
}
