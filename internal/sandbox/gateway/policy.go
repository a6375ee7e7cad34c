package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// This file follows the open-source Tyk Gateway v5.12.1
// (TykTechnologies/tyk): internal/policy/apply.go (Service.Apply,
// ClearSession, applyPartitions, ApplyRateLimits, updateSessionRootVars),
// internal/policy/util.go (greaterThanInt64), user/session.go (APILimit,
// RateLimit.Duration) and user/policy.go (Policy.APILimit,
// PolicyPartitions.Enabled). Only what a Classic API with partitioned or
// plain policies needs is kept: GraphQL, endpoint-level limits, smoothing and
// complexity are not emulated.

// apiLimit is user.APILimit.
type apiLimit struct {
	Rate, Per          float64
	QuotaMax           int64
	QuotaRenewalRate   int64
	ThrottleInterval   float64
	ThrottleRetryLimit int64
	SetBy              string
}

// duration is RateLimit.Duration: the time between two allowed requests;
// 0 for no limit (rate or per <= 0).
func (l apiLimit) duration() time.Duration {
	if l.Per <= 0 || l.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) * l.Per / l.Rate)
}

func (l apiLimit) emptyRate() bool { return l.Rate == 0 || l.Per == 0 }

// accessDef is user.AccessDefinition.
type accessDef struct {
	Versions       []string
	Limit          apiLimit
	AllowanceScope string
}

// session is the part of user.SessionState the DCR flow touches.
type session struct {
	Rate, Per          float64
	QuotaMax           int64
	QuotaRenewalRate   int64
	ThrottleInterval   float64
	ThrottleRetryLimit int64
	AccessRights       map[string]accessDef
	Policies           []string
	IsInactive         bool
	LastUpdated        string
	// key identifies the session (the md5 of the JWT identity).
	key string
}

func (s *session) limit() apiLimit {
	return apiLimit{Rate: s.Rate, Per: s.Per, QuotaMax: s.QuotaMax, QuotaRenewalRate: s.QuotaRenewalRate,
		ThrottleInterval: s.ThrottleInterval, ThrottleRetryLimit: s.ThrottleRetryLimit}
}

// policy is user.Policy, decoded from the Dashboard's stored document.
type policy struct {
	ID                 string
	OrgID              string
	Rate, Per          float64
	QuotaMax           int64
	QuotaRenewalRate   int64
	ThrottleInterval   float64
	ThrottleRetryLimit int64
	IsInactive         bool
	LastUpdated        string
	KeyExpiresIn       int64
	Partitions         struct{ Quota, RateLimit, Complexity, ACL, PerAPI bool }
	AccessRights       map[string][]string // api id → versions
}

func (p *policy) limit() apiLimit {
	return apiLimit{Rate: p.Rate, Per: p.Per, QuotaMax: p.QuotaMax, QuotaRenewalRate: p.QuotaRenewalRate,
		ThrottleInterval: p.ThrottleInterval, ThrottleRetryLimit: p.ThrottleRetryLimit}
}

func (p *policy) partitioned() bool {
	return p.Partitions.Quota || p.Partitions.RateLimit || p.Partitions.ACL || p.Partitions.Complexity
}

func decodePolicy(id string, d store.Doc) *policy {
	p := &policy{ID: id, AccessRights: map[string][]string{}}
	p.OrgID, _ = d["org_id"].(string)
	p.Rate, p.Per = num(d["rate"]), num(d["per"])
	p.QuotaMax, p.QuotaRenewalRate = int64(num(d["quota_max"])), int64(num(d["quota_renewal_rate"]))
	p.ThrottleInterval, p.ThrottleRetryLimit = num(d["throttle_interval"]), int64(num(d["throttle_retry_limit"]))
	p.IsInactive, _ = d["is_inactive"].(bool)
	p.LastUpdated, _ = d["last_updated"].(string)
	p.KeyExpiresIn = int64(num(d["key_expires_in"]))
	if parts, ok := d["partitions"].(map[string]any); ok {
		p.Partitions.Quota, _ = parts["quota"].(bool)
		p.Partitions.RateLimit, _ = parts["rate_limit"].(bool)
		p.Partitions.Complexity, _ = parts["complexity"].(bool)
		p.Partitions.ACL, _ = parts["acl"].(bool)
		p.Partitions.PerAPI, _ = parts["per_api"].(bool)
	}
	rights, _ := d["access_rights"].(map[string]any)
	for apiID, raw := range rights {
		def, _ := raw.(map[string]any)
		var versions []string
		if vs, ok := def["versions"].([]any); ok {
			for _, v := range vs {
				versions = append(versions, fmt.Sprint(v))
			}
		}
		p.AccessRights[apiID] = versions
	}
	return p
}

