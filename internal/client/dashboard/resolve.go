package dashboard

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// Resolution is what a Tyk Gateway (5.x) does with a JWT carrying some
// scopes on a Classic API, computed from the API definition and the
// policies as the Dashboard holds them, with the Gateway's own rules:
// gateway/mw_jwt.go (processCentralisedJWT: default policies start the
// session; a token with scopes gets only the mapped policies; none mapped is
// refused), internal/policy/apply.go (partitions merged; an API granted only
// by an ACL partition inherits the session's root limits; the more generous
// limit wins) and gateway/session_manager.go (a rate or quota ≤ 0 is
// unlimited). GraphQL, per-API and endpoint limits are not modelled.
type Resolution struct {
	Allowed bool
	// Status and Message are the Gateway's refusal (0 and "" when allowed).
	Status  int
	Message string
	// Policies are the policies applied to the token's session.
	Policies []string
	// Rate requests per Per seconds and QuotaMax per QuotaRenewalRate
	// seconds on this API; Rate or QuotaMax ≤ 0 means unlimited.
	Rate, Per                  float64
	QuotaMax, QuotaRenewalRate int64
}

// RateUnlimited and QuotaUnlimited tell whether the session is unbounded.
func (r Resolution) RateUnlimited() bool  { return r.Allowed && (r.Rate <= 0 || r.Per <= 0) }
func (r Resolution) QuotaUnlimited() bool { return r.Allowed && r.QuotaMax <= 0 }

// PolicyFinder returns a policy by the id the Gateway indexes it under.
type PolicyFinder func(id string) (*Policy, bool)

// Index returns a PolicyFinder over policies, indexed as Gateways ≥ 5.11 do:
// by the custom `id` when set, else by `_id` (internal/model/policies.go).
func Index(policies []Policy) PolicyFinder {
	by := map[string]*Policy{}
	for i := range policies {
		p := &policies[i]
		if p.ID != "" {
			by[p.ID] = p
		} else if p.MID != "" {
			by[p.MID] = p
		}
	}
	return func(id string) (*Policy, bool) { p, ok := by[id]; return p, ok }
}

type limits struct {
	rate, per        float64
	quota, quotaRate int64
}

func (l limits) duration() float64 {
	if l.rate <= 0 || l.per <= 0 {
		return 0
	}
	return l.per / l.rate
}

type grant struct {
	acl, didRate, didQuota, didComplexity bool
	lim                                   limits
}

// Resolve answers for a token with scopes (none: the default policies).
func Resolve(api *APIDefinition, scopes []string, find PolicyFinder) Resolution {
	if !api.EnableJWT {
		return Resolution{Status: http.StatusUnauthorized, Message: "the API does not use JWT authentication"}
	}
	var root limits
	var policies []string
	defaults := api.JWTDefaultPolicies
	if len(defaults) > 0 {
		base, ok := find(defaults[0])
		if !ok {
			return Resolution{Status: http.StatusForbidden, Message: "key not authorized: no matching policy"}
		}
		// generateSessionFromPolicy, then the default policies applied.
		root = limits{base.Rate, base.Per, base.QuotaMax, base.QuotaRenewalRate}
		policies = slices.Clone(defaults)
		var err error
		if root, _, err = apply(root, policies, api.APIID, find); err != nil {
			return Resolution{Status: http.StatusInternalServerError, Message: "failed to create key: " + err.Error()}
		}
	}
	mapping := api.ScopeMapping()
	if len(mapping) > 0 && len(scopes) > 0 {
		var mapped []string
		for _, s := range scopes {
			if id, ok := mapping[s]; ok && !slices.Contains(mapped, id) {
				mapped = append(mapped, id)
			}
		}
		if len(mapped) == 0 {
			return Resolution{Status: http.StatusForbidden, Message: "key not authorized: no matching policy found in scope claim"}
		}
		policies = mapped
	}
	if len(policies) == 0 {
		return Resolution{Status: http.StatusForbidden, Message: "key not authorized: no matching policy found"}
	}
	_, g, err := apply(root, policies, api.APIID, find)
	if err != nil {
		return Resolution{Status: http.StatusForbidden, Message: "key not authorized: could not apply several policies", Policies: policies}
	}
	if g == nil {
		return Resolution{Status: http.StatusForbidden, Message: "Access to this API has been disallowed", Policies: policies}
	}
	lim := g.lim
	return Resolution{Allowed: true, Policies: policies, Rate: lim.rate, Per: lim.per, QuotaMax: lim.quota, QuotaRenewalRate: lim.quotaRate}
}

