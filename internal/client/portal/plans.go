package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Plan is a plan. RateLimit and Quota were strings before Portal 1.13
// ("unlimited", "1000 calls / 1 minute(s)") and numbers since.
type Plan struct {
	ID                        int64             `json:"ID"`
	Name                      string            `json:"Name"`
	DisplayName               string            `json:"DisplayName"`
	Description               string            `json:"Description"`
	ProviderID                int64             `json:"ProviderID"`
	ReferenceID               string            `json:"ReferenceID"`
	JWTScope                  string            `json:"JWTScope"`
	AutoApproveAccessRequests bool              `json:"AutoApproveAccessRequests"`
	RateLimit                 Number            `json:"RateLimit"`
	Per                       Number            `json:"Per"`
	Quota                     Number            `json:"Quota"`
	QuotaRenewalRate          Number            `json:"QuotaRenewalRate"`
	UnlimitedQuota            bool              `json:"UnlimitedQuota"`
	UnlimitedRateLimit        bool              `json:"UnlimitedRateLimit"`
	KeyExpiresIn              Number            `json:"KeyExpiresIn"`
	Catalogues                []string          `json:"Catalogues"`
	MetaData                  map[string]string `json:"MetaData"`
}

// PlanInput is the body of POST and PUT /plans.
type PlanInput struct {
	Name                      string            `json:"Name"`
	ProviderID                int64             `json:"ProviderID"`
	DisplayName               string            `json:"DisplayName"`
	Description               string            `json:"Description"`
	JWTScope                  string            `json:"JWTScope"`
	AutoApproveAccessRequests bool              `json:"AutoApproveAccessRequests"`
	RateLimit                 *float64          `json:"RateLimit,omitempty"`
	Per                       *float64          `json:"Per,omitempty"`
	Quota                     *int64            `json:"Quota,omitempty"`
	QuotaRenewalRate          *int64            `json:"QuotaRenewalRate,omitempty"`
	UnlimitedQuota            bool              `json:"UnlimitedQuota"`
	UnlimitedRateLimit        bool              `json:"UnlimitedRateLimit"`
	KeyExpiresIn              *int64            `json:"KeyExpiresIn,omitempty"`
	Catalogues                []int64           `json:"Catalogues"`
	MetaData                  map[string]string `json:"MetaData,omitempty"`
}

// Number decodes a JSON number, a numeric string, or a pre-1.13 display
// string such as "1000 calls / 1 minute(s)" (its leading number) or
// "unlimited" (-1).
type Number struct {
	Value float64
	Valid bool
}

func (n *Number) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err == nil {
		*n = Number{f, true}
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		*n = Number{} // neither a number nor text: unknown, not an error
		return nil    //nolint:nilerr // lenient by design: an unreadable limit is reported as unknown
	}
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "unlimited" {
		*n = Number{-1, true}
		return nil
	}
	if fields := strings.Fields(s); len(fields) > 0 {
		if v, err := strconv.ParseFloat(fields[0], 64); err == nil {
			*n = Number{v, true}
			return nil
		}
	}
	*n = Number{}
	return nil
}

func (n Number) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.Value)
}

// UnmarshalJSON tolerates Catalogues as ids or names and non-string metadata.
func (p *Plan) UnmarshalJSON(b []byte) error {
	type alias Plan
	var a struct {
		alias
		Catalogues []json.RawMessage `json:"Catalogues"`
		MetaData   map[string]any    `json:"MetaData"`
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*p = Plan(a.alias)
	p.Catalogues = rawStrings(a.Catalogues)
	p.MetaData = map[string]string{}
	for k, v := range a.MetaData {
		if s, ok := v.(string); ok {
			p.MetaData[k] = s
		} else {
			enc, _ := json.Marshal(v)
			p.MetaData[k] = string(enc)
		}
	}
	return nil
}

const plansPath = "/plans"

// CreatePlan creates a plan (Portal 1.13+); the Portal creates its limits
// policy in the Dashboard.
func (p *Client) CreatePlan(ctx context.Context, in PlanInput) (*Plan, error) {
	return createNew(ctx, p, "plan", p.ListPlans, func(x Plan) int64 { return x.ID }, func(x Plan) bool { return x.Name == in.Name }, p.GetPlan,
		func(ctx context.Context) (*Plan, error) {
			var out Plan
			if err := p.do(ctx, http.MethodPost, plansPath, nil, in, &out); err != nil {
				return nil, err
			}
			return &out, nil
		})
}

// GetPlan reads a plan.
func (p *Client) GetPlan(ctx context.Context, id int64) (*Plan, error) {
	var out Plan
	if err := p.do(ctx, http.MethodGet, idPath(plansPath, id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdatePlan replaces a plan's editable fields.
func (p *Client) UpdatePlan(ctx context.Context, id int64, in PlanInput) (*Plan, error) {
	return p.ModifyPlan(ctx, id, func(*Plan) (PlanInput, error) { return in, nil })
}

// ModifyPlan updates a plan with the write build makes of it as it is: one
// GET, one PUT (see modifyWhole). build's error aborts.
func (p *Client) ModifyPlan(ctx context.Context, id int64, build func(cur *Plan) (PlanInput, error)) (*Plan, error) {
	var out Plan
	err := p.modifyWhole(ctx, idPath(plansPath, id), func(raw json.RawMessage) (any, error) {
		var cur Plan
		if err := json.Unmarshal(raw, &cur); err != nil {
			return nil, fmt.Errorf("decoding plan %d: %w", id, err)
		}
		return build(&cur)
	}, []string{"ID", "ReferenceID", "CreatedAt", "UpdatedAt"}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeletePlan deletes a plan (Portal 1.13+) and its policy.
func (p *Client) DeletePlan(ctx context.Context, id int64) error {
	return p.do(ctx, http.MethodDelete, idPath(plansPath, id), nil, nil, nil)
}

// ListPlans lists plans; the list is a bare array or {"data":[...]}.
func (p *Client) ListPlans(ctx context.Context) ([]Plan, error) {
	return listAll(ctx, p, plansPath, decodeArray[Plan])
}
