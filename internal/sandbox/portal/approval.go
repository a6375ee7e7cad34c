package portal

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// What approval, revocation and rotation do, per Portal version
// (Profile): register the client in the IdP (RFC 7591) with the client type's
// grant and response types and the app's redirect URIs, scope = the products'
// scopes and the plan's; from 1.16 one client per app whose scopes grow with
// each approval; from 1.13 the JWKS source and scope mappings written into
// the product APIs' definitions.

// credentialFieldsStored are the credential fields a new credential starts
// with (all of them in real answers, [R-AR]).
var credentialFieldsStored = []string{"Credential", "CredentialHash", "DCRRegistrationAccessToken", "DCRRegistrationClientURI",
	"DCRResponse", "OAuthClientID", "OAuthClientSecret", "RedirectURI", "ResponseType", "Scope", "TokenEndpoints", "GrantType", "JWKSURI"}

// approve approves a request: for DCR products the client is registered (or,
// from 1.16, the app's client gets the new scopes) and the credential stored.
func (s *server) approve(arKey string) error {
	ar, ok := s.st.AccessRequests.Get(arKey)
	if !ok {
		return fmt.Errorf("access request not found")
	}
	// A request's app never changes; its status is read again under the
	// app's lock.
	unlock := s.lockApp(strField(ar, "__app_id"))
	defer unlock()
	if ar, ok = s.st.AccessRequests.Get(arKey); !ok {
		return fmt.Errorf("access request not found")
	}
	if ar["Status"] == "approved" {
		return nil
	}
	var cred store.Doc
	if dcr, _ := ar["DCREnabled"].(bool); dcr {
		var disc *discovery
		var err error
		if shared := s.sharedCredential(ar, arKey); shared != nil {
			cred, disc, err = s.widenClient(ar, shared)
		} else {
			cred, disc, err = s.registerFor(ar, s.arScopes(ar))
		}
		if err != nil {
			return err
		}
		if s.prof.WritesAPIDefinitions {
			if err := s.writeAPIDefinitions(ar, disc.JWKSURI); err != nil {
				return fmt.Errorf("writing the JWT settings into the API definitions: %w", err)
			}
		}
	} else {
		cred = store.Doc{"Credential": "key-" + store.ObjectID(), "CredentialHash": store.ObjectID()}
	}
	cred["ID"] = s.st.NextID("credential")
	cred["AccessRequest"] = fmt.Sprintf("AccessRequest#%d", int64Field(ar, "ID"))
	if _, set := cred["Expires"]; !set {
		cred["Expires"] = "1970-01-01 00:00" // no expiry: [R-AR] "1970-01-01 02:00" (a UTC+2 Portal)
	}
	for _, f := range credentialFieldsStored {
		if _, set := cred[f]; !set {
			cred[f] = ""
		}
	}
	s.st.AccessRequests.Update(arKey, func(d store.Doc) {
		d["Status"] = "approved"
		d["Credentials"] = []any{cred}
		d["UpdatedAt"] = now()
	})
	return nil
}

// lockApp takes the lock of app appKey's client work (see server.appMu)
// and returns its release.
func (s *server) lockApp(appKey string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(appKey))
	mu := &s.appMu[h.Sum32()%uint32(len(s.appMu))]
	mu.Lock()
	return mu.Unlock
}

// arScopes are the scopes an access request grants: its products' and its
// plan's.
func (s *server) arScopes(ar store.Doc) []string {
	var scopes []string
	ids, _ := ar["__product_ids"].([]any)
	for _, v := range ids {
		if prod, ok := s.st.Products.Get(key(int64Field(store.Doc{"v": v}, "v"))); ok {
			scopes = append(scopes, csvList(strField(prod, "Scopes"))...)
		}
	}
	if plan, ok := s.st.Plans.Get(strField(ar, "__plan_id")); ok {
		scopes = append(scopes, csvList(strField(plan, "JWTScope"))...)
	}
	return scopes
}

