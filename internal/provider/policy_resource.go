package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

var (
	_ resource.Resource                   = &PolicyResource{}
	_ resource.ResourceWithImportState    = &PolicyResource{}
	_ resource.ResourceWithValidateConfig = &PolicyResource{}
	_ resource.ResourceWithModifyPlan     = &PolicyResource{}
)

// PolicyResource manages a Tyk Dashboard security policy.
type PolicyResource struct{ resourceBase }

// NewPolicyResource returns the tyk_policy resource.
func NewPolicyResource() resource.Resource { return &PolicyResource{} }

type policyModel struct {
	ID                 types.String  `tfsdk:"id"`
	Name               types.String  `tfsdk:"name"`
	State              types.String  `tfsdk:"state"`
	Tags               types.Set     `tfsdk:"tags"`
	Rate               types.Float64 `tfsdk:"rate"`
	Per                types.Float64 `tfsdk:"per"`
	QuotaMax           types.Int64   `tfsdk:"quota_max"`
	QuotaRenewalRate   types.Int64   `tfsdk:"quota_renewal_rate"`
	ThrottleInterval   types.Float64 `tfsdk:"throttle_interval"`
	ThrottleRetryLimit types.Int64   `tfsdk:"throttle_retry_limit"`
	MaxQueryDepth      types.Int64   `tfsdk:"max_query_depth"`
	KeyExpiresIn       types.Int64   `tfsdk:"key_expires_in"`
	MetaData           types.Map     `tfsdk:"meta_data"`
	Partitions         types.Object  `tfsdk:"partitions"`
	AccessRights       []accessModel `tfsdk:"access_rights"`
}

type accessModel struct {
	APIID       types.String      `tfsdk:"api_id"`
	APIName     types.String      `tfsdk:"api_name"`
	Versions    types.List        `tfsdk:"versions"`
	AllowedURLs []allowedURLModel `tfsdk:"allowed_urls"`
}

type allowedURLModel struct {
	URL     types.String `tfsdk:"url"`
	Methods types.Set    `tfsdk:"methods"`
}

var partitionAttrTypes = map[string]attr.Type{
	"acl": types.BoolType, "quota": types.BoolType, "rate_limit": types.BoolType, "complexity": types.BoolType, "per_api": types.BoolType,
}

func (r *PolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy"
}

