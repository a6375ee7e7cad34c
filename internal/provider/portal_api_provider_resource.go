package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalAPIProviderResource{}
	_ resource.ResourceWithImportState = &PortalAPIProviderResource{}
)

// PortalAPIProviderResource manages the Portal's connection to a Dashboard.
type PortalAPIProviderResource struct{ resourceBase }

// NewPortalAPIProviderResource returns tyk_portal_api_provider.
func NewPortalAPIProviderResource() resource.Resource { return &PortalAPIProviderResource{} }

type apiProviderModel struct {
	ID                 types.Int64  `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	DashboardURL       types.String `tfsdk:"dashboard_url"`
	DashboardSecret    types.String `tfsdk:"dashboard_secret"`
	DashboardSecretWO  types.String `tfsdk:"dashboard_secret_wo"`
	SecretWOVersion    types.Int64  `tfsdk:"dashboard_secret_wo_version"`
	OrgID              types.String `tfsdk:"org_id"`
	GatewayURL         types.String `tfsdk:"gateway_url"`
	PolicyTags         types.Set    `tfsdk:"policy_tags"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	Synchronize        types.Bool   `tfsdk:"synchronize"`
	SyncTriggers       types.Map    `tfsdk:"sync_triggers"`
	Status             types.String `tfsdk:"status"`
}

func (r *PortalAPIProviderResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_api_provider"
}

func (r *PortalAPIProviderResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An API provider of the Developer Portal (UI: Providers): the Portal's connection to a Tyk Dashboard, from which it " +
			"imports partitioned policies as API products and plans, and in which it creates the policies of Portal-created products and plans.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed: true, Description: "The provider's Portal id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:    true,
				Description: "Provider name (UI: Name).",
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"dashboard_url": schema.StringAttribute{
				Required: true, Description: "Tyk Dashboard URL as the Portal reaches it (UI: URL), e.g. `http://tyk-dashboard:3000`.",
				Validators: []validator.String{httpURL()},
			},
			"dashboard_secret": schema.StringAttribute{
				Optional: true, Sensitive: true,
				Description: "API key of the Dashboard user the Portal acts as (UI: Secret); it needs APIs, Policies and Keys write access. " +
					"Stored in state (sensitive) and checked for drift; prefer `dashboard_secret_wo`. One of the two is required.",
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("dashboard_secret"), path.MatchRoot("dashboard_secret_wo")),
				},
			},
			"dashboard_secret_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				Description: "Write-only form of `dashboard_secret` (Terraform 1.11+): sent to the Portal, never stored. Change `dashboard_secret_wo_version` to send a new one.",
				Validators:  []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("dashboard_secret_wo_version"))},
			},
			"dashboard_secret_wo_version": schema.Int64Attribute{
				Optional: true, Description: "Change it whenever `dashboard_secret_wo` changes.",
			},
			"org_id": schema.StringAttribute{
				Required:    true,
				Description: "Tyk organisation id of the Dashboard user (UI: Organisation ID).",
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"gateway_url": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				Description: "Gateway base URL shown to developers (UI: Gateway URL).",
			},
			"policy_tags": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Description: "Only policies carrying one of these tags are imported, and policies the Portal creates get them (UI: Policy tags). Empty imports every partitioned policy.",
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"insecure_skip_verify": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Let the Portal skip TLS verification towards the Dashboard (UI: Insecure skip verify). Default `false`.",
			},
			"synchronize": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "Synchronize (import products and plans from the Dashboard) after every create and update. Default `true`.",
			},
			"sync_triggers": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				Description: "Arbitrary values; any change runs a synchronization, e.g. `{ product = tyk_policy.product.id }`.",
			},
			"status": schema.StringAttribute{Computed: true, Description: "Connection status the Portal reports: `Up`, `Down` or `Unknown`."},
		},
	}
}

