package portal

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// memo keeps reads made for checks during one run (the provider process
// lives for one Terraform command): the products and plans an access names,
// read once however many accesses name them. Every write through this
// client drops it, so the provider never sees its own changes out of date;
// changes others make during the run are seen on the next one.
type memo struct {
	mu       sync.Mutex
	vals     map[string]any
	inflight map[string]*flight
}

// flight is a read in progress: parallel callers wait for it instead of
// sending the same request again.
type flight struct {
	done chan struct{}
	val  any
	err  error
}

// forget drops what a write to path may have changed:
//   - a write to an app or an access request changes apps and their
//     requests only (products, plans, client types, users and providers
//     stay, so parallel accesses do not re-read them);
//   - a write to a client type changes client types and what lists them
//     (products' client types), not the OAuth providers' own fields, the
//     API providers or the users;
//   - a write to a product or plan changes that object, its client types
//     and the lists of products and plans;
//   - any other write (providers, users, synchronization) drops everything.
func (p *Client) forget(path string) {
	p.memo.mu.Lock()
	defer p.memo.mu.Unlock()
	segs := strings.Split(strings.Trim(path, "/"), "/")
	drop := func(keep func(k string) bool) {
		for k := range p.memo.vals {
			if !keep(k) {
				delete(p.memo.vals, k)
			}
		}
	}
	switch {
	case segs[0] == strings.Trim(appsPath, "/") || segs[0] == "access_requests":
		drop(func(k string) bool { return !strings.HasPrefix(k, "app") })
	case segs[0] == strings.Trim(oauthProvidersPath, "/") && slices.Contains(segs, "client-types"):
		drop(func(k string) bool {
			return strings.HasPrefix(k, oauthProviderKey) || strings.HasPrefix(k, apiProviderKey) || strings.HasPrefix(k, userKey)
		})
	case segs[0] == strings.Trim(productsPath, "/") || segs[0] == strings.Trim(plansPath, "/"):
		var changed []string
		if len(segs) > 1 {
			if segs[0] == "products" {
				changed = []string{"product/" + segs[1], "product-cts/" + segs[1]}
			} else {
				changed = []string{"plan/" + segs[1]}
			}
		}
		drop(func(k string) bool { return k != "products" && k != "plans" && !slices.Contains(changed, k) })
	default:
		p.memo.vals = nil
	}
}

func remember[T any](ctx context.Context, p *Client, key string, read func(context.Context) (T, error)) (T, error) {
	p.memo.mu.Lock()
	if v, ok := p.memo.vals[key].(T); ok {
		p.memo.mu.Unlock()
		return v, nil
	}
	if f, ok := p.memo.inflight[key]; ok {
		p.memo.mu.Unlock()
		<-f.done
		v, _ := f.val.(T)
		return v, f.err
	}
	f := &flight{done: make(chan struct{})}
	if p.memo.inflight == nil {
		p.memo.inflight = map[string]*flight{}
	}
	p.memo.inflight[key] = f
	p.memo.mu.Unlock()

	v, err := read(ctx)
	f.val, f.err = v, err
	p.memo.mu.Lock()
	delete(p.memo.inflight, key)
	if err == nil {
		if p.memo.vals == nil {
			p.memo.vals = map[string]any{}
		}
		p.memo.vals[key] = v
	}
	p.memo.mu.Unlock()
	close(f.done)
	return v, err
}

// ProductOnce reads a product at most once per run (see memo).
func (p *Client) ProductOnce(ctx context.Context, id int64) (*Product, error) {
	return remember(ctx, p, idPath("product", id), func(ctx context.Context) (*Product, error) { return p.GetProduct(ctx, id) })
}

// PlanOnce reads a plan at most once per run (see memo).
func (p *Client) PlanOnce(ctx context.Context, id int64) (*Plan, error) {
	return remember(ctx, p, idPath("plan", id), func(ctx context.Context) (*Plan, error) { return p.GetPlan(ctx, id) })
}

// ProductClientTypesOnce lists a product's client types at most once per
// run (see memo).
func (p *Client) ProductClientTypesOnce(ctx context.Context, productID int64) ([]int64, error) {
	return remember(ctx, p, idPath("product-cts", productID), func(ctx context.Context) ([]int64, error) { return p.ProductClientTypes(ctx, productID) })
}

const (
	oauthProviderKey = "oauth-provider/"
	apiProviderKey   = "api-provider/"
	userKey          = "user/"
)

// APIProviderOnce reads an API provider at most once per run (see memo):
// the checks of the products and plans that name it share it.
func (p *Client) APIProviderOnce(ctx context.Context, id int64) (*APIProvider, error) {
	return remember(ctx, p, apiProviderKey+strconv.FormatInt(id, 10), func(ctx context.Context) (*APIProvider, error) { return p.GetAPIProvider(ctx, id) })
}

// UserOnce reads a user at most once per run (see memo): the checks of the
// apps that name it share it.
func (p *Client) UserOnce(ctx context.Context, id int64) (*User, error) {
	return remember(ctx, p, userKey+strconv.FormatInt(id, 10), func(ctx context.Context) (*User, error) { return p.GetUser(ctx, id) })
}

// OAuthProviderOnce reads an OAuth2.0 provider at most once per run (see
// memo): the client type checks of plan time and of Create share it. Its
// ClientTypes may be out of date after a client type write; its own
// fields are not.
func (p *Client) OAuthProviderOnce(ctx context.Context, id int64) (*OAuthProvider, error) {
	return remember(ctx, p, oauthProviderKey+strconv.FormatInt(id, 10), func(ctx context.Context) (*OAuthProvider, error) { return p.GetOAuthProvider(ctx, id) })
}

// AppOnce reads an app at most once per run (see memo).
func (p *Client) AppOnce(ctx context.Context, id int64) (*App, error) {
	return remember(ctx, p, idPath("app", id), func(ctx context.Context) (*App, error) { return p.GetApp(ctx, id) })
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