func (r *PolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	partitionAttr := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "A Tyk Dashboard security policy (Dashboard → Policies). The seed DCR flow uses three: the API product policy " +
			"(ACL partition), the plan policy (rate limit and quota partitions) and the \"No Operation\" policy used as JWT default policy. " +
			"A partitioned policy tagged with an API provider's policy tags is imported by the Developer Portal as a product or plan.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				Description:   "The policy's database id (`_id`, 24 hex characters). This is the id to use in `jwt.default_policy_ids` and scope mappings: every Gateway version indexes a policy with no custom id under it.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:    true,
				Description: "Policy name (UI: Name). Unique in the organisation. The Portal names an imported product or plan after it.",
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"state": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("active"),
				Description: "Policy state (UI: Policy status): `active`, `draft` (not applied to keys) or `deny` (access denied). Default `active`.",
				Validators:  []validator.String{stringvalidator.OneOf("active", "draft", "deny")},
			},
			"tags": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Description: "Policy tags. A Portal API provider with policy tags only imports policies carrying one of them.",
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"rate": schema.Float64Attribute{
				Optional: true, Computed: true, Default: float64default.StaticFloat64(-1),
				Description: "Requests allowed per `per` seconds (UI: Rate limit). `-1` disables rate limiting. Default `-1`.",
				Validators:  []validator.Float64{float64validator.Any(float64validator.OneOf(-1), float64validator.AtLeast(0))},
			},
			"per": schema.Float64Attribute{
				Optional: true, Computed: true, Default: float64default.StaticFloat64(-1),
				Description: "Rate-limit window in seconds (UI: Per). `-1` when `rate` is `-1`. Default `-1`.",
				Validators:  []validator.Float64{float64validator.Any(float64validator.OneOf(-1), float64validator.AtLeast(1))},
			},
			"quota_max": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(-1),
				Description: "Requests allowed per quota period (UI: Usage quota). `-1` means unlimited. Default `-1`.",
				Validators:  []validator.Int64{int64validator.Any(int64validator.OneOf(-1), int64validator.AtLeast(0))},
			},
			"quota_renewal_rate": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(-1),
				Description: "Quota period in seconds (UI: Quota resets every). `-1` means never. Default `-1`.",
				Validators:  []validator.Int64{int64validator.Any(int64validator.OneOf(-1), int64validator.AtLeast(1))},
			},
			"throttle_interval": schema.Float64Attribute{
				Optional: true, Computed: true, Default: float64default.StaticFloat64(-1),
				Description: "Seconds between retries of a throttled request (UI: Throttling interval). `-1` disables throttling. Default `-1`.",
				Validators:  []validator.Float64{float64validator.Any(float64validator.OneOf(-1), float64validator.AtLeast(0))},
			},
			"throttle_retry_limit": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(-1),
				Description: "Retries of a throttled request (UI: Throttling retries). `-1` disables throttling. Default `-1`.",
				Validators:  []validator.Int64{int64validator.AtLeast(-1)},
			},
			"max_query_depth": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(-1),
				Description: "GraphQL query depth limit (complexity partition). `-1` means unlimited. Default `-1`.",
				Validators:  []validator.Int64{int64validator.AtLeast(-1)},
			},
			"key_expires_in": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(0),
				Description: "Lifetime in seconds of keys created with this policy (UI: Key expires after). `0` means never. Default `0`.",
				Validators:  []validator.Int64{int64validator.AtLeast(0)},
			},
			"meta_data": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				Description: "Metadata copied onto keys created with this policy (UI: Metadata). Non-string values set outside Terraform are shown JSON-encoded.",
			},
			"partitions": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				Default: objectdefault.StaticValue(types.ObjectValueMust(partitionAttrTypes, map[string]attr.Value{
					"acl": types.BoolValue(false), "quota": types.BoolValue(false), "rate_limit": types.BoolValue(false),
					"complexity": types.BoolValue(false), "per_api": types.BoolValue(false),
				})),
				Description: "Which parts of the policy apply (UI: Partitioned policy). The Portal imports an ACL-only policy as an API product " +
					"and a rate-limit and/or quota policy without ACL as a plan. All `false` (the default) means the whole policy applies.",
				Attributes: map[string]schema.Attribute{
					"acl":        partitionAttr("Apply the access rights (API product policies)."),
					"quota":      partitionAttr("Apply the usage quota (plan policies)."),
					"rate_limit": partitionAttr("Apply the rate limit (plan policies)."),
					"complexity": partitionAttr("Apply the GraphQL query depth limit."),
					"per_api":    partitionAttr("Limits are set per API."),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"access_rights": schema.SetNestedBlock{
				Description: "APIs this policy grants access to (UI: Access rights), one block per API.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"api_id": schema.StringAttribute{
							Required: true, Description: "The API's `api_id`, e.g. `tyk_api.payments.api_id`.",
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"api_name": schema.StringAttribute{Optional: true, Description: "The API's name, as shown in the Dashboard."},
						"versions": schema.ListAttribute{
							ElementType: types.StringType, Optional: true,
							Description: "API versions granted. Omitted means `[\"Default\"]`, the version of an unversioned API.",
							Validators:  []validator.List{},
						},
					},
					Blocks: map[string]schema.Block{
						"allowed_urls": schema.ListNestedBlock{
							Description: "Restrict access to these paths (UI: Path-based permissions). None means the whole API.",
							NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
								"url": schema.StringAttribute{Required: true, Description: "Path regular expression, e.g. `/users`."},
								"methods": schema.SetAttribute{
									ElementType: types.StringType,
									Required:    true,
									Description: "HTTP methods allowed on the path.",
									Validators: []validator.Set{
										setvalidator.SizeAtLeast(1),
										setvalidator.ValueStringsAre(stringvalidator.OneOf("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")),
									},
								},
							}},
						},
					},
				},
			},
		},
	}
}