func (r *PortalAPIProviderResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (m *apiProviderModel) toAPI(ctx context.Context, secret string) (portal.APIProvider, diag.Diagnostics) {
	var tags []string
	diags := m.PolicyTags.ElementsAs(ctx, &tags, false)
	sort.Strings(tags)
	p := portal.APIProvider{Name: m.Name.ValueString()}
	p.SetMeta(portal.ProviderMeta{
		URL: m.DashboardURL.ValueString(), Secret: secret, OrgID: m.OrgID.ValueString(), Gateway: m.GatewayURL.ValueString(),
		PoliciesTags: tags, InsecureSkipVerify: m.InsecureSkipVerify.ValueBool(),
	})
	return p, diags
}

func (m *apiProviderModel) fromAPI(ctx context.Context, p *portal.APIProvider) diag.Diagnostics {
	var diags diag.Diagnostics
	meta, err := p.Meta()
	if err != nil {
		diags.AddError("Unreadable API provider configuration", err.Error())
		return diags
	}
	m.ID = types.Int64Value(p.ID)
	m.Name = types.StringValue(p.Name)
	m.DashboardURL = types.StringValue(meta.URL)
	m.OrgID = types.StringValue(meta.OrgID)
	m.GatewayURL = types.StringValue(meta.Gateway)
	m.InsecureSkipVerify = types.BoolValue(meta.InsecureSkipVerify)
	tags, d := types.SetValueFrom(ctx, types.StringType, nonNil(meta.PoliciesTags))
	diags.Append(d...)
	m.PolicyTags = tags
	// The secret comes back in MetaData: reflect it only when it is managed
	// through the stored attribute, never for the write-only one.
	if !m.DashboardSecret.IsNull() {
		m.DashboardSecret = types.StringValue(meta.Secret)
	}
	m.DashboardSecretWO = types.StringNull()
	m.Status = types.StringValue(p.Status)
	return diags
}

func (r *PortalAPIProviderResource) sync(ctx context.Context, p *portal.Client, m *apiProviderModel, diags *diag.Diagnostics) {
	if !m.Synchronize.ValueBool() {
		return
	}
	if err := p.SynchronizeAPIProvider(ctx, m.ID.ValueInt64()); err != nil {
		diags.AddError(
			"API provider synchronization failed",
			fmt.Sprintf(
				"The Portal could not synchronize API provider %d with the Dashboard: %s\nCheck dashboard_url, the secret and org_id.",
				m.ID.ValueInt64(),
				err,
			),
		)
		return
	}
	if got, err := p.GetAPIProvider(ctx, m.ID.ValueInt64()); err == nil {
		m.Status = types.StringValue(got.Status)
	}
}

func (r *PortalAPIProviderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiProviderModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	p := r.portalClient(&resp.Diagnostics)
	secret := writeOnlyOr(ctx, req.Config, "dashboard_secret_wo", plan.DashboardSecret, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in, d := plan.toAPI(ctx, secret)
	resp.Diagnostics.Append(d...)
	out, err := p.CreateAPIProvider(ctx, in)
	if err != nil {
		resp.Diagnostics.AddError("Could not create Portal API provider", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, out)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	r.sync(ctx, p, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalAPIProviderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiProviderModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := p.GetAPIProvider(ctx, state.ID.ValueInt64())
	if readFailed(
		ctx,
		resp,
		err,
		"Portal API provider",
		fmt.Sprintf("API provider %d (%s) no longer exists in the Portal", state.ID.ValueInt64(), state.Name.ValueString()),
	) {
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, out)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PortalAPIProviderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiProviderModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	secret := writeOnlyOr(ctx, req.Config, "dashboard_secret_wo", plan.DashboardSecret, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in, d := plan.toAPI(ctx, secret)
	resp.Diagnostics.Append(d...)
	out, err := p.UpdateAPIProvider(ctx, state.ID.ValueInt64(), in)
	if err != nil {
		resp.Diagnostics.AddError("Could not update Portal API provider", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, out)...)
	r.sync(ctx, p, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalAPIProviderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiProviderModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteFailed(&resp.Diagnostics, p.DeleteAPIProvider(ctx, state.ID.ValueInt64()), "Portal API provider")
}

func (r *PortalAPIProviderResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIntID(ctx, req, resp, "API provider") {
		return
	}
	// Imported providers manage the secret through the stored attribute.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("dashboard_secret"), "")...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("synchronize"), true)...)
}
