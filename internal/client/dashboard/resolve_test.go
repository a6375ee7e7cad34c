package dashboard

import (
	"net/http"
	"testing"
)

// The configuration of the recording ../shared/tyk-recordings/
// gateway-5.12.1-dcr.md: product {acl}, plan {rate_limit, quota} 5/1 s and
// 1000/3600 s, No-Op default policy with the provider's default limits (-1).
func recordedSetup() (*APIDefinition, []Policy) {
	api := &APIDefinition{APIID: "payments", EnableJWT: true, JWTDefaultPolicies: []string{"noop"},
		JWTScopeToPolicyMapping: map[string]string{"product_payments": "product", "free_plan": "plan"}}
	policies := []Policy{
		{ID: "product", Rate: -1, Per: -1, QuotaMax: -1, QuotaRenewalRate: -1, Partitions: Partitions{ACL: true},
			AccessRights: map[string]AccessDefinition{"payments": {APIID: "payments"}}},
		{ID: "plan", Rate: 5, Per: 1, QuotaMax: 1000, QuotaRenewalRate: 3600, Partitions: Partitions{RateLimit: true, Quota: true},
			AccessRights: map[string]AccessDefinition{"payments": {APIID: "payments"}}},
		{ID: "noop", Rate: -1, Per: -1, QuotaMax: -1, QuotaRenewalRate: -1, AccessRights: map[string]AccessDefinition{"noop-api": {APIID: "noop-api"}}},
	}
	return api, policies
}

func TestResolveRecordedConfiguration(t *testing.T) {
	api, policies := recordedSetup()
	find := Index(policies)
	both := Resolve(api, []string{"product_payments", "free_plan"}, find)
	if !both.Allowed || both.Rate != 5 || both.Per != 1 || both.QuotaMax != 1000 {
		t.Fatalf("product+plan: %+v", both)
	}
	product := Resolve(api, []string{"product_payments"}, find)
	if !product.Allowed || !product.RateUnlimited() || !product.QuotaUnlimited() {
		t.Fatalf("product only (the recorded plan bypass): %+v", product)
	}
	plan := Resolve(api, []string{"free_plan"}, find)
	if plan.Allowed || plan.Status != http.StatusForbidden || plan.Message != "key not authorized: could not apply several policies" {
		t.Fatalf("plan only: %+v", plan)
	}
	none := Resolve(api, []string{"other"}, find)
	if none.Allowed || none.Message != "key not authorized: no matching policy found in scope claim" {
		t.Fatalf("unmapped scope: %+v", none)
	}
	noScopes := Resolve(api, nil, find)
	if noScopes.Allowed || noScopes.Message != "Access to this API has been disallowed" {
		t.Fatalf("no scopes (the No-Op default policy): %+v", noScopes)
	}
}

func TestResolveRecordedFixes(t *testing.T) {
	for name, fix := range map[string]func([]Policy){
		"floor on the product policy": func(p []Policy) {
			p[0].Partitions = Partitions{ACL: true, RateLimit: true, Quota: true}
			p[0].Rate, p[0].Per, p[0].QuotaMax, p[0].QuotaRenewalRate = 1, 3600, 1, 31536000
		},
		"floor on the default policy": func(p []Policy) {
			p[2].Rate, p[2].Per, p[2].QuotaMax, p[2].QuotaRenewalRate = 1, 3600, 1, 31536000
		},
	} {
		api, policies := recordedSetup()
		fix(policies)
		find := Index(policies)
		both := Resolve(api, []string{"product_payments", "free_plan"}, find)
		if !both.Allowed || both.Rate != 5 || both.Per != 1 {
			t.Errorf("%s: product+plan keeps the plan's (more generous) rate: %+v", name, both)
		}
		product := Resolve(api, []string{"product_payments"}, find)
		if !product.Allowed || product.Rate != 1 || product.Per != 3600 || product.QuotaMax != 1 {
			t.Errorf("%s: product only held to the floor: %+v", name, product)
		}
	}
}

func TestResolveWithoutDefaultPolicy(t *testing.T) {
	api, policies := recordedSetup()
	api.JWTDefaultPolicies = nil // allowed from Gateway 5.11
	product := Resolve(api, []string{"product_payments"}, Index(policies))
	if !product.Allowed || !product.RateUnlimited() {
		t.Fatalf("no default policy: root limits are 0, unlimited: %+v", product)
	}
}
