package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// Access-request workflows: what an admin does in the Portal UI to give an
// app access to products on a plan (provision, find the new request,
// approve, wait for the credential) and to take it away (revoke). The
// request's status and DCR flag come from GET /access_requests/{id}
// (AccessRequest-index-elem) or the app's list, never from
// GET /apps/{app_id}/access-requests/{id}, which carries neither (spec
// AccessRequest-show; a recording of a real Portal agrees).

// AccessSpec is an access to request: the app, the plan and products by id
// and by name (access requests name them, they do not give their ids), and
// the client type for DCR products.
type AccessSpec struct {
	AppID        int64
	PlanID       int64
	PlanName     string
	ProductIDs   []int64
	ProductNames []string
	ClientTypeID int64
}

// Matches reports whether ar is a request for exactly this plan and
// products. The client type cannot be told: no access-request answer
// documents it.
func (s AccessSpec) Matches(ar AccessRequest) bool {
	if ar.Plan != s.PlanName {
		return false
	}
	want := slices.Clone(s.ProductNames)
	got := slices.Clone(ar.Products)
	sort.Strings(want)
	sort.Strings(got)
	return slices.Equal(got, want)
}

// Request statuses.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
)

var appLocks client.KeyedMutex[string] // by Portal base URL + app id

// RequestAccess creates an access request for spec and approves it; for DCR
// products the Portal then registers the client in the IdP. Requests: the
// provision, the app's list (to find the new request: no answer gives its
// id), the approval -- the minimal sequence. Provision and list run under a
// per-app lock, so that the newest request of the app (ids only grow) is the
// one just provisioned; when spec names the plan and products, the request
// must match them too. Provisioning is not idempotent: after an unknown
// outcome a pending request for exactly this plan and these products is
// taken (created by that attempt, or left by an earlier one) rather than a
// second one provisioned. recorded is called with the request as soon as it
// is known, before approval, so that the caller can keep track of it
// whatever happens next.
func (p *Client) RequestAccess(ctx context.Context, spec AccessSpec, recorded func(AccessRequest)) (*AccessRequest, error) {
	ar, err := p.provisionOne(ctx, spec)
	if err != nil {
		return nil, err
	}
	if recorded != nil {
		recorded(*ar)
	}
	if ar.Status == StatusPending {
		if err := p.ApproveAccessRequest(ctx, ar.ID); err != nil {
			return ar, fmt.Errorf("approving access request %d: %w", ar.ID, err)
		}
	}
	return ar, nil
}

// nameSpec fills in the plan's and products' names.
func (p *Client) nameSpec(ctx context.Context, spec *AccessSpec) error {
	pl, err := p.PlanOnce(ctx, spec.PlanID)
	if err != nil {
		return fmt.Errorf("reading plan %d: %w", spec.PlanID, err)
	}
	spec.PlanName, spec.ProductNames = pl.Name, nil
	for _, id := range spec.ProductIDs {
		pr, err := p.ProductOnce(ctx, id)
		if err != nil {
			return fmt.Errorf("reading product %d: %w", id, err)
		}
		spec.ProductNames = append(spec.ProductNames, pr.Name)
	}
	return nil
}

