package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// Plan-time reference checks. Each runs only when the value is known at
// plan time and the plane is configured, and reports an error only when the
// API answers that the object does not exist; anything else is left to
// apply time.

func known64(v types.Int64) bool   { return !v.IsNull() && !v.IsUnknown() }
func knownStr(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// mustExist adds an attribute error when get reports 404.
func mustExist(diags *diag.Diagnostics, attr path.Path, what string, id any, get func() error) {
	if err := get(); client.IsNotFound(err) {
		diags.AddAttributeError(attr, what+" not found",
			fmt.Sprintf("%s %v (%s) does not exist. Check the id, or reference the resource that creates it.", what, id, attr))
	}
}

// checkPolicyShape verifies, for Dashboard-first products and plans, that
// the policy exists and is partitioned the way the Portal imports it.
func checkPolicyShape(ctx context.Context, d *dashboard.Client, policyID types.String, product bool, diags *diag.Diagnostics) {
	if d == nil || !knownStr(policyID) {
		return
	}
	p, err := d.GetPolicyOnce(ctx, policyID.ValueString())
	if client.IsNotFound(err) {
		diags.AddAttributeError(path.Root("policy_id"), "Policy not found",
			fmt.Sprintf("Dashboard policy %s does not exist. Use the id of a tyk_policy (its _id).", policyID.ValueString()))
		return
	}
	if err != nil {
		return
	}
	pt := p.Partitions
	switch {
	case product && !(pt.ACL && !pt.Quota && !pt.RateLimit):
		diags.AddAttributeError(
			path.Root("policy_id"),
			"Policy is not an API product policy",
			fmt.Sprintf(
				"Policy %q must be partitioned with only the ACL partition (partitions = { acl = true }) for the Portal to import it as an API product.",
				p.Name,
			),
		)
	case !product && !((pt.Quota || pt.RateLimit) && !pt.ACL):
		diags.AddAttributeError(path.Root("policy_id"), "Policy is not a plan policy",
			fmt.Sprintf("Policy %q must be partitioned with rate_limit and/or quota and without acl for the Portal to import it as a plan.", p.Name))
	}
}

// offering is what the plan-time checks need of a product or plan: its
// kind, its planned and prior values.
type offering struct {
	kind                string // "product" or "plan"
	creating            bool   // planned without prior state
	providerID          types.Int64
	policyID, name      types.String
	scopes, priorScopes types.Set
	priorID             types.Int64
}

// offeringPlanChecks are the plan-time checks products and plans share: on
// create, the API provider exists and a Dashboard-first policy has the
// shape the Portal imports; when scopes change, no other product or plan
// uses them.
func offeringPlanChecks(ctx context.Context, data *providerData, o offering) diag.Diagnostics {
	var diags diag.Diagnostics
	if o.creating {
		if known64(o.providerID) {
			mustExist(&diags, path.Root("provider_id"), "API provider", o.providerID.ValueInt64(), func() error {
				_, err := data.portal.APIProviderOnce(ctx, o.providerID.ValueInt64())
				return err
			})
		}
		checkPolicyShape(ctx, data.dashboard, o.policyID, o.kind == "product", &diags)
	}
	if diags.HasError() || o.scopes.IsUnknown() {
		return diags
	}
	want := setStrings(ctx, o.scopes, &diags)
	key := replaceKey(o.kind, o.providerID, o.policyID, o.name, want)
	self := int64(-1)
	if known64(o.priorID) {
		self = o.priorID.ValueInt64()
		data.scopes.noteReplaceable(key, self)
	} else if id, ok := data.scopes.replaced(key); ok {
		// Terraform replaces this object: its old scopes are its own.
		self = id
	}
	if !o.creating && o.scopes.Equal(o.priorScopes) {
		return diags
	}
	me := scopeSelf{kind: o.kind, id: self}
	if knownStr(o.policyID) {
		me.policy = o.policyID.ValueString()
	} else if self < 0 && o.policyID.IsNull() && knownStr(o.name) {
		// Planned without prior state: a new object, or a tainted one
		// being replaced. A Portal-first object of the same name is taken
		// for the latter here; if it is not, Create's check, run after
		// Terraform destroyed the tainted object, reports the clash.
		me.name = o.name.ValueString()
	}
	// Without prior state and without a known policy or name, an existing
	// owner of the scope may be this very object being replaced (its
	// policy replaced with it): only Create's check can tell.
	if self >= 0 || me.policy != "" || me.name != "" {
		diags.Append(checkScopesFree(ctx, data, want, me, path.Root("scopes"))...)
	}
	// Other products and plans of the same plan taking the same scope.
	c := plannedClaim{kind: o.kind}
	switch {
	case self >= 0:
		c.key, c.label = fmt.Sprint(self), fmt.Sprintf("%s %d", o.kind, self)
	case knownStr(o.policyID):
		c.key, c.label = "policy:"+o.policyID.ValueString(), fmt.Sprintf("the %s of policy %s", o.kind, o.policyID.ValueString())
	case knownStr(o.name):
		c.key, c.label = "name:"+o.name.ValueString(), fmt.Sprintf("%s %q", o.kind, o.name.ValueString())
	default:
		return diags
	}
	for s, other := range data.scopes.claim(want, c) {
		diags.AddAttributeError(path.Root("scopes"), "Scope used twice in this plan",
			fmt.Sprintf("Scope %q is also planned for %s. Each API product and plan needs its own unique scope, since the Gateway "+
				"maps every scope to one policy; choose another scope.", s, other.label))
	}
	return diags
}

// syncBeforeUpdate refreshes a Dashboard-first product or plan from its
// policy before the provider writes it. Its policy (a tyk_policy) owns the
// limits and the APIs; the Portal's copy is only as fresh as its last
// synchronization, and a PUT of the whole object sends that copy back, which
// a Portal may write into the policy. Synchronizing first makes the copy
// current, so an apply that changes the policy and the product or plan
// together converges in one apply.
func syncBeforeUpdate(ctx context.Context, p *portal.Client, policyID types.String, providerID types.Int64, diags *diag.Diagnostics) {
	if policyID.IsNull() || !known64(providerID) || diags.HasError() {
		return
	}
	if err := p.SynchronizeAPIProvider(ctx, providerID.ValueInt64()); err != nil {
		diags.AddError(
			"Could not synchronize the API provider",
			fmt.Sprintf(
				"Synchronizing API provider %d before updating a product or plan imported from a Dashboard policy failed: %s",
				providerID.ValueInt64(),
				err,
			),
		)
	}
}
