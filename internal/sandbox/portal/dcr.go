package portal

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// idpClient is the Portal's own RFC 7591 / 7592 client: discovery from the
// OAuth provider's well-known URL, registration with the initial access
// token, deletion with the registration access token.
type idpClient struct {
	http *http.Client
}

// idp returns the Portal's IdP client for an OAuth provider's TLS setting;
// the client, and so its connections, is kept for the next approval. How
// the real Portal pools its IdP connections is not recorded anywhere (no
// recording, spec or guide covers it); neither the IdP's answers nor
// anything the Portal API returns depends on it, so this is a transport
// detail of the emulator, not an emulated behaviour.
func (s *server) idp(provider store.Doc) *idpClient {
	insecure, _ := provider["SSLInsecureSkipVerify"].(bool)
	s.idpMu.Lock()
	defer s.idpMu.Unlock()
	if c := s.idpClients[insecure]; c != nil {
		return c
	}
	if s.idpClients == nil {
		s.idpClients = map[bool]*idpClient{}
	}
	tr := defaultTransport()
	// SSLInsecureSkipVerify ("SSL secure skip verify" in the Portal UI),
	// else the installation's trusted CAs.
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure, RootCAs: s.opts.RootCAs} //nolint:gosec // the provider's own setting
	c := &idpClient{http: &http.Client{Timeout: 15 * time.Second, Transport: s.opts.Faults.Transport("idp", tr)}}
	s.idpClients[insecure] = c
	return c
}

type discovery struct {
	Issuer               string `json:"issuer"`
	RegistrationEndpoint string `json:"registration_endpoint"`
	TokenEndpoint        string `json:"token_endpoint"`
	JWKSURI              string `json:"jwks_uri"`
}

func (c *idpClient) discover(wellKnown string) (*discovery, error) {
	resp, err := c.http.Get(wellKnown)
	if err != nil {
		return nil, fmt.Errorf("fetching the IdP's well-known configuration: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the IdP's well-known configuration: HTTP %d", resp.StatusCode)
	}
	var d discovery
	err = json.NewDecoder(resp.Body).Decode(&d)
	_, _ = io.Copy(io.Discard, resp.Body) // the rest, so the connection is reused
	if err != nil {
		return nil, fmt.Errorf("the IdP's well-known configuration is not JSON: %v", err)
	}
	if d.RegistrationEndpoint == "" {
		return nil, fmt.Errorf("the IdP's well-known configuration has no registration_endpoint (is dynamic client registration enabled?)")
	}
	return &d, nil
}

type registered struct {
	ClientID                string   `json:"client_id"`
	ClientSecret            string   `json:"client_secret"`
	RegistrationAccessToken string   `json:"registration_access_token"`
	RegistrationClientURI   string   `json:"registration_client_uri"`
	Scope                   string   `json:"scope"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
}

func (c *idpClient) register(endpoint, initialToken string, metadata map[string]any) (*registered, error) {
	body, _ := json.Marshal(metadata)
	req, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if initialToken != "" {
		req.Header.Set("Authorization", "Bearer "+initialToken)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("registering the client: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(raw, &e)
		return nil, fmt.Errorf("the identity provider refused the client registration: %d %s %s", resp.StatusCode, e.Error, e.Description)
	}
	var r registered
	if err := json.Unmarshal(raw, &r); err != nil || r.ClientID == "" {
		return nil, fmt.Errorf("the identity provider's registration answer has no client_id")
	}
	return &r, nil
}

func (c *idpClient) remove(clientURI, token string) error {
	if clientURI == "" {
		return nil
	}
	req, _ := http.NewRequest(http.MethodDelete, clientURI, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNoContent, http.StatusOK, http.StatusNotFound, http.StatusUnauthorized:
		return nil // gone already (7592 answers 401 for an unknown client)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return fmt.Errorf("deleting the client in the identity provider: HTTP %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
}

func csvList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// read is an RFC 7592 read of a client's metadata.
func (c *idpClient) read(clientURI, token string) (map[string]any, error) {
	req, _ := http.NewRequest(http.MethodGet, clientURI, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the client in the identity provider: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading the client in the identity provider: HTTP %d %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	var meta map[string]any
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("reading the client in the identity provider: %v", err)
	}
	return meta, nil
}

// update is an RFC 7592 update: the full metadata, without the secret and
// the registration fields (Hydra refuses a client_secret with 403 and
// replaces the whole client: ../shared/reference/idp-dcr.md §2.6).
func (c *idpClient) update(clientURI, token string, meta map[string]any) (*registered, error) {
	body := map[string]any{}
	for k, v := range meta {
		switch k {
		case "client_secret", "client_secret_expires_at", "registration_access_token", "registration_client_uri", "client_id_issued_at":
		default:
			body[k] = v
		}
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPut, clientURI, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("updating the client in the identity provider: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("updating the client in the identity provider: HTTP %d %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	var r registered
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("updating the client in the identity provider: %v", err)
	}
	return &r, nil
}

// defaultTransport is a fresh copy of Go's default transport (its timeouts
// and connection pooling), for the sandbox's outgoing calls.
func defaultTransport() *http.Transport {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{}
}
