package portal

import (
	"fmt"
	"sort"
	"strings"
)

// Profile is the Portal version the sandbox emulates: the behaviours that
// differ by version (tyk-api.md §4.5 and §8, from the release notes and the
// spec snapshots of each version).
type Profile struct {
	Version string
	// SpecFile is the official spec of that version, relative to the spec
	// directory (tyk-specs/PROVENANCE.md).
	SpecFile string
	// PortalFirst: POST and DELETE /products and /plans exist (1.13.0; the
	// 1.12 spec has only GET and PUT).
	PortalFirst bool
	// PlansEnvelope: GET /plans answers {"data":[...]} (spec 1.13+; a bare
	// array in the 1.12 spec and Tyk's demo scripts).
	PlansEnvelope bool
	// PlanNumbers: a plan's RateLimit and Quota are numbers (1.13.0
	// "Breaking Changes"); before, display strings such as
	// "1000 calls / 1 minute(s)" and "unlimited".
	PlanNumbers bool
	// WritesAPIDefinitions: at approval the Portal writes the JWKS source
	// and the scope → policy mappings into the product APIs' definitions
	// (1.13–1.17, and 1.18 without the IdP registry: DCR guide "Migrating to
	// the Identity Provider Registry"; tyk-api.md §4.5). Existing mappings
	// are kept (1.13.2 and 1.14.0 fixed the Portal wiping them).
	WritesAPIDefinitions bool
	// CustomPolicyIDs: the mappings it writes name a policy by its custom
	// `id` when it has one, else by `_id` (1.17.1; before, always `_id`).
	CustomPolicyIDs bool
	// OneClientPerApp: an app keeps one OAuth client across its access
	// requests; each approval adds its scopes to it (1.16.0; DCR guide "A
	// Developer App ... corresponds 1:1 to an OAuth 2.0 client").
	OneClientPerApp bool
	// AppVisibility: apps carry Visibility (the 2026 spec; not in 1.13's).
	AppVisibility bool
	// ProductListFull: the product list items carry ID, Scopes and the other
	// fields of the 1.14+ spec's Product-index-elem; older specs declare a
	// shorter item (see PortalRules for the ID every version needs).
	ProductListFull bool
}

// Profiles are the versions the sandbox can emulate.
var Profiles = map[string]Profile{
	"1.12": {Version: "1.12", SpecFile: "history/portal-v1.12.0/enterprise-developer-portal-swagger.yaml"},
	"1.13": {Version: "1.13", SpecFile: "history/portal-v1.13.0/enterprise-developer-portal-swagger.yaml",
		PortalFirst: true, PlansEnvelope: true, PlanNumbers: true, WritesAPIDefinitions: true},
	// No spec snapshot of 1.16 exists; the 1.13 one is the closest earlier.
	"1.16": {Version: "1.16", SpecFile: "history/portal-v1.13.0/enterprise-developer-portal-swagger.yaml",
		PortalFirst: true, PlansEnvelope: true, PlanNumbers: true, WritesAPIDefinitions: true, OneClientPerApp: true},
	"1.18": {Version: "1.18", SpecFile: "enterprise-developer-portal-swagger.yaml",
		PortalFirst: true, PlansEnvelope: true, PlanNumbers: true, WritesAPIDefinitions: true, OneClientPerApp: true,
		CustomPolicyIDs: true, AppVisibility: true, ProductListFull: true},
}

// DefaultVersion is the newest version the spec covers.
const DefaultVersion = "1.18"

// ProfileFor returns the profile of version ("" is the default).
func ProfileFor(version string) (Profile, error) {
	if version == "" {
		version = DefaultVersion
	}
	p, ok := Profiles[version]
	if !ok {
		var known []string
		for v := range Profiles {
			known = append(known, v)
		}
		sort.Strings(known)
		return Profile{}, fmt.Errorf("unknown Portal version %q (emulated: %s)", version, strings.Join(known, ", "))
	}
	return p, nil
}

// Views of a version: the fields its spec declares for each answer.

func (p Profile) appIndexFields() []string {
	if p.AppVisibility {
		return appIndexFields
	}
	return without(appIndexFields, "Visibility")
}

func (p Profile) productIndexFields() []string {
	if p.ProductListFull {
		return productIndexFields
	}
	// Product-index-elem of the 1.12 and 1.13 specs (+ ID, PortalRules).
	return []string{"ID", "Name", "DisplayName", "APIDetails", "AuthType", "DCREnabled", "Feature", "Path", "ReferenceID"}
}

func (p Profile) productShowFields() []string {
	switch {
	case p.ProductListFull:
		return productShowFields
	case p.PortalFirst: // 1.13: no AuthTypes, ProviderID, Preview
		return without(productShowFields, "AuthTypes", "ProviderID", "Preview")
	default: // 1.12: no CID, IsDocumentationOnly, SpecDetails either
		return without(productShowFields, "AuthTypes", "ProviderID", "Preview", "CID", "IsDocumentationOnly", "SpecDetails")
	}
}

func (p Profile) planSummaryFields() []string {
	if p.PlanNumbers {
		return planSummaryFields
	}
	// Plan-index-elem of the 1.12 spec.
	return []string{"ID", "Name", "DisplayName", "AutoApproveAccessRequests", "ReferenceID", "RateLimit", "Quota"}
}

func (p Profile) planShowFields() []string {
	if p.PlanNumbers {
		return planShowFields
	}
	// Plan-show of the 1.12 spec.
	return []string{"ID", "Name", "DisplayName", "Description", "AuthType", "AutoApproveAccessRequests", "Catalogues",
		"ReferenceID", "JWTScope", "RateLimit", "Quota"}
}

func without(fields []string, drop ...string) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		keep := true
		for _, d := range drop {
			keep = keep && f != d
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}
