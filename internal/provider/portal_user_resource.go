package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalUserResource{}
	_ resource.ResourceWithImportState = &PortalUserResource{}
)

// PortalUserResource manages a Portal user (developer account).
type PortalUserResource struct{ resourceBase }

// NewPortalUserResource returns tyk_portal_user.
func NewPortalUserResource() resource.Resource { return &PortalUserResource{} }

type portalUserModel struct {
	ID             types.Int64  `tfsdk:"id"`
	Email          types.String `tfsdk:"email"`
	FirstName      types.String `tfsdk:"first_name"`
	LastName       types.String `tfsdk:"last_name"`
	OrganisationID types.Int64  `tfsdk:"organisation_id"`
	Role           types.String `tfsdk:"role"`
	Active         types.Bool   `tfsdk:"active"`
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func (r *PortalUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_user"
}

func (r *PortalUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A Developer Portal user (UI: Users), typically a developer (API consumer) who owns apps. The provider never sets or " +
			"stores a password, nor the user's admin API token: the Portal's own invitation and password-reset flows handle logins.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed: true, Description: "The user's Portal id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"email": schema.StringAttribute{
				Required: true, Description: "Email address, unique in the Portal (UI: Email).",
				Validators: []validator.String{stringvalidator.RegexMatches(emailPattern, "must be an email address")},
			},
			"first_name": schema.StringAttribute{
				Required:    true,
				Description: "First name (UI: First name).",
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"last_name": schema.StringAttribute{
				Required:    true,
				Description: "Last name (UI: Last name).",
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"organisation_id": schema.Int64Attribute{
				Optional: true, Computed: true,
				Description:   "Consumer organisation id (UI: Organisation). The Portal assigns its default organisation when unset.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"role": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("consumer-team-member"),
				Description: "Role in the organisation (UI: Role), e.g. `consumer-team-member` (default) or `consumer-admin`.",
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"active": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "Whether the user can log in (UI: Active). Default `true`.",
			},
		},
	}
}

func (r *PortalUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (m *portalUserModel) toAPI() portal.User {
	return portal.User{
		Email: m.Email.ValueString(), First: m.FirstName.ValueString(), Last: m.LastName.ValueString(),
		Active: m.Active.ValueBool(), OrganisationID: m.OrganisationID.ValueInt64(), Role: m.Role.ValueString(), Provider: "password",
	}
}

func (m *portalUserModel) fromAPI(u *portal.User) {
	m.ID = types.Int64Value(u.ID)
	m.Email = types.StringValue(u.Email)
	m.FirstName = types.StringValue(u.First)
	m.LastName = types.StringValue(u.Last)
	m.OrganisationID = types.Int64Value(u.OrganisationID)
	m.Role = types.StringValue(u.Role)
	m.Active = types.BoolValue(u.Active)
}

func (r *PortalUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan portalUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := p.CreateUser(ctx, plan.toAPI())
	if err != nil {
		resp.Diagnostics.AddError("Could not create Portal user", err.Error())
		return
	}
	plan.fromAPI(u)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state portalUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := p.GetUser(ctx, state.ID.ValueInt64())
	if readFailed(ctx, resp, err, "Portal user", fmt.Sprintf("User %d (%s) no longer exists in the Portal", state.ID.ValueInt64(), state.Email.ValueString())) {
		return
	}
	state.fromAPI(u)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PortalUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state portalUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := p.UpdateUser(ctx, state.ID.ValueInt64(), plan.toAPI())
	if err != nil {
		resp.Diagnostics.AddError("Could not update Portal user", err.Error())
		return
	}
	plan.fromAPI(u)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portalUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteFailed(&resp.Diagnostics, p.DeleteUser(ctx, state.ID.ValueInt64(), false), "Portal user")
}

func (r *PortalUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIntID(ctx, req, resp, "user") {
		return
	}
}
