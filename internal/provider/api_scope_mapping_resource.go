package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

var (
	_ resource.Resource                = &APIScopeMappingResource{}
	_ resource.ResourceWithImportState = &APIScopeMappingResource{}
	_ resource.ResourceWithModifyPlan  = &APIScopeMappingResource{}
)

// APIScopeMappingResource owns some scope → policy entries of one API.
type APIScopeMappingResource struct{ resourceBase }

// NewAPIScopeMappingResource returns the tyk_api_scope_mapping resource.
func NewAPIScopeMappingResource() resource.Resource { return &APIScopeMappingResource{} }

type scopeMappingModel struct {
	ID            types.String `tfsdk:"id"`
	APIID         types.String `tfsdk:"api_id"`
	ScopeToPolicy types.Map    `tfsdk:"scope_to_policy"`
}

// scopePattern: one OAuth scope token (RFC 6749 §3.3) without commas, since
// Tyk stores product and plan scopes as comma-separated strings.
var scopePattern = regexp.MustCompile(`^[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+$`)

func scopeValidator() validator.String {
	return stringvalidator.RegexMatches(scopePattern, "must be a single OAuth scope: no spaces, commas, quotes or backslashes")
}

func (r *APIScopeMappingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_scope_mapping"
}

func (r *APIScopeMappingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Scope → policy entries on one API's JWT configuration (UI: API → Authentication → Scopes → Add scope mapping). " +
			"When a token carries a mapped scope, the Gateway applies the mapped policy instead of the default policy. " +
			"Each resource owns only its own entries, so several (one per product, one per plan) can share an API, which may be " +
			"managed by `tyk_api` or outside Terraform. Entries are written identically to `scopes.jwt.scope_to_policy` and the " +
			"deprecated `jwt_scope_to_policy_mapping`, so every Gateway version reads the same mapping.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:    true,
				Description: "`<api_id>:<scope>[,<scope>…]` with the owned scopes sorted.",
			},
			"api_id": schema.StringAttribute{
				Required: true, Description: "The API's `api_id`. Changing it moves the entries (replaces the resource).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"scope_to_policy": schema.MapAttribute{
				ElementType: types.StringType, Required: true,
				Description: "Scope → policy id, e.g. `{ (tyk_portal_product.payments.scopes[0]) = tyk_policy.product.id }`. " +
					"Use the policy's `id` (its `_id`). A scope already mapped on the API to another policy by someone else is an error, never overwritten.",
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(scopeValidator()),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
		},
	}
}

func (r *APIScopeMappingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports, at plan time, scopes that the API already maps to a
// different policy and that this resource does not own.
func (r *APIScopeMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan scopeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.APIID.IsUnknown() || plan.ScopeToPolicy.IsUnknown() {
		return
	}
	owned := map[string]string{}
	if !req.State.Raw.IsNull() {
		var state scopeMappingModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.APIID.Equal(plan.APIID) {
			if state.ScopeToPolicy.Equal(plan.ScopeToPolicy) {
				return // unchanged: nothing to check, no request
			}
			owned = mapOf(ctx, state.ScopeToPolicy, &resp.Diagnostics)
		}
	}
	if r.data == nil || r.data.dashboard == nil {
		return // checked again at apply time
	}
	d := r.data.dashboard
	api, err := d.APIViewOnce(ctx, plan.APIID.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("api_id"), "API not found",
			fmt.Sprintf("API %s does not exist in the Dashboard. Reference a tyk_api's api_id.", plan.APIID.ValueString()))
		return
	}
	if err != nil {
		return // checked again at apply time
	}
	for scope, policyID := range mapOfKnown(ctx, plan.ScopeToPolicy) {
		if owned[scope] == policyID {
			continue
		}
		pol, err := d.GetPolicyOnce(ctx, policyID)
		switch {
		case client.IsNotFound(err):
			resp.Diagnostics.AddAttributeError(path.Root("scope_to_policy").AtMapKey(scope), "Policy not found",
				fmt.Sprintf("Policy %s does not exist in the Dashboard. Use a tyk_policy's id.", policyID))
		case err == nil && !policyGrants(pol, api.APIID):
			resp.Diagnostics.AddAttributeError(
				path.Root("scope_to_policy").AtMapKey(scope),
				"Policy does not grant this API",
				fmt.Sprintf(
					"Policy %q (%s) has no access rights to API %s, so a token with scope %q would be refused. Add the API to the policy's access_rights "+
						"(a plan policy needs it too), or map the scope on another API.",
					pol.Name,
					policyID,
					api.APIID,
					scope,
				),
			)
		}
	}
	planned := mapOfKnown(ctx, plan.ScopeToPolicy)
	r.claimScopes(plan.APIID.ValueString(), plan.ScopeToPolicy, &resp.Diagnostics)
	if len(planned) == len(plan.ScopeToPolicy.Elements()) {
		r.checkPlanBypass(ctx, plan.APIID.ValueString(), owned, planned, &resp.Diagnostics)
	}
	current := api.ScopeMapping()
	for scope, policy := range mapOfKnown(ctx, plan.ScopeToPolicy) {
		if _, mine := owned[scope]; mine {
			continue
		}
		if existing, taken := current[scope]; taken && existing != policy {
			resp.Diagnostics.AddAttributeError(path.Root("scope_to_policy").AtMapKey(scope), "Scope already mapped on this API",
				fmt.Sprintf("API %s already maps scope %q to policy %s, which this resource does not manage. "+
					"Remove that entry (or the resource that owns it), or use another scope.", plan.APIID.ValueString(), scope, existing))
		}
	}
}