func (p *Client) provisionOne(ctx context.Context, spec AccessSpec) (*AccessRequest, error) {
	defer appLocks.Lock(fmt.Sprintf("%s\x00%d", p.c.BaseURL(), spec.AppID))()
	for attempt := 0; attempt < client.CreateAttempts; attempt++ {
		perr := p.Provision(ctx, spec.AppID, ProvisionInput{PlanID: spec.PlanID, ProductIDs: spec.ProductIDs, DCRTemplateID: spec.ClientTypeID})
		if perr != nil && !client.IsAmbiguousWrite(perr) {
			return nil, fmt.Errorf("requesting access: %w", perr)
		}
		after, err := p.AppAccessRequests(ctx, spec.AppID)
		if err != nil {
			return nil, fmt.Errorf("listing the app's access requests: %w", err)
		}
		if perr == nil {
			ar := newest(after, func(AccessRequest) bool { return true })
			if ar == nil || (spec.PlanName != "" && !spec.Matches(*ar)) {
				return nil, errors.New("the Portal accepted the provision request but the app's newest access request is not for this plan " +
					"and these products (another request was made for the app at the same time?)")
			}
			return ar, nil
		}
		// Unknown outcome: names are needed to recognise the request (access
		// requests name their plan and products, they do not give ids).
		if spec.PlanName == "" {
			if err := p.nameSpec(ctx, &spec); err != nil {
				return nil, err
			}
		}
		if ar := newest(after, func(a AccessRequest) bool { return a.Status == StatusPending && spec.Matches(a) }); ar != nil {
			return ar, nil
		}
	}
	return nil, errors.New("provisioning failed repeatedly with an unknown outcome, and no access request was found for it")
}

// newest returns the most recent (highest id) request that ok accepts.
func newest(ars []AccessRequest, ok func(AccessRequest) bool) *AccessRequest {
	var best *AccessRequest
	for i := range ars {
		if ok(ars[i]) && (best == nil || ars[i].ID > best.ID) {
			best = &ars[i]
		}
	}
	return best
}

// WaitForCredential polls GET /access_requests/{id} until the request is
// approved and carries a credential other than notID (for DCR requests, one
// with a client id), within ctx's deadline.
func (p *Client) WaitForCredential(ctx context.Context, arID, notID int64) (*AccessRequest, error) {
	delay := 200 * time.Millisecond
	for {
		ar, err := p.GetAccessRequest(ctx, arID)
		if err != nil {
			return nil, err
		}
		if ar.Status == StatusRejected {
			return nil, fmt.Errorf("access request %d was rejected", arID)
		}
		if c := ar.Credential(); ar.Status == StatusApproved && c != nil && c.ID != notID && (!ar.DCREnabled || c.OAuthClientID != "") {
			return ar, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf(
				"access request %d has no credential after waiting (status %q); raise timeouts.create if the Portal is slow",
				arID,
				ar.Status,
			)
		case <-time.After(delay):
		}
		if delay < 2*time.Second {
			delay *= 2
		}
	}
}

