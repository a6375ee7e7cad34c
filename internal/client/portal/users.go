package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// User is a Portal user (developer). The admin-API token a user carries
// (JWTToken) is deliberately not decoded: the provider never holds it.
type User struct {
	ID             int64  `json:"ID,omitempty"`
	Email          string `json:"Email"`
	First          string `json:"First"`
	Last           string `json:"Last"`
	Active         bool   `json:"Active"`
	OrganisationID int64  `json:"OrganisationID"`
	Role           string `json:"Role,omitempty"`
	Provider       string `json:"Provider,omitempty"`
}

const usersPath = "/users"

// CreateUser creates a user; the Portal handles passwords (invitation).
func (p *Client) CreateUser(ctx context.Context, u User) (*User, error) {
	return createNew(
		ctx,
		p,
		"user",
		p.ListUsers,
		func(x User) int64 { return x.ID },
		func(x User) bool { return strings.EqualFold(x.Email, u.Email) },
		p.GetUser,
		func(ctx context.Context) (*User, error) {
			var out User
			if err := p.do(ctx, http.MethodPost, usersPath, nil, u, &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
	)
}

// GetUser reads a user.
func (p *Client) GetUser(ctx context.Context, id int64) (*User, error) {
	var out User
	if err := p.do(ctx, http.MethodGet, idPath(usersPath, id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateUser replaces a user's fields.
func (p *Client) UpdateUser(ctx context.Context, id int64, u User) (*User, error) {
	var out User
	readOnly := []string{"ID", "JWTToken", "APITokenCreatedAt", "CreatedAt", "UpdatedAt", "Organisation"}
	if err := p.putWhole(ctx, idPath(usersPath, id), u, readOnly, teamIDs, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUser deletes a user with their apps and credentials.
func (p *Client) DeleteUser(ctx context.Context, id int64, force bool) error {
	var q url.Values
	if force {
		q = url.Values{"force": {"true"}}
	}
	return p.do(ctx, http.MethodDelete, idPath(usersPath, id), q, nil, nil)
}

// ListUsers lists every user.
func (p *Client) ListUsers(ctx context.Context) ([]User, error) {
	return listAll(ctx, p, usersPath, decodeArray[User])
}

// FindUserByEmail looks a user up by email (case-insensitive); the Portal
// has no server-side filter.
func (p *Client) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	all, err := p.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if strings.EqualFold(all[i].Email, email) {
			return &all[i], nil
		}
	}
	return nil, nil
}

// teamIDs turns the teams a user GET returns (objects, or names in older
// Portals) into the team ids User-update takes; teams that are not objects
// with an ID are left out rather than sent in the wrong shape.
func teamIDs(_ context.Context, _, body map[string]json.RawMessage) error {
	raw, ok := body["Teams"]
	if !ok {
		return nil
	}
	var teams []map[string]any
	if json.Unmarshal(raw, &teams) != nil {
		delete(body, "Teams")
		return nil //nolint:nilerr // lenient by design: teams in an unknown shape are dropped, not fatal
	}
	ids := []string{}
	for _, t := range teams {
		if id, ok := t["ID"]; ok {
			ids = append(ids, fmt.Sprint(id))
		}
	}
	b, _ := json.Marshal(ids)
	body["Teams"] = b
	return nil
}
