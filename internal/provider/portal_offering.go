package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// What tyk_portal_product and tyk_portal_plan share: both are either
// Portal-first (the resource creates the object, and the Portal its policy)
// or Dashboard-first (the Portal imports the object from a tyk_policy; the
// resource manages its Portal settings only).

// importOffering reads `<id>` (Portal-first) or `<id>:<policy_id>`
// (Dashboard-first) into state; providerOf reads the object's API provider.
func importOffering(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, kind string,
	providerOf func(ctx context.Context, id int64) (int64, error),
) {
	idPart, policy, dashboardFirst := strings.Cut(req.ID, ":")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected `<%[1]s_id>` (Portal-first) or `<%[1]s_id>:<policy_id>` (Dashboard-first), got %[2]q.", kind, req.ID))
		return
	}
	providerID, err := providerOf(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the Portal "+kind, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("provider_id"), providerID)...)
	if dashboardFirst {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("policy_id"), policy)...)
	}
}

// deleteOffering deletes a Portal-first object (the Portal deletes its
// policy too); a Dashboard-first one belongs to the Dashboard, so only the
// Portal settings the resource set are reset. Gone already (404) is done.
func deleteOffering(diags *diag.Diagnostics, what string, dashboardFirst bool, del, reset func() error) {
	if !dashboardFirst {
		deleteFailed(diags, del(), what)
		return
	}
	if err := reset(); err != nil && !client.IsNotFound(err) {
		diags.AddError("Could not reset "+what, err.Error())
	}
}

// offeringModel holds the attributes products and plans share (see
// offeringSchema); each model embeds it.
type offeringModel struct {
	ID           types.Int64  `tfsdk:"id"`
	ProviderID   types.Int64  `tfsdk:"provider_id"`
	PolicyID     types.String `tfsdk:"policy_id"`
	Name         types.String `tfsdk:"name"`
	DisplayName  types.String `tfsdk:"display_name"`
	Description  types.String `tfsdk:"description"`
	Scopes       types.Set    `tfsdk:"scopes"`
	CatalogueIDs types.Set    `tfsdk:"catalogue_ids"`
	ReferenceID  types.String `tfsdk:"reference_id"`
}

// resetPortalSettings is the model destroy writes to a Dashboard-first
// object: its identity kept, the Portal settings the resource set cleared.
func (m offeringModel) resetPortalSettings() offeringModel {
	return offeringModel{
		ID: m.ID, ProviderID: m.ProviderID, PolicyID: m.PolicyID, Name: m.Name, ReferenceID: m.ReferenceID,
		DisplayName: types.StringValue(""), Description: types.StringValue(""), Scopes: emptyStringSet(), CatalogueIDs: emptyInt64Set(),
	}
}

// checked is what the plan-time checks need of the model.
func (m *offeringModel) checked() offering {
	return offering{providerID: m.ProviderID, policyID: m.PolicyID, name: m.Name, scopes: m.Scopes, priorID: m.ID}
}

// offeringOps are the Portal calls for one kind of offering: T is the
// object as the Portal answers, In its write shape.
type offeringOps[T, In any] struct {
	kind, what string // "plan", "Portal plan"
	// readOnce is get for Read: once per run, shared with the plan-time
	// scope checks (memo.go), so a refresh reads each object once.
	readOnce func(context.Context, int64) (*T, error)
	create   func(context.Context, In) (*T, error)
	// modify reads the object, builds the write from it and writes it: one
	// GET, one PUT (the Portal's PUT may replace the whole object).
	modify   func(context.Context, int64, func(*T) (In, error)) (*T, error)
	imported func(context.Context, int64, string) (*T, error)
	identity func(*T) (id int64, name, ref string)
}

// errInvalidConfig aborts a write whose body could not be built from the
// configuration; the diagnostics say why.
var errInvalidConfig = errors.New("invalid configuration")

// offeringWrite is what write needs of the planned configuration.
type offeringWrite struct {
	id              int64 // -1 for a new object
	providerID      types.Int64
	priorProviderID types.Int64
	policyID        types.String
	scopes          []string
	// scopesUnchanged: an update that keeps the scopes in state needs no
	// check that they are free (and no scope index: a list of products, a
	// list of plans and a GET per plan).
	scopesUnchanged bool
}

// newOfferingWrite describes the write of m over prior (the state; nil for
// a create).
func newOfferingWrite(m offeringModel, prior *offeringModel, scopes []string) offeringWrite {
	w := offeringWrite{id: -1, providerID: m.ProviderID, priorProviderID: types.Int64Null(), policyID: m.PolicyID, scopes: scopes}
	if prior != nil {
		w.id, w.priorProviderID = prior.ID.ValueInt64(), prior.ProviderID
		w.scopesUnchanged = prior.Scopes.Equal(m.Scopes)
	}
	return w
}

