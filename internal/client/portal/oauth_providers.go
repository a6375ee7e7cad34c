package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// OAuthProviderTypes are the OAuth provider types the Portal accepts. Hydra, Curity, Auth0 and any
// other RFC 7591 server use Other.
var OAuthProviderTypes = []string{"Keycloak", "Gluu", "Okta", "Other"}

// OAuthProvider is an identity-provider connection ("OAuth2.0 provider").
// The registration access token is write-only: the Portal never returns it.
type OAuthProvider struct {
	ID                    int64        `json:"ID,omitempty"`
	Name                  string       `json:"Name"`
	Type                  string       `json:"Type"`
	WellKnownURL          string       `json:"WellKnownURL"`
	SSLInsecureSkipVerify bool         `json:"SSLInsecureSkipVerify"`
	CreatedAt             string       `json:"CreatedAt,omitempty"`
	UpdatedAt             string       `json:"UpdatedAt,omitempty"`
	ClientTypes           []ClientType `json:"ClientTypes,omitempty"`
}

// OAuthProviderInput is the body of POST and PUT /oauth-providers.
type OAuthProviderInput struct {
	Name                    string `json:"Name"`
	Type                    string `json:"Type"`
	WellKnownURL            string `json:"WellKnownURL"`
	SSLInsecureSkipVerify   bool   `json:"SSLInsecureSkipVerify"`
	RegistrationAccessToken string `json:"RegistrationAccessToken,omitempty"`
}

const oauthProvidersPath = "/oauth-providers"

// CreateOAuthProvider creates a provider.
func (p *Client) CreateOAuthProvider(ctx context.Context, in OAuthProviderInput) (*OAuthProvider, error) {
	return createNew(ctx, p, "oauth-provider", p.ListOAuthProviders, func(o OAuthProvider) int64 { return o.ID },
		func(o OAuthProvider) bool { return o.Name == in.Name && o.WellKnownURL == in.WellKnownURL }, p.GetOAuthProvider,
		func(ctx context.Context) (*OAuthProvider, error) {
			var out OAuthProvider
			if err := p.do(ctx, http.MethodPost, oauthProvidersPath, nil, in, &out); err != nil {
				return nil, err
			}
			return &out, nil
		})
}

