package portal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

func (s *server) listProviders(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, d := range pageOf(s.st.APIProviders, r) {
		out = append(out, view(d, apiProviderIndexFields))
	}
	writeList(w, out)
}

func (s *server) createProvider(w http.ResponseWriter, r *http.Request) {
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	if strField(in, "Name") == "" {
		onlyErrors(w, http.StatusUnprocessableEntity, "Name can't be blank")
		return
	}
	cfg, _ := in["Configuration"].(map[string]any)
	meta, _ := cfg["MetaData"].(string)
	if meta != "" && !json.Valid([]byte(meta)) {
		onlyErrors(w, http.StatusUnprocessableEntity, "Configuration.MetaData must be a JSON document")
		return
	}
	id := s.st.NextID("provider")
	typ := strField(in, "Type")
	if typ == "" {
		typ = "tyk-pro"
	}
	d := store.Doc{
		"ID": id, "Name": in["Name"], "Type": typ, "Status": "Unknown", "LastSynced": "Not synced yet", "LastSyncedAt": "",
		"Configuration": map[string]any{"ID": id, "MetaData": meta}, "CreatedAt": now(), "UpdatedAt": now(),
	}
	s.st.APIProviders.Put(key(id), d)
	sbJSON(w, http.StatusOK, view(d, apiProviderShowFields))
}

func (s *server) apiProviderFor(w http.ResponseWriter, r *http.Request) (string, store.Doc, bool) {
	return lookup(w, r, s.st.APIProviders, "Provider not found")
}

func (s *server) getProvider(w http.ResponseWriter, r *http.Request) {
	if _, d, ok := s.apiProviderFor(w, r); ok {
		sbJSON(w, http.StatusOK, view(d, apiProviderShowFields))
	}
}

func (s *server) updateProvider(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.apiProviderFor(w, r)
	if !ok {
		return
	}
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	cfg, _ := in["Configuration"].(map[string]any)
	meta, _ := cfg["MetaData"].(string)
	if meta != "" && !json.Valid([]byte(meta)) {
		onlyErrors(w, http.StatusUnprocessableEntity, "Configuration.MetaData must be a JSON document")
		return
	}
	if strField(in, "Name") == "" {
		onlyErrors(w, http.StatusUnprocessableEntity, "Name can't be blank")
		return
	}
	// A PUT replaces the whole object (replaceSemantics).
	s.st.APIProviders.Update(k, func(d store.Doc) {
		d["Name"] = strField(in, "Name")
		if t := strField(in, "Type"); t != "" {
			d["Type"] = t
		}
		c, _ := d["Configuration"].(map[string]any)
		c["MetaData"] = meta
		d["UpdatedAt"] = now()
	})
	d, _ := s.st.APIProviders.Get(k)
	sbJSON(w, http.StatusOK, view(d, apiProviderShowFields))
}

func (s *server) deleteProvider(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.apiProviderFor(w, r)
	if !ok {
		return
	}
	// "removes all assets related to it such as API Products and Plans"
	for _, coll := range []*store.Collection{s.st.Products, s.st.Plans} {
		for _, d := range coll.List() {
			if key(int64Field(d, "ProviderID")) == k {
				coll.Delete(key(int64Field(d, "ID")))
			}
		}
	}
	s.st.APIProviders.Delete(k)
	statusOK(w)
}

func statusWithErrors(w http.ResponseWriter, msg string) {
	sbJSON(w, http.StatusUnprocessableEntity, map[string]any{"status": "error", "errors": []string{msg}})
}

// synchronize imports the Dashboard's partitioned policies carrying one of
// the provider's policy tags (all partitioned policies when it has none):
// ACL-only policies as products, rate-limit/quota policies without ACL as
// plans. Products and plans whose policy is gone are hidden.
func (s *server) synchronize(w http.ResponseWriter, r *http.Request) {
	k, prov, ok := s.apiProviderFor(w, r)
	if !ok {
		return
	}
	// One synchronization at a time: concurrent ones would import the same
	// policy twice.
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	conn, err := s.newDashConn(prov)
	if err != nil {
		statusWithErrors(w, fmt.Sprintf("Failed to sync provider %s: %v", prov["Name"], err))
		return
	}
	policies, err := conn.policies()
	if err != nil {
		s.st.APIProviders.Update(k, func(d store.Doc) { d["Status"] = "Down" })
		statusWithErrors(w, fmt.Sprintf("Failed to sync provider %s: TykPro.Sync. getting available products: fetching policies: %v", prov["Name"], err))
		return
	}
	meta, _ := providerMeta(prov)
	var tags []string
	if raw, ok := meta["PoliciesTags"].([]any); ok {
		for _, t := range raw {
			if ts, ok := t.(string); ok {
				tags = append(tags, ts)
			}
		}
	}
	seen := map[string]bool{}
	for _, pol := range policies {
		parts, _ := pol["partitions"].(map[string]any)
		acl, _ := parts["acl"].(bool)
		quota, _ := parts["quota"].(bool)
		rate, _ := parts["rate_limit"].(bool)
		if !acl && !quota && !rate {
			continue
		}
		if len(tags) > 0 && !hasAnyTag(pol, tags) {
			continue
		}
		ref := strField(pol, "_id")
		switch {
		case acl && !quota && !rate:
			s.upsertSyncedProduct(k, pol, conn)
		case (quota || rate) && !acl:
			s.upsertSyncedPlan(k, pol)
		default:
			continue // all three: undocumented classification, not imported
		}
		seen[ref] = true
	}
	for _, coll := range []*store.Collection{s.st.Products, s.st.Plans} {
		for _, d := range coll.List() {
			if key(int64Field(d, "ProviderID")) != k || strField(d, "ReferenceID") == "" {
				continue
			}
			hidden := !seen[strField(d, "ReferenceID")]
			coll.Update(key(int64Field(d, "ID")), func(d store.Doc) { d["__hidden"] = hidden })
		}
	}
	s.st.APIProviders.Update(k, func(d store.Doc) { d["Status"] = "Up"; d["LastSynced"] = "0 seconds ago"; d["LastSyncedAt"] = now() })
	sbJSON(w, http.StatusOK, map[string]any{"status": "ok", "message": "Action Synchronize: Executed successfully"})
}

