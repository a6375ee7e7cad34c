package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalPlanResource{}
	_ resource.ResourceWithImportState = &PortalPlanResource{}
	_ resource.ResourceWithModifyPlan  = &PortalPlanResource{}
)

// PortalPlanResource manages a plan.
type PortalPlanResource struct{ resourceBase }

// NewPortalPlanResource returns tyk_portal_plan.
func NewPortalPlanResource() resource.Resource { return &PortalPlanResource{} }

type portalPlanModel struct {
	offeringModel
	RateLimit        types.Float64 `tfsdk:"rate_limit"`
	Per              types.Float64 `tfsdk:"per"`
	Quota            types.Int64   `tfsdk:"quota"`
	QuotaRenewalRate types.Int64   `tfsdk:"quota_renewal_rate"`
	KeyExpiresIn     types.Int64   `tfsdk:"key_expires_in"`
	AutoApprove      types.Bool    `tfsdk:"auto_approve_access_requests"`
	MetaData         types.Map     `tfsdk:"metadata"`
}

// planOps are the Portal calls of plans.
func planOps(p *portal.Client) offeringOps[portal.Plan, portal.PlanInput] {
	return offeringOps[portal.Plan, portal.PlanInput]{
		kind: "plan", what: "Portal plan",
		readOnce: p.PlanOnce, create: p.CreatePlan, modify: p.ModifyPlan, imported: p.ImportedPlan,
		identity: func(pl *portal.Plan) (int64, string, string) { return pl.ID, pl.Name, pl.ReferenceID },
	}
}

func (r *PortalPlanResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_plan"
}

func (r *PortalPlanResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	limitsFromPolicy := "Portal-first: set it here (the Portal writes it to the plan's policy). Dashboard-first: read from the policy."
	resp.Schema = schema.Schema{
		Description: "A plan of the Developer Portal (UI: Plans), with its DCR scope. Like `tyk_portal_product`, either **Portal-first** " +
			"(Portal 1.13+: set `name` and the limits; the Portal creates the plan's rate-limit/quota policy) or **Dashboard-first** (set " +
			"`policy_id` to a partitioned rate-limit/quota `tyk_policy` without ACL; the resource synchronizes the provider and manages the " +
			"imported plan's Portal settings; destroy resets them).",
		Attributes: offeringSchema("plan", "partitioned rate-limit/quota policy without ACL", "to developers",
			"rate_limit", "per", "quota", "quota_renewal_rate", "key_expires_in"),
	}
	for name, a := range map[string]schema.Attribute{
		"scopes": schema.SetAttribute{
			ElementType: types.StringType, Optional: true, Computed: true, Default: setdefault.StaticValue(emptyStringSet()),
			Description: "The plan's OAuth scope for DCR (UI: Advanced settings → Scopes; `JWTScope` in the API). Tyk requires one scope per plan, unique across all products and plans.",
			Validators:  []validator.Set{setvalidator.ValueStringsAre(scopeValidator())},
		},
		"rate_limit": schema.Float64Attribute{
			Optional: true, Computed: true, Description: "Requests per `per` seconds; `-1` for unlimited. " + limitsFromPolicy,
			PlanModifiers: []planmodifier.Float64{float64planmodifier.UseStateForUnknown()},
			Validators: []validator.Float64{
				float64validator.Any(float64validator.OneOf(-1), float64validator.AtLeast(0)),
				float64validator.AlsoRequires(path.MatchRoot("per")),
			},
		},
		"per": schema.Float64Attribute{
			Optional: true, Computed: true, Description: "Rate-limit window in seconds. " + limitsFromPolicy,
			PlanModifiers: []planmodifier.Float64{float64planmodifier.UseStateForUnknown()},
			Validators: []validator.Float64{
				float64validator.Any(float64validator.OneOf(-1), float64validator.AtLeast(1)),
				float64validator.AlsoRequires(path.MatchRoot("rate_limit")),
			},
		},
		"quota": schema.Int64Attribute{
			Optional: true, Computed: true, Description: "Requests per quota period; `-1` for unlimited. " + limitsFromPolicy,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			Validators:    []validator.Int64{int64validator.Any(int64validator.OneOf(-1), int64validator.AtLeast(0))},
		},
		"quota_renewal_rate": schema.Int64Attribute{
			Optional: true, Computed: true, Description: "Quota period in seconds; `-1` for never. " + limitsFromPolicy,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			Validators:    []validator.Int64{int64validator.Any(int64validator.OneOf(-1), int64validator.AtLeast(1))},
		},
		"key_expires_in": schema.Int64Attribute{
			Optional: true, Computed: true, Description: "Credential lifetime in seconds; `0` for never. " + limitsFromPolicy,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			Validators:    []validator.Int64{int64validator.AtLeast(0)},
		},
		"auto_approve_access_requests": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			Description: "Approve access requests for this plan automatically (UI: Auto-approve provisioning request). Default `false`.",
		},
		"metadata": schema.MapAttribute{
			ElementType: types.StringType, Optional: true, Computed: true,
			Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
			Description: "Metadata copied onto credentials issued with this plan (UI: Credential metadata).",
		},
	} {
		resp.Schema.Attributes[name] = a
	}
}

