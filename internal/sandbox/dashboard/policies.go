package dashboard

import (
	"net/http"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/sbhttp"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

const msgDuplicatePolicyName = "This policy name has already been used. Enter a unique policy name."

func (s *server) listPolicies(w http.ResponseWriter, r *http.Request) {
	all := s.st.Policies.List()
	if a := r.URL.Query().Get("active"); a != "" {
		var kept []store.Doc
		for _, p := range all {
			if active, _ := p["active"].(bool); (a == "true") == active {
				kept = append(kept, p)
			}
		}
		all = kept
	}
	data, pages := page(all, r)
	sbhttp.JSON(w, http.StatusOK, map[string]any{"Data": data, "Pages": pages})
}

func (s *server) nameTaken(name, exceptID string) bool {
	for _, p := range s.st.Policies.List() {
		if p["name"] == name && p["_id"] != exceptID {
			return true
		}
	}
	return false
}

func (s *server) createPolicy(w http.ResponseWriter, r *http.Request) {
	doc, err := s.policyBody(r)
	if err != nil {
		errorBody(w, http.StatusForbidden, "Request body malformed.")
		return
	}
	name, _ := doc["name"].(string)
	if s.nameTaken(name, "") {
		errorBody(w, http.StatusBadRequest, msgDuplicatePolicyName)
		return
	}
	id := store.ObjectID()
	doc["_id"] = id
	if _, ok := doc["id"]; !ok {
		doc["id"] = ""
	}
	doc["org_id"] = s.st.OrgID
	doc["date_created"] = time.Now().UTC().Format(time.RFC3339)
	doc["last_updated"] = nowUnix()
	s.st.Policies.Put(id, doc)
	okBody(w, id)
}

// getPolicy: 400 "Invalid policy ID." for an id that is not an ObjectId,
// 404 "Could not retrieve portal object." for an unknown one (the examples
// of GET /api/portal/policies/{id} in the Dashboard's OpenAPI spec).
func (s *server) getPolicy(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !isObjectID(id) {
		errorBody(w, http.StatusBadRequest, "Invalid policy ID.")
		return
	}
	doc, ok := s.st.Policies.Get(id)
	if !ok {
		errorBody(w, http.StatusNotFound, "Could not retrieve portal object.")
		return
	}
	sbhttp.JSON(w, http.StatusOK, doc)
}

func (s *server) updatePolicy(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !isObjectID(id) {
		errorBody(w, http.StatusBadRequest, "Invalid policy ID.")
		return
	}
	old, ok := s.st.Policies.Get(id)
	if !ok {
		errorBody(w, http.StatusNotFound, "Could not retrieve portal object.")
		return
	}
	doc, err := s.policyBody(r)
	if err != nil {
		errorBody(w, http.StatusForbidden, "Request body malformed.")
		return
	}
	if name, _ := doc["name"].(string); s.nameTaken(name, id) {
		errorBody(w, http.StatusBadRequest, msgDuplicatePolicyName)
		return
	}
	doc["_id"] = id
	doc["org_id"] = s.st.OrgID
	doc["date_created"] = old["date_created"]
	doc["last_updated"] = nowUnix()
	s.st.Policies.Put(id, doc)
	okBody(w, "Data updated")
}

func (s *server) deletePolicy(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !isObjectID(id) {
		errorBody(w, http.StatusBadRequest, "Invalid policy ID.")
		return
	}
	if !s.st.Policies.Delete(id) {
		errorBody(w, http.StatusNotFound, "Could not retrieve object for deletion")
		return
	}
	okBody(w, "Data deleted")
}

// policyBody decodes a policy write. The Dashboard keeps the fields of its
// policy type (the spec's Policy schema); anything else is not stored, as in
// the sandbox (the stricter assumption).
func (s *server) policyBody(r *http.Request) (store.Doc, error) {
	doc, err := store.Decode(sbhttp.Body(r))
	if err == nil {
		s.opts.Validator.Prune("Policy", doc)
	}
	return doc, err
}
