package dashboard

import (
	"context"
	"net/url"
	"strings"
	"sync"
)

// objects keeps the single objects read during one run (the provider
// process lives for one Terraform command), by request path, so that a
// refresh's read is shared with the plan-time checks and with the other
// resources that read the same object (a tyk_api and its
// tyk_api_scope_mapping; a tyk_policy and the mappings that name it).
// A write through this client drops every entry whose id (the path's last
// segment) the written path names; changes others make during the run are
// seen on the next one. Read-modify-write cycles never use it: they read
// afresh under the object's lock. Callers must not modify what it returns.
type objects struct {
	mu   sync.Mutex
	vals map[string]any
}

func (d *Client) forgetObjects(path string) {
	d.objs.mu.Lock()
	defer d.objs.mu.Unlock()
	segs := strings.Split(path, "/")
	for k := range d.objs.vals {
		id := k[strings.LastIndex(k, "/")+1:]
		for _, s := range segs {
			if s == id {
				delete(d.objs.vals, k)
				break
			}
		}
	}
}

// once returns the object at key, reading it with read on first use; a
// failed read is not kept.
func once[T any](ctx context.Context, d *Client, key string, read func(context.Context) (*T, error)) (*T, error) {
	d.objs.mu.Lock()
	if v, ok := d.objs.vals[key].(*T); ok {
		d.objs.mu.Unlock()
		return v, nil
	}
	d.objs.mu.Unlock()
	v, err := read(ctx)
	if err != nil {
		return nil, err
	}
	d.objs.mu.Lock()
	if d.objs.vals == nil {
		d.objs.vals = map[string]any{}
	}
	d.objs.vals[key] = v
	d.objs.mu.Unlock()
	return v, nil
}

// GetAPIOnce reads a classic API definition at most once per run (see
// objects).
func (d *Client) GetAPIOnce(ctx context.Context, apiID string) (*APIWrapper, error) {
	return once(ctx, d, "/api/apis/"+url.PathEscape(apiID), func(ctx context.Context) (*APIWrapper, error) { return d.GetAPI(ctx, apiID) })
}

// GetPolicyOnce reads a policy at most once per run (see objects).
func (d *Client) GetPolicyOnce(ctx context.Context, id string) (*Policy, error) {
	return once(ctx, d, "/api/portal/policies/"+url.PathEscape(id), func(ctx context.Context) (*Policy, error) { return d.GetPolicy(ctx, id) })
}

// APIViewOnce is APIView at most once per run (see objects).
func (d *Client) APIViewOnce(ctx context.Context, apiID string) (*APIDefinition, error) {
	return once(ctx, d, "view/"+url.PathEscape(apiID), func(ctx context.Context) (*APIDefinition, error) { return d.apiView(ctx, apiID, d.GetAPIOnce) })
}