func (r *PolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig rejects limits that only make sense together.
func (r *PolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m policyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	known := func(v interface {
		IsNull() bool
		IsUnknown() bool
	}) bool {
		return !v.IsNull() && !v.IsUnknown()
	}
	if known(m.Rate) && m.Rate.ValueFloat64() >= 0 && (!known(m.Per) || m.Per.ValueFloat64() <= 0) && !m.Per.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("per"), "Rate limit without a period",
			"rate is set, so per (the window in seconds) must be set to a positive number too.")
	}
	if known(m.Per) && m.Per.ValueFloat64() > 0 && (!known(m.Rate) || m.Rate.ValueFloat64() < 0) && !m.Rate.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("rate"), "Rate-limit period without a rate",
			"per is set, so rate (requests per window) must be set too.")
	}
	if known(m.QuotaMax) && m.QuotaMax.ValueInt64() >= 0 && known(m.QuotaRenewalRate) && m.QuotaRenewalRate.ValueInt64() < 0 {
		resp.Diagnostics.AddAttributeError(path.Root("quota_renewal_rate"), "Quota without a renewal period",
			"quota_max is set, so quota_renewal_rate (the quota period in seconds) must be set to a positive number too.")
	}
	seen := map[string]bool{}
	for _, ar := range m.AccessRights {
		if ar.APIID.IsUnknown() || ar.APIID.IsNull() {
			continue
		}
		if seen[ar.APIID.ValueString()] {
			resp.Diagnostics.AddAttributeError(path.Root("access_rights"), "Duplicate API in access rights",
				fmt.Sprintf("API %q appears in more than one access_rights block; merge them into one.", ar.APIID.ValueString()))
		}
		seen[ar.APIID.ValueString()] = true
	}
}

// ModifyPlan reports, at plan time, access rights to APIs that do not exist.
func (r *PolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.dashboard == nil {
		return
	}
	var plan policyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := map[string]bool{}
	if !req.State.Raw.IsNull() {
		var state policyModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		for _, ar := range state.AccessRights {
			prior[ar.APIID.ValueString()] = true
		}
	}
	for _, ar := range plan.AccessRights {
		if !knownStr(ar.APIID) || prior[ar.APIID.ValueString()] {
			continue
		}
		id := ar.APIID.ValueString()
		mustExist(&resp.Diagnostics, path.Root("access_rights"), "API", id, func() error {
			_, err := r.data.dashboard.GetAPIOnce(ctx, id)
			return err
		})
	}
	// A change of an existing policy's limits or partitions can open the
	// plan bypass on the APIs that use it as a default or in a mapping.
	if !req.State.Raw.IsNull() && knownStr(plan.ID) && !req.Plan.Raw.Equal(req.State.Raw) {
		var planned dashboard.Policy
		if d := plan.toAPI(ctx, &planned); d.HasError() {
			return
		}
		planned.MID = plan.ID.ValueString()
		reportPlanBypass(ctx, r.data, bypassOverlay{policies: map[string]*dashboard.Policy{planned.MID: &planned}}, nil,
			func(bypassFinding) path.Path { return path.Root("rate") }, &resp.Diagnostics)
	}
}