// providerOf returns the OAuth provider of an access request's client type.
func (s *server) providerOf(ar store.Doc) (store.Doc, store.Doc, error) {
	ct, ok := s.st.ClientTypes.Get(key(int64Field(ar, "__client_type_id")))
	if !ok {
		return nil, nil, fmt.Errorf("client type %v not found", ar["__client_type_id"])
	}
	prov, ok := s.st.OAuthProviders.Get(strField(ct, "__provider_id"))
	if !ok {
		return nil, nil, fmt.Errorf("OAuth2.0 provider of client type %v not found", ar["__client_type_id"])
	}
	return ct, prov, nil
}

// registerFor performs the RFC 7591 registration of a new client with scopes.
func (s *server) registerFor(ar store.Doc, scopes []string) (store.Doc, *discovery, error) {
	ct, prov, err := s.providerOf(ar)
	if err != nil {
		return nil, nil, err
	}
	app, _ := s.st.Apps.Get(strField(ar, "__app_id"))
	idp := s.idp(prov)
	disc, err := idp.discover(strField(prov, "WellKnownURL"))
	if err != nil {
		return nil, nil, err
	}
	var grants []string
	for _, g := range csvList(strField(ct, "GrantType")) {
		if g == "pkce" { // PKCE is a flavour of authorization_code, not an OAuth grant type
			g = "authorization_code"
		}
		grants = append(grants, g)
	}
	method := strField(ct, "TokenEndpointAuthMethod")
	if method == "" {
		method = "client_secret_basic"
	}
	redirects := csvList(strField(app, "RedirectURLs"))
	reg, err := idp.register(disc.RegistrationEndpoint, strField(prov, "RegistrationAccessToken"), map[string]any{
		"client_name":                strField(app, "Name"),
		"grant_types":                grants,
		"response_types":             csvList(strField(ct, "ResponseTypes")),
		"token_endpoint_auth_method": method,
		"redirect_uris":              redirects,
		"scope":                      strings.Join(dedupe(scopes), " "),
	})
	if err != nil {
		return nil, nil, err
	}
	return store.Doc{
		"OAuthClientID": reg.ClientID, "OAuthClientSecret": reg.ClientSecret,
		"DCRRegistrationAccessToken": reg.RegistrationAccessToken, "DCRRegistrationClientURI": reg.RegistrationClientURI,
		"Scope": reg.Scope, "GrantType": strings.Join(reg.GrantTypes, ","), "ResponseType": strings.Join(reg.ResponseTypes, ","),
		"TokenEndpoints": reg.TokenEndpointAuthMethod, "RedirectURI": strings.Join(redirects, ","), "DCRResponse": "",
	}, disc, nil
}

