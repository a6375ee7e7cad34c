package portal

import (
	"net/http"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// GET /plans answers {"data":[PlanSummary...]}, the shape of the spec since
// Portal 1.13, and a bare array before (Profile.PlansEnvelope).
func (s *server) listPlans(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, d := range s.st.Plans.List() {
		if visible(d) {
			out = append(out, s.planView(d, s.prof.planSummaryFields()))
		}
	}
	out = page(out, r)
	if out == nil {
		out = []store.Doc{}
	}
	if !s.prof.PlansEnvelope {
		sbJSON(w, http.StatusOK, out)
		return
	}
	sbJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *server) planFor(w http.ResponseWriter, r *http.Request) (string, store.Doc, bool) {
	return lookup(w, r, s.st.Plans, "Plan not found")
}

func (s *server) getPlan(w http.ResponseWriter, r *http.Request) {
	if _, d, ok := s.planFor(w, r); ok {
		sbJSON(w, http.StatusOK, s.planView(d, s.prof.planShowFields()))
	}
}

var planFields = []string{"DisplayName", "Description", "JWTScope", "AutoApproveAccessRequests", "RateLimit", "Per", "Quota",
	"QuotaRenewalRate", "PlanQuota", "PlanQuotaRenewalRate", "UnlimitedQuota", "UnlimitedRateLimit", "KeyExpiresIn", "MetaData", "CID"}

// applyPlanFields sets the writable fields of a create or a PUT; a PUT
// replaces the whole object (replaceSemantics), so a field left out is reset.
func (s *server) applyPlanFields(in, d store.Doc) error {
	for _, f := range planFields {
		if v, ok := in[f]; ok {
			d[f] = v
		} else {
			delete(d, f)
		}
	}
	for _, f := range []string{"DisplayName", "Description", "JWTScope", "CID"} {
		d[f] = strField(in, f)
	}
	for _, f := range []string{"AutoApproveAccessRequests", "UnlimitedQuota", "UnlimitedRateLimit"} {
		v, _ := in[f].(bool)
		d[f] = v
	}
	if _, ok := d["MetaData"].(map[string]any); !ok {
		d["MetaData"] = map[string]any{}
	}
	// Plan.Catalogues are ids, on reads as on writes (spec Plan).
	if _, err := s.catalogueNames(in["Catalogues"]); err != nil {
		return err
	}
	ids, _ := in["Catalogues"].([]any)
	if ids == nil {
		ids = []any{}
	}
	d["Catalogues"] = ids
	d["UpdatedAt"] = now()
	return nil
}

// planPolicy is the limits-only policy the Portal creates for a plan.
func planPolicy(d store.Doc, tags []any) store.Doc {
	num := func(k string, def any) any {
		if v, ok := d[k]; ok && v != nil {
			return v
		}
		return def
	}
	rate, per, quota, renew := num("RateLimit", -1), num("Per", -1), num("Quota", -1), num("QuotaRenewalRate", -1)
	if u, _ := d["UnlimitedRateLimit"].(bool); u {
		rate, per = -1, -1
	}
	if u, _ := d["UnlimitedQuota"].(bool); u {
		quota, renew = -1, -1
	}
	return store.Doc{
		"name": d["Name"], "active": true, "is_inactive": false, "tags": tags,
		"rate": rate, "per": per, "quota_max": quota, "quota_renewal_rate": renew,
		"throttle_interval": -1, "throttle_retry_limit": -1, "max_query_depth": -1, "key_expires_in": num("KeyExpiresIn", 0),
		"meta_data":     map[string]any{},
		"partitions":    map[string]any{"acl": false, "quota": true, "rate_limit": true, "complexity": false, "per_api": false},
		"access_rights": map[string]any{},
	}
}

func (s *server) createPlan(w http.ResponseWriter, r *http.Request) {
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	if strField(in, "Name") == "" {
		onlyErrors(w, http.StatusUnprocessableEntity, "Name can't be blank")
		return
	}
	providerKey := key(int64Field(in, "ProviderID"))
	prov, ok := s.st.APIProviders.Get(providerKey)
	if !ok {
		onlyErrors(w, http.StatusUnprocessableEntity, "Provider not found")
		return
	}
	conn, err := s.newDashConn(prov)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	id := s.st.NextID("plan")
	d := store.Doc{
		"ID": id, "Name": in["Name"], "ProviderID": int64Field(in, "ProviderID"), "DisplayName": "", "Description": "",
		"JWTScope": "", "AutoApproveAccessRequests": false, "UnlimitedQuota": false, "UnlimitedRateLimit": false,
		"Catalogues": []any{}, "MetaData": map[string]any{}, "CreatedAt": now(),
	}
	if err := s.applyPlanFields(in, d); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	ref, err := conn.createPolicy(planPolicy(d, providerTags(prov)))
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "creating the plan's policy in the provider: "+err.Error())
		return
	}
	d["ReferenceID"] = ref
	s.st.Plans.Put(key(id), d)
	sbJSON(w, http.StatusOK, s.planView(d, s.prof.planShowFields()))
}

func (s *server) updatePlan(w http.ResponseWriter, r *http.Request) {
	k, d, ok := s.planFor(w, r)
	if !ok {
		return
	}
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	if !s.prof.PlanNumbers {
		// Before 1.13 a plan is its Dashboard policy plus display settings:
		// Plan-update is {AutoApproveAccessRequests, Catalogues, DisplayName,
		// Description, JWTScope} (the 1.12 spec), and a PUT leaves the
		// policy alone.
		for _, f := range []string{"DisplayName", "Description", "JWTScope"} {
			d[f] = strField(in, f)
		}
		auto, _ := in["AutoApproveAccessRequests"].(bool)
		d["AutoApproveAccessRequests"] = auto
		if _, err := s.catalogueNames(in["Catalogues"]); err != nil {
			onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
		ids, _ := in["Catalogues"].([]any)
		if ids == nil {
			ids = []any{}
		}
		d["Catalogues"] = ids
		s.st.Plans.Put(k, d)
		sbJSON(w, http.StatusOK, s.planView(d, s.prof.planShowFields()))
		return
	}
	if n := strField(in, "Name"); n != "" {
		d["Name"] = n
	} else {
		onlyErrors(w, http.StatusUnprocessableEntity, "Name can't be blank")
		return
	}
	if err := s.applyPlanFields(in, d); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if ref := strField(d, "ReferenceID"); ref != "" {
		if prov, ok := s.st.APIProviders.Get(key(int64Field(d, "ProviderID"))); ok {
			if conn, err := s.newDashConn(prov); err == nil {
				if pol, err := conn.getPolicy(ref); err == nil {
					fresh := planPolicy(d, providerTags(prov))
					for _, f := range []string{"name", "rate", "per", "quota_max", "quota_renewal_rate", "key_expires_in"} {
						pol[f] = fresh[f]
					}
					_ = conn.updatePolicy(ref, pol)
				}
			}
		}
	}
	s.st.Plans.Put(k, d)
	sbJSON(w, http.StatusOK, s.planView(d, s.prof.planShowFields()))
}

func (s *server) deletePlan(w http.ResponseWriter, r *http.Request) {
	k, d, ok := s.planFor(w, r)
	if !ok {
		return
	}
	if err := s.deletePolicyOf(d); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "deleting the plan's policy in the provider: "+err.Error())
		return
	}
	s.st.Plans.Delete(k)
	statusOK(w)
}