// write checks that no other product or plan uses the scopes, then creates
// the object (Portal-first), adopts the one the Portal imported from the
// policy (Dashboard-first), or updates the existing one. input builds the
// write from the object as it is (nil when there is none yet), so that
// fields the resource does not manage are sent back unchanged.
func (o offeringOps[T, In]) write(ctx context.Context, data *providerData, p *portal.Client, w offeringWrite, input func(cur *T) In, diags *diag.Diagnostics) *T {
	self := scopeSelf{kind: o.kind, id: w.id}
	if w.id < 0 {
		self.policy = w.policyID.ValueString()
	}
	if !w.scopesUnchanged {
		diags.Append(checkScopesFree(ctx, data, w.scopes, self, path.Root("scopes"))...)
	}
	if diags.HasError() {
		return nil
	}
	// build makes the write from the object as it is (nil: a new one).
	build := func(cur *T) (In, error) {
		in := input(cur)
		if diags.HasError() {
			return in, errInvalidConfig
		}
		return in, nil
	}
	var out *T
	var err error
	switch {
	case w.id >= 0:
		syncBeforeUpdate(ctx, p, w.policyID, w.priorProviderID, diags)
		if diags.HasError() {
			return nil
		}
		out, err = o.modify(ctx, w.id, build)
	case !w.policyID.IsNull():
		var cur *T
		if cur, err = o.imported(ctx, w.providerID.ValueInt64(), w.policyID.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("policy_id"), "Not imported by the Portal", err.Error())
			return nil
		}
		id, _, _ := o.identity(cur)
		out, err = o.modify(ctx, id, build)
	default:
		var in In
		if in, err = build(nil); err == nil {
			out, err = o.create(ctx, in)
		}
	}
	if errors.Is(err, errInvalidConfig) {
		return nil // the diagnostics say why
	}
	if err != nil {
		verb := "update"
		if w.id < 0 {
			verb = "create"
		}
		diags.AddError("Could not "+verb+" "+o.what, err.Error())
		return nil
	}
	return out
}

// read reads the object for Read: gone (404, or hidden because its policy is
// gone) removes the resource with a warning.
func (o offeringOps[T, In]) read(ctx context.Context, resp *resource.ReadResponse, id int64, name string) (*T, bool) {
	obj, err := o.readOnce(ctx, id)
	gone := fmt.Sprintf("%s %d (%s) no longer exists or is hidden (its policy is gone)", o.what, id, name)
	if readFailed(ctx, resp, err, o.what, gone) {
		return nil, false
	}
	return obj, true
}

// record keeps the run's scope index current after a write.
func (o offeringOps[T, In]) record(data *providerData, obj *T, scopes []string) {
	id, name, ref := o.identity(obj)
	data.scopes.record(o.kind, id, name, ref, scopes)
}

// offeringSchema holds the attributes products and plans share: noun names
// the object in the docs ("product", "plan"), policyKind the Dashboard-first
// policy it is imported from, shownTo who sees its display texts, and
// conflicts the Portal-first attributes that policy_id excludes.
func offeringSchema(noun, policyKind, shownTo string, conflicts ...string) map[string]schema.Attribute {
	exclude := make([]path.Expression, 0, len(conflicts))
	for _, c := range conflicts {
		exclude = append(exclude, path.MatchRoot(c))
	}
	return map[string]schema.Attribute{
		"id": schema.Int64Attribute{
			Computed: true, Description: "The " + noun + "'s Portal id.",
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"provider_id": schema.Int64Attribute{
			Required:      true,
			Description:   "The `tyk_portal_api_provider` the " + noun + " belongs to. Changing it replaces the " + noun + ".",
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"policy_id": schema.StringAttribute{
			Optional: true,
			Description: "Dashboard-first: the `_id` of the " + noun + "'s " + policyKind + " (`tyk_policy.x.id`). Conflicts with `name` and `" +
				strings.Join(conflicts, "`, `") + "`. Changing it replaces the " + noun + ".",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators: []validator.String{
				stringvalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("policy_id")),
				stringvalidator.ConflictsWith(exclude...),
			},
		},
		"name": schema.StringAttribute{
			Optional: true, Computed: true,
			Description: "Portal-first: the " + noun + "'s name, also the name of the policy the Portal creates (UI: Name). " +
				"Dashboard-first: the policy's name (read-only).",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"display_name": schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString(""),
			Description: "Name shown " + shownTo + " (UI: display name).",
		},
		"description": schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString(""),
			Description: "Description shown " + shownTo + " (UI: Description).",
		},
		"catalogue_ids": schema.SetAttribute{
			ElementType: types.Int64Type, Optional: true, Computed: true, Default: setdefault.StaticValue(emptyInt64Set()),
			Description: "Catalogues the " + noun + " is published in (UI: Catalogues), e.g. `1` for the Public Catalogue.",
		},
		"reference_id": schema.StringAttribute{
			Computed: true, Description: "The `_id` of the " + noun + "'s Dashboard policy.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
}

// modifyOfferingPlan is the ModifyPlan products and plans share: the
// plan-time checks (offeringPlanChecks), then, for an update of a
// Dashboard-first object, the attributes its policy owns marked unknown
// (the policy may change in the same apply; the update reads them afresh).
// get reads the model's common fields; policyOwned marks the attributes.
func modifyOfferingPlan[M any](ctx context.Context, data *providerData, kind string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	fields func(*M) offering, policyOwned func(*M),
) {
	if req.Plan.Raw.IsNull() || data == nil || data.portal == nil {
		return
	}
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	o, prior := fields(&plan), fields(&state)
	o.kind, o.creating, o.priorScopes, o.priorID = kind, creating, prior.scopes, prior.priorID
	resp.Diagnostics.Append(offeringPlanChecks(ctx, data, o)...)
	if !creating && !o.policyID.IsNull() && !req.Plan.Raw.Equal(req.State.Raw) {
		policyOwned(&plan)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}
