package portal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

var (
	providerTypes = map[string]bool{"Keycloak": true, "Gluu": true, "Okta": true, "Other": true}
	// The spec's ResponseTypes enum says "it_token", a typo of the
	// "id_token" the Tyk docs list; both are accepted.
	responseTypes = map[string]bool{"code": true, "token": true, "id_token": true, "it_token": true, "none": true}
	grantTypes    = map[string]bool{"authorization_code": true, "pkce": true, "client_credentials": true, "device_code": true, "refresh_token": true, "password": true, "implicit": true}
	authMethods   = map[string]bool{"client_secret_basic": true, "client_secret_post": true}
	oktaAppTypes  = map[string]bool{"web": true, "native": true, "browser": true, "service": true}
)

func splitCSV(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *server) listOAuthProviders(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, d := range pageOf(s.st.OAuthProviders, r) {
		out = append(out, view(d, oauthProviderElemFields))
	}
	writeList(w, out)
}

func writeList(w http.ResponseWriter, out []store.Doc) {
	if out == nil {
		out = []store.Doc{}
	}
	sbJSON(w, http.StatusOK, out)
}

func validateProvider(d store.Doc) []string {
	var errs []string
	if strField(d, "Name") == "" {
		errs = append(errs, "Name can't be blank")
	}
	if !providerTypes[strField(d, "Type")] {
		errs = append(errs, "Type must be one of Keycloak, Gluu, Okta, Other")
	}
	if strField(d, "WellKnownURL") == "" {
		errs = append(errs, "WellKnownURL can't be blank")
	}
	return errs
}

func (s *server) createOAuthProvider(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeValid(w, r, validateProvider)
	if !ok {
		return
	}
	id := s.st.NextID("oauth-provider")
	ssl, _ := in["SSLInsecureSkipVerify"].(bool)
	d := store.Doc{
		"ID": id, "Name": in["Name"], "Type": in["Type"], "WellKnownURL": in["WellKnownURL"],
		"SSLInsecureSkipVerify": ssl, "RegistrationAccessToken": strField(in, "RegistrationAccessToken"),
		"CreatedAt": now(), "UpdatedAt": now(),
	}
	s.st.OAuthProviders.Put(key(id), d)
	sbJSON(w, http.StatusOK, view(d, oauthProviderElemFields))
}

func (s *server) providerShow(k string) (store.Doc, bool) {
	d, ok := s.st.OAuthProviders.Get(k)
	if !ok {
		return nil, false
	}
	out := view(d, oauthProviderElemFields)
	cts := []store.Doc{}
	for _, ct := range s.st.ClientTypes.ListBy("provider", k) {
		cts = append(cts, clientTypeView(ct, clientTypeElemFields))
	}
	out["ClientTypes"] = cts
	return out, true
}

func (s *server) getOAuthProvider(w http.ResponseWriter, r *http.Request) {
	k, ok := pathID(r, "id")
	var d store.Doc
	if ok {
		d, ok = s.providerShow(k)
	}
	if !ok {
		onlyErrors(w, http.StatusNotFound, "OAuth2.0 provider not found")
		return
	}
	sbJSON(w, http.StatusOK, d)
}

func (s *server) updateOAuthProvider(w http.ResponseWriter, r *http.Request) {
	k, ok := s.providerFor(w, r)
	if !ok {
		return
	}
	in, ok := decodeValid(w, r, validateProvider)
	if !ok {
		return
	}
	// A PUT replaces the whole object (replaceSemantics): a body without
	// RegistrationAccessToken leaves the provider without one.
	s.st.OAuthProviders.Update(k, func(d store.Doc) {
		d["Name"], d["Type"], d["WellKnownURL"] = in["Name"], in["Type"], in["WellKnownURL"]
		ssl, _ := in["SSLInsecureSkipVerify"].(bool)
		d["SSLInsecureSkipVerify"] = ssl
		d["RegistrationAccessToken"] = strField(in, "RegistrationAccessToken")
		d["UpdatedAt"] = now()
	})
	d, _ := s.providerShow(k)
	sbJSON(w, http.StatusOK, d)
}

func (s *server) deleteOAuthProvider(w http.ResponseWriter, r *http.Request) {
	k, ok := s.providerFor(w, r)
	if !ok {
		return
	}
	if r.URL.Query().Get("force") != "true" {
		if used := productsUsing(s.st, k, ""); len(used) > 0 {
			onlyErrors(w, http.StatusBadRequest, "OAuth2.0 provider is used by API Products: "+strings.Join(used, ", ")+". Use force=true to delete it anyway.")
			return
		}
	}
	for _, ct := range s.st.ClientTypes.ListBy("provider", k) {
		s.detachEverywhere(int64Field(ct, "ID"))
		s.st.ClientTypes.Delete(key(int64Field(ct, "ID")))
	}
	s.st.OAuthProviders.Delete(k)
	statusOK(w)
}

