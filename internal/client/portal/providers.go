package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// APIProvider is the Portal's connection to a Tyk Dashboard ("Providers").
type APIProvider struct {
	ID            int64          `json:"ID,omitempty"`
	Name          string         `json:"Name"`
	Type          string         `json:"Type,omitempty"`
	Status        string         `json:"Status,omitempty"`
	LastSynced    string         `json:"-"`
	Configuration ProviderConfig `json:"Configuration"`
}

// ProviderConfig wraps the connection settings, which the Portal keeps as a
// JSON-encoded string in MetaData.
type ProviderConfig struct {
	ID       int64  `json:"ID,omitempty"`
	MetaData string `json:"MetaData"`
}

// ProviderMeta is the decoded Configuration.MetaData.
type ProviderMeta struct {
	URL                string   `json:"URL"`
	Secret             string   `json:"Secret"`
	OrgID              string   `json:"OrgID"`
	Gateway            string   `json:"Gateway"`
	PoliciesTags       []string `json:"PoliciesTags"`
	InsecureSkipVerify bool     `json:"InsecureSkipVerify"`
}

// Meta decodes Configuration.MetaData.
func (p *APIProvider) Meta() (ProviderMeta, error) {
	var m ProviderMeta
	if p.Configuration.MetaData == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(p.Configuration.MetaData), &m); err != nil {
		return m, fmt.Errorf("provider %d: Configuration.MetaData is not valid JSON: %w", p.ID, err)
	}
	return m, nil
}

// SetMeta encodes m into Configuration.MetaData.
func (p *APIProvider) SetMeta(m ProviderMeta) {
	if m.PoliciesTags == nil {
		m.PoliciesTags = []string{}
	}
	b, _ := json.Marshal(m)
	p.Configuration.MetaData = string(b)
}

// UnmarshalJSON accepts LastSynced (real responses) and LastSyncedAt (spec).
func (p *APIProvider) UnmarshalJSON(b []byte) error {
	type alias APIProvider
	var a struct {
		alias
		LastSynced   string `json:"LastSynced"`
		LastSyncedAt string `json:"LastSyncedAt"`
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*p = APIProvider(a.alias)
	p.LastSynced = a.LastSynced
	if p.LastSynced == "" {
		p.LastSynced = a.LastSyncedAt
	}
	return nil
}

type providerCreate struct {
	Name          string `json:"Name"`
	Type          string `json:"Type"`
	Configuration struct {
		MetaData string `json:"MetaData"`
	} `json:"Configuration"`
}

const providersPath = "/providers"

// CreateAPIProvider creates a Dashboard connection (type tyk-pro).
func (p *Client) CreateAPIProvider(ctx context.Context, in APIProvider) (*APIProvider, error) {
	body := providerCreate{Name: in.Name, Type: "tyk-pro"}
	body.Configuration.MetaData = in.Configuration.MetaData
	return createNew(
		ctx,
		p,
		"api-provider",
		p.ListAPIProviders,
		func(x APIProvider) int64 { return x.ID },
		func(x APIProvider) bool { return x.Name == in.Name },
		p.GetAPIProvider,
		func(ctx context.Context) (*APIProvider, error) {
			var out APIProvider
			if err := p.do(ctx, http.MethodPost, providersPath, nil, body, &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
	)
}

// GetAPIProvider reads a provider.
func (p *Client) GetAPIProvider(ctx context.Context, id int64) (*APIProvider, error) {
	var out APIProvider
	if err := p.do(ctx, http.MethodGet, idPath(providersPath, id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateAPIProvider replaces name and configuration.
func (p *Client) UpdateAPIProvider(ctx context.Context, id int64, in APIProvider) (*APIProvider, error) {
	body := struct {
		Name          string         `json:"Name"`
		Configuration ProviderConfig `json:"Configuration"`
	}{in.Name, in.Configuration}
	var out APIProvider
	readOnly := []string{"ID", "Status", "LastSynced", "LastSyncedAt", "CreatedAt", "UpdatedAt"}
	if err := p.putWhole(ctx, idPath(providersPath, id), body, readOnly, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAPIProvider deletes a provider and the products and plans it imported.
func (p *Client) DeleteAPIProvider(ctx context.Context, id int64) error {
	return p.do(ctx, http.MethodDelete, idPath(providersPath, id), nil, nil, nil)
}

// SynchronizeAPIProvider imports the Dashboard's tagged partitioned policies
// as products and plans. Synchronizations of one provider are serialized
// within this process (the product and plan resources of one apply would
// otherwise start them together).
func (p *Client) SynchronizeAPIProvider(ctx context.Context, id int64) error {
	defer p.syncLocks.Lock(id)()
	return p.do(ctx, http.MethodPut, idPath(providersPath, id)+"/synchronize", nil, nil, nil)
}

// ListAPIProviders lists providers.
func (p *Client) ListAPIProviders(ctx context.Context) ([]APIProvider, error) {
	return listAll(ctx, p, providersPath, decodeArray[APIProvider])
}
