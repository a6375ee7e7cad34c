package spec

import "net/http"

// Recordings of real Tyk cited by the rules below:
//   - [R-AR]  ../shared/tyk-recordings/portal-1.x-2023-08-15/get_ar_success.txt
//     (= TykTechnologies/portal-go testdata/portal-api/get_ar_success.txt):
//     GET /portal-api/apps/1/access-requests/30
//   - [R-ARS] .../list_app_access_requests.txt: GET /portal-api/apps/1/access-requests
//   - [R-PROV] TykTechnologies/portal-go testdata/providers_list_providers.txt
//     @ d4b5a2144cbe: GET /portal-api/providers (2023-07-09)

// credentialExtras are the properties real access requests carry in their
// Credentials items that the spec's Credential schema lacks: [R-AR], [R-ARS].
var credentialExtras = []string{"ID", "GrantType", "JWKSURI"}

func credentialFields(path, prefix, evidence string) []FieldException {
	out := make([]FieldException, 0, len(credentialExtras))
	for _, f := range credentialExtras {
		out = append(out, FieldException{Method: http.MethodGet, Path: path, Field: prefix + f, Evidence: evidence})
	}
	return out
}

// PortalRules are the Portal answers the official spec does not describe
// but real Tyk was seen to give (each with its recording), and the spec's
// own contradictions (each with its reason).
var PortalRules = Rules{
	Fields: concat(
		[]FieldException{
			{Method: http.MethodGet, Path: "/apps/{app_id}/access-requests/{access-request_id}", Field: "PolicyService", Evidence: "[R-AR]"},
			{Method: http.MethodGet, Path: "/providers", Field: "[].LastSynced", Evidence: "[R-PROV]: the list carries LastSynced, not the spec's LastSyncedAt"},
		},
		credentialFields("/apps/{app_id}/access-requests/{access-request_id}", "Credentials[].", "[R-AR]"),
		credentialFields("/apps/{app_id}/access-requests", "[].Credentials[].", "[R-ARS]"),
		// The same access-request item (AccessRequest-index-elem) with the
		// same Credential items as [R-ARS].
		credentialFields("/access_requests/{access_request_id}", "Credentials[].", "[R-ARS] (same item schema)"),
		credentialFields("/apps/{app_id}", "AccessRequests[].Credentials[].", "[R-AR], [R-ARS] (same Credential items)"),
		// Credential-index-elem declares ID and GrantType; JWKSURI as in [R-AR].
		[]FieldException{{Method: http.MethodGet, Path: "/apps/{app_id}/access-requests/{access-request_id}/credentials", Field: "[].JWKSURI", Evidence: "[R-AR] (same credential)"}},
	),
	Statuses: []StatusException{
		// The spec documents no 401 at all (tyk-api.md §1.4, §9.9); the
		// sandbox answers a bad admin token with the OnlyErrors body the
		// Portal uses for its other errors.
		{Method: "*", Path: "*", Status: http.StatusUnauthorized, Schema: "OnlyErrors", Reason: "401 undocumented; OnlyErrors assumed"},
		// The spec's contradictions (tyk-api.md §1.4): a 404 declared with
		// the success schema, or with Status.
		{Method: http.MethodGet, Path: "/products/{product_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "spec declares Product-show for the 404"},
		{Method: http.MethodGet, Path: "/users/{user_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "spec declares User-show for the 404"},
		{Method: http.MethodGet, Path: "/apps/{app_id}/access-requests/{access-request_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "spec declares AccessRequest-show for the 404"},
		{Method: http.MethodGet, Path: "/products/{product_id}/client_types/{client_type_id}", Status: http.StatusNotFound, Schema: "Status", Reason: "declared as Status, kept"},
		// Objects that do not exist: the spec declares no 404 for these
		// reads and writes of an id, although an id can always be unknown.
		// The Portal's error body elsewhere is OnlyErrors.
		{Method: "*", Path: "/apps/{app_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/apps/{app_id}/access-requests", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/apps/{app_id}/provision", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/apps/{app_id}/access-requests/{access-request_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/apps/{app_id}/access-requests/{access-request_id}/credentials", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/apps/{app_id}/access-requests/{access-request_id}/credentials/{credential_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/apps/{app_id}/access-requests/{access-request_id}/credentials/{credential_id}/rotate", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/access_requests/{access_request_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/access_requests/{access_request_id}/approve", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/access_requests/{access_request_id}/reject", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/providers/{provider_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/providers/{provider_id}/synchronize", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/products/{product_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/products/{product_id}/client_types", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		{Method: "*", Path: "/users/{user_id}", Status: http.StatusNotFound, Schema: "OnlyErrors", Reason: "unknown id; 404 undocumented"},
		// Validation failures of writes the spec gives no error answer for;
		// the Portal answers 422 OnlyErrors for malformed bodies since 1.9.0
		// (release notes 1.9.0, tyk-api.md §1.4).
		{Method: "*", Path: "/apps", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "validation; 422 OnlyErrors (release notes 1.9.0)"},
		{Method: "*", Path: "/users", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "validation; 422 OnlyErrors (release notes 1.9.0)"},
		{Method: "*", Path: "/providers", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "validation; 422 OnlyErrors (release notes 1.9.0)"},
		{Method: "*", Path: "/providers/{provider_id}", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "validation; 422 OnlyErrors (release notes 1.9.0)"},
		{Method: "*", Path: "/products/{product_id}/client_types/{client_type_id}", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "validation; 422 OnlyErrors"},
		{Method: http.MethodDelete, Path: "/users/{user_id}", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "the IdP refused a client deletion"},
		{Method: http.MethodDelete, Path: "/apps/{app_id}", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "the IdP refused a client deletion"},
		{Method: http.MethodDelete, Path: "/access_requests/{access_request_id}", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "the IdP refused a client deletion"},
		{Method: http.MethodDelete, Path: "/apps/{app_id}/access-requests/{access-request_id}/credentials/{credential_id}", Status: http.StatusUnprocessableEntity, Schema: "OnlyErrors", Reason: "the IdP refused a client deletion"},
	},
	ArrayItems: []ArrayItems{
		// Client-show.AccessRequests has items Client-AccessRequest-index,
		// itself an array: an array of arrays. The real GET /apps/13 saved
		// in Tyk's demo collection (tyk-demo deployments/portal/
		// tyk_demo_portal.postman_collection.json, 2023-03-16; tyk-api.md
		// §4.4) has an array of access-request objects.
		{Schema: "Client-show", Property: "AccessRequests", Items: "Client-AccessRequest-elem", Evidence: "tyk-demo saved response of GET /apps/13"},
	},
	EmptyStrings: []EmptyString{
		{Schema: "AccessRequest-internal", Property: "DeletedAt", Evidence: "[R-AR], [R-ARS]: \"DeletedAt\": \"\""},
	},
	CSVEnums: []CSVEnum{
		{Schema: "OAuthClientTypeBasic", Property: "ResponseTypes", Extra: []string{"id_token"},
			Reason: "\"Format as CSV\"; the example \"code,token\" breaks the enum; it_token is a typo of the documented id_token"},
		{Schema: "OAuthClientTypeBasic", Property: "GrantType", Reason: "\"Format as CSV\"; the example breaks the enum"},
		{Schema: "ProductClientTypeResponse", Property: "GrantType", Reason: "the client type's CSV GrantType, as above"},
	},
}

// ProductListIDBefore114 lets the product list of Portals before 1.14 carry
// ID: their specs' Product-index-elem leaves it out, the 1.14+ spec declares
// it for the same list, and the list is the only way to learn a product's id
// (every product path takes it; tyk-api.md §1.2).
var ProductListIDBefore114 = FieldException{Method: http.MethodGet, Path: "/products", Field: "[].ID",
	Evidence: "declared by the 1.14+ spec for the same list"}

// DashboardRules are the same for the Dashboard API.
var DashboardRules = Rules{
	Statuses: []StatusException{
		// DELETE of an unknown API is declared 404; GET declares only 400
		// (which the sandbox answers). A write to an unknown policy:
		// "Could not retrieve portal object." (tyk-api.md §6.2).
		{Method: http.MethodGet, Path: "/api/portal/policies/{id}", Status: http.StatusNotFound, Schema: "ApiResponse", Reason: "unknown id; 404 \"Could not retrieve portal object.\" (tyk-api.md §6.2)"},
		{Method: http.MethodPut, Path: "/api/portal/policies/{id}", Status: http.StatusNotFound, Schema: "ApiResponse", Reason: "unknown id (tyk-api.md §6.2)"},
		{Method: http.MethodDelete, Path: "/api/portal/policies/{id}", Status: http.StatusNotFound, Schema: "ApiResponse", Reason: "unknown id: \"Could not retrieve object for deletion\" (tyk-api.md §6.2)"},
	},
}

func concat[T any](parts ...[]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
