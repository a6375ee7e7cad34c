package portal

import (
	"context"
	"fmt"
)

// Dashboard-first products and plans: the Portal imports them from the
// Dashboard's policies when it synchronizes an API provider (a policy tagged
// with one of the provider's policy tags, ACL-only → product; rate limit
// and/or quota without ACL → plan). These operations find the object the
// Portal imported from a policy, for a resource that manages its Portal
// settings.

// ImportedProduct synchronizes API provider providerID and returns the
// product the Portal imported from Dashboard policy policyID.
func (p *Client) ImportedProduct(ctx context.Context, providerID int64, policyID string) (*Product, error) {
	return findImported(ctx, p, providerID, policyID, "product", "with only the ACL partition (partitions = { acl = true })",
		p.ListProducts, p.GetProduct, func(pr Product) (int64, string) { return pr.ID, pr.ReferenceID })
}

// ImportedPlan synchronizes API provider providerID and returns the plan the
// Portal imported from Dashboard policy policyID.
func (p *Client) ImportedPlan(ctx context.Context, providerID int64, policyID string) (*Plan, error) {
	return findImported(ctx, p, providerID, policyID, "plan", "with rate_limit and/or quota and without acl",
		p.ListPlans, p.GetPlan, func(pl Plan) (int64, string) { return pl.ID, pl.ReferenceID })
}

func findImported[T any](ctx context.Context, p *Client, providerID int64, policyID, kind, partitions string,
	list func(context.Context) ([]T, error), get func(context.Context, int64) (*T, error), ref func(T) (int64, string),
) (*T, error) {
	if err := p.SynchronizeAPIProvider(ctx, providerID); err != nil {
		return nil, fmt.Errorf("synchronizing API provider %d: %w", providerID, err)
	}
	all, err := list(ctx)
	if err != nil {
		return nil, err
	}
	for _, item := range all {
		id, reference := ref(item)
		switch reference {
		case policyID:
			return get(ctx, id)
		case "":
			// Some list items are summaries without ReferenceID: read it.
			if full, err := get(ctx, id); err == nil {
				if _, r := ref(*full); r == policyID {
					return full, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("after synchronizing API provider %d the Portal has no %s for policy %s. The policy must be partitioned "+
		"%s and carry one of the provider's policy_tags", providerID, kind, policyID, partitions)
}
