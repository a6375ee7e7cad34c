package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

// The plan bypass: on the real Tyk Gateway, a token whose scopes map only to
// a policy that grants an API through its ACL partition inherits the
// session's root limits, which come from the API's default policies and are
// unlimited when those set none, or when the API has no default policy
// (the Gateway's internal/policy/apply.go, "If some APIs had only ACL
// partitions, inherit rest from session level"; observed on Gateway 5.12.1
// run with this provider's configuration). A consumer can then skip
// its plan by asking the IdP for the product scope alone. The check computes,
// with dashboard.Resolve, what a token carrying one mapped scope gets, from
// the Dashboard's objects with this plan's changes laid over them, and
// reports every scope whose token alone is allowed with no rate limit or no
// quota that its own policy does not set.

// bypassOverlay is what a plan changes, laid over the Dashboard's objects.
type bypassOverlay struct {
	policies map[string]*dashboard.Policy // by the id mappings use
	apiID    string                       // the API whose settings change
	defaults *[]string                    // its planned default policies
	mapping  map[string]string            // its planned scope entries
}

type bypassFinding struct {
	scope, apiID, apiName, policyID, policyName string
	res                                         dashboard.Resolution
	noDefaults                                  bool
}

// Message is the diagnostic detail: what happens and what to do.
func (f bypassFinding) Message() string {
	why := "its default policies set no rate limit or quota"
	if f.noDefaults {
		why = "it has no default policy (allowed from Gateway 5.11), so the session's root limits are 0: unlimited"
	}
	return fmt.Sprintf("Scope %q on API %q (%s) maps to policy %q (%s), which grants the API through its ACL partition only. "+
		"The Tyk Gateway gives such a token the limits of the session, which come from the API's default policies, and %s. "+
		"A token with only scope %q is therefore %s: a consumer can skip its plan by asking the identity provider for this scope alone.\n"+
		"Fix: give the API's default (\"No Operation\") policy floor limits, e.g. rate = 1, per = 3600, quota_max = 1, "+
		"quota_renewal_rate = 31536000 (tokens with both scopes keep the plan's limits, the more generous ones win); see the DCR guide. "+
		"If this is intended, set allow_plan_bypass = true in the provider block.",
		f.scope, f.apiName, f.apiID, f.policyName, f.policyID, why, f.scope, f.res.Describe())
}

// findPlanBypass checks the APIs an overlay touches: the overlay's API, and
// every API that names one of the overlay's policies as a default or in a
// mapping. scopes, when set, limits the check of the overlay's API to those.
func findPlanBypass(ctx context.Context, d *dashboard.Client, o bypassOverlay, scopes []string) ([]bypassFinding, error) {
	policies, err := d.SnapshotPolicies(ctx)
	if err != nil {
		return nil, err
	}
	apis, err := d.SnapshotAPIs(ctx)
	if err != nil {
		return nil, err
	}
	if o.apiID != "" && !slices.ContainsFunc(apis, func(w dashboard.APIWrapper) bool { return w.APIDefinition.APIID == o.apiID }) {
		// An API the classic list does not show (a Tyk OAS API on a
		// Dashboard that lists only Classic ones): read it on its own.
		if api, err := d.APIViewOnce(ctx, o.apiID); err == nil {
			apis = append(slices.Clone(apis), dashboard.APIWrapper{APIDefinition: *api})
		}
	}
	base := dashboard.Index(policies)
	find := func(id string) (*dashboard.Policy, bool) {
		if p, ok := o.policies[id]; ok {
			return p, p != nil
		}
		return base(id)
	}
	var out []bypassFinding
	for _, w := range apis {
		api := w.APIDefinition
		touched := api.APIID == o.apiID
		mapping := maps.Clone(api.ScopeMapping())
		if mapping == nil {
			mapping = map[string]string{}
		}
		if touched {
			if o.defaults != nil {
				api.JWTDefaultPolicies = *o.defaults
			}
			for s, p := range o.mapping {
				if p == "" {
					delete(mapping, s)
				} else {
					mapping[s] = p
				}
			}
		}
		for id := range o.policies {
			touched = touched || slices.Contains(api.JWTDefaultPolicies, id) || slices.Contains(slices.Collect(maps.Values(mapping)), id)
		}
		if !touched || !api.EnableJWT || len(mapping) == 0 {
			continue
		}
		api.JWTScopeToPolicyMapping, api.Scopes = mapping, nil
		names := slices.Sorted(maps.Keys(mapping))
		for _, scope := range names {
			if api.APIID == o.apiID && scopes != nil && !slices.Contains(scopes, scope) {
				continue
			}
			pol, ok := find(mapping[scope])
			if !ok || !pol.Partitions.ACL {
				continue // unpartitioned policies set their own limits
			}
			res := dashboard.Resolve(&api, []string{scope}, find)
			if (res.RateUnlimited() && !pol.Partitions.RateLimit) || (res.QuotaUnlimited() && !pol.Partitions.Quota) {
				out = append(out, bypassFinding{scope: scope, apiID: api.APIID, apiName: api.Name, policyID: mapping[scope],
					policyName: pol.Name, res: res, noDefaults: len(api.JWTDefaultPolicies) == 0})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].apiID+out[i].scope < out[j].apiID+out[j].scope })
	return out, nil
}

// reportPlanBypass runs findPlanBypass and reports each finding as an error
// on the attribute at. Failures to read the Dashboard are left to apply.
func reportPlanBypass(ctx context.Context, data *providerData, o bypassOverlay, scopes []string, at func(bypassFinding) path.Path, diags *diag.Diagnostics) {
	if data == nil || data.dashboard == nil || data.allowPlanBypass {
		return
	}
	findings, err := findPlanBypass(ctx, data.dashboard, o, scopes)
	if err != nil {
		return
	}
	for _, f := range findings {
		diags.AddAttributeError(at(f), "A token with only scope "+strconv.Quote(f.scope)+" would skip its plan", f.Message())
	}
}