func num(v any) float64 {
	switch t := v.(type) {
	case json.Number:
		f, _ := t.Float64()
		return f
	case float64:
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	}
	return 0
}

// greaterThanInt64 is internal/policy/util.go: -1 (unlimited) is greater
// than anything.
func greaterThanInt64(first, second int64) bool {
	if first == -1 {
		return true
	}
	if second == -1 {
		return false
	}
	return first > second
}

var errNoValidPolicies = errors.New("key has no valid policies to be applied")

// applyPolicies is Service.Apply for s.Policies, looked up with find.
func applyPolicies(s *session, find func(string) (*policy, bool)) error {
	rights := map[string]accessDef{}
	didQuota, didRate, didACL, didComplexity := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	clearSession(s, find)

	inactive := s.IsInactive
	if len(s.Policies) > 0 {
		inactive = false
	}
	for _, id := range s.Policies {
		pol, ok := find(id)
		if !ok {
			// "policy not found": skipped when several are applied.
			if len(s.Policies) > 1 {
				continue
			}
			return fmt.Errorf("policy not found: %q", id)
		}
		if pol.Partitions.PerAPI {
			// Per-API limits are outside the DCR flow this gateway serves.
			return fmt.Errorf("cannot apply policy %s: per_api is not emulated", pol.ID)
		}
		applyPartitions(s, pol, rights, didQuota, didRate, didACL, didComplexity)
		inactive = inactive || pol.IsInactive
		if pol.LastUpdated > s.LastUpdated { // a string comparison, as in Tyk
			s.LastUpdated = pol.LastUpdated
		}
	}
	s.IsInactive = inactive

	distinctACL := map[string]bool{}
	for _, v := range rights {
		if v.Limit.SetBy != "" {
			distinctACL[v.Limit.SetBy] = true
		}
	}
	// "If some APIs had only ACL partitions, inherit rest from session level"
	for k, v := range rights {
		if !didACL[k] {
			delete(rights, k)
			continue
		}
		if !didRate[k] {
			v.Limit.Rate, v.Limit.Per = s.Rate, s.Per
			v.Limit.ThrottleInterval, v.Limit.ThrottleRetryLimit = s.ThrottleInterval, s.ThrottleRetryLimit
		}
		if !didQuota[k] {
			v.Limit.QuotaMax, v.Limit.QuotaRenewalRate = s.QuotaMax, s.QuotaRenewalRate
		}
		if len(distinctACL) > 1 && v.AllowanceScope == "" && v.Limit.SetBy != "" {
			v.AllowanceScope = v.Limit.SetBy
		}
		v.Limit.SetBy = ""
		rights[k] = v
	}
	// updateSessionRootVars: one API set by every partition → its limits
	// are the session's.
	if len(didQuota) == 1 && len(didRate) == 1 && len(didComplexity) == 1 {
		for _, v := range rights {
			s.Rate, s.Per = v.Limit.Rate, v.Limit.Per
			s.QuotaMax, s.QuotaRenewalRate = v.Limit.QuotaMax, v.Limit.QuotaRenewalRate
		}
	}
	if len(didACL) > 0 {
		s.AccessRights = rights
	}
	if len(rights) == 0 && s.Policies != nil {
		return errNoValidPolicies
	}
	return nil
}

// clearSession is Service.ClearSession: the partitions of the applied
// policies reset the session's limits, so the policies' values win.
func clearSession(s *session, find func(string) (*policy, bool)) {
	for _, id := range s.Policies {
		pol, ok := find(id)
		if !ok {
			return // logged as a warning by Tyk; Apply goes on
		}
		all := !pol.partitioned()
		if pol.Partitions.Quota || all {
			s.QuotaMax = 0
		}
		if pol.Partitions.RateLimit || all {
			s.Rate, s.Per, s.ThrottleInterval, s.ThrottleRetryLimit = 0, 0, 0, 0
		}
	}
}

