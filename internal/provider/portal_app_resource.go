package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalAppResource{}
	_ resource.ResourceWithImportState = &PortalAppResource{}
	_ resource.ResourceWithModifyPlan  = &PortalAppResource{}
)

// PortalAppResource manages a developer app.
type PortalAppResource struct{ resourceBase }

// NewPortalAppResource returns tyk_portal_app.
func NewPortalAppResource() resource.Resource { return &PortalAppResource{} }

type appModel struct {
	ID           types.Int64  `tfsdk:"id"`
	UserID       types.Int64  `tfsdk:"user_id"`
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	RedirectURLs types.List   `tfsdk:"redirect_urls"`
	Visibility   types.String `tfsdk:"visibility"`
}

func (r *PortalAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_app"
}

func (r *PortalAppResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A developer's app in the Portal (UI: Apps). Access to products comes through `tyk_portal_app_access`; with DCR, " +
			"each approved access registers an OAuth client for the app in the IdP. Destroying the app deletes its access requests and " +
			"their IdP clients.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed: true, Description: "The app's Portal id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"user_id": schema.Int64Attribute{Required: true, Description: "The owning developer, e.g. `tyk_portal_user.dev.id` (UI: Owner)."},
			"name": schema.StringAttribute{
				Required: true, Description: "App name (UI: App name); the IdP client is registered under it.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(""),
				Description: "Description (UI: Description).",
			},
			"redirect_urls": schema.ListAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:     listdefault.StaticValue(types.ListValueMust(types.StringType, nil)),
				Description: "OAuth redirect URIs (UI: Redirect URLs), registered with the IdP client; needed for authorization_code client types.",
				Validators:  []validator.List{listvalidator.ValueStringsAre(httpURL())},
			},
			"visibility": schema.StringAttribute{
				Optional:    true,
				Description: "Who in the developer's organisation sees the app: `personal`, `team` or `organisation` (newer Portals; the Portal's default is `organisation`).",
				Validators:  []validator.String{stringvalidator.OneOf("personal", "team", "organisation")},
			},
		},
	}
}

func (r *PortalAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports, at plan time, an owner that does not exist.
func (r *PortalAppResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.portal == nil {
		return
	}
	var plan, state appModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || !known64(plan.UserID) || plan.UserID.Equal(state.UserID) {
		return
	}
	mustExist(&resp.Diagnostics, path.Root("user_id"), "Portal user", plan.UserID.ValueInt64(), func() error {
		_, err := r.data.portal.UserOnce(ctx, plan.UserID.ValueInt64())
		return err
	})
}

func (m *appModel) toAPI(ctx context.Context) (portal.App, error) {
	var urls []string
	if d := m.RedirectURLs.ElementsAs(ctx, &urls, false); d.HasError() {
		return portal.App{}, fmt.Errorf("redirect_urls: invalid value")
	}
	return portal.App{
		Name: m.Name.ValueString(), Description: m.Description.ValueString(), UserID: m.UserID.ValueInt64(),
		RedirectURLs: strings.Join(urls, ","), Visibility: m.Visibility.ValueString(),
	}, nil
}

func (m *appModel) fromAPI(a *portal.App) {
	m.ID = types.Int64Value(a.ID)
	m.Name = types.StringValue(a.Name)
	m.Description = types.StringValue(a.Description)
	m.UserID = types.Int64Value(a.UserID)
	var urls []string
	for _, u := range strings.Split(a.RedirectURLs, ",") {
		if u = strings.TrimSpace(u); u != "" {
			urls = append(urls, u)
		}
	}
	m.RedirectURLs = types.ListValueMust(types.StringType, stringValues(urls))
	if a.Visibility != "" && !m.Visibility.IsNull() {
		m.Visibility = types.StringValue(a.Visibility)
	}
}

func (r *PortalAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in, err := plan.toAPI(ctx)
	if err == nil {
		var a *portal.App
		if a, err = p.CreateApp(ctx, in); err == nil {
			plan.fromAPI(a)
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not create Portal app", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := p.AppOnce(ctx, state.ID.ValueInt64()) // kept for the run: access checks reuse it
	if readFailed(ctx, resp, err, "Portal app", fmt.Sprintf("App %d (%s) no longer exists in the Portal", state.ID.ValueInt64(), state.Name.ValueString())) {
		return
	}
	state.fromAPI(a)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PortalAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state appModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in, err := plan.toAPI(ctx)
	if err == nil {
		var a *portal.App
		if a, err = p.UpdateApp(ctx, state.ID.ValueInt64(), in); err == nil {
			plan.fromAPI(a)
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not update Portal app", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteFailed(&resp.Diagnostics, p.DeleteApp(ctx, state.ID.ValueInt64()), "Portal app")
}

func (r *PortalAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIntID(ctx, req, resp, "app") {
		return
	}
}
