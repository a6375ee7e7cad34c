package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// scopeOwner names the product or plan that uses a scope.
type scopeOwner struct {
	kind string // "product" or "plan"
	id   int64
	name string
}

func (o scopeOwner) String() string { return fmt.Sprintf("API product %q (id %d)", o.name, o.id) }

// portalScopeOwners maps every scope used by a product or plan to its owner.
// The Portal requires scopes to be unique: the IdP client of an app carries
// the union of its product and plan scopes, and the Gateway maps each scope
// to exactly one policy.
func portalScopeOwners(ctx context.Context, p *portal.Client) (map[string]scopeOwner, error) {
	owners := map[string]scopeOwner{}
	products, err := p.ListProducts(ctx)
	if err != nil {
		return nil, err
	}
	for _, pr := range products {
		for _, s := range portal.ParseCSV(pr.Scopes) {
			owners[s] = scopeOwner{"product", pr.ID, pr.Name}
		}
	}
	plans, err := p.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	for _, pl := range plans {
		scope := pl.JWTScope
		if scope == "" {
			// List items are summaries without JWTScope: read the plan.
			if full, err := p.GetPlan(ctx, pl.ID); err == nil {
				scope = full.JWTScope
			}
		}
		for _, s := range portal.ParseCSV(scope) {
			owners[s] = scopeOwner{"plan", pl.ID, pl.Name}
		}
	}
	return owners, nil
}

// checkScopesFree reports scopes of self that another product or plan uses.
func checkScopesFree(ctx context.Context, p *portal.Client, scopes []string, selfKind string, selfID int64, attr path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(scopes) == 0 {
		return diags
	}
	owners, err := portalScopeOwners(ctx, p)
	if err != nil {
		diags.AddWarning("Scope uniqueness not checked", "Listing the Portal's products and plans failed: "+err.Error())
		return diags
	}
	sort.Strings(scopes)
	for _, s := range scopes {
		o, taken := owners[s]
		if !taken || (o.kind == selfKind && o.id == selfID) {
			continue
		}
		what := o.String()
		if o.kind == "plan" {
			what = fmt.Sprintf("plan %q (id %d)", o.name, o.id)
		}
		diags.AddAttributeError(attr, "Scope already used",
			fmt.Sprintf("Scope %q is already used by %s. Each API product and plan needs its own unique scope, "+
				"since the Gateway maps every scope to one policy; choose another scope.", s, what))
	}
	return diags
}

func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	var out []string
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

func setInt64s(ctx context.Context, s types.Set, diags *diag.Diagnostics) []int64 {
	var out []int64
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// catalogueIDs maps the catalogue names a GET returns back to ids.
func catalogueIDs(ctx context.Context, p *portal.Client, names []string) ([]int64, error) {
	return p.CatalogueIDs(ctx, names)
}

func csvOf(items []string) string { return strings.Join(items, ",") }