// applyPartitions is Service.applyPartitions.
func applyPartitions(s *session, pol *policy, rights map[string]accessDef, didQuota, didRate, didACL, didComplexity map[string]bool) {
	use := pol.partitioned()
	for k := range pol.AccessRights {
		if _, ok := rights[k]; !ok {
			rights[k] = accessDef{}
		}
	}
	for k, versions := range pol.AccessRights {
		ar := rights[k]
		if !use || pol.Partitions.ACL {
			didACL[k] = true
			for _, v := range versions {
				if !slices.Contains(ar.Versions, v) {
					ar.Versions = append(ar.Versions, v)
				}
			}
			ar.Limit.SetBy = pol.ID
		}
		if !use || pol.Partitions.Complexity {
			didComplexity[k] = true // query depth itself is not emulated
		}
		if !use || pol.Partitions.Quota {
			didQuota[k] = true
			if greaterThanInt64(pol.QuotaMax, ar.Limit.QuotaMax) {
				ar.Limit.QuotaMax = pol.QuotaMax
				if greaterThanInt64(pol.QuotaMax, s.QuotaMax) {
					s.QuotaMax = pol.QuotaMax
				}
			}
			if pol.QuotaRenewalRate > ar.Limit.QuotaRenewalRate {
				ar.Limit.QuotaRenewalRate = pol.QuotaRenewalRate
				if pol.QuotaRenewalRate > s.QuotaRenewalRate {
					s.QuotaRenewalRate = pol.QuotaRenewalRate
				}
			}
		}
		if !use || pol.Partitions.RateLimit {
			didRate[k] = true
			applyRateLimits(s, pol, &ar.Limit)
			if pol.ThrottleRetryLimit > ar.Limit.ThrottleRetryLimit {
				ar.Limit.ThrottleRetryLimit = pol.ThrottleRetryLimit
			}
			if pol.ThrottleInterval > ar.Limit.ThrottleInterval {
				ar.Limit.ThrottleInterval = pol.ThrottleInterval
			}
		}
		rights[k] = ar
	}
	// "Master policy case": a policy without access rights sets the
	// session's (root) limits.
	if len(pol.AccessRights) == 0 {
		if !use || pol.Partitions.RateLimit {
			s.Rate, s.Per = pol.Rate, pol.Per
			s.ThrottleInterval, s.ThrottleRetryLimit = pol.ThrottleInterval, pol.ThrottleRetryLimit
		}
		if !use || pol.Partitions.Quota {
			s.QuotaMax, s.QuotaRenewalRate = pol.QuotaMax, pol.QuotaRenewalRate
		}
	}
}

// applyRateLimits is Service.ApplyRateLimits: the policy's rate is written
// when the current one is empty or allows fewer requests.
func applyRateLimits(s *session, pol *policy, api *apiLimit) {
	pl := pol.limit()
	if pl.emptyRate() {
		return
	}
	if api.emptyRate() || api.duration() > pl.duration() {
		api.Rate, api.Per = pl.Rate, pl.Per
	}
	if sl := s.limit(); sl.emptyRate() || sl.duration() > pl.duration() {
		s.Rate, s.Per = pl.Rate, pl.Per
	}
}

// sessionFromPolicy is gateway/mw_jwt.go generateSessionFromPolicy: the
// base (default) policy's limits and access rights start the session.
func sessionFromPolicy(pol *policy) session {
	s := session{
		Policies: []string{pol.ID}, Rate: pol.Rate, Per: pol.Per, QuotaMax: pol.QuotaMax, QuotaRenewalRate: pol.QuotaRenewalRate,
		ThrottleInterval: pol.ThrottleInterval, ThrottleRetryLimit: pol.ThrottleRetryLimit, IsInactive: pol.IsInactive,
		AccessRights: map[string]accessDef{},
	}
	for apiID, versions := range pol.AccessRights {
		s.AccessRights[apiID] = accessDef{Versions: versions}
	}
	return s
}
