package portal

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// Catalogues every Portal starts with.
func seedCatalogues(st *store.Store) {
	if st.Catalogues.Len() > 0 {
		return
	}
	for _, c := range []struct {
		name, slug, vis string
	}{{"Public Catalogue", "public-catalogue", "Public"}, {"Private Catalogue", "private-catalogue", "Private"}} {
		id := st.NextID("catalogue")
		st.Catalogues.Put(key(id), store.Doc{"ID": id, "Name": c.name, "NameWithSlug": c.slug, "VisibilityStatus": c.vis})
	}
}

func (s *server) listCatalogues(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, c := range pageOf(s.st.Catalogues, r) {
		out = append(out, view(c, catalogueIndexFields))
	}
	writeList(w, out)
}

// catalogueNames turns ids from a write into the names GET returns; an
// unknown id is an error.
func (s *server) catalogueNames(raw any) ([]any, error) {
	list, _ := raw.([]any)
	names := []any{}
	for _, v := range list {
		id := int64Field(store.Doc{"v": v}, "v")
		c, ok := s.st.Catalogues.Get(key(id))
		if !ok {
			return nil, fmt.Errorf("catalogue %v not found", v)
		}
		names = append(names, c["Name"])
	}
	return names, nil
}

func visible(d store.Doc) bool { hidden, _ := d["__hidden"].(bool); return !hidden }

func (s *server) listProducts(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, d := range s.st.Products.List() {
		if visible(d) {
			out = append(out, s.productIndex(d))
		}
	}
	writeList(w, page(out, r))
}

func (s *server) productFor(w http.ResponseWriter, r *http.Request) (string, store.Doc, bool) {
	return lookup(w, r, s.st.Products, "API Product not found")
}

func (s *server) getProduct(w http.ResponseWriter, r *http.Request) {
	if _, d, ok := s.productFor(w, r); ok {
		sbJSON(w, http.StatusOK, s.productShow(d))
	}
}

// productPolicy builds the ACL-only policy the Portal creates for a product.
func productPolicy(name string, tags []any, details []any) store.Doc {
	rights := map[string]any{}
	for _, d := range details {
		det, _ := d.(map[string]any)
		id := strField(det, "APIID")
		rights[id] = map[string]any{"api_id": id, "api_name": det["Name"], "versions": []any{"Default"}, "allowed_urls": []any{}, "limit": nil}
	}
	return store.Doc{
		"name": name, "active": true, "is_inactive": false, "tags": tags,
		"rate": -1, "per": -1, "quota_max": -1, "quota_renewal_rate": -1, "throttle_interval": -1, "throttle_retry_limit": -1,
		"max_query_depth": -1, "key_expires_in": 0, "meta_data": map[string]any{},
		"partitions":    map[string]any{"acl": true, "quota": false, "rate_limit": false, "complexity": false, "per_api": false},
		"access_rights": rights,
	}
}

func providerTags(prov store.Doc) []any {
	meta, _ := providerMeta(prov)
	tags, _ := meta["PoliciesTags"].([]any)
	if tags == nil {
		tags = []any{}
	}
	return tags
}

// resolveDetails checks each APIID against the Dashboard and fills names.
func resolveDetails(in store.Doc, conn *dashConn) ([]any, string, error) {
	raw, _ := in["APIDetails"].([]any)
	var details []any
	authType := ""
	for _, item := range raw {
		det, _ := item.(map[string]any)
		id := strField(det, "APIID")
		api, err := conn.api(id)
		if err != nil {
			return nil, "", fmt.Errorf("API %q not found in the provider", id)
		}
		proxy, _ := api["proxy"].(map[string]any)
		at := "authToken"
		if jwt, _ := api["enable_jwt"].(bool); jwt {
			at = "jwt"
		}
		if authType != "" && authType != at {
			return nil, "", fmt.Errorf("all APIs of a product must use the same authentication method")
		}
		authType = at
		details = append(details, map[string]any{
			"APIID": id, "APIType": "REST", "Name": api["name"], "Description": strField(det, "Description"),
			"ListenPath": proxy["listen_path"], "TargetURL": proxy["target_url"], "OASUrl": strField(det, "OASUrl"), "Status": true,
		})
	}
	if details == nil {
		details = []any{}
	}
	return details, authType, nil
}

