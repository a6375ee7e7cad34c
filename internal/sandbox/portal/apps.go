package portal

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

var visibilities = map[string]bool{"personal": true, "team": true, "organisation": true}

// appShow is Client-show: the app with its access requests
// (Client-AccessRequest-elem, whose Products is an array).
func (s *server) appShow(d store.Doc) store.Doc {
	out := view(d, s.prof.appIndexFields())
	ars := []store.Doc{}
	for _, ar := range s.arsOfApp(key(int64Field(d, "ID"))) {
		e := view(ar, appARFields)
		e["Products"] = productNames(ar)
		e["Credentials"] = credentialsView(ar)
		ars = append(ars, e)
	}
	out["AccessRequests"] = ars
	return out
}

// arsOfApp returns an app's access requests in creation order.
func (s *server) arsOfApp(appKey string) []store.Doc {
	return s.st.AccessRequests.ListBy("app", appKey) // indexed: no scan of every request
}

func productNames(ar store.Doc) []any {
	names, _ := ar["__product_names"].([]any)
	if names == nil {
		names = []any{}
	}
	return names
}

// productsString is Products as the access-request endpoints other than
// GET /apps/{id} show it: one string ([R-ARS] "public_product"; several
// products joined by commas, tyk-api.md §4.3).
func productsString(ar store.Doc) string {
	var names []string
	for _, n := range productNames(ar) {
		names = append(names, fmt.Sprint(n))
	}
	return strings.Join(names, ",")
}

// arView shows an access request through fields, with Products as a string
// and the credentials as [R-AR] shows them.
func arView(ar store.Doc, fields []string) store.Doc {
	e := view(ar, fields)
	if slices.Contains(fields, "Products") {
		e["Products"] = productsString(ar)
	}
	if slices.Contains(fields, "Credentials") {
		e["Credentials"] = credentialsView(ar)
	}
	return e
}

func (s *server) listApps(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, d := range pageOf(s.st.Apps, r) {
		out = append(out, view(d, s.prof.appIndexFields()))
	}
	writeList(w, out)
}

func (s *server) validApp(in store.Doc) []string {
	var errs []string
	if strField(in, "Name") == "" {
		errs = append(errs, "Name can't be blank")
	}
	if _, ok := s.st.Users.Get(key(int64Field(in, "UserID"))); !ok {
		errs = append(errs, "User not found")
	}
	if v := strField(in, "Visibility"); v != "" && !visibilities[v] {
		errs = append(errs, "Visibility must be one of personal, team, organisation")
	}
	return errs
}