func int64Field(d store.Doc, k string) int64 {
	switch v := d[k].(type) {
	case json.Number:
		n, _ := v.Int64()
		return n
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

func validateClientType(d store.Doc) []string {
	var errs []string
	if strField(d, "Name") == "" {
		errs = append(errs, "Name can't be blank")
	}
	check := func(field string, allowed map[string]bool, required bool) {
		items := splitCSV(strField(d, field))
		if len(items) == 0 && required {
			errs = append(errs, field+" can't be blank")
		}
		for _, it := range items {
			if !allowed[it] {
				errs = append(errs, field+" has an invalid value: "+it)
			}
		}
	}
	check("ResponseTypes", responseTypes, true)
	check("GrantType", grantTypes, true)
	if m := strField(d, "TokenEndpointAuthMethod"); m != "" && !authMethods[m] {
		errs = append(errs, "TokenEndpointAuthMethod has an invalid value: "+m)
	}
	if t := strField(d, "OktaAppType"); t != "" && !oktaAppTypes[t] {
		errs = append(errs, "OktaAppType has an invalid value: "+t)
	}
	return errs
}

func (s *server) clientTypeFields(in store.Doc, d store.Doc) {
	for _, f := range []string{"Name", "Description", "ResponseTypes", "GrantType", "TokenEndpointAuthMethod", "OktaAppType"} {
		d[f] = strField(in, f)
	}
	d["UpdatedAt"] = now()
}

func (s *server) providerFor(w http.ResponseWriter, r *http.Request) (string, bool) {
	k, _, ok := lookup(w, r, s.st.OAuthProviders, "OAuth2.0 provider not found")
	return k, ok
}

func (s *server) clientTypeFor(w http.ResponseWriter, r *http.Request) (string, string, bool) {
	pk, ok := s.providerFor(w, r)
	if !ok {
		return "", "", false
	}
	ck, ok := pathID(r, "ct")
	var ct store.Doc
	if ok {
		ct, ok = s.st.ClientTypes.Get(ck)
	}
	if !ok || ct["__provider_id"] != pk {
		onlyErrors(w, http.StatusNotFound, "OAuth2.0 client type not found")
		return "", "", false
	}
	return pk, ck, true
}

func (s *server) listClientTypes(w http.ResponseWriter, r *http.Request) {
	pk, ok := s.providerFor(w, r)
	if !ok {
		return
	}
	var mine []store.Doc
	for _, ct := range s.st.ClientTypes.ListBy("provider", pk) {
		mine = append(mine, clientTypeView(ct, clientTypeElemFields))
	}
	writeList(w, page(mine, r))
}

func (s *server) createClientType(w http.ResponseWriter, r *http.Request) {
	pk, ok := s.providerFor(w, r)
	if !ok {
		return
	}
	in, ok := decodeValid(w, r, validateClientType)
	if !ok {
		return
	}
	id := s.st.NextID("client-type")
	d := store.Doc{"ID": id, "CreatedAt": now(), "__provider_id": pk}
	s.clientTypeFields(in, d)
	s.st.ClientTypes.Put(key(id), d)
	sbJSON(w, http.StatusOK, clientTypeView(d, clientTypeElemFields))
}

func (s *server) getClientType(w http.ResponseWriter, r *http.Request) {
	_, ck, ok := s.clientTypeFor(w, r)
	if !ok {
		return
	}
	d, _ := s.st.ClientTypes.Get(ck)
	sbJSON(w, http.StatusOK, clientTypeView(d, clientTypeElemFields))
}

func (s *server) updateClientType(w http.ResponseWriter, r *http.Request) {
	_, ck, ok := s.clientTypeFor(w, r)
	if !ok {
		return
	}
	in, ok := decodeValid(w, r, validateClientType)
	if !ok {
		return
	}
	s.st.ClientTypes.Update(ck, func(d store.Doc) { s.clientTypeFields(in, d) })
	d, _ := s.st.ClientTypes.Get(ck)
	sbJSON(w, http.StatusOK, clientTypeView(d, clientTypeElemFields))
}

func (s *server) deleteClientType(w http.ResponseWriter, r *http.Request) {
	pk, ck, ok := s.clientTypeFor(w, r)
	if !ok {
		return
	}
	if r.URL.Query().Get("force") != "true" {
		if used := productsUsing(s.st, pk, ck); len(used) > 0 {
			onlyErrors(w, http.StatusBadRequest, "Client type is used by API Products: "+strings.Join(used, ", ")+". Use force=true to delete it anyway.")
			return
		}
	}
	var id int64
	_, _ = fmt.Sscan(ck, &id)
	s.detachEverywhere(id)
	s.st.ClientTypes.Delete(ck)
	statusOK(w)
}

// detachEverywhere removes a client type from every product ("force"
// de-associates it from the API products where it is used).
func (s *server) detachEverywhere(id int64) {
	for _, p := range s.st.Products.List() {
		ids := clientTypeIDs(p)
		if i := slices.Index(ids, id); i >= 0 {
			setClientTypeIDs(p, slices.Delete(ids, i, i+1))
			s.st.Products.Put(key(int64Field(p, "ID")), p)
		}
	}
}

// decodeValid decodes a body and validates it; bad JSON or invalid fields
// are answered 400 with the OnlyErrors body, as the spec gives for these
// endpoints.
func decodeValid(w http.ResponseWriter, r *http.Request, validate func(store.Doc) []string) (store.Doc, bool) {
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusBadRequest, "invalid JSON body")
		return nil, false
	}
	if errs := validate(in); len(errs) > 0 {
		onlyErrors(w, http.StatusBadRequest, errs...)
		return nil, false
	}
	return in, true
}