// applyProductFields sets the writable fields of a create or a PUT; a PUT
// replaces the whole object (replaceSemantics), so a field left out is reset.
// Path defaults to the name's slug, as the Portal derives it.
func (s *server) applyProductFields(in, d store.Doc) error {
	for _, f := range []string{"DisplayName", "Description", "Content", "Scopes", "CID"} {
		d[f] = strField(in, f)
	}
	d["Path"] = strField(in, "Path")
	if d["Path"] == "" {
		d["Path"] = slug(strField(d, "Name"))
	}
	for _, f := range []string{"DCREnabled", "Feature"} {
		v, _ := in[f].(bool)
		d[f] = v
	}
	names, err := s.catalogueNames(in["Catalogues"])
	if err != nil {
		return err
	}
	d["Catalogues"] = names
	d["UpdatedAt"] = now()
	return nil
}

func (s *server) createProduct(w http.ResponseWriter, r *http.Request) {
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	name := strField(in, "Name")
	if name == "" {
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
	details, authType, err := resolveDetails(in, conn)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	docOnly, _ := in["IsDocumentationOnly"].(bool)
	ref := ""
	if !docOnly {
		ref, err = conn.createPolicy(productPolicy(name, providerTags(prov), details))
		if err != nil {
			onlyErrors(w, http.StatusUnprocessableEntity, "creating the product's policy in the provider: "+err.Error())
			return
		}
	}
	id := s.st.NextID("product")
	d := newProductDoc(id, providerKey, name, ref, details, authType)
	d["IsDocumentationOnly"] = docOnly
	if err := s.applyProductFields(in, d); err != nil {
		_ = conn.deletePolicy(ref)
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.st.Products.Put(key(id), d)
	sbJSON(w, http.StatusCreated, s.productShow(d))
}

func (s *server) updateProduct(w http.ResponseWriter, r *http.Request) {
	k, d, ok := s.productFor(w, r)
	if !ok {
		return
	}
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	prov, _ := s.st.APIProviders.Get(key(int64Field(d, "ProviderID")))
	if prov != nil {
		conn, err := s.newDashConn(prov)
		if err == nil {
			details, authType, derr := resolveDetails(in, conn)
			if derr != nil {
				onlyErrors(w, http.StatusUnprocessableEntity, derr.Error())
				return
			}
			changed := !sameAPIs(d["APIDetails"], details)
			d["APIDetails"], d["AuthType"] = details, authType
			if ref := strField(d, "ReferenceID"); ref != "" && changed {
				if pol, perr := conn.getPolicy(ref); perr == nil {
					fresh := productPolicy(strField(d, "Name"), providerTags(prov), details)
					pol["access_rights"] = fresh["access_rights"]
					if n := strField(in, "Name"); n != "" {
						pol["name"] = n
					}
					_ = conn.updatePolicy(ref, pol)
				}
			}
		}
	}
	if n := strField(in, "Name"); n != "" {
		d["Name"] = n
	} else {
		onlyErrors(w, http.StatusUnprocessableEntity, "Name can't be blank")
		return
	}
	if err := s.applyProductFields(in, d); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.st.Products.Put(k, d)
	sbJSON(w, http.StatusOK, s.productShow(d))
}

func (s *server) deleteProduct(w http.ResponseWriter, r *http.Request) {
	k, d, ok := s.productFor(w, r)
	if !ok {
		return
	}
	if err := s.deletePolicyOf(d); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "deleting the product's policy in the provider: "+err.Error())
		return
	}
	s.st.Products.Delete(k)
	statusOK(w)
}

func clientTypeIDs(d store.Doc) []int64 {
	raw, _ := d["__client_types"].([]any)
	var ids []int64
	for _, v := range raw {
		ids = append(ids, int64Field(store.Doc{"v": v}, "v"))
	}
	return ids
}