func (s *server) createApp(w http.ResponseWriter, r *http.Request) {
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	if errs := s.validApp(in); len(errs) > 0 {
		onlyErrors(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	id := s.st.NextID("app")
	vis := strField(in, "Visibility")
	if vis == "" {
		vis = "organisation"
	}
	d := store.Doc{
		"ID": id, "Name": in["Name"], "Description": strField(in, "Description"), "RedirectURLs": strField(in, "RedirectURLs"),
		"UserID": int64Field(in, "UserID"), "Visibility": vis, "CreatedAt": now(),
	}
	s.st.Apps.Put(key(id), d)
	sbJSON(w, http.StatusOK, s.appShow(d))
}

func (s *server) appFor(w http.ResponseWriter, r *http.Request) (string, store.Doc, bool) {
	return lookup(w, r, s.st.Apps, "Application not found")
}

func (s *server) getApp(w http.ResponseWriter, r *http.Request) {
	if _, d, ok := s.appFor(w, r); ok {
		sbJSON(w, http.StatusOK, s.appShow(d))
	}
}

func (s *server) updateApp(w http.ResponseWriter, r *http.Request) {
	k, d, ok := s.appFor(w, r)
	if !ok {
		return
	}
	in, err := decode(r)
	if err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, "invalid JSON body")
		return
	}
	if errs := s.validApp(in); len(errs) > 0 {
		onlyErrors(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	// A PUT replaces the whole object (replaceSemantics).
	for _, f := range []string{"Name", "Description", "RedirectURLs"} {
		d[f] = strField(in, f)
	}
	d["Visibility"] = strField(in, "Visibility")
	if d["Visibility"] == "" {
		d["Visibility"] = "organisation"
	}
	d["UserID"] = int64Field(in, "UserID")
	s.st.Apps.Put(k, d)
	sbJSON(w, http.StatusOK, s.appShow(d))
}

// deleteAppCascade removes an app, its access requests and their IdP clients.
func (s *server) deleteAppCascade(k string) error {
	for _, ar := range s.st.AccessRequests.ListBy("app", k) {
		if err := s.revoke(ar); err != nil {
			return err
		}
		s.st.AccessRequests.Delete(key(int64Field(ar, "ID")))
	}
	s.st.Apps.Delete(k)
	return nil
}

func (s *server) deleteApp(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.appFor(w, r)
	if !ok {
		return
	}
	if err := s.deleteAppCascade(k); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	statusOK(w)
}

// provision creates an access request for the app: {"PlanID","ProductIDs",
// "DCRTemplateID"} (the body observed in Tyk's demo collection). An
// auto-approve plan approves it at once.
func (s *server) provision(w http.ResponseWriter, r *http.Request) {
	k, app, ok := s.appFor(w, r)
	if !ok {
		return
	}
	in, err := decode(r)
	if err != nil {
		statusWithErrors(w, "invalid JSON body")
		return
	}
	planKey := key(int64Field(in, "PlanID"))
	plan, ok := s.st.Plans.Get(planKey)
	if !ok || !visible(plan) {
		statusWithErrors(w, "Plan not found")
		return
	}
	raw, _ := in["ProductIDs"].([]any)
	if len(raw) == 0 {
		statusWithErrors(w, "ProductIDs can't be blank")
		return
	}
	var productIDs, names []any
	dcr := false
	catalogue := ""
	ctID := int64Field(in, "DCRTemplateID")
	for _, v := range raw {
		pid := int64Field(store.Doc{"v": v}, "v")
		prod, ok := s.st.Products.Get(key(pid))
		if !ok || !visible(prod) {
			statusWithErrors(w, fmt.Sprintf("Product %v not found", v))
			return
		}
		if enabled, _ := prod["DCREnabled"].(bool); enabled {
			dcr = true
			if ctID == 0 {
				statusWithErrors(w, fmt.Sprintf("Product %s uses dynamic client registration: DCRTemplateID (the client type) is required", prod["Name"]))
				return
			}
			found := false
			for _, id := range clientTypeIDs(prod) {
				found = found || id == ctID
			}
			if !found {
				statusWithErrors(w, fmt.Sprintf("Client type %d is not enabled for product %s", ctID, prod["Name"]))
				return
			}
		}
		if cats, _ := prod["Catalogues"].([]any); len(cats) > 0 && catalogue == "" {
			catalogue = fmt.Sprint(cats[0])
		}
		productIDs = append(productIDs, pid)
		names = append(names, prod["Name"])
	}
	id := s.st.NextID("access-request")
	auto, _ := plan["AutoApproveAccessRequests"].(bool)
	authType := "authToken"
	if dcr {
		authType = "jwt"
	}
	ar := store.Doc{
		"ID": id, "Status": "pending", "DCREnabled": dcr, "ProvisionImmediately": auto, "AuthType": authType,
		"Catalogue": catalogue, "Client": app["Name"], "Plan": plan["Name"], "User": fmt.Sprintf("User#%d", int64Field(app, "UserID")),
		"CreatedAt": now(), "UpdatedAt": now(), "DeletedAt": "", "PolicyService": []any{}, "Credentials": []any{},
		"__client_type_id": ctID, "__app_id": k, "__plan_id": planKey, "__product_ids": productIDs, "__product_names": names,
	}
	s.st.AccessRequests.Put(key(id), ar)
	if auto {
		if err := s.approve(key(id)); err != nil {
			statusWithErrors(w, err.Error())
			return
		}
	}
	sbJSON(w, http.StatusOK, map[string]any{"status": "ok", "message": "Action Provision: Executed successfully"})
}

func (s *server) arFor(w http.ResponseWriter, r *http.Request, param string, appKey string) (string, store.Doc, bool) {
	k, ok := pathID(r, param)
	var ar store.Doc
	if ok {
		ar, ok = s.st.AccessRequests.Get(k)
		ok = ok && (appKey == "" || ar["__app_id"] == appKey)
	}
	if !ok {
		onlyErrors(w, http.StatusNotFound, "Access request not found")
	}
	return k, ar, ok
}

func (s *server) listAppAccessRequests(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.appFor(w, r)
	if !ok {
		return
	}
	var out []store.Doc
	for _, ar := range s.arsOfApp(k) {
		out = append(out, arView(ar, arIndexFields))
	}
	writeList(w, page(out, r))
}

func (s *server) getAppAccessRequest(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.appFor(w, r)
	if !ok {
		return
	}
	if _, ar, ok := s.arFor(w, r, "ar", k); ok {
		sbJSON(w, http.StatusOK, arView(ar, arShowFields))
	}
}

func (s *server) deleteAppAccessRequest(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.appFor(w, r)
	if !ok {
		return
	}
	arKey, ar, ok := s.arFor(w, r, "ar", k)
	if !ok {
		return
	}
	if err := s.revoke(ar); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.st.AccessRequests.Delete(arKey)
	statusOK(w)
}

func (s *server) listAccessRequests(w http.ResponseWriter, r *http.Request) {
	var out []store.Doc
	for _, ar := range s.st.AccessRequests.List() {
		out = append(out, arView(ar, arBasicFields))
	}
	writeList(w, page(out, r))
}

func (s *server) getAccessRequest(w http.ResponseWriter, r *http.Request) {
	if _, ar, ok := s.arFor(w, r, "id", ""); ok {
		sbJSON(w, http.StatusOK, arView(ar, arIndexFields))
	}
}

func statusMessage(w http.ResponseWriter, status int, state, msg string) {
	sbJSON(w, status, map[string]any{"status": state, "message": msg})
}

func (s *server) approveAccessRequest(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.arFor(w, r, "id", "")
	if !ok {
		return
	}
	if err := s.approve(k); err != nil {
		statusMessage(w, http.StatusUnprocessableEntity, "error", err.Error())
		return
	}
	statusMessage(w, http.StatusOK, "ok", "Action Approve: Executed successfully")
}

func (s *server) rejectAccessRequest(w http.ResponseWriter, r *http.Request) {
	k, ar, ok := s.arFor(w, r, "id", "")
	if !ok {
		return
	}
	if ar["Status"] == "approved" {
		statusMessage(w, http.StatusUnprocessableEntity, "error", "An approved access request cannot be rejected; revoke it instead")
		return
	}
	s.st.AccessRequests.Update(k, func(d store.Doc) { d["Status"] = "rejected"; d["UpdatedAt"] = now() })
	statusMessage(w, http.StatusOK, "ok", "Action Reject: Executed successfully")
}

func (s *server) deleteAccessRequest(w http.ResponseWriter, r *http.Request) {
	k, ar, ok := s.arFor(w, r, "id", "")
	if !ok {
		return
	}
	if err := s.revoke(ar); err != nil {
		onlyErrors(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.st.AccessRequests.Delete(k)
	statusOK(w)
}

func credentialsOf(ar store.Doc) []store.Doc {
	raw, _ := ar["Credentials"].([]any)
	var out []store.Doc
	for _, c := range raw {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func (s *server) credFor(w http.ResponseWriter, r *http.Request) (string, store.Doc, store.Doc, bool) {
	k, _, ok := s.appFor(w, r)
	if !ok {
		return "", nil, nil, false
	}
	arKey, ar, ok := s.arFor(w, r, "ar", k)
	if !ok {
		return "", nil, nil, false
	}
	credKey, _ := pathID(r, "cred")
	for _, c := range credentialsOf(ar) {
		if key(int64Field(c, "ID")) == credKey {
			return arKey, ar, c, true
		}
	}
	onlyErrors(w, http.StatusNotFound, "Credential not found")
	return "", nil, nil, false
}

func (s *server) listCredentials(w http.ResponseWriter, r *http.Request) {
	k, _, ok := s.appFor(w, r)
	if !ok {
		return
	}
	if _, ar, ok := s.arFor(w, r, "ar", k); ok {
		out := []store.Doc{}
		for _, c := range credentialsOf(ar) {
			out = append(out, credentialView(c))
		}
		writeList(w, out)
	}
}

func (s *server) getCredential(w http.ResponseWriter, r *http.Request) {
	if _, _, c, ok := s.credFor(w, r); ok {
		sbJSON(w, http.StatusOK, credentialView(c))
	}
}
