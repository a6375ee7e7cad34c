// Package oidc talks to an OAuth 2.0 / OpenID Connect identity provider:
// discovery documents and RFC 7592 client reads. Tokens are obtained with
// golang.org/x/oauth2 by the ephemeral token resource.
package oidc

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// Discovery is the part of an OpenID Provider's metadata the provider uses.
type Discovery struct {
	Issuer                            string   `json:"issuer"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
}

// Options tune the HTTP transport towards the IdP.
type Options struct {
	// TLS is what connections to the IdP trust and present.
	TLS        client.TLS
	UserAgent  string
	MaxRetries int
	// HTTPClient, when set, is used for every request (built once per
	// provider configuration with client.NewHTTPClient).
	HTTPClient *http.Client
}

func transport(rawURL string, opts Options) (*client.Client, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("invalid URL %q", rawURL)
	}
	c, err := client.New(client.Config{
		Plane: "Identity provider", BaseURL: u.Scheme + "://" + u.Host, TLS: opts.TLS,
		UserAgent: opts.UserAgent, MaxRetries: opts.MaxRetries, HTTPClient: opts.HTTPClient,
	})
	if err != nil {
		return nil, "", err
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return c, path, nil
}

type cached struct {
	doc *Discovery
	at  time.Time
}

var discoveryCache sync.Map // well-known URL → cached

// DiscoveryTTL bounds how long a discovery document is reused.
const DiscoveryTTL = 5 * time.Minute

// Discover fetches an OpenID Connect discovery document from its full URL
// (Tyk takes the well-known URL, not the issuer). Documents are reused for
// DiscoveryTTL, so an apply of many accesses reads each IdP's once.
func Discover(ctx context.Context, wellKnownURL string, opts Options) (*Discovery, error) {
	if v, ok := discoveryCache.Load(wellKnownURL); ok {
		if c, ok := v.(cached); ok && time.Since(c.at) < DiscoveryTTL {
			d := *c.doc
			return &d, nil
		}
	}
	d, err := discover(ctx, wellKnownURL, opts)
	if err != nil {
		return nil, err
	}
	discoveryCache.Store(wellKnownURL, cached{doc: d, at: time.Now()})
	cp := *d // callers get copies: the cached document is never shared
	return &cp, nil
}

func discover(ctx context.Context, wellKnownURL string, opts Options) (*Discovery, error) {
	c, p, err := transport(wellKnownURL, opts)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(p)
	var d Discovery
	if _, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: u.Path, Query: u.Query()}, &d); err != nil {
		return nil, err
	}
	if d.Issuer == "" || d.TokenEndpoint == "" {
		return nil, fmt.Errorf("%s is not an OpenID Connect discovery document (no issuer or token_endpoint)", wellKnownURL)
	}
	return &d, nil
}

// RegisteredClient is an RFC 7592 client read.
type RegisteredClient struct {
	ClientID                string   `json:"client_id"`
	Scope                   string   `json:"scope"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	// RegistrationAccessToken is set when the IdP rotated the token on
	// read (Curity does; Hydra and Keycloak do not).
	RegistrationAccessToken string `json:"registration_access_token"`
}

// ErrClientGone means the IdP no longer knows the client (RFC 7592 answers
// 401 for an unknown client, some IdPs 404).
var ErrClientGone = errors.New("the identity provider no longer has this client")

// ReadClient reads a client at its registration_client_uri with its
// registration access token, sent as a Bearer token and never logged.
func ReadClient(ctx context.Context, clientURI, registrationToken string, opts Options) (*RegisteredClient, error) {
	c, p, err := transport(clientURI, opts)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(p)
	ctx = client.MaskValues(ctx, registrationToken)
	var rc RegisteredClient
	_, err = c.Do(ctx, client.Request{
		Method: http.MethodGet, Path: u.Path, Query: u.Query(), NoAuth: true,
		Header: http.Header{"Authorization": {"Bearer " + registrationToken}},
	}, &rc)
	switch code := client.StatusCode(err); {
	case code == http.StatusUnauthorized || code == http.StatusNotFound:
		return nil, ErrClientGone
	case err != nil:
		return nil, err
	}
	return &rc, nil
}

// ClientAuthenticates tells whether the IdP still knows a client, when RFC
// 7592 cannot say (a 401 there means "no such client" or "wrong registration
// token" alike): see ProbeClient.
func ClientAuthenticates(ctx context.Context, tokenEndpoint, clientID, secret, authMethod string, opts Options) (bool, error) {
	p, err := ProbeClient(ctx, tokenEndpoint, clientID, secret, authMethod, nil, opts)
	return err == nil && p != ProbeUnknownClient, err
}

// Probe is what the token endpoint says about a client.
type Probe string

// Token endpoint answers (ProbeClient).
const (
	// ProbeOK: the client got a token for the scopes asked.
	ProbeOK Probe = "ok"
	// ProbeUnknownClient: invalid_client, the IdP does not know the client
	// (or its secret).
	ProbeUnknownClient Probe = "unknown_client"
	// ProbeScopeRefused: invalid_scope, the client may no longer ask for
	// one of the scopes.
	ProbeScopeRefused Probe = "scope_refused"
	// ProbeOther: the client authenticated but got no token (for example
	// unauthorized_client: not a client_credentials client).
	ProbeOther Probe = "other"
)

// ProbeClient asks the token endpoint for a client_credentials token with
// the client's credentials and scopes (none: the client's defaults), which
// tells whether the IdP still knows the client and still grants it those
// scopes without touching its registration access token (some IdPs rotate
// that token on every RFC 7592 read). The secret is sent as the client
// registered (authMethod), never logged.
func ProbeClient(ctx context.Context, tokenEndpoint, clientID, secret, authMethod string, scopes []string, opts Options) (Probe, error) {
	c, p, err := transport(tokenEndpoint, opts)
	if err != nil {
		return "", err
	}
	u, _ := url.Parse(p)
	ctx = client.MaskValues(ctx, secret)
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if authMethod == "client_secret_post" {
		form.Set("client_id", clientID)
		form.Set("client_secret", secret)
	} else {
		hdr.Set("Authorization", "Basic "+basicAuth(clientID, secret))
	}
	_, err = c.Do(ctx, client.Request{
		Method: http.MethodPost, Path: u.Path, Query: u.Query(), NoAuth: true, Header: hdr,
		Body: []byte(form.Encode()), Idempotent: client.Bool(true),
	}, nil)
	if err == nil {
		return ProbeOK, nil
	}
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusBadRequest ||
		apiErr.StatusCode == http.StatusForbidden) {
		switch {
		case strings.Contains(apiErr.Message, "invalid_client"):
			return ProbeUnknownClient, nil
		case strings.Contains(apiErr.Message, "invalid_scope"):
			return ProbeScopeRefused, nil
		}
		return ProbeOther, nil
	}
	return "", err
}

func basicAuth(id, secret string) string {
	// RFC 6749 §2.3.1: form-urlencode each part, then base64.
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
}