func setClientTypeIDs(d store.Doc, ids []int64) {
	raw := make([]any, 0, len(ids))
	for _, id := range ids {
		raw = append(raw, id)
	}
	d["__client_types"] = raw
}

func (s *server) listProductClientTypes(w http.ResponseWriter, r *http.Request) {
	_, d, ok := s.productFor(w, r)
	if !ok {
		return
	}
	var out []store.Doc
	for _, id := range clientTypeIDs(d) {
		if ct, ok := s.st.ClientTypes.Get(key(id)); ok {
			out = append(out, view(ct, productClientTypeItemFields))
		}
	}
	writeList(w, page(out, r))
}

func (s *server) attachProductClientType(w http.ResponseWriter, r *http.Request) {
	k, d, ok := s.productFor(w, r)
	if !ok {
		return
	}
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	id := int64Field(in, "ID")
	ct, found := s.st.ClientTypes.Get(key(id))
	if !found {
		onlyErrors(w, http.StatusUnprocessableEntity, fmt.Sprintf("Client type %d not found", id))
		return
	}
	ids := clientTypeIDs(d)
	if !slices.Contains(ids, id) {
		ids = append(ids, id)
	}
	setClientTypeIDs(d, ids)
	s.st.Products.Put(k, d)
	sbJSON(w, http.StatusCreated, clientTypeView(ct, productClientTypeFields))
}

func (s *server) getProductClientType(w http.ResponseWriter, r *http.Request) {
	_, d, ok := s.productFor(w, r)
	if !ok {
		return
	}
	ctKey, ok := pathID(r, "ct")
	var id int64
	_, _ = fmt.Sscan(ctKey, &id)
	ct, found := s.st.ClientTypes.Get(ctKey)
	if !ok || !found || !slices.Contains(clientTypeIDs(d), id) {
		sbJSON(w, http.StatusNotFound, map[string]any{"status": "error"})
		return
	}
	sbJSON(w, http.StatusOK, clientTypeView(ct, productClientTypeFields))
}

func (s *server) detachProductClientType(w http.ResponseWriter, r *http.Request) {
	k, d, ok := s.productFor(w, r)
	if !ok {
		return
	}
	ctKey, _ := pathID(r, "ct")
	var id int64
	_, _ = fmt.Sscan(ctKey, &id)
	ids := clientTypeIDs(d)
	i := slices.Index(ids, id)
	if i < 0 {
		onlyErrors(w, http.StatusNotFound, "Client type is not attached to this API Product")
		return
	}
	setClientTypeIDs(d, slices.Delete(ids, i, i+1))
	s.st.Products.Put(k, d)
	statusOK(w)
}

// productsUsing reports products attached to a client type of the provider
// (or to the given client type).
func productsUsing(st *store.Store, providerKey, clientTypeKey string) []string {
	var used []string
	for _, p := range st.Products.List() {
		for _, id := range clientTypeIDs(p) {
			ct, ok := st.ClientTypes.Get(key(id))
			if !ok {
				continue
			}
			if (clientTypeKey == "" && ct["__provider_id"] == providerKey) || key(id) == clientTypeKey {
				used = append(used, strField(p, "Name"))
				break
			}
		}
	}
	return used
}

// sameAPIs compares the API ids of two APIDetails lists.
func sameAPIs(a, b any) bool {
	ids := func(v any) []string {
		list, _ := v.([]any)
		var out []string
		for _, item := range list {
			det, _ := item.(map[string]any)
			out = append(out, strField(det, "APIID"))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(ids(a), ids(b))
}

// deletePolicyOf deletes the Dashboard policy behind a product or plan.
func (s *server) deletePolicyOf(d store.Doc) error {
	ref := strField(d, "ReferenceID")
	if ref == "" {
		return nil
	}
	prov, ok := s.st.APIProviders.Get(key(int64Field(d, "ProviderID")))
	if !ok {
		return nil
	}
	conn, connErr := s.newDashConn(prov)
	if connErr != nil {
		return nil //nolint:nilerr // a provider without a usable Dashboard connection has no policy to delete
	}
	return conn.deletePolicy(ref)
}