func (r *PortalPlanResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan runs the plan-time checks (modifyOfferingPlan).
func (r *PortalPlanResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyOfferingPlan(ctx, r.data, "plan", req, resp,
		func(m *portalPlanModel) offering { return m.checked() },
		func(m *portalPlanModel) {
			m.Name, m.RateLimit, m.Per = types.StringUnknown(), types.Float64Unknown(), types.Float64Unknown()
			m.Quota, m.QuotaRenewalRate, m.KeyExpiresIn = types.Int64Unknown(), types.Int64Unknown(), types.Int64Unknown()
		})
}

func optFloat(v types.Float64) *float64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	f := v.ValueFloat64()
	return &f
}

func optInt(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	i := v.ValueInt64()
	return &i
}

func (m *portalPlanModel) input(ctx context.Context, cur *portal.Plan, diags *diag.Diagnostics) portal.PlanInput {
	meta := map[string]string{}
	diags.Append(m.MetaData.ElementsAs(ctx, &meta, false)...)
	in := portal.PlanInput{
		Name: m.Name.ValueString(), ProviderID: m.ProviderID.ValueInt64(), DisplayName: m.DisplayName.ValueString(),
		Description: m.Description.ValueString(), JWTScope: csvOf(setStrings(ctx, m.Scopes, diags)),
		AutoApproveAccessRequests: m.AutoApprove.ValueBool(), Catalogues: nonNil(setInt64s(ctx, m.CatalogueIDs, diags)),
		MetaData: meta,
	}
	if cur != nil {
		in.Name = cur.Name
		if in.ProviderID == 0 {
			in.ProviderID = cur.ProviderID
		}
	}
	if m.PolicyID.IsNull() {
		if m.Name.ValueString() != "" {
			in.Name = m.Name.ValueString()
		}
		in.RateLimit, in.Per = optFloat(m.RateLimit), optFloat(m.Per)
		in.Quota, in.QuotaRenewalRate, in.KeyExpiresIn = optInt(m.Quota), optInt(m.QuotaRenewalRate), optInt(m.KeyExpiresIn)
		in.UnlimitedRateLimit = in.RateLimit != nil && *in.RateLimit < 0
		in.UnlimitedQuota = in.Quota != nil && *in.Quota < 0
	}
	return in
}