func dedupe(in []string) []string {
	var out []string
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// sharing returns the other approved access requests of the app that use
// the client clientID.
func (s *server) sharing(appKey, exceptKey, clientID string) []store.Doc {
	var out []store.Doc
	for _, other := range s.arsOfApp(appKey) {
		if key(int64Field(other, "ID")) == exceptKey || other["Status"] != "approved" {
			continue
		}
		for _, c := range credentialsOf(other) {
			if clientID != "" && strField(c, "OAuthClientID") == clientID {
				out = append(out, other)
				break
			}
		}
	}
	return out
}

// sharedCredential returns, from 1.16 on, the DCR credential of another
// approved request of the same app with the same OAuth provider: the app's
// one client.
func (s *server) sharedCredential(ar store.Doc, arKey string) store.Doc {
	if !s.prof.OneClientPerApp {
		return nil
	}
	_, prov, err := s.providerOf(ar)
	if err != nil {
		return nil
	}
	for _, other := range s.arsOfApp(strField(ar, "__app_id")) {
		if key(int64Field(other, "ID")) == arKey || other["Status"] != "approved" {
			continue
		}
		if _, p, err := s.providerOf(other); err != nil || p["ID"] != prov["ID"] {
			continue
		}
		for _, c := range credentialsOf(other) {
			if strField(c, "OAuthClientID") != "" {
				return c
			}
		}
	}
	return nil
}

// widenClient adds an access request's scopes to the app's client (RFC 7592
// read, then update with the full metadata; the IdP issues a new
// registration access token, which every credential of the client gets).
func (s *server) widenClient(ar, shared store.Doc) (store.Doc, *discovery, error) {
	_, prov, err := s.providerOf(ar)
	if err != nil {
		return nil, nil, err
	}
	idp := s.idp(prov)
	disc, err := idp.discover(strField(prov, "WellKnownURL"))
	if err != nil {
		return nil, nil, err
	}
	scopes := append(strings.Fields(strField(shared, "Scope")), s.arScopes(ar)...)
	updated, err := s.setClientScopes(idp, strField(ar, "__app_id"), shared, dedupe(scopes))
	if err != nil {
		return nil, nil, err
	}
	return updated, disc, nil
}

// setClientScopes rewrites the scopes of a client that credentials of the
// app share, and stores the new scope and registration access token in each
// of them. It returns a copy of the updated credential.
func (s *server) setClientScopes(idp *idpClient, appKey string, cred store.Doc, scopes []string) (store.Doc, error) {
	uri, token := strField(cred, "DCRRegistrationClientURI"), strField(cred, "DCRRegistrationAccessToken")
	meta, err := idp.read(uri, token)
	if err != nil {
		return nil, err
	}
	meta["scope"] = strings.Join(scopes, " ")
	upd, err := idp.update(uri, token, meta)
	if err != nil {
		return nil, err
	}
	if upd.RegistrationAccessToken == "" {
		upd.RegistrationAccessToken = token
	}
	clientID := strField(cred, "OAuthClientID")
	for _, other := range s.arsOfApp(appKey) {
		s.st.AccessRequests.Update(key(int64Field(other, "ID")), func(d store.Doc) {
			for _, c := range credentialsOf(d) {
				if strField(c, "OAuthClientID") == clientID {
					c["Scope"], c["DCRRegistrationAccessToken"] = upd.Scope, upd.RegistrationAccessToken
				}
			}
		})
	}
	out := store.Clone(cred)
	out["Scope"], out["DCRRegistrationAccessToken"] = upd.Scope, upd.RegistrationAccessToken
	delete(out, "ID")
	return out, nil
}

// revoke takes an access request's clients away: a client no other approved
// request of the app uses is deleted in the IdP (RFC 7592); a shared one
// (1.16+) keeps the scopes of the requests that still use it.
func (s *server) revoke(ar store.Doc) error {
	creds := credentialsOf(ar)
	if len(creds) == 0 {
		return nil
	}
	unlock := s.lockApp(strField(ar, "__app_id"))
	defer unlock()
	_, prov, _ := s.providerOf(ar)
	idp := s.idp(prov)
	appKey, arKey := strField(ar, "__app_id"), key(int64Field(ar, "ID"))
	for _, cred := range creds {
		if others := s.sharing(appKey, arKey, strField(cred, "OAuthClientID")); len(others) > 0 {
			var scopes []string
			for _, o := range others {
				scopes = append(scopes, s.arScopes(o)...)
			}
			if _, err := s.setClientScopes(idp, appKey, cred, dedupe(scopes)); err != nil {
				return err
			}
			continue
		}
		if err := idp.remove(strField(cred, "DCRRegistrationClientURI"), strField(cred, "DCRRegistrationAccessToken")); err != nil {
			return err
		}
	}
	return nil
}

// writeAPIDefinitions is what Portals 1.13–1.18 (without the IdP registry)
// do at approval: for every API of the request's products, the JWKS source
// becomes the IdP's jwks_uri (base64, as Tyk's Classic definitions take it)
// and each product scope and the plan scope map to the product's and the
// plan's policy. Existing mappings are kept (1.13.2/1.14.0 fixed the Portal
// wiping them). Where Tyk documents nothing the stricter reading is taken:
// the source is overwritten, and only `scopes.jwt` (what Gateways ≥ 5.1
// read when `scopes` is set) gets the mappings, not the deprecated fields.
// The policy is named by `_id`, or from 1.17.1 by its custom `id` when set.
func (s *server) writeAPIDefinitions(ar store.Doc, jwksURI string) error {
	s.defMu.Lock()
	defer s.defMu.Unlock()
	ids, _ := ar["__product_ids"].([]any)
	plan, _ := s.st.Plans.Get(strField(ar, "__plan_id"))
	for _, v := range ids {
		prod, ok := s.st.Products.Get(key(int64Field(store.Doc{"v": v}, "v")))
		if !ok {
			continue
		}
		prov, ok := s.st.APIProviders.Get(key(int64Field(prod, "ProviderID")))
		if !ok {
			continue
		}
		conn, err := s.newDashConn(prov)
		if err != nil {
			return err
		}
		mapping := map[string]any{}
		for _, sc := range csvList(strField(prod, "Scopes")) {
			mapping[sc] = s.policyRef(conn, strField(prod, "ReferenceID"))
		}
		for _, sc := range csvList(strField(plan, "JWTScope")) {
			mapping[sc] = s.policyRef(conn, strField(plan, "ReferenceID"))
		}
		details, _ := prod["APIDetails"].([]any)
		for _, item := range details {
			det, _ := item.(map[string]any)
			apiID := strField(det, "APIID")
			def, err := conn.api(apiID)
			if err != nil {
				return err
			}
			if def["is_oas"] == true {
				if err := writeOASDefinition(conn, apiID, jwksURI, mapping); err != nil {
					return err
				}
				continue
			}
			if jwksURI != "" {
				def["jwt_source"] = base64.StdEncoding.EncodeToString([]byte(jwksURI))
			}
			scopes, _ := def["scopes"].(map[string]any)
			if scopes == nil {
				scopes = map[string]any{}
			}
			jwt, _ := scopes["jwt"].(map[string]any)
			if jwt == nil {
				jwt = map[string]any{}
			}
			if jwt["scope_claim_name"] == nil || jwt["scope_claim_name"] == "" {
				if legacy, _ := def["jwt_scope_claim_name"].(string); legacy != "" {
					jwt["scope_claim_name"] = legacy
				}
			}
			m, _ := jwt["scope_to_policy"].(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			for k, v := range mapping {
				m[k] = v
			}
			jwt["scope_to_policy"] = m
			scopes["jwt"] = jwt
			def["scopes"] = scopes
			if _, err := conn.do(http.MethodPut, "/api/apis/"+apiID, map[string]any{"api_definition": def}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeOASDefinition is writeAPIDefinitions for a Tyk OAS API. No Tyk
// source, spec or recording shows how the Portal writes an OAS API at
// approval; the sandbox makes the same change through the Dashboard's OAS
// endpoints (its classic PUT refuses OAS APIs): in the JWT scheme the
// Gateway uses (TykTechnologies/tyk apidef/oas/security.go
// GetJWTConfiguration: of the first security requirement, a components
// scheme of type http, scheme bearer, bearerFormat JWT, configured in the
// Tyk extension), the source and the scopes.scopeToPolicyMapping entries,
// sorted by scope as authentication.go Scopes.Fill writes them.
func writeOASDefinition(conn *dashConn, apiID, jwksURI string, mapping map[string]any) error {
	doc := store.Doc{}
	if _, err := conn.do(http.MethodGet, "/api/apis/oas/"+apiID, nil, &doc); err != nil {
		return err
	}
	security, _ := doc["security"].([]any)
	if len(security) == 0 {
		return fmt.Errorf("OAS API %s has no security requirement", apiID)
	}
	first, _ := security[0].(map[string]any)
	components, _ := doc["components"].(map[string]any)
	declared, _ := components["securitySchemes"].(map[string]any)
	ext, _ := doc["x-tyk-api-gateway"].(map[string]any)
	server, _ := ext["server"].(map[string]any)
	auth, _ := server["authentication"].(map[string]any)
	tyk, _ := auth["securitySchemes"].(map[string]any)
	names := make([]string, 0, len(first))
	for name := range first {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c, _ := declared[name].(map[string]any)
		jwt, ok := tyk[name].(map[string]any)
		if !ok || c["type"] != "http" || c["scheme"] != "bearer" || c["bearerFormat"] != "JWT" {
			continue
		}
		if jwksURI != "" {
			jwt["source"] = base64.StdEncoding.EncodeToString([]byte(jwksURI))
		}
		scopes, _ := jwt["scopes"].(map[string]any)
		if scopes == nil {
			scopes = map[string]any{}
			jwt["scopes"] = scopes
		}
		merged := map[string]any{}
		list, _ := scopes["scopeToPolicyMapping"].([]any)
		for _, e := range list {
			m, _ := e.(map[string]any)
			if sc, _ := m["scope"].(string); sc != "" {
				merged[sc] = m["policyId"]
			}
		}
		for k, v := range mapping {
			merged[k] = v
		}
		keys := make([]string, 0, len(merged))
		for k := range merged {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, 0, len(keys))
		for _, k := range keys {
			out = append(out, map[string]any{"scope": k, "policyId": merged[k]})
		}
		scopes["scopeToPolicyMapping"] = out
		_, err := conn.do(http.MethodPut, "/api/apis/oas/"+apiID, doc, nil)
		return err
	}
	return fmt.Errorf("OAS API %s has no JWT security scheme", apiID)
}

// policyRef is how the Portal names a policy in a mapping (see
// writeAPIDefinitions).
func (s *server) policyRef(conn *dashConn, ref string) string {
	if !s.prof.CustomPolicyIDs || ref == "" {
		return ref
	}
	if pol, err := conn.getPolicy(ref); err == nil {
		if custom := strField(pol, "id"); custom != "" {
			return custom
		}
	}
	return ref
}

func (s *server) deleteCredential(w http.ResponseWriter, r *http.Request) {
	arKey, ar, c, ok := s.credFor(w, r)
	if !ok {
		return
	}
	if err := s.revoke(credentialOnly(ar, c)); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.st.AccessRequests.Update(arKey, func(d store.Doc) { d["Credentials"] = []any{} })
	statusOK(w)
}

// credentialOnly is ar with only credential c, for revoking that one.
func credentialOnly(ar, c store.Doc) store.Doc {
	out := store.Clone(ar)
	out["Credentials"] = []any{c}
	return out
}

// rotateCredential replaces a DCR credential: RFC 7592 lets no client choose
// a new secret, so the Portal registers a new client (with the scopes of
// every request that used the old one) and deletes the old.
func (s *server) rotateCredential(w http.ResponseWriter, r *http.Request) {
	unlock := s.lockApp(r.PathValue("id"))
	defer unlock()
	arKey, ar, old, ok := s.credFor(w, r)
	if !ok {
		return
	}
	if dcr, _ := ar["DCREnabled"].(bool); !dcr {
		fresh := store.Doc{"Credential": "key-" + store.ObjectID(), "CredentialHash": store.ObjectID()}
		s.replaceCredential(arKey, old, fresh)
		statusMessage(w, http.StatusOK, "ok", "Action Rotate: Executed successfully")
		return
	}
	appKey := strField(ar, "__app_id")
	oldClient := strField(old, "OAuthClientID")
	sharers := s.sharing(appKey, arKey, oldClient)
	scopes := s.arScopes(ar)
	for _, o := range sharers {
		scopes = append(scopes, s.arScopes(o)...)
	}
	fresh, _, err := s.registerFor(ar, scopes)
	if err != nil {
		statusWithErrors(w, err.Error())
		return
	}
	_, prov, _ := s.providerOf(ar)
	if err := s.idp(prov).remove(strField(old, "DCRRegistrationClientURI"), strField(old, "DCRRegistrationAccessToken")); err != nil {
		statusWithErrors(w, err.Error())
		return
	}
	for _, o := range append(sharers, ar) {
		for _, c := range credentialsOf(o) {
			if strField(c, "OAuthClientID") == oldClient {
				s.replaceCredential(key(int64Field(o, "ID")), c, fresh)
			}
		}
	}
	statusMessage(w, http.StatusOK, "ok", "Action Rotate: Executed successfully")
}

// replaceCredential overwrites the fields of credential c of request arKey
// with fresh ones (the credential keeps its id).
func (s *server) replaceCredential(arKey string, c, fresh store.Doc) {
	s.st.AccessRequests.Update(arKey, func(d store.Doc) {
		for _, cur := range credentialsOf(d) {
			if int64Field(cur, "ID") == int64Field(c, "ID") {
				for k, v := range fresh {
					cur[k] = v
				}
			}
		}
		d["UpdatedAt"] = now()
	})
}
