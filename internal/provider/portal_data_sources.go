package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