func (r *PortalPlanResource) fromAPI(ctx context.Context, p *portal.Client, m *portalPlanModel, pl *portal.Plan, diags *diag.Diagnostics) {
	m.ID = types.Int64Value(pl.ID)
	m.Name = types.StringValue(pl.Name)
	m.DisplayName = types.StringValue(pl.DisplayName)
	m.Description = types.StringValue(pl.Description)
	m.AutoApprove = types.BoolValue(pl.AutoApproveAccessRequests)
	m.ReferenceID = types.StringValue(pl.ReferenceID)
	num := func(n portal.Number, def float64) float64 {
		if n.Valid {
			return n.Value
		}
		return def
	}
	m.RateLimit = types.Float64Value(num(pl.RateLimit, -1))
	m.Per = types.Float64Value(num(pl.Per, -1))
	m.Quota = types.Int64Value(int64(num(pl.Quota, -1)))
	m.QuotaRenewalRate = types.Int64Value(int64(num(pl.QuotaRenewalRate, -1)))
	m.KeyExpiresIn = types.Int64Value(int64(num(pl.KeyExpiresIn, 0)))
	if pl.UnlimitedRateLimit {
		m.RateLimit, m.Per = types.Float64Value(-1), types.Float64Value(-1)
	}
	if pl.UnlimitedQuota {
		m.Quota, m.QuotaRenewalRate = types.Int64Value(-1), types.Int64Value(-1)
	}
	var d diag.Diagnostics
	m.Scopes, d = types.SetValueFrom(ctx, types.StringType, nonNil([]string(portal.ParseCSV(pl.JWTScope))))
	diags.Append(d...)
	m.MetaData, d = types.MapValueFrom(ctx, types.StringType, pl.MetaData)
	diags.Append(d...)
	cats, err := catalogueIDs(ctx, p, pl.Catalogues)
	if err != nil {
		diags.AddError("Could not map plan catalogues", err.Error())
		return
	}
	m.CatalogueIDs, d = types.SetValueFrom(ctx, types.Int64Type, cats)
	diags.Append(d...)
}

func (r *PortalPlanResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan portalPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, p, &plan, nil, &resp.Diagnostics)
	if plan.ID.IsNull() || plan.ID.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// write creates, adopts or updates the plan (offeringOps.write) and maps the
// answer into m.
func (r *PortalPlanResource) write(ctx context.Context, p *portal.Client, m *portalPlanModel, prior *portalPlanModel, diags *diag.Diagnostics) {
	ops := planOps(p)
	scopes := setStrings(ctx, m.Scopes, diags)
	var priorO *offeringModel
	if prior != nil {
		priorO = &prior.offeringModel
	}
	w := newOfferingWrite(m.offeringModel, priorO, scopes)
	pl := ops.write(ctx, r.data, p, w, func(cur *portal.Plan) portal.PlanInput { return m.input(ctx, cur, diags) }, diags)
	if pl == nil {
		return
	}
	r.fromAPI(ctx, p, m, pl, diags)
	ops.record(r.data, pl, scopes)
}

func (r *PortalPlanResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state portalPlanModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if pl, ok := planOps(p).read(ctx, resp, state.ID.ValueInt64(), state.Name.ValueString()); ok {
		r.fromAPI(ctx, p, &state, pl, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

func (r *PortalPlanResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state portalPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, p, &plan, &state, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *PortalPlanResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portalPlanModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueInt64()
	defer r.data.scopes.record("plan", id, "", "", nil)
	deleteOffering(&resp.Diagnostics, "Portal plan", !state.PolicyID.IsNull(),
		func() error { return p.DeletePlan(ctx, id) },
		func() error {
			cur, err := p.GetPlan(ctx, id)
			if err != nil {
				return err
			}
			reset := portalPlanModel{
				offeringModel: state.resetPortalSettings(),
				AutoApprove:   types.BoolValue(false),
				MetaData:      types.MapValueMust(types.StringType, map[string]attr.Value{}),
			}
			_, err = p.UpdatePlan(ctx, id, reset.input(ctx, cur, &resp.Diagnostics))
			return err
		})
}

// ImportState takes `<plan_id>` or `<plan_id>:<policy_id>` (Dashboard-first).
func (r *PortalPlanResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	importOffering(ctx, req, resp, "plan", func(ctx context.Context, id int64) (int64, error) {
		pl, err := p.GetPlan(ctx, id)
		if err != nil {
			return 0, err
		}
		return pl.ProviderID, nil
	})
}
