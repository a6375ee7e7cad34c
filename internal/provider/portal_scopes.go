package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

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
	ref  string // ReferenceID: the _id of its Dashboard policy
}

// scopeSelf identifies the product or plan whose scopes are checked: by id
// when it exists, and, when Terraform replaces a tainted object (planned
// like a new one, without prior state), by what only it can be: the
// Portal's product or plan of the same Dashboard-first policy, or the
// Portal-first object of the same kind and name.
type scopeSelf struct {
	kind         string
	id           int64 // -1 when unknown
	policy, name string
}

func (me scopeSelf) is(o scopeOwner) bool {
	if o.kind != me.kind {
		return false
	}
	return o.id == me.id || (me.policy != "" && o.ref == me.policy) || (me.name != "" && o.name == me.name)
}

func (o scopeOwner) String() string { return fmt.Sprintf("API product %q (id %d)", o.name, o.id) }

// scopeIndex maps every scope used by a product or plan to its owner. The
// Portal requires scopes to be unique: an app's IdP client carries the union
// of its product and plan scopes, and the Gateway maps each scope to one
// policy. The index is listed from the Portal once per provider process
// and kept current with this process's own writes, so checking N products
// costs one listing instead of N (changes others make during the same run
// are seen on the next one).
type scopeIndex struct {
	mu     sync.Mutex
	loaded bool
	owners map[string]scopeOwner
	// planned are the scopes the products and plans of this run's plan
	// claim (ModifyPlan is called for every resource in one process), so
	// that two new objects cannot take the same scope unnoticed.
	planned map[string]plannedClaim
	// replacing remembers, by replaceKey, the id of the object a resource
	// had when Terraform planned it with its prior state. When Terraform
	// then replaces it (a RequiresReplace change, -replace, a taint), it
	// plans the new object again without prior state; the key, built only
	// from the configuration, finds the object being replaced so that its
	// scopes do not count as taken by another.
	replacing map[string]int64
}

// replaceKey identifies a product or plan by its configuration, the same
// in both of Terraform's plan calls for one replacement.
func replaceKey(kind string, providerID types.Int64, policyID, name types.String, scopes []string) string {
	str := func(v interface {
		IsUnknown() bool
		String() string
	}) string {
		if v.IsUnknown() {
			return "?"
		}
		return v.String()
	}
	who := "name:" + str(name)
	if !policyID.IsNull() {
		who = "policy:" + str(policyID)
	}
	return strings.Join([]string{kind, str(providerID), who, csvOf(scopes)}, "|")
}

// noteReplaceable records the id a configuration had when planned with its
// prior state; replaced returns it when the same configuration is planned
// again without one.
func (x *scopeIndex) noteReplaceable(key string, id int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.replacing == nil {
		x.replacing = map[string]int64{}
	}
	x.replacing[key] = id
}

func (x *scopeIndex) replaced(key string) (int64, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	id, ok := x.replacing[key]
	return id, ok
}

// plannedClaim names the product or plan that claims a scope in a plan:
// key is its id when it exists, else its policy id or name.
type plannedClaim struct{ kind, key, label string }

// claim records scopes as planned for c and returns, by scope, the other
// claims they collide with.
func (x *scopeIndex) claim(scopes []string, c plannedClaim) map[string]plannedClaim {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.planned == nil {
		x.planned = map[string]plannedClaim{}
	}
	clashes := map[string]plannedClaim{}
	for _, s := range scopes {
		if other, ok := x.planned[s]; ok && (other.kind != c.kind || other.key != c.key) {
			clashes[s] = other
			continue
		}
		x.planned[s] = c
	}
	return clashes
}

func (x *scopeIndex) load(ctx context.Context, p *portal.Client) error {
	if x.loaded {
		return nil
	}
	owners := map[string]scopeOwner{}
	products, err := p.ListProducts(ctx)
	if err != nil {
		return err
	}
	for _, pr := range products {
		if !pr.HasScopes {
			// Portals before 1.14 list summaries without Scopes: read it.
			if full, err := p.ProductOnce(ctx, pr.ID); err == nil { // shared with Read
				pr = *full
			}
		}
		for _, s := range portal.ParseCSV(pr.Scopes) {
			owners[s] = scopeOwner{"product", pr.ID, pr.Name, pr.ReferenceID}
		}
	}
	plans, err := p.ListPlans(ctx)
	if err != nil {
		return err
	}
	for _, pl := range plans {
		scope, ref := pl.JWTScope, pl.ReferenceID
		if scope == "" {
			// List items are summaries without JWTScope: read the plan.
			if full, err := p.PlanOnce(ctx, pl.ID); err == nil { // shared with Read
				scope, ref = full.JWTScope, full.ReferenceID
			}
		}
		for _, s := range portal.ParseCSV(scope) {
			owners[s] = scopeOwner{"plan", pl.ID, pl.Name, ref}
		}
	}
	x.owners, x.loaded = owners, true
	return nil
}

// record replaces the scopes owned by one product or plan (nil removes it).
func (x *scopeIndex) record(kind string, id int64, name, ref string, scopes []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		return
	}
	for s, o := range x.owners {
		if o.kind == kind && o.id == id {
			delete(x.owners, s)
		}
	}
	for _, s := range scopes {
		x.owners[s] = scopeOwner{kind, id, name, ref}
	}
}

// checkScopesFree reports scopes of self that another product or plan uses.
func checkScopesFree(ctx context.Context, data *providerData, scopes []string, self scopeSelf, attr path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(scopes) == 0 {
		return diags
	}
	x := &data.scopes
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.load(ctx, data.portal); err != nil {
		diags.AddWarning("Scope uniqueness not checked", "Listing the Portal's products and plans failed: "+err.Error())
		return diags
	}
	sort.Strings(scopes)
	for _, s := range scopes {
		o, taken := x.owners[s]
		if !taken || self.is(o) {
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
