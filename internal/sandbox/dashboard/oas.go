package dashboard

import (
	"encoding/base64"
	"net/http"
	"sort"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/sbhttp"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// Tyk OAS API definitions (/api/apis/oas, the Dashboard spec's "OAS APIs"
// tag). The OAS document is stored as sent, under oasKey of the API's entry
// in the APIs collection, next to the Tyk Classic form the Gateway runs: the
// Gateway turns every OAS definition into an apidef.APIDefinition with
// (*oas.OAS).ExtractTo before serving it (TykTechnologies/tyk v5.12.1
// gateway/api.go handleAddOrUpdateApi: `oasObj.ExtractTo(&newDef)`), and that
// form carries is_oas = true (apidef/api_definitions.go IsOAS: "set to true
// when API has an OAS definition"; the Dashboard spec's APIDefinition schema
// has is_oas). The classic list and GET therefore show OAS APIs in that form.
// A classic PUT of an OAS API is refused: nothing documents that the
// Dashboard converts it back (the stricter assumption).
const oasKey = "__oas"

// tykExtension is the OAS document's Tyk vendor extension
// (apidef/oas/oas.go ExtensionTykAPIGateway).
const tykExtension = "x-tyk-api-gateway"

func (s *server) createOASAPI(w http.ResponseWriter, r *http.Request) {
	doc, err := store.Decode(sbhttp.Body(r))
	if err != nil {
		errorBody(w, http.StatusBadRequest, "Couldn't read body.")
		return
	}
	ext, ok := doc[tykExtension].(map[string]any)
	if !ok {
		errorBody(w, http.StatusBadRequest, "The payload should contain x-tyk-api-gateway.")
		return
	}
	info := obj(ext["info"])
	apiID, _ := info["id"].(string)
	if apiID == "" {
		apiID = newAPIID()
	}
	if _, exists := s.findAPI(apiID); exists {
		// The spec's 409 example.
		sbhttp.JSON(w, http.StatusConflict, map[string]any{"Status": "Error", "Message": "Found API with the same ID.", "Meta": nil})
		return
	}
	id := store.ObjectID()
	def := extractOAS(doc)
	def["id"], def["api_id"], def["org_id"] = id, apiID, s.st.OrgID
	def["__created_at"] = time.Now().UTC().Format(time.RFC3339)
	def[oasKey] = doc
	s.st.APIs.Put(apiID, def)
	// The spec's 200 example: {"ID": <api id>, "Message": "API created", "Meta": <db id>, "Status": "OK"}.
	sbhttp.JSON(w, http.StatusOK, map[string]any{"Status": "OK", "Message": "API created", "Meta": id, "ID": apiID})
}

// findOAS returns the stored entry of an OAS API.
func (s *server) findOAS(ref string) (store.Doc, bool) {
	def, ok := s.findAPI(ref)
	if !ok || def[oasKey] == nil {
		return nil, false
	}
	return def, true
}

func (s *server) getOASAPI(w http.ResponseWriter, r *http.Request) {
	def, ok := s.findOAS(r.PathValue("id"))
	if !ok {
		// The spec declares 400 "Could not retrieve API detail." for this
		// GET, and no 404.
		errorBody(w, http.StatusBadRequest, "Could not retrieve API detail.")
		return
	}
	// The spec's GET example is the document as it was created (no ids
	// added to x-tyk-api-gateway.info): the stricter assumption is that
	// the Dashboard returns what was sent.
	sbhttp.JSON(w, http.StatusOK, def[oasKey])
}

func (s *server) updateOASAPI(w http.ResponseWriter, r *http.Request) {
	old, ok := s.findOAS(r.PathValue("id"))
	if !ok {
		errorBody(w, http.StatusNotFound, "API definition does not exist")
		return
	}
	doc, err := store.Decode(sbhttp.Body(r))
	if err != nil {
		errorBody(w, http.StatusBadRequest, "Couldn't read body.")
		return
	}
	ext, ok := doc[tykExtension].(map[string]any)
	if !ok {
		errorBody(w, http.StatusBadRequest, "The payload should contain x-tyk-api-gateway.")
		return
	}
	if id, _ := obj(ext["info"])["id"].(string); id != "" && id != old["api_id"] {
		errorBody(w, http.StatusBadRequest, "Invalid `ID` value")
		return
	}
	def := extractOAS(doc)
	def["id"], def["api_id"], def["org_id"] = old["id"], old["api_id"], s.st.OrgID
	def["__created_at"] = old["__created_at"]
	def[oasKey] = doc
	apiID, _ := old["api_id"].(string) // set by the sandbox on create
	s.st.APIs.Put(apiID, def)
	okBody(w, "API updated.")
}

func (s *server) deleteOASAPI(w http.ResponseWriter, r *http.Request) {
	def, ok := s.findOAS(r.PathValue("id"))
	if !ok {
		errorBody(w, http.StatusNotFound, "Could not retrieve API detail.")
		return
	}
	apiID, _ := def["api_id"].(string) // set by the sandbox on create
	s.st.APIs.Delete(apiID)
	okBody(w, "API deleted.")
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// extractOAS is (*oas.OAS).ExtractTo (apidef/oas/oas.go) for the fields the
// sandbox's Gateway serves: x-tyk-api-gateway.info, .upstream and
// .server.listenPath (root.go XTykAPIGateway.ExtractTo, Info, Upstream.ExtractTo,
// server.go ListenPath.ExtractTo), .server.authentication (authentication.go
// Authentication.ExtractTo: use_keyless = !enabled) and the JWT security
// scheme (security.go extractSecurityTo, legacy processing mode: only the
// first security requirement, only when the Tyk extension enables
// authentication or defines security schemes; extractJWTTo for a scheme the
// OpenAPI components declare as type http, scheme bearer, bearerFormat JWT;
// authentication.go Scopes.ExtractTo for the scope → policy mapping).
func extractOAS(doc store.Doc) store.Doc {
	ext := obj(doc[tykExtension])
	info, server := obj(ext["info"]), obj(ext["server"])
	lp := obj(server["listenPath"])
	auth, hasAuth := server["authentication"].(map[string]any)
	enabled, _ := auth["enabled"].(bool)
	name, _ := info["name"].(string)
	listen, _ := lp["value"].(string)
	upstream, _ := obj(ext["upstream"])["url"].(string)
	def := store.Doc{
		"name":   name,
		"active": obj(info["state"])["active"] == true,
		"proxy": map[string]any{
			"listen_path": listen, "strip_listen_path": lp["strip"] == true, "target_url": upstream,
		},
		"use_keyless": !enabled,
		"enable_jwt":  false,
		"is_oas":      true,
		"scopes":      map[string]any{"jwt": map[string]any{}},
		"version_data": map[string]any{"not_versioned": true, "default_version": "Default",
			"versions": map[string]any{"Default": map[string]any{"name": "Default"}}},
	}
	tykSchemes := obj(auth["securitySchemes"])
	security, _ := doc["security"].([]any)
	components := obj(obj(doc["components"])["securitySchemes"])
	if !hasAuth || len(security) == 0 || len(components) == 0 || (!enabled && len(tykSchemes) == 0) {
		return def
	}
	names := make([]string, 0, len(obj(security[0])))
	for name := range obj(security[0]) {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := obj(components[name])
		if c["type"] != "http" || c["scheme"] != "bearer" || c["bearerFormat"] != "JWT" {
			continue
		}
		jwt, ok := tykSchemes[name].(map[string]any)
		if !ok {
			continue
		}
		def["enable_jwt"] = jwt["enabled"] == true
		for from, to := range map[string]string{
			"source": "jwt_source", "signingMethod": "jwt_signing_method", "identityBaseField": "jwt_identity_base_field",
			"policyFieldName": "jwt_policy_field_name", "defaultPolicies": "jwt_default_policies",
		} {
			if v, ok := jwt[from]; ok {
				def[to] = v
			}
		}
		if uris, ok := jwt["jwksURIs"].([]any); ok && len(uris) > 0 && jwt["source"] == nil {
			// JWKS endpoints (5.9+) are served as the classic source URL.
			if u, _ := obj(uris[0])["url"].(string); u != "" {
				def["jwt_source"] = base64.StdEncoding.EncodeToString([]byte(u))
			}
		}
		scopes := obj(jwt["scopes"])
		mapping := map[string]any{}
		for _, m := range func() []any { l, _ := scopes["scopeToPolicyMapping"].([]any); return l }() {
			if scope, _ := obj(m)["scope"].(string); scope != "" {
				mapping[scope] = obj(m)["policyId"]
			}
		}
		claim, _ := scopes["claimName"].(string)
		def["scopes"] = map[string]any{"jwt": map[string]any{"scope_claim_name": claim, "scope_to_policy": mapping}}
	}
	return def
}
