package portal

import (
	"context"
	"sync"
)

// memo keeps reads made for checks during one run (the provider process
// lives for one Terraform command): the products and plans an access names,
// read once however many accesses name them. Every write through this
// client drops it, so the provider never sees its own changes out of date;
// changes others make during the run are seen on the next one.
type memo struct {
	mu   sync.Mutex
	vals map[string]any
}

func (p *Client) forget() {
	p.memo.mu.Lock()
	defer p.memo.mu.Unlock()
	p.memo.vals = nil
}

func remember[T any](ctx context.Context, p *Client, key string, read func(context.Context) (T, error)) (T, error) {
	p.memo.mu.Lock()
	if v, ok := p.memo.vals[key].(T); ok {
		p.memo.mu.Unlock()
		return v, nil
	}
	p.memo.mu.Unlock()
	v, err := read(ctx)
	if err != nil {
		return v, err
	}
	p.memo.mu.Lock()
	defer p.memo.mu.Unlock()
	if p.memo.vals == nil {
		p.memo.vals = map[string]any{}
	}
	p.memo.vals[key] = v
	return v, nil
}

// ProductOnce reads a product at most once per run (see memo).
func (p *Client) ProductOnce(ctx context.Context, id int64) (*Product, error) {
	return remember(ctx, p, idPath("product", id), func(ctx context.Context) (*Product, error) { return p.GetProduct(ctx, id) })
}

// PlanOnce reads a plan at most once per run (see memo).
func (p *Client) PlanOnce(ctx context.Context, id int64) (*Plan, error) {
	return remember(ctx, p, idPath("plan", id), func(ctx context.Context) (*Plan, error) { return p.GetPlan(ctx, id) })
}

// ProductsOnce and PlansOnce list products and plans at most once per run.
func (p *Client) ProductsOnce(ctx context.Context) ([]Product, error) {
	return remember(ctx, p, "products", p.ListProducts)
}

func (p *Client) PlansOnce(ctx context.Context) ([]Plan, error) {
	return remember(ctx, p, "plans", p.ListPlans)
}

// AppAccessRequestsOnce lists an app's access requests at most once per run.
func (p *Client) AppAccessRequestsOnce(ctx context.Context, appID int64) ([]AccessRequest, error) {
	return remember(ctx, p, idPath("app-ars", appID), func(ctx context.Context) ([]AccessRequest, error) { return p.AppAccessRequests(ctx, appID) })
}
