package portal

import (
	"encoding/json"
	"fmt"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// Views: the exact set of fields each Portal answer carries. The sandbox
// stores more than it shows (write-only tokens, internal links); every
// answer goes through one of these, so that it carries what the official
// spec's response schema declares for the endpoint, or, where a recording
// of a real Portal shows otherwise, what the recording shows. The spec check
// of responses (internal/sandbox/spec, StrictResponses) holds every answer
// to this in tests.
//
// Recordings cited below:
//   - [R-AR]   ../shared/tyk-recordings/portal-1.x-2023-08-15/get_ar_success.txt
//     (GET /apps/1/access-requests/30; = TykTechnologies/portal-go
//     testdata/portal-api/get_ar_success.txt)
//   - [R-ARS]  .../list_app_access_requests.txt (GET /apps/1/access-requests)
//   - [R-APPS] .../apps.txt (GET /apps)
//   - [R-USER] .../users_1.txt (GET /users/1)
//   - [R-PROV] TykTechnologies/portal-go testdata/providers_list_providers.txt
//     @ d4b5a21 (GET /providers, 2023-07-09)
//   - [R-PROD] TykTechnologies/portal-go testdata/product_get_8.txt @ d4b5a21
//     (GET /products/8, 2023-07-09)

// view copies the listed fields of d that are set.
func view(d store.Doc, fields []string) store.Doc {
	out := make(store.Doc, len(fields))
	for _, f := range fields {
		if v, ok := d[f]; ok {
			out[f] = v
		}
	}
	return out
}

var (
	// OAuthProviderElem (spec).
	oauthProviderElemFields = []string{"ID", "Name", "Type", "WellKnownURL", "SSLInsecureSkipVerify", "CreatedAt", "UpdatedAt"}
	// OAuthClientTypeElem (spec).
	clientTypeElemFields = []string{"ID", "Name", "Description", "ResponseTypes", "GrantType", "TokenEndpointAuthMethod", "OktaAppType", "CreatedAt", "UpdatedAt"}
	// ProductClientTypeResponse (spec): no ResponseTypes, no auth method.
	productClientTypeFields = []string{"ID", "Name", "Description", "GrantType", "OktaAppType", "CreatedAt", "UpdatedAt"}
	// ProductClientTypeListItem (spec).
	productClientTypeItemFields = []string{"ID", "Name"}
	// Provider-index-elem: [R-PROV] shows LastSynced where the spec says
	// LastSyncedAt, and no CreatedAt/UpdatedAt.
	apiProviderIndexFields = []string{"ID", "Name", "Type", "Status", "LastSynced"}
	// Provider-show (spec; no recording).
	apiProviderShowFields = []string{"ID", "Name", "Type", "Status", "LastSyncedAt", "Configuration", "CreatedAt", "UpdatedAt"}
	// User-index-elem (spec).
	userIndexFields = []string{"ID", "Email", "First", "Last", "Active", "OrganisationID", "Role", "Provider"}
	// User-show: spec and [R-USER] agree.
	userShowFields = []string{"ID", "Email", "First", "Last", "Active", "OrganisationID", "Role", "Provider", "JWTToken",
		"APITokenCreatedAt", "Organisation", "ResetPassword", "Teams", "CreatedAt", "UpdatedAt"}
	// Client-index-elem: [R-APPS]; Visibility is in the spec from 2026 on.
	appIndexFields = []string{"ID", "Name", "Description", "RedirectURLs", "UserID", "CreatedAt", "Visibility"}
	// Product-index-elem (spec): a summary, no Catalogues, no client types.
	productIndexFields = []string{"ID", "CID", "Name", "DisplayName", "APIDetails", "AuthType", "AuthTypes", "DCREnabled",
		"Feature", "IsDocumentationOnly", "Path", "Preview", "ReferenceID", "Scopes", "SpecDetails"}
	productIndexAPIFields = []string{"APIID", "Name", "Status"}
	// Product-show (spec; [R-PROD] agrees but for OASDocument).
	productShowFields = []string{"ID", "CID", "Name", "DisplayName", "Description", "Content", "Path", "Feature", "ProviderID",
		"IsDocumentationOnly", "ReferenceID", "AuthType", "AuthTypes", "DCREnabled", "Scopes", "Catalogues", "Tags", "Templates",
		"APIDetails", "Logo", "Preview", "SpecDetails"}
	productShowAPIFields = []string{"APIID", "APIType", "Description", "ListenPath", "Name", "OASUrl", "Status", "TargetURL"}
	// PlanSummary, the items of GET /plans (spec 1.13+): no scope, no
	// ReferenceID.
	planSummaryFields = []string{"ID", "Name", "DisplayName", "AutoApproveAccessRequests", "RateLimit", "Quota"}
	// Plan (spec 1.13+).
	planShowFields = []string{"ID", "CID", "Name", "ProviderID", "ReferenceID", "DisplayName", "Description", "JWTScope",
		"AutoApproveAccessRequests", "RateLimit", "Per", "Quota", "QuotaRenewalRate", "PlanQuota", "PlanQuotaRenewalRate",
		"UnlimitedQuota", "UnlimitedRateLimit", "KeyExpiresIn", "MetaData", "Catalogues"}
	// Catalogue-index-elem (spec).
	catalogueIndexFields = []string{"ID", "Name", "NameWithSlug", "VisibilityStatus"}
	// Credential as [R-AR] and [R-ARS] show it inside an access request: the
	// spec's Credential plus ID, GrantType and JWKSURI.
	credentialFields = []string{"ID", "AccessRequest", "Credential", "CredentialHash", "DCRRegistrationAccessToken",
		"DCRRegistrationClientURI", "DCRResponse", "Expires", "GrantType", "JWKSURI", "OAuthClientID", "OAuthClientSecret",
		"RedirectURI", "ResponseType", "Scope", "TokenEndpoints"}
	// AccessRequest-index-elem: the items of GET /apps/{id}/access-requests
	// [R-ARS] and GET /access_requests/{id} (spec).
	arIndexFields = []string{"ID", "Status", "DCREnabled", "AuthType", "ProvisionImmediately", "Catalogue", "Client", "Plan",
		"User", "Products", "CreatedAt", "UpdatedAt", "DeletedAt", "Credentials"}
	// AccessRequest-basic-elem: GET /access_requests (spec), no credentials.
	arBasicFields = []string{"ID", "Status", "DCREnabled", "AuthType", "ProvisionImmediately", "Catalogue", "Client", "Plan",
		"User", "Products", "CreatedAt", "UpdatedAt", "DeletedAt"}
	// AccessRequest-show: GET /apps/{id}/access-requests/{ar}, exactly as
	// [R-AR] shows it: no ID, Status, DCREnabled or DCRTemplateID.
	arShowFields = []string{"Catalogue", "Client", "CreatedAt", "Credentials", "DeletedAt", "Plan", "PolicyService", "Products",
		"UpdatedAt", "User"}
	// Client-AccessRequest-elem: AccessRequests[] inside GET /apps/{id}
	// (spec): Products is an array there.
	appARFields = arIndexFields
)

// clientTypeView drops the empty optional enums: since Portal 1.17.1 "empty
// enum fields are omitted" (tyk-api.md §1.2, release notes 1.17.1). Older
// Portals answered "" instead, which no version's spec allows and which a
// client decodes the same way, so every emulated version omits them.
func clientTypeView(ct store.Doc, fields []string) store.Doc {
	out := view(ct, fields)
	for _, f := range []string{"OktaAppType", "TokenEndpointAuthMethod"} {
		if s, ok := out[f].(string); ok && s == "" {
			delete(out, f)
		}
	}
	return out
}

func credentialView(c store.Doc) store.Doc { return view(c, credentialFields) }

func credentialsView(ar store.Doc) []any {
	out := []any{}
	for _, c := range credentialsOf(ar) {
		out = append(out, credentialView(c))
	}
	return out
}

func apiDetailsView(d store.Doc, fields []string) []any {
	raw, _ := d["APIDetails"].([]any)
	out := make([]any, 0, len(raw))
	for _, item := range raw {
		det, _ := item.(map[string]any)
		out = append(out, view(det, fields))
	}
	return out
}

func (s *server) productShow(d store.Doc) store.Doc {
	out := view(d, s.prof.productShowFields())
	out["APIDetails"] = apiDetailsView(d, productShowAPIFields)
	return out
}

func (s *server) productIndex(d store.Doc) store.Doc {
	out := view(d, s.prof.productIndexFields())
	out["APIDetails"] = apiDetailsView(d, productIndexAPIFields)
	return out
}

// planView shows a plan through fields; before 1.13 RateLimit and Quota are
// display strings (the 1.12 spec's Plan-show: "1000 calls / 1 minute(s)",
// "unlimited"; tyk-api.md §3.4).
func (s *server) planView(d store.Doc, fields []string) store.Doc {
	out := view(d, fields)
	if s.prof.PlanNumbers {
		return out
	}
	// The 1.12 Plan-show gives catalogue names, as products do.
	if ids, ok := out["Catalogues"].([]any); ok {
		names, err := s.catalogueNames(ids)
		if err == nil {
			out["Catalogues"] = names
		}
	}
	rate, per := num(d["RateLimit"]), num(d["Per"])
	if rate <= 0 {
		out["RateLimit"] = "unlimited"
	} else {
		out["RateLimit"] = fmt.Sprintf("%v calls / %v second(s)", rate, per)
	}
	quota, renew := num(d["Quota"]), num(d["QuotaRenewalRate"])
	if quota <= 0 {
		out["Quota"] = "unlimited"
	} else {
		out["Quota"] = fmt.Sprintf("%v calls / %v second(s)", quota, renew)
	}
	return out
}

func num(v any) float64 {
	switch t := v.(type) {
	case json.Number:
		f, _ := t.Float64()
		return f
	case float64:
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	}
	return 0
}