// GetOAuthProvider reads a provider with its client types.
func (p *Client) GetOAuthProvider(ctx context.Context, id int64) (*OAuthProvider, error) {
	var out OAuthProvider
	if err := p.do(ctx, http.MethodGet, idPath(oauthProvidersPath, id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateOAuthProvider replaces a provider. An empty token leaves the stored
// one in place.
func (p *Client) UpdateOAuthProvider(ctx context.Context, id int64, in OAuthProviderInput) (*OAuthProvider, error) {
	var out OAuthProvider
	if err := p.putWhole(ctx, idPath(oauthProvidersPath, id), in, []string{"ID", "CreatedAt", "UpdatedAt", "ClientTypes"}, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteOAuthProvider deletes a provider and its client types. force also
// detaches it from products and rejects their pending access requests.
func (p *Client) DeleteOAuthProvider(ctx context.Context, id int64, force bool) error {
	var q url.Values
	if force {
		q = url.Values{"force": {"true"}}
	}
	return p.do(ctx, http.MethodDelete, idPath(oauthProvidersPath, id), q, nil, nil)
}

// ListOAuthProviders lists every provider.
func (p *Client) ListOAuthProviders(ctx context.Context) ([]OAuthProvider, error) {
	return listAll(ctx, p, oauthProvidersPath, decodeArray[OAuthProvider])
}

// ClientType is an OAuth client type ("DCR template") of a provider.
type ClientType struct {
	ID                      int64  `json:"ID,omitempty"`
	Name                    string `json:"Name"`
	Description             string `json:"Description"`
	ResponseTypes           CSV    `json:"ResponseTypes"`
	GrantType               CSV    `json:"GrantType"`
	TokenEndpointAuthMethod string `json:"TokenEndpointAuthMethod,omitempty"`
	OktaAppType             string `json:"OktaAppType,omitempty"`
	CreatedAt               string `json:"CreatedAt,omitempty"`
	UpdatedAt               string `json:"UpdatedAt,omitempty"`
}

// ClientTypeInput is the body of POST and PUT client-types.
type ClientTypeInput struct {
	Name                    string `json:"Name"`
	Description             string `json:"Description"`
	ResponseTypes           CSV    `json:"ResponseTypes"`
	GrantType               CSV    `json:"GrantType"`
	TokenEndpointAuthMethod string `json:"TokenEndpointAuthMethod,omitempty"`
	OktaAppType             string `json:"OktaAppType,omitempty"`
}

func clientTypesPath(providerID int64) string {
	return idPath(oauthProvidersPath, providerID) + "/client-types"
}

// CreateClientType adds a client type to a provider.
func (p *Client) CreateClientType(ctx context.Context, providerID int64, in ClientTypeInput) (*ClientType, error) {
	list := func(ctx context.Context) ([]ClientType, error) { return p.ListClientTypes(ctx, providerID) }
	return createNew(
		ctx,
		p,
		fmt.Sprintf("client-type/%d", providerID),
		list,
		func(c ClientType) int64 { return c.ID },
		func(c ClientType) bool { return c.Name == in.Name },
		func(ctx context.Context, id int64) (*ClientType, error) { return p.GetClientType(ctx, providerID, id) },
		func(ctx context.Context) (*ClientType, error) {
			var out ClientType
			if err := p.do(ctx, http.MethodPost, clientTypesPath(providerID), nil, in, &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
	)
}

// ListClientTypes lists a provider's client types.
func (p *Client) ListClientTypes(ctx context.Context, providerID int64) ([]ClientType, error) {
	return listAll(ctx, p, clientTypesPath(providerID), decodeArray[ClientType])
}

// GetClientType reads one client type.
func (p *Client) GetClientType(ctx context.Context, providerID, id int64) (*ClientType, error) {
	var out ClientType
	if err := p.do(ctx, http.MethodGet, idPath(clientTypesPath(providerID), id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateClientType replaces a client type.
func (p *Client) UpdateClientType(ctx context.Context, providerID, id int64, in ClientTypeInput) (*ClientType, error) {
	var out ClientType
	if err := p.putWhole(ctx, idPath(clientTypesPath(providerID), id), in, []string{"ID", "CreatedAt", "UpdatedAt"}, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteClientType deletes a client type.
func (p *Client) DeleteClientType(ctx context.Context, providerID, id int64, force bool) error {
	var q url.Values
	if force {
		q = url.Values{"force": {"true"}}
	}
	return p.do(ctx, http.MethodDelete, idPath(clientTypesPath(providerID), id), q, nil, nil)
}

// WellKnownURLOfClientType returns the well-known URL of the OAuth provider
// a client type belongs to (the API addresses client types below their
// provider, so this lists providers; the answer is cached per client).
func (p *Client) WellKnownURLOfClientType(ctx context.Context, clientTypeID int64) (string, error) {
	p.wkMu.Lock()
	defer p.wkMu.Unlock()
	if u, ok := p.wellKnown[clientTypeID]; ok {
		return u, nil
	}
	providers, err := p.ListOAuthProviders(ctx)
	if err != nil {
		return "", err
	}
	if p.wellKnown == nil {
		p.wellKnown = map[int64]string{}
	}
	for _, prov := range providers {
		full, err := p.GetOAuthProvider(ctx, prov.ID)
		if err != nil {
			return "", err
		}
		for _, ct := range full.ClientTypes {
			p.wellKnown[ct.ID] = full.WellKnownURL
		}
	}
	u, ok := p.wellKnown[clientTypeID]
	if !ok {
		return "", fmt.Errorf("no OAuth2.0 provider has client type %d", clientTypeID)
	}
	return u, nil
}
