package portal

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// App is a developer application ("Client" in the Portal's schemas).
type App struct {
	ID           int64  `json:"ID,omitempty"`
	Name         string `json:"Name"`
	Description  string `json:"Description"`
	RedirectURLs string `json:"RedirectURLs"`
	UserID       int64  `json:"UserID"`
	Visibility   string `json:"Visibility,omitempty"`
}

const appsPath = "/apps"

// CreateApp creates an app for a user.
func (p *Client) CreateApp(ctx context.Context, a App) (*App, error) {
	return createNew(
		ctx,
		p,
		"app",
		p.ListApps,
		func(x App) int64 { return x.ID },
		func(x App) bool { return x.Name == a.Name && x.UserID == a.UserID },
		p.GetApp,
		func(ctx context.Context) (*App, error) {
			var out App
			if err := p.do(ctx, http.MethodPost, appsPath, nil, a, &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
	)
}

// GetApp reads an app.
func (p *Client) GetApp(ctx context.Context, id int64) (*App, error) {
	var out App
	if err := p.do(ctx, http.MethodGet, idPath(appsPath, id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateApp updates an app's fields, keeping those the provider does not
// manage (putWhole).
func (p *Client) UpdateApp(ctx context.Context, id int64, a App) (*App, error) {
	var out App
	if err := p.putWhole(ctx, idPath(appsPath, id), a, []string{"ID", "CreatedAt", "AccessRequests"}, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteApp deletes an app with its access requests and IdP clients.
func (p *Client) DeleteApp(ctx context.Context, id int64) error {
	return p.do(ctx, http.MethodDelete, idPath(appsPath, id), nil, nil, nil)
}

// ListApps lists apps.
func (p *Client) ListApps(ctx context.Context) ([]App, error) {
	return listAll(ctx, p, appsPath, decodeArray[App])
}

// AccessRequest is an access request with its credentials, as
// AccessRequest-index-elem describes it (the items of
// GET /apps/{id}/access-requests, and GET /access_requests/{id}). It names
// its plan, app and products; it does not give their ids, nor the client
// type (no response schema has it).
type AccessRequest struct {
	ID          int64        `json:"ID"`
	Status      string       `json:"Status"`
	DCREnabled  bool         `json:"DCREnabled"`
	Plan        string       `json:"Plan"`
	Client      string       `json:"Client"`
	Products    []string     `json:"-"`
	Credentials []Credential `json:"Credentials"`
}

// Credential returns the request's credential (the first), or nil.
func (a *AccessRequest) Credential() *Credential {
	if len(a.Credentials) == 0 {
		return nil
	}
	return &a.Credentials[0]
}

// UnmarshalJSON accepts Products as a string (list endpoints) or an array
// (inside GET /apps/{id}).
func (a *AccessRequest) UnmarshalJSON(b []byte) error {
	type alias AccessRequest
	var al struct {
		alias
		Products json.RawMessage `json:"Products"`
	}
	if err := json.Unmarshal(b, &al); err != nil {
		return err
	}
	*a = AccessRequest(al.alias)
	var list []string
	if json.Unmarshal(al.Products, &list) == nil {
		a.Products = list
		return nil
	}
	var s string
	if json.Unmarshal(al.Products, &s) == nil && s != "" {
		for _, part := range strings.Split(s, ",") {
			a.Products = append(a.Products, strings.TrimSpace(part))
		}
	}
	return nil
}

// Credential holds what DCR produced for an access request. ID and GrantType
// are in real answers inside access requests, though the spec's Credential
// schema declares them only for the credential list.
type Credential struct {
	ID                         int64  `json:"ID"`
	OAuthClientID              string `json:"OAuthClientID"`
	OAuthClientSecret          string `json:"OAuthClientSecret"`
	DCRRegistrationAccessToken string `json:"DCRRegistrationAccessToken"`
	DCRRegistrationClientURI   string `json:"DCRRegistrationClientURI"`
	Scope                      string `json:"Scope"`
	GrantType                  string `json:"GrantType"`
	ResponseType               string `json:"ResponseType"`
	TokenEndpoints             string `json:"TokenEndpoints"`
	RedirectURI                string `json:"RedirectURI"`
}

// ProvisionInput is the body of PUT /apps/{id}/provision, as observed in
// Tyk's own demo collection (the spec documents no body); DCRTemplateID is
// the client type.
type ProvisionInput struct {
	PlanID        int64   `json:"PlanID"`
	ProductIDs    []int64 `json:"ProductIDs"`
	DCRTemplateID int64   `json:"DCRTemplateID,omitempty"`
}

// Provision creates an access request. It is not idempotent: a retry
// after an unknown outcome could create a second request, so it is never
// retried blindly (callers look the request up first).
func (p *Client) Provision(ctx context.Context, appID int64, in ProvisionInput) error {
	defer p.forget(appsPath)
	_, err := p.c.Do(ctx, client.Request{Method: http.MethodPut, Path: idPath(appsPath, appID) + "/provision", Body: in, Idempotent: client.Bool(false)}, nil)
	return err
}

// AppAccessRequests lists an app's access requests.
func (p *Client) AppAccessRequests(ctx context.Context, appID int64) ([]AccessRequest, error) {
	return listAll(ctx, p, idPath(appsPath, appID)+"/access-requests", decodeArray[AccessRequest])
}

// GetAccessRequest reads an access request with its status and credentials
// (GET /access_requests/{id}, AccessRequest-index-elem).
func (p *Client) GetAccessRequest(ctx context.Context, arID int64) (*AccessRequest, error) {
	var out AccessRequest
	if err := p.do(ctx, http.MethodGet, idPath("/access_requests", arID), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ApproveAccessRequest approves a request; for DCR products the Portal then
// registers the client in the IdP.
func (p *Client) ApproveAccessRequest(ctx context.Context, arID int64) error {
	return p.do(ctx, http.MethodPut, idPath("/access_requests", arID)+"/approve", nil, nil, nil)
}

// RevokeAccessRequest deletes an app's access request and its IdP clients.
func (p *Client) RevokeAccessRequest(ctx context.Context, appID, arID int64) error {
	return p.do(ctx, http.MethodDelete, idPath(appsPath, appID)+"/access-requests/"+strconv.FormatInt(arID, 10), nil, nil, nil)
}

// RotateCredential rotates a credential (Portal 1.11+). Not idempotent.
func (p *Client) RotateCredential(ctx context.Context, appID, arID, credID int64) error {
	path := idPath(appsPath, appID) + "/access-requests/" + strconv.FormatInt(arID, 10) + "/credentials/" + strconv.FormatInt(credID, 10) + "/rotate"
	defer p.forget(appsPath)
	_, err := p.c.Do(ctx, client.Request{Method: http.MethodPut, Path: path, Idempotent: client.Bool(false)}, nil)
	return err
}
