package portal

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/sbhttp"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

func sbJSON(w http.ResponseWriter, status int, v any) { sbhttp.JSON(w, status, v) }

func (s *server) listUsers(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, u := range pageOf(s.st.Users, r) {
		out = append(out, view(u, userIndexFields))
	}
	writeList(w, out)
}

func (s *server) emailTaken(email, except string) bool {
	for _, u := range s.st.Users.ListBy("email", strings.ToLower(email)) { // indexed
		if key(int64Field(u, "ID")) != except {
			return true
		}
	}
	return false
}

// userFields sets the writable fields from a create or a PUT. A PUT replaces
// the whole object (replaceSemantics): a field left out is reset.
func userFields(in, d store.Doc) {
	for f, def := range map[string]string{"Email": "", "First": "", "Last": "", "Role": "consumer-team-member", "Provider": "password"} {
		if v := strField(in, f); v != "" {
			d[f] = v
		} else {
			d[f] = def
		}
	}
	active, _ := in["Active"].(bool)
	d["Active"] = active
	d["OrganisationID"] = int64Field(in, "OrganisationID")
	d["UpdatedAt"] = now()
}

func (s *server) createUser(w http.ResponseWriter, r *http.Request) {
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	email := strField(in, "Email")
	if email == "" || !strings.Contains(email, "@") {
		onlyErrors(w, http.StatusUnprocessableEntity, "Email is invalid")
		return
	}
	if s.emailTaken(email, "") {
		onlyErrors(w, http.StatusUnprocessableEntity, "Email has already been taken")
		return
	}
	id := s.st.NextID("user")
	tok := make([]byte, 24)
	_, _ = rand.Read(tok)
	d := store.Doc{
		"ID":       id,
		"JWTToken": "eyJ" + hex.EncodeToString(tok), "APITokenCreatedAt": now()[:10], "Organisation": "Default Organisation",
		"ResetPassword": false, "Teams": []any{}, "CreatedAt": now(),
	}
	userFields(in, d)
	s.st.Users.Put(key(id), d)
	sbJSON(w, http.StatusOK, view(d, userShowFields))
}

func (s *server) userFor(w http.ResponseWriter, r *http.Request) (string, bool) {
	k, _, ok := lookup(w, r, s.st.Users, "User not found")
	return k, ok
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request) {
	k, ok := s.userFor(w, r)
	if !ok {
		return
	}
	d, _ := s.st.Users.Get(k)
	sbJSON(w, http.StatusOK, view(d, userShowFields))
}

func (s *server) updateUser(w http.ResponseWriter, r *http.Request) {
	k, ok := s.userFor(w, r)
	if !ok {
		return
	}
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	if email := strField(in, "Email"); email != "" && s.emailTaken(email, k) {
		onlyErrors(w, http.StatusUnprocessableEntity, "Email has already been taken")
		return
	}
	s.st.Users.Update(k, func(d store.Doc) { userFields(in, d) })
	d, _ := s.st.Users.Get(k)
	sbJSON(w, http.StatusOK, view(d, userShowFields))
}

func (s *server) deleteUser(w http.ResponseWriter, r *http.Request) {
	k, ok := s.userFor(w, r)
	if !ok {
		return
	}
	// Deleting a user deletes their apps and revokes their credentials.
	for _, app := range s.st.Apps.ListBy("user", k) {
		if key(int64Field(app, "UserID")) == k {
			if err := s.deleteAppCascade(key(int64Field(app, "ID"))); err != nil {
				onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
				return
			}
		}
	}
	s.st.Users.Delete(k)
	statusOK(w)
}
