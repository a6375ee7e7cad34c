package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// Policy is a Dashboard security policy. Fields the provider does not model
// are kept in Extra and sent back on update.
type Policy struct {
	MID                string                      `json:"_id,omitempty"`
	ID                 string                      `json:"id"`
	Name               string                      `json:"name"`
	OrgID              string                      `json:"org_id,omitempty"`
	State              string                      `json:"state,omitempty"`
	Active             bool                        `json:"active"`
	IsInactive         bool                        `json:"is_inactive"`
	Rate               float64                     `json:"rate"`
	Per                float64                     `json:"per"`
	QuotaMax           int64                       `json:"quota_max"`
	QuotaRenewalRate   int64                       `json:"quota_renewal_rate"`
	ThrottleInterval   float64                     `json:"throttle_interval"`
	ThrottleRetryLimit int                         `json:"throttle_retry_limit"`
	MaxQueryDepth      int                         `json:"max_query_depth"`
	KeyExpiresIn       int64                       `json:"key_expires_in"`
	Tags               []string                    `json:"tags"`
	MetaData           map[string]any              `json:"meta_data"`
	Partitions         Partitions                  `json:"partitions"`
	AccessRights       map[string]AccessDefinition `json:"access_rights"`

	Extra client.Extra `json:"-"`
}

// Partitions selects which parts of a policy apply to a key.
type Partitions struct {
	Quota      bool `json:"quota"`
	RateLimit  bool `json:"rate_limit"`
	Complexity bool `json:"complexity"`
	ACL        bool `json:"acl"`
	PerAPI     bool `json:"per_api"`
}

// AccessDefinition grants access to one API.
type AccessDefinition struct {
	APIID       string       `json:"api_id"`
	APIName     string       `json:"api_name"`
	Versions    []string     `json:"versions"`
	AllowedURLs []AccessSpec `json:"allowed_urls"`

	Extra client.Extra `json:"-"`
}

// AccessSpec restricts access to a path regex and methods.
type AccessSpec struct {
	URL     string   `json:"url"`
	Methods []string `json:"methods"`
}

type policyAlias Policy
type accessAlias AccessDefinition

func (p Policy) MarshalJSON() ([]byte, error) {
	return client.MarshalKeep(policyAlias(p), p.Extra)
}

func (p *Policy) UnmarshalJSON(b []byte) error {
	var a policyAlias
	if err := client.UnmarshalKeep(b, &a, &a.Extra); err != nil {
		return err
	}
	*p = Policy(a)
	return nil
}

func (a AccessDefinition) MarshalJSON() ([]byte, error) {
	return client.MarshalKeep(accessAlias(a), a.Extra)
}

func (a *AccessDefinition) UnmarshalJSON(b []byte) error {
	var al accessAlias
	if err := client.UnmarshalKeep(b, &al, &al.Extra); err != nil {
		return err
	}
	*a = AccessDefinition(al)
	return nil
}

// GatewayID returns the id under which every Gateway version indexes the
// policy: the custom id when set, else the database _id (Gateway 5.11+:
// internal/model/policies.go EnsurePolicyId; before, the _id unless
// policies.allow_explicit_policy_id is set, gateway/policy.go).
func (p *Policy) GatewayID() string {
	if p.ID != "" {
		return p.ID
	}
	return p.MID
}

type policyList struct {
	Data  []Policy `json:"Data"`
	Pages int      `json:"Pages"`
}

// CreatePolicy creates p and returns its database id. Policy names are
// unique, so an ambiguous failure is resolved by looking the name up before
// the create is sent again (client.CreateOnce).
func (d *Client) CreatePolicy(ctx context.Context, p *Policy) (string, error) {
	defer d.invalidate()
	return client.CreateOnce(ctx, func(ctx context.Context) (string, error) {
		var env envelope
		if _, err := d.c.Do(ctx, client.Request{Method: http.MethodPost, Path: "/api/portal/policies", Body: p}, &env); err != nil {
			return "", err
		}
		id := env.Message
		if !IsObjectID(id) {
			// The spec's example has the id in Message; Tyk's own
			// sync tool reads Meta: accept either.
			var meta string
			if json.Unmarshal(env.Meta, &meta) == nil && IsObjectID(meta) {
				id = meta
			}
		}
		if !IsObjectID(id) {
			existing, err := d.FindPolicyByName(ctx, p.Name)
			if err != nil || existing == nil {
				return "", fmt.Errorf("tyk Dashboard created policy %q but its answer carried no policy id (Message %q)", p.Name, env.Message)
			}
			id = existing.MID
		}
		return id, nil
	}, func(ctx context.Context) (string, bool, error) {
		existing, err := d.FindPolicyByName(ctx, p.Name)
		if err != nil || existing == nil {
			return "", false, err
		}
		return existing.MID, true, nil
	})
}

// Status is the policy's state as the Dashboard UI names it, from the
// fields its API answers with (`state` is sent for the UI but is not in the
// Policy schema): deny (is_inactive), active, or draft.
func (p *Policy) Status() string {
	switch {
	case p.IsInactive:
		return "deny"
	case p.Active:
		return "active"
	}
	return "draft"
}

// SetStatus sets the state and the fields the Gateway reads for it.
func (p *Policy) SetStatus(state string) {
	p.State = state
	p.Active = state == "active"
	p.IsInactive = state == "deny"
}

// GetPolicy reads a policy by database id.
//
// A malformed id (400 "Invalid policy ID." in the Dashboard's OpenAPI spec)
// names no policy: it is reported as not found, like an unknown one (404).
func (d *Client) GetPolicy(ctx context.Context, id string) (*Policy, error) {
	var p Policy
	if err := d.do(ctx, http.MethodGet, "/api/portal/policies/"+url.PathEscape(id), nil, &p); err != nil {
		var apiErr *client.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
			apiErr.StatusCode = http.StatusNotFound
		}
		return nil, err
	}
	if p.MID == "" {
		p.MID = id
	}
	return &p, nil
}

// UpdatePolicy replaces the policy with database id id.
func (d *Client) UpdatePolicy(ctx context.Context, id string, p *Policy) error {
	p.MID = id
	return d.do(ctx, http.MethodPut, "/api/portal/policies/"+url.PathEscape(id), p, nil)
}

// DeletePolicy deletes a policy by database id.
func (d *Client) DeletePolicy(ctx context.Context, id string) error {
	return d.do(ctx, http.MethodDelete, "/api/portal/policies/"+url.PathEscape(id), nil, nil)
}

// ListPolicies returns every policy, page by page.
func (d *Client) ListPolicies(ctx context.Context) ([]Policy, error) {
	var all []Policy
	err := pages(ctx, func(ctx context.Context, page int) (int, error) {
		var l policyList
		q := url.Values{"p": {strconv.Itoa(page)}}
		if _, err := d.c.Do(ctx, client.Request{Method: http.MethodGet, Path: "/api/portal/policies", Query: q}, &l); err != nil {
			return 0, err
		}
		all = append(all, l.Data...)
		if len(l.Data) == 0 {
			return 0, nil
		}
		return l.Pages, nil
	})
	return all, err
}

// FindPolicyByName returns the policy named name, or nil.
func (d *Client) FindPolicyByName(ctx context.Context, name string) (*Policy, error) {
	all, err := d.ListPolicies(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Name == name {
			return &all[i], nil
		}
	}
	return nil, nil
}