func (r *PolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan policyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	p := &dashboard.Policy{}
	resp.Diagnostics.Append(plan.toAPI(ctx, p)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := d.CreatePolicy(ctx, p)
	if err != nil {
		resp.Diagnostics.AddError("Could not create Tyk policy", fmt.Sprintf("Creating policy %q failed: %s", p.Name, err))
		return
	}
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	r.refresh(ctx, d, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *PolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state policyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := d.GetPolicyOnce(ctx, state.ID.ValueString()) // shared with the checks that name it
	if readFailed(
		ctx,
		resp,
		err,
		"Tyk policy",
		fmt.Sprintf("Policy %s (%s) no longer exists in the Tyk Dashboard", state.ID.ValueString(), state.Name.ValueString()),
	) {
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, p)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state policyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	p, err := d.GetPolicy(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read Tyk policy before update", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.toAPI(ctx, p)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := d.UpdatePolicy(ctx, id, p); err != nil {
		resp.Diagnostics.AddError("Could not update Tyk policy", err.Error())
		return
	}
	plan.ID = state.ID
	// The PUT answers with a status only; the policy as written (read just
	// before, with this plan applied) is the new state: no read after it.
	resp.Diagnostics.Append(plan.fromAPI(ctx, p)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state policyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteFailed(&resp.Diagnostics, d.DeletePolicy(ctx, state.ID.ValueString()), "Tyk policy")
}

func (r *PolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !dashboard.IsObjectID(req.ID) {
		resp.Diagnostics.AddError(
			"Invalid import ID",
			fmt.Sprintf("Expected the policy's database id (24 hex characters, the `_id` shown in the Dashboard URL), got %q.", req.ID),
		)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// refresh re-reads the policy after a write so that state holds what the
// Dashboard stored.
func (r *PolicyResource) refresh(ctx context.Context, d *dashboard.Client, m *policyModel, diags *diag.Diagnostics) {
	// Kept for the run: the checks of the mappings that name the policy.
	p, err := d.GetPolicyOnce(ctx, m.ID.ValueString())
	if err != nil {
		diags.AddError("Could not read Tyk policy after write", err.Error())
		return
	}
	diags.Append(m.fromAPI(ctx, p)...)
}

func (m *policyModel) toAPI(ctx context.Context, p *dashboard.Policy) diag.Diagnostics {
	var diags diag.Diagnostics
	p.Name = m.Name.ValueString()
	p.SetStatus(m.State.ValueString())
	p.Rate, p.Per = m.Rate.ValueFloat64(), m.Per.ValueFloat64()
	p.QuotaMax, p.QuotaRenewalRate = m.QuotaMax.ValueInt64(), m.QuotaRenewalRate.ValueInt64()
	p.ThrottleInterval, p.ThrottleRetryLimit = m.ThrottleInterval.ValueFloat64(), int(m.ThrottleRetryLimit.ValueInt64())
	p.MaxQueryDepth = int(m.MaxQueryDepth.ValueInt64())
	p.KeyExpiresIn = m.KeyExpiresIn.ValueInt64()
	p.Tags = []string{}
	diags.Append(m.Tags.ElementsAs(ctx, &p.Tags, false)...)
	sort.Strings(p.Tags)
	meta := map[string]string{}
	diags.Append(m.MetaData.ElementsAs(ctx, &meta, false)...)
	p.MetaData = map[string]any{}
	for k, v := range meta {
		p.MetaData[k] = v
	}
	var parts struct {
		ACL        bool `tfsdk:"acl"`
		Quota      bool `tfsdk:"quota"`
		RateLimit  bool `tfsdk:"rate_limit"`
		Complexity bool `tfsdk:"complexity"`
		PerAPI     bool `tfsdk:"per_api"`
	}
	diags.Append(m.Partitions.As(ctx, &parts, objectAsOptions)...)
	p.Partitions = dashboard.Partitions{ACL: parts.ACL, Quota: parts.Quota, RateLimit: parts.RateLimit, Complexity: parts.Complexity, PerAPI: parts.PerAPI}

	old := p.AccessRights
	p.AccessRights = map[string]dashboard.AccessDefinition{}
	for _, ar := range m.AccessRights {
		id := ar.APIID.ValueString()
		def := old[id] // keep fields the provider does not model (limits, GraphQL rules)
		def.APIID = id
		def.APIName = ar.APIName.ValueString()
		def.Versions = []string{"Default"}
		if !ar.Versions.IsNull() && !ar.Versions.IsUnknown() {
			def.Versions = nil
			diags.Append(ar.Versions.ElementsAs(ctx, &def.Versions, false)...)
		}
		def.AllowedURLs = []dashboard.AccessSpec{}
		for _, u := range ar.AllowedURLs {
			spec := dashboard.AccessSpec{URL: u.URL.ValueString()}
			diags.Append(u.Methods.ElementsAs(ctx, &spec.Methods, false)...)
			sort.Strings(spec.Methods)
			def.AllowedURLs = append(def.AllowedURLs, spec)
		}
		p.AccessRights[id] = def
	}
	return diags
}

func (m *policyModel) fromAPI(ctx context.Context, p *dashboard.Policy) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(p.MID)
	m.Name = types.StringValue(p.Name)
	m.State = types.StringValue(p.Status())
	m.Rate, m.Per = types.Float64Value(p.Rate), types.Float64Value(p.Per)
	m.QuotaMax, m.QuotaRenewalRate = types.Int64Value(p.QuotaMax), types.Int64Value(p.QuotaRenewalRate)
	m.ThrottleInterval, m.ThrottleRetryLimit = types.Float64Value(p.ThrottleInterval), types.Int64Value(int64(p.ThrottleRetryLimit))
	m.MaxQueryDepth = types.Int64Value(int64(p.MaxQueryDepth))
	m.KeyExpiresIn = types.Int64Value(p.KeyExpiresIn)
	var d diag.Diagnostics
	m.Tags, d = types.SetValueFrom(ctx, types.StringType, nonNil(p.Tags))
	diags.Append(d...)
	meta := map[string]string{}
	for k, v := range p.MetaData {
		if s, ok := v.(string); ok {
			meta[k] = s
		} else {
			b, _ := json.Marshal(v)
			meta[k] = string(b)
		}
	}
	m.MetaData, d = types.MapValueFrom(ctx, types.StringType, meta)
	diags.Append(d...)
	m.Partitions = types.ObjectValueMust(partitionAttrTypes, map[string]attr.Value{
		"acl": types.BoolValue(p.Partitions.ACL), "quota": types.BoolValue(p.Partitions.Quota), "rate_limit": types.BoolValue(p.Partitions.RateLimit),
		"complexity": types.BoolValue(p.Partitions.Complexity), "per_api": types.BoolValue(p.Partitions.PerAPI),
	})

	prior := map[string]accessModel{}
	for _, ar := range m.AccessRights {
		prior[ar.APIID.ValueString()] = ar
	}
	ids := make([]string, 0, len(p.AccessRights))
	for id := range p.AccessRights {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	m.AccessRights = nil
	for _, id := range ids {
		def := p.AccessRights[id]
		if def.APIID == "" {
			def.APIID = id
		}
		ar := accessModel{APIID: types.StringValue(def.APIID), APIName: types.StringNull(), Versions: types.ListNull(types.StringType)}
		if def.APIName != "" {
			ar.APIName = types.StringValue(def.APIName)
		}
		old, hadPrior := prior[id]
		defaultVersions := len(def.Versions) == 1 && def.Versions[0] == "Default"
		if !(defaultVersions && hadPrior && old.Versions.IsNull()) && !(defaultVersions && !hadPrior) {
			ar.Versions, d = types.ListValueFrom(ctx, types.StringType, nonNil(def.Versions))
			diags.Append(d...)
		}
		for _, u := range def.AllowedURLs {
			methods, d := types.SetValueFrom(ctx, types.StringType, nonNil(u.Methods))
			diags.Append(d...)
			ar.AllowedURLs = append(ar.AllowedURLs, allowedURLModel{URL: types.StringValue(u.URL), Methods: methods})
		}
		m.AccessRights = append(m.AccessRights, ar)
	}
	return diags
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