// apply merges policies into a session whose root limits start at root. It
// returns the session's root limits after the merge, this API's grant (nil
// when no policy names it), and the Gateway's "key has no valid policies"
// error when no policy grants any API through an ACL.
func apply(root limits, ids []string, apiID string, find PolicyFinder) (limits, *grant, error) {
	// ClearSession: the partitions of the applied policies reset the root.
	for _, id := range ids {
		p, ok := find(id)
		if !ok {
			continue
		}
		all := !partitioned(p)
		if p.Partitions.Quota || all {
			root.quota = 0
		}
		if p.Partitions.RateLimit || all {
			root.rate, root.per = 0, 0
		}
	}
	grants := map[string]*grant{}
	found := 0
	for _, id := range ids {
		p, ok := find(id)
		if !ok {
			if len(ids) > 1 {
				continue
			}
			return root, nil, fmt.Errorf("policy not found: %q", id)
		}
		found++
		use := partitioned(p)
		pl := limits{p.Rate, p.Per, p.QuotaMax, p.QuotaRenewalRate}
		for api := range p.AccessRights {
			g := grants[api]
			if g == nil {
				g = &grant{}
				grants[api] = g
			}
			if !use || p.Partitions.ACL {
				g.acl = true
			}
			if !use || p.Partitions.Complexity {
				g.didComplexity = true
			}
			if !use || p.Partitions.Quota {
				g.didQuota = true
				if greater(pl.quota, g.lim.quota) {
					g.lim.quota = pl.quota
					if greater(pl.quota, root.quota) {
						root.quota = pl.quota
					}
				}
				if pl.quotaRate > g.lim.quotaRate {
					g.lim.quotaRate = pl.quotaRate
					if pl.quotaRate > root.quotaRate {
						root.quotaRate = pl.quotaRate
					}
				}
			}
			if !use || p.Partitions.RateLimit {
				g.didRate = true
				if pl.rate != 0 && pl.per != 0 {
					if (g.lim.rate == 0 || g.lim.per == 0) || g.lim.duration() > pl.duration() {
						g.lim.rate, g.lim.per = pl.rate, pl.per
					}
					if (root.rate == 0 || root.per == 0) || root.duration() > pl.duration() {
						root.rate, root.per = pl.rate, pl.per
					}
				}
			}
		}
		if len(p.AccessRights) == 0 { // a policy without APIs sets the root
			if !use || p.Partitions.RateLimit {
				root.rate, root.per = pl.rate, pl.per
			}
			if !use || p.Partitions.Quota {
				root.quota, root.quotaRate = pl.quota, pl.quotaRate
			}
		}
	}
	// "If some APIs had only ACL partitions, inherit rest from session
	// level"; APIs without an ACL grant are dropped.
	var rate, quota, complexity int
	for api, g := range grants {
		if !g.acl {
			delete(grants, api)
			continue
		}
		if !g.didRate {
			g.lim.rate, g.lim.per = root.rate, root.per
		}
		if !g.didQuota {
			g.lim.quota, g.lim.quotaRate = root.quota, root.quotaRate
		}
	}
	for _, g := range grants {
		if g.didRate {
			rate++
		}
		if g.didQuota {
			quota++
		}
		if g.didComplexity {
			complexity++
		}
	}
	// updateSessionRootVars: one API set by every partition → its limits
	// become the session's.
	if rate == 1 && quota == 1 && complexity == 1 {
		for _, g := range grants {
			root = g.lim
		}
	}
	if found > 0 && len(grants) == 0 {
		return root, nil, fmt.Errorf("key has no valid policies to be applied")
	}
	return root, grants[apiID], nil
}

func partitioned(p *Policy) bool {
	return p.Partitions.Quota || p.Partitions.RateLimit || p.Partitions.ACL || p.Partitions.Complexity
}

// greater is internal/policy/util.go greaterThanInt64: -1 (unlimited) is
// greater than anything.
func greater(a, b int64) bool {
	if a == -1 {
		return true
	}
	if b == -1 {
		return false
	}
	return a > b
}

// Describe says in words what a resolution means, for diagnostics.
func (r Resolution) Describe() string {
	if !r.Allowed {
		return fmt.Sprintf("refused: %d %q", r.Status, r.Message)
	}
	rate := "no rate limit"
	if !r.RateUnlimited() {
		rate = fmt.Sprintf("%g requests per %g s", r.Rate, r.Per)
	}
	quota := "no quota"
	if !r.QuotaUnlimited() {
		quota = fmt.Sprintf("a quota of %d per %d s", r.QuotaMax, r.QuotaRenewalRate)
	}
	ids := slices.Clone(r.Policies)
	sort.Strings(ids)
	return fmt.Sprintf("allowed with %s and %s (policies %s)", rate, quota, strings.Join(ids, ", "))
}
