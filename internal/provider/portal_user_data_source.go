package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
