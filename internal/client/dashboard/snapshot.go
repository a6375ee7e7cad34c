package dashboard

import (
	"context"
	"sync"
)

// snapshot holds the Dashboard's policies and APIs as listed once for the
// plan-time checks of a run (the provider process lives for one Terraform
// command). Every write through this client drops it, so a check never sees
// the provider's own changes out of date; changes others make during the run
// are seen on the next one.
type snapshot struct {
	mu       sync.Mutex
	policies []Policy
	apis     []APIWrapper
	loadedP  bool
	loadedA  bool
}

func (d *Client) invalidate() {
	d.snap.mu.Lock()
	defer d.snap.mu.Unlock()
	d.snap.loadedP, d.snap.loadedA = false, false
	d.snap.policies, d.snap.apis = nil, nil
}

// SnapshotPolicies lists every policy once per run (see snapshot).
func (d *Client) SnapshotPolicies(ctx context.Context) ([]Policy, error) {
	d.snap.mu.Lock()
	defer d.snap.mu.Unlock()
	if !d.snap.loadedP {
		all, err := d.ListPolicies(ctx)
		if err != nil {
			return nil, err
		}
		d.snap.policies, d.snap.loadedP = all, true
	}
	return d.snap.policies, nil
}

// SnapshotAPIs lists every API once per run (see snapshot).
func (d *Client) SnapshotAPIs(ctx context.Context) ([]APIWrapper, error) {
	d.snap.mu.Lock()
	defer d.snap.mu.Unlock()
	if !d.snap.loadedA {
		all, err := d.ListAPIs(ctx)
		if err != nil {
			return nil, err
		}
		d.snap.apis, d.snap.loadedA = all, true
	}
	return d.snap.apis, nil
}
