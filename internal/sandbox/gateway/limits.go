package gateway

import (
	"net/http"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// The checks after authentication, in the Gateway's order
// (gateway/api_loader.go): KeyExpired, AccessRightsCheck,
// RateLimitAndQuotaCheck.

// drlTokenValue is the distributed rate limiter's token value with one node
// (TykTechnologies/drl Init: RequestTokenValue = currentTokenValue = 100).
const drlTokenValue = 100

// bucketTTL is how long the in-memory limiter keeps a bucket
// (internal/memorycache: NewCache(ctx, 10*time.Minute)).
const bucketTTL = 10 * time.Minute

// bucket is internal/memorycache.Bucket: a leaky bucket created with the
// capacity and period of the first request that needed it.
type bucket struct {
	capacity, remaining uint
	reset               time.Time
	period              time.Duration
	created             time.Time
}

type quotaKey struct {
	count   int64
	expires time.Time // zero: never
}

func (g *Gateway) checkSession(api store.Doc, s *session) (int, string) {
	// KeyExpired (mw_key_expired_check.go).
	if s.IsInactive {
		return http.StatusForbidden, "Key is inactive, please renew"
	}
	// AccessRightsCheck (mw_access_rights.go): an empty ACL lets everything
	// through; otherwise the API must be in it (the DCR APIs are not
	// versioned).
	apiID, _ := api["api_id"].(string)
	ar, listed := s.AccessRights[apiID]
	if len(s.AccessRights) > 0 && !listed {
		return http.StatusForbidden, "Access to this API has been disallowed"
	}
	// RateLimitAndQuotaCheck → SessionLimiter.ForwardMessage
	// (session_manager.go): the API's limits, or the session's when the ACL
	// entry has none (GetAccessDefinitionByAPIIDOrSession).
	lim := ar.Limit
	if lim == (apiLimit{}) {
		lim = s.limit()
	}
	noRate, _ := api["disable_rate_limit"].(bool)
	noQuota, _ := api["disable_quota"].(bool)
	now := g.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	// "If rate is -1 or 0, it means unlimited and no need for rate limiting."
	if !noRate && lim.Rate > 0 {
		key := "rate-limit-" + ar.AllowanceScope + "-" + s.key + ":" + s.LastUpdated
		if !g.drlAllow(key, lim, now) {
			return http.StatusTooManyRequests, "Rate Limit Exceeded"
		}
	}
	if !noQuota && lim.QuotaMax > 0 {
		key := "quota-" + ar.AllowanceScope + "-" + s.key
		if g.quotaExceeded(key, lim, now) {
			return http.StatusForbidden, "Quota exceeded"
		}
	}
	return 0, ""
}

// drlAllow is SessionLimiter.limitDRL with one node: a bucket of
// rate × 100 tokens (at least one request's worth) that empties every `per`
// seconds (truncated to whole seconds, as Tyk converts it); each request
// costs 100.
func (g *Gateway) drlAllow(key string, lim apiLimit, now time.Time) bool {
	b, ok := g.buckets[key]
	if !ok || now.Sub(b.created) >= bucketTTL {
		capacity := uint(lim.Rate * drlTokenValue)
		if capacity < drlTokenValue {
			capacity = drlTokenValue
		}
		period := time.Duration(int64(lim.Per)) * time.Second
		b = &bucket{capacity: capacity, remaining: capacity, reset: now.Add(period), period: period, created: now}
		g.buckets[key] = b
	}
	if now.After(b.reset) {
		b.reset = now.Add(b.period)
		b.remaining = b.capacity
	}
	if drlTokenValue > b.remaining {
		return false
	}
	b.remaining -= drlTokenValue
	return true
}

// quotaExceeded is SessionLimiter.RedisQuotaExceeded: a Redis counter per
// session. A key that exists with a TTL is incremented; otherwise (absent, or
// kept without a TTL) a renewal rate resets it to 0 with that TTL first.
// Blocked once the count went past the quota.
func (g *Gateway) quotaExceeded(key string, lim apiLimit, now time.Time) bool {
	q, ok := g.quotas[key]
	if ok && !q.expires.IsZero() && !now.Before(q.expires) {
		ok = false // expired in Redis: gone
	}
	if !ok || q.expires.IsZero() {
		if !ok {
			q = &quotaKey{}
			g.quotas[key] = q
		}
		if lim.QuotaRenewalRate > 0 {
			q.count = 0
			q.expires = now.Add(time.Duration(lim.QuotaRenewalRate) * time.Second)
		}
	}
	q.count++
	return q.count-1 >= lim.QuotaMax
}
