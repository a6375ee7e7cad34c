package dashboard

import (
	"encoding/hex"
	"net/http"
	"time"

	"crypto/rand"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/sbhttp"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// wrap builds the GET answer around a stored api_definition.
func (s *server) wrap(def store.Doc) store.Doc {
	created, _ := def["__created_at"].(string)
	delete(def, "__created_at")
	delete(def, oasKey)
	return store.Doc{
		"api_definition":    def,
		"api_model":         map[string]any{},
		"hook_references":   []any{},
		"is_site":           false,
		"sort_by":           0,
		"user_owners":       []any{},
		"user_group_owners": []any{},
		"created_at":        created,
	}
}

// findAPI resolves the public api_id or the internal id.
func (s *server) findAPI(ref string) (store.Doc, bool) {
	if d, ok := s.st.APIs.Get(ref); ok {
		return d, true
	}
	if found := s.st.APIs.ListBy("id", ref); len(found) > 0 { // indexed
		return found[0], true
	}
	return nil, false
}

func (s *server) listAPIs(w http.ResponseWriter, r *http.Request) {
	all := s.st.APIs.List()
	docs, pages := page(all, r)
	out := make([]store.Doc, 0, len(docs))
	for _, d := range docs {
		out = append(out, s.wrap(d))
	}
	sbhttp.JSON(w, http.StatusOK, map[string]any{"apis": out, "pages": pages})
}

func newAPIID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// apiDefinition decodes the api_definition of a write. The Dashboard decodes
// it into the Gateway's APIDefinition type (the spec's APIDefinition schema),
// so a field outside that type is not stored; the sandbox drops it too (the
// stricter assumption: a client cannot rely on it coming back).
func (s *server) apiDefinition(r *http.Request) (store.Doc, bool) {
	doc, err := store.Decode(sbhttp.Body(r))
	if err != nil {
		return nil, false
	}
	def, ok := doc["api_definition"].(map[string]any)
	if ok {
		s.opts.Validator.Prune("APIDefinition", def)
	}
	return def, ok
}

func (s *server) createAPI(w http.ResponseWriter, r *http.Request) {
	def, ok := s.apiDefinition(r)
	if !ok {
		errorBody(w, http.StatusBadRequest, "Request malformed")
		return
	}
	apiID, _ := def["api_id"].(string)
	if apiID == "" {
		apiID = newAPIID()
	}
	if _, exists := s.findAPI(apiID); exists {
		sbhttp.JSON(w, http.StatusConflict, map[string]any{"Status": "Error", "Message": "Found API with the same ID", "Meta": nil})
		return
	}
	id := store.ObjectID()
	def["id"] = id
	def["api_id"] = apiID
	def["org_id"] = s.st.OrgID
	def["__created_at"] = time.Now().UTC().Format(time.RFC3339)
	s.st.APIs.Put(apiID, def)
	sbhttp.JSON(w, http.StatusOK, map[string]any{"Status": "OK", "Message": "API created", "Meta": id, "ID": apiID})
}

func (s *server) getAPI(w http.ResponseWriter, r *http.Request) {
	def, ok := s.findAPI(r.PathValue("id"))
	if !ok {
		// The spec declares no 404 for this GET, only 400 "Could not
		// retrieve API detail" (its example), which is what a missing API
		// gets here.
		errorBody(w, http.StatusBadRequest, "Could not retrieve API detail")
		return
	}
	sbhttp.JSON(w, http.StatusOK, s.wrap(def))
}

func (s *server) updateAPI(w http.ResponseWriter, r *http.Request) {
	old, ok := s.findAPI(r.PathValue("id"))
	if !ok {
		errorBody(w, http.StatusNotFound, "API definition does not exist")
		return
	}
	if old[oasKey] != nil {
		// No evidence that the Dashboard converts a classic write back into
		// an OAS API (see oas.go): refused, the stricter assumption.
		errorBody(w, http.StatusBadRequest, "This is a Tyk OAS API: update it through /api/apis/oas/{apiId}")
		return
	}
	def, ok := s.apiDefinition(r)
	if !ok {
		errorBody(w, http.StatusBadRequest, "Request malformed")
		return
	}
	if id, _ := def["id"].(string); id != "" && id != old["id"] {
		errorBody(w, http.StatusBadRequest, "Invalid `ID` value")
		return
	}
	if apiID, _ := def["api_id"].(string); apiID != "" && apiID != old["api_id"] {
		errorBody(w, http.StatusBadRequest, "Invalid `ID` value")
		return
	}
	def["id"] = old["id"]
	def["api_id"] = old["api_id"]
	def["org_id"] = s.st.OrgID
	def["__created_at"] = old["__created_at"]
	id, _ := old["api_id"].(string) // set by the sandbox on create
	s.st.APIs.Put(id, def)
	okBody(w, "API updated")
}

func (s *server) deleteAPI(w http.ResponseWriter, r *http.Request) {
	def, ok := s.findAPI(r.PathValue("id"))
	if !ok {
		errorBody(w, http.StatusNotFound, "Could not retrieve API detail")
		return
	}
	id, _ := def["api_id"].(string) // set by the sandbox on create
	s.st.APIs.Delete(id)
	okBody(w, "API deleted")
}