func (r *APIScopeMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scopeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	want := mapOf(ctx, plan.ScopeToPolicy, &resp.Diagnostics)
	r.apply(ctx, d, &plan, nil, want, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *APIScopeMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scopeMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	api, err := d.APIViewOnce(ctx, state.APIID.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning(
			"Tyk API not found",
			fmt.Sprintf("API %s no longer exists, so its scope mappings are gone; removing them from state.", state.APIID.ValueString()),
		)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read Tyk API scope mapping", err.Error())
		return
	}
	owned := mapOf(ctx, state.ScopeToPolicy, &resp.Diagnostics)
	current := api.ScopeMapping()
	found := map[string]string{}
	for scope := range owned {
		if policy, ok := current[scope]; ok {
			found[scope] = policy
		}
	}
	if len(found) == 0 && len(owned) > 0 {
		resp.Diagnostics.AddWarning(
			"Tyk API scope mapping not found",
			fmt.Sprintf(
				"None of the scopes this resource maps are on API %s any more; removing it from state so that the next plan recreates them.",
				state.APIID.ValueString(),
			),
		)
		resp.State.RemoveResource(ctx)
		return
	}
	state.ScopeToPolicy = types.MapValueMust(types.StringType, stringMapValues(found))
	state.ID = types.StringValue(mappingID(state.APIID.ValueString(), found))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *APIScopeMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scopeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	owned := mapOf(ctx, state.ScopeToPolicy, &resp.Diagnostics)
	want := mapOf(ctx, plan.ScopeToPolicy, &resp.Diagnostics)
	r.apply(ctx, d, &plan, owned, want, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *APIScopeMappingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scopeMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	owned := mapOf(ctx, state.ScopeToPolicy, &resp.Diagnostics)
	deleteFailed(&resp.Diagnostics, d.RemoveOwnedScopeMappings(ctx, state.APIID.ValueString(), owned), "Tyk API scope mapping")
}

// ImportState takes `<api_id>:<scope>[,<scope>…]`.
func (r *APIScopeMappingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	apiID, scopeList, ok := strings.Cut(req.ID, ":")
	if !ok || apiID == "" || scopeList == "" {
		resp.Diagnostics.AddError(
			"Invalid import ID",
			fmt.Sprintf("Expected `<api_id>:<scope>[,<scope>…]`, e.g. `c8449efd12b0444c57b7de71244954e2:product_payments,free_plan`; got %q.", req.ID),
		)
		return
	}
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	api, err := d.APIView(ctx, apiID)
	if err != nil {
		resp.Diagnostics.AddError("Could not read Tyk API", err.Error())
		return
	}
	current := api.ScopeMapping()
	owned := map[string]string{}
	for _, scope := range strings.Split(scopeList, ",") {
		scope = strings.TrimSpace(scope)
		policy, found := current[scope]
		if !found {
			resp.Diagnostics.AddError("Scope not mapped", fmt.Sprintf("API %s has no mapping for scope %q.", apiID, scope))
			return
		}
		owned[scope] = policy
	}
	m := scopeMappingModel{
		ID: types.StringValue(mappingID(apiID, owned)), APIID: types.StringValue(api.APIID),
		ScopeToPolicy: types.MapValueMust(types.StringType, stringMapValues(owned)),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// apply replaces the owned entries with want inside one serialized
// read-modify-write, refusing to take over scopes mapped by someone else.
func (r *APIScopeMappingResource) apply(
	ctx context.Context,
	d *dashboard.Client,
	m *scopeMappingModel,
	owned, want map[string]string,
	diags *diag.Diagnostics,
) {
	apiID := m.APIID.ValueString()
	// Checked at plan time when the policies were known then; here always,
	// before anything is written.
	r.checkPlanBypass(ctx, apiID, owned, want, diags)
	if diags.HasError() {
		return
	}
	got, err := d.SetOwnedScopeMappings(ctx, apiID, owned, want)
	var conflict *dashboard.MappingConflictError
	if errors.As(err, &conflict) {
		diags.AddAttributeError(path.Root("scope_to_policy"), "Scope already mapped on this API",
			fmt.Sprintf("On API %s, %s by another resource or outside Terraform. Nothing was changed. "+
				"Remove that entry, or use another scope.", apiID, conflict))
		return
	}
	if err != nil {
		diags.AddError("Could not write Tyk API scope mapping", err.Error())
		return
	}
	for scope, policy := range want {
		if got[scope] != policy {
			diags.AddError(
				"Scope mapping not stored",
				fmt.Sprintf(
					"The Dashboard accepted the update of API %s but maps scope %q to %q instead of %q after it. Another writer (such as the Portal at approval time) may own this API's mappings.",
					apiID,
					scope,
					got[scope],
					policy,
				),
			)
			return
		}
	}
	m.ID = types.StringValue(mappingID(apiID, want))
}

func mappingID(apiID string, m map[string]string) string {
	scopes := make([]string, 0, len(m))
	for s := range m {
		scopes = append(scopes, s)
	}
	sort.Strings(scopes)
	return apiID + ":" + strings.Join(scopes, ",")
}

// policyGrants reports whether a policy covers an API. A limits-only policy
// with no access rights at all (as the Portal may create for a plan) is not
// judged: its limits are not tied to an API.
func policyGrants(p *dashboard.Policy, apiID string) bool {
	if len(p.AccessRights) == 0 && !p.Partitions.ACL && (p.Partitions.Quota || p.Partitions.RateLimit) {
		return true
	}
	_, ok := p.AccessRights[apiID]
	return ok
}

// checkPlanBypass reports the scopes of this resource whose token alone
// would skip its plan (plan_bypass.go), with this resource's entries laid
// over the API's mapping (owned: the entries it had, which it drops).
func (r *APIScopeMappingResource) checkPlanBypass(ctx context.Context, apiID string, owned, want map[string]string, diags *diag.Diagnostics) {
	overlay := map[string]string{}
	for s := range owned {
		overlay[s] = ""
	}
	scopes := make([]string, 0, len(want))
	for s, p := range want {
		overlay[s] = p
		scopes = append(scopes, s)
	}
	reportPlanBypass(ctx, r.data, bypassOverlay{apiID: apiID, mapping: overlay}, scopes,
		func(f bypassFinding) path.Path { return path.Root("scope_to_policy").AtMapKey(f.scope) }, diags)
}

// claimScopes records this resource's scopes on the API for the run's plan
// and reports a scope another mapping resource of the same plan takes.
func (r *APIScopeMappingResource) claimScopes(apiID string, entries types.Map, diags *diag.Diagnostics) {
	if r.data == nil {
		return
	}
	keys := make([]string, 0, len(entries.Elements()))
	for k, v := range entries.Elements() {
		keys = append(keys, k+"="+v.String())
	}
	sort.Strings(keys)
	self := strings.Join(keys, ",")
	d := r.data
	d.mappingMu.Lock()
	defer d.mappingMu.Unlock()
	if d.mappingClaims == nil {
		d.mappingClaims = map[string]map[string]string{}
	}
	claims := d.mappingClaims[apiID]
	if claims == nil {
		claims = map[string]string{}
		d.mappingClaims[apiID] = claims
	}
	for scope := range entries.Elements() {
		if other, ok := claims[scope]; ok && other != self {
			diags.AddAttributeError(path.Root("scope_to_policy").AtMapKey(scope), "Scope mapped twice in this plan",
				fmt.Sprintf("Another tyk_api_scope_mapping of this configuration (with %s) also maps scope %q on API %s. "+
					"One scope maps to one policy on an API: keep it in one resource.", other, scope, apiID))
			continue
		}
		claims[scope] = self
	}
}