// RevokeAccess deletes an app's access request; the Portal revokes its
// credentials and deletes the client in the IdP. An IdP that is briefly
// busy (the Portal's 422, or a 5xx) gets a few more tries: the delete is
// idempotent. A request already gone is not an error.
func (p *Client) RevokeAccess(ctx context.Context, appID, arID int64) error {
	var err error
	for attempt, wait := 0, 500*time.Millisecond; attempt < 4; attempt, wait = attempt+1, wait*2 {
		err = p.RevokeAccessRequest(ctx, appID, arID)
		if err == nil || client.IsNotFound(err) {
			return nil
		}
		if code := client.StatusCode(err); code != http.StatusUnprocessableEntity && code < 500 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
	return err
}

// FindAppAccessRequest returns request arID of app appID from the app's
// list (which also proves the request belongs to the app).
func (p *Client) FindAppAccessRequest(ctx context.Context, appID, arID int64) (*AccessRequest, error) {
	ars, err := p.AppAccessRequests(ctx, appID)
	if err != nil {
		return nil, err
	}
	for i := range ars {
		if ars[i].ID == arID {
			return &ars[i], nil
		}
	}
	return nil, &client.APIError{Plane: p.c.Plane(), Method: http.MethodGet, Path: idPath(appsPath, appID) + "/access-requests",
		StatusCode: http.StatusNotFound, Message: fmt.Sprintf("app %d has no access request %d", appID, arID)}
}

// AccessProducts maps the product names an access request carries back to
// product ids (all of them, and those with DCR enabled), from one list.
func (p *Client) AccessProducts(ctx context.Context, ar *AccessRequest) (all, dcr []int64, err error) {
	products, err := p.ListProducts(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, pr := range products {
		if slices.Contains(ar.Products, pr.Name) {
			all = append(all, pr.ID)
			if pr.DCREnabled {
				dcr = append(dcr, pr.ID)
			}
		}
	}
	return all, dcr, nil
}

// CommonClientType returns the one client type every product allows: the
// one an access request to them used, since no Portal answer names it.
func (p *Client) CommonClientType(ctx context.Context, productIDs []int64) (int64, error) {
	var common []int64
	for i, id := range productIDs {
		cts, err := p.ProductClientTypes(ctx, id)
		if err != nil {
			return 0, err
		}
		if i == 0 {
			common = cts
			continue
		}
		common = slices.DeleteFunc(common, func(c int64) bool { return !slices.Contains(cts, c) })
	}
	if len(common) != 1 {
		return 0, fmt.Errorf("the request's DCR products allow client types %v, and no Portal answer says which one the request used", common)
	}
	return common[0], nil
}

// ScopesOutdated compares the scopes registered for an access request's
// client with those its products and plan use now. The client must carry
// all of them; any other scope it carries must belong to another approved
// request of the app that shares the client (one client per app, Portal
// 1.16+). Products and plans are read at most once per run (memo.go). It
// returns whether the client is outdated and the scopes it should carry;
// when they cannot be read, the answer is "not outdated" (unknown is not
// drift).
func (p *Client) ScopesOutdated(ctx context.Context, appID int64, ar *AccessRequest, productIDs []int64, planID int64, registered []string) (bool, []string) {
	var want []string
	for _, id := range productIDs {
		pr, err := p.ProductOnce(ctx, id)
		if err != nil {
			return false, nil
		}
		want = append(want, splitScopes(pr.Scopes)...)
	}
	pl, err := p.PlanOnce(ctx, planID)
	if err != nil {
		return false, nil
	}
	want = append(want, splitScopes(pl.JWTScope)...)
	sort.Strings(want)
	for _, s := range want {
		if !slices.Contains(registered, s) {
			return true, want
		}
	}
	var extra []string
	for _, s := range registered {
		if !slices.Contains(want, s) {
			extra = append(extra, s)
		}
	}
	if len(extra) == 0 {
		return false, want
	}
	shared := p.sharedScopes(ctx, appID, ar)
	for _, s := range extra {
		if !slices.Contains(shared, s) {
			return true, want
		}
	}
	return false, want
}

// sharedScopes are the scopes of the app's other approved requests whose
// credential is the same client as ar's.
func (p *Client) sharedScopes(ctx context.Context, appID int64, ar *AccessRequest) []string {
	ars, err := p.AppAccessRequestsOnce(ctx, appID)
	if err != nil {
		return nil
	}
	products, _ := p.ProductsOnce(ctx)
	plans, _ := p.PlansOnce(ctx)
	var out []string
	for _, other := range ars {
		oc := other.Credential()
		if other.ID == ar.ID || other.Status != StatusApproved || oc == nil || ar.Credential() == nil || oc.OAuthClientID != ar.Credential().OAuthClientID {
			continue
		}
		for _, pr := range products {
			if slices.Contains(other.Products, pr.Name) {
				if !pr.HasScopes {
					if full, err := p.ProductOnce(ctx, pr.ID); err == nil {
						pr = *full
					}
				}
				out = append(out, splitScopes(pr.Scopes)...)
			}
		}
		for _, pl := range plans {
			if pl.Name == other.Plan {
				if full, err := p.PlanOnce(ctx, pl.ID); err == nil {
					out = append(out, splitScopes(full.JWTScope)...)
				}
			}
		}
	}
	return out
}

// splitScopes splits a scope list the Portal stores space- or
// comma-separated.
func splitScopes(s string) []string {
	return strings.Fields(strings.ReplaceAll(s, ",", " "))
}
