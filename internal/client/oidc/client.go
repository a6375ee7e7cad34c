package oidc

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// Client is the identity-provider plane: discovery, RFC 7592 client reads,
// the token endpoint. The provider builds one per configuration, with one
// HTTP client for every IdP request.
type Client struct{ opts Options }

// New returns a Client; without opts.HTTPClient it builds one from
// opts.TLS.
func New(opts Options) (*Client, error) {
	if opts.HTTPClient == nil {
		hc, err := client.NewHTTPClient(opts.TLS, client.DefaultTimeout)
		if err != nil {
			return nil, err
		}
		opts.HTTPClient = hc
	}
	return &Client{opts: opts}, nil
}

// Discover reads an OpenID Connect discovery document (see the package
// function).
func (c *Client) Discover(ctx context.Context, wellKnownURL string) (*Discovery, error) {
	return Discover(ctx, wellKnownURL, c.opts)
}

// ReadClient reads a registered client (RFC 7592).
func (c *Client) ReadClient(ctx context.Context, clientURI, registrationToken string) (*RegisteredClient, error) {
	return ReadClient(ctx, clientURI, registrationToken, c.opts)
}

// ClientAuthenticates tells whether the token endpoint still knows a client.
func (c *Client) ClientAuthenticates(ctx context.Context, tokenEndpoint, clientID, secret, authMethod string) (bool, error) {
	return ClientAuthenticates(ctx, tokenEndpoint, clientID, secret, authMethod, c.opts)
}

// ProbeClient asks the token endpoint about a client (see the package
// function).
func (c *Client) ProbeClient(ctx context.Context, tokenEndpoint, clientID, secret, authMethod string, scopes []string) (Probe, error) {
	return ProbeClient(ctx, tokenEndpoint, clientID, secret, authMethod, scopes, c.opts)
}

// ClientCredentials gets an access token with the client_credentials grant
// (x/oauth2), authenticating as the client registered (authMethod
// client_secret_basic, the default, or client_secret_post). The secret is
// masked in every log line.
func (c *Client) ClientCredentials(ctx context.Context, tokenURL, clientID, secret, authMethod string, scopes []string) (*oauth2.Token, error) {
	style := oauth2.AuthStyleInHeader
	if authMethod == "client_secret_post" {
		style = oauth2.AuthStyleInParams
	}
	cfg := clientcredentials.Config{ClientID: clientID, ClientSecret: secret, TokenURL: tokenURL, Scopes: scopes, AuthStyle: style}
	ctx = client.MaskValues(ctx, secret)
	tok, err := cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, c.opts.HTTPClient))
	if err != nil {
		// x/oauth2 errors carry the IdP's answer, never the client secret.
		return nil, fmt.Errorf("the token request to %s for client %s failed: %w", tokenURL, clientID,
			client.DescribeTLS(err, "Identity provider", tokenURL, c.opts.TLS))
	}
	return tok, nil
}

// HTTPClient is the client every IdP request goes through.
func (c *Client) HTTPClient() *http.Client { return c.opts.HTTPClient }