func hasAnyTag(pol store.Doc, tags []string) bool {
	raw, _ := pol["tags"].([]any)
	for _, t := range raw {
		if ts, ok := t.(string); ok && slices.Contains(tags, ts) {
			return true
		}
	}
	return false
}

func findByRef(coll *store.Collection, providerKey, ref string) (store.Doc, bool) {
	for _, d := range coll.List() {
		if key(int64Field(d, "ProviderID")) == providerKey && d["ReferenceID"] == ref {
			return d, true
		}
	}
	return nil, false
}

func apiDetailsFromPolicy(pol store.Doc, conn *dashConn) ([]any, string) {
	rights, _ := pol["access_rights"].(map[string]any)
	ids := make([]string, 0, len(rights))
	for id := range rights {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var details []any
	authType := ""
	for _, id := range ids {
		det := map[string]any{"APIID": id, "APIType": "REST", "Description": "", "OASUrl": "", "Status": true}
		if api, err := conn.api(id); err == nil {
			det["Name"] = api["name"]
			if proxy, ok := api["proxy"].(map[string]any); ok {
				det["ListenPath"], det["TargetURL"] = proxy["listen_path"], proxy["target_url"]
			}
			at := "authToken"
			if jwt, _ := api["enable_jwt"].(bool); jwt {
				at = "jwt"
			}
			if authType == "" || authType == at {
				authType = at
			} else {
				authType = "multiAuth"
			}
		}
		details = append(details, det)
	}
	return details, authType
}

func (s *server) upsertSyncedProduct(providerKey string, pol store.Doc, conn *dashConn) {
	details, authType := apiDetailsFromPolicy(pol, conn)
	ref := strField(pol, "_id")
	if d, ok := findByRef(s.st.Products, providerKey, ref); ok {
		s.st.Products.Update(key(int64Field(d, "ID")), func(d store.Doc) {
			d["Name"], d["APIDetails"], d["AuthType"], d["UpdatedAt"] = pol["name"], details, authType, now()
		})
		return
	}
	id := s.st.NextID("product")
	s.st.Products.Put(key(id), newProductDoc(id, providerKey, strField(pol, "name"), ref, details, authType))
}

func newProductDoc(id int64, providerKey, name, ref string, details []any, authType string) store.Doc {
	providerID := int64(0)
	_, _ = fmt.Sscan(providerKey, &providerID)
	return store.Doc{
		"ID": id, "Name": name, "DisplayName": "", "Description": "", "Content": "", "Path": slug(name),
		"Feature": false, "ProviderID": providerID, "IsDocumentationOnly": false, "ReferenceID": ref,
		"AuthType": authType, "AuthTypes": []any{}, "DCREnabled": false, "Scopes": "", "Catalogues": []any{},
		"Tags": []any{}, "Templates": []any{}, "APIDetails": details, "Logo": "", "Preview": "",
		"__client_types": []any{}, "CreatedAt": now(), "UpdatedAt": now(),
	}
}

func slug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 32
		}
		return '-'
	}, s), "-")
}

func (s *server) upsertSyncedPlan(providerKey string, pol store.Doc) {
	ref := strField(pol, "_id")
	// A limit the policy leaves out is unlimited (-1) for the Gateway.
	or := func(k string, def any) any {
		if v, ok := pol[k]; ok && v != nil {
			return v
		}
		return def
	}
	limits := func(d store.Doc) {
		d["Name"] = pol["name"]
		d["RateLimit"], d["Per"] = or("rate", -1), or("per", -1)
		d["Quota"], d["QuotaRenewalRate"] = or("quota_max", -1), or("quota_renewal_rate", -1)
		d["KeyExpiresIn"] = or("key_expires_in", 0)
		d["UpdatedAt"] = now()
	}
	if d, ok := findByRef(s.st.Plans, providerKey, ref); ok {
		s.st.Plans.Update(key(int64Field(d, "ID")), limits)
		return
	}
	id := s.st.NextID("plan")
	providerID := int64(0)
	_, _ = fmt.Sscan(providerKey, &providerID)
	d := store.Doc{
		"ID": id, "ProviderID": providerID, "ReferenceID": ref, "DisplayName": "", "Description": "", "JWTScope": "",
		"AutoApproveAccessRequests": false, "UnlimitedQuota": false, "UnlimitedRateLimit": false, "Catalogues": []any{},
		"MetaData": map[string]any{}, "CreatedAt": now(),
	}
	limits(d)
	s.st.Plans.Put(key(id), d)
}
