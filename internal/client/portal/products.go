package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"strconv"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// Product is an API product. On GET, Catalogues are names; on writes, ids.
type Product struct {
	ID                  int64       `json:"ID"`
	Name                string      `json:"Name"`
	DisplayName         string      `json:"DisplayName"`
	Description         string      `json:"Description"`
	Content             string      `json:"Content"`
	Path                string      `json:"Path"`
	Feature             bool        `json:"Feature"`
	ProviderID          int64       `json:"ProviderID"`
	IsDocumentationOnly bool        `json:"IsDocumentationOnly"`
	ReferenceID         string      `json:"ReferenceID"`
	AuthType            string      `json:"AuthType"`
	DCREnabled          bool        `json:"DCREnabled"`
	Scopes              string      `json:"Scopes"`
	Catalogues          []string    `json:"Catalogues"`
	APIDetails          []APIDetail `json:"APIDetails"`
	// HasScopes tells whether the answer carried Scopes: the product list of
	// Portals before 1.14 does not (a summary), GET /products/{id} does.
	HasScopes bool `json:"-"`
}

// APIDetail is one API of a product.
type APIDetail struct {
	APIID       string `json:"APIID"`
	Name        string `json:"Name,omitempty"`
	Description string `json:"Description"`
	ListenPath  string `json:"ListenPath,omitempty"`
}

// ProductInput is the body of POST and PUT /products.
type ProductInput struct {
	Name                string           `json:"Name"`
	ProviderID          int64            `json:"ProviderID"`
	IsDocumentationOnly bool             `json:"IsDocumentationOnly"`
	DisplayName         string           `json:"DisplayName"`
	Description         string           `json:"Description"`
	Content             string           `json:"Content,omitempty"`
	Path                string           `json:"Path,omitempty"`
	Feature             bool             `json:"Feature"`
	DCREnabled          bool             `json:"DCREnabled"`
	Scopes              string           `json:"Scopes"`
	Catalogues          []int64          `json:"Catalogues"`
	APIDetails          []APIDetailInput `json:"APIDetails"`
}

// APIDetailInput is an API of a product in a write.
type APIDetailInput struct {
	APIID       string `json:"APIID"`
	Description string `json:"Description"`
}

// UnmarshalJSON tolerates Catalogues given as ids instead of names.
func (p *Product) UnmarshalJSON(b []byte) error {
	type alias Product
	var a struct {
		alias
		Catalogues []json.RawMessage `json:"Catalogues"`
		Scopes     *string           `json:"Scopes"`
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*p = Product(a.alias)
	p.Catalogues = rawStrings(a.Catalogues)
	if a.Scopes != nil {
		p.Scopes, p.HasScopes = *a.Scopes, true
	}
	return nil
}

func rawStrings(raw []json.RawMessage) []string {
	var out []string
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		var n json.Number
		if json.Unmarshal(r, &n) == nil {
			out = append(out, n.String())
		}
	}
	return out
}

const productsPath = "/products"

// CreateProduct creates a product (Portal 1.13+); the Portal creates its
// ACL policy in the Dashboard.
func (p *Client) CreateProduct(ctx context.Context, in ProductInput) (*Product, error) {
	return createNew(ctx, p, "product", p.ListProducts, func(x Product) int64 { return x.ID }, func(x Product) bool { return x.Name == in.Name }, p.GetProduct,
		func(ctx context.Context) (*Product, error) {
			var out Product
			if err := p.do(ctx, http.MethodPost, productsPath, nil, in, &out); err != nil {
				return nil, err
			}
			return &out, nil
		})
}

// GetProduct reads a product.
func (p *Client) GetProduct(ctx context.Context, id int64) (*Product, error) {
	var out Product
	if err := p.do(ctx, http.MethodGet, idPath(productsPath, id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateProduct replaces a product's editable fields.
func (p *Client) UpdateProduct(ctx context.Context, id int64, in ProductInput) (*Product, error) {
	return p.ModifyProduct(ctx, id, func(*Product) (ProductInput, error) { return in, nil })
}

// ModifyProduct updates a product with the write build makes of it as it
// is: one GET, one PUT (see modifyWhole). build's error aborts.
func (p *Client) ModifyProduct(ctx context.Context, id int64, build func(cur *Product) (ProductInput, error)) (*Product, error) {
	var out Product
	readOnly := []string{"ID", "ReferenceID", "AuthTypes", "Logo", "Preview", "CreatedAt", "UpdatedAt"}
	err := p.modifyWhole(ctx, idPath(productsPath, id), func(raw json.RawMessage) (any, error) {
		var cur Product
		if err := json.Unmarshal(raw, &cur); err != nil {
			return nil, fmt.Errorf("decoding product %d: %w", id, err)
		}
		return build(&cur)
	}, readOnly, p.productWriteShape(id), &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteProduct deletes a product (Portal 1.13+) and its policy.
func (p *Client) DeleteProduct(ctx context.Context, id int64) error {
	return p.do(ctx, http.MethodDelete, idPath(productsPath, id), nil, nil, nil)
}

// ListProducts lists products.
func (p *Client) ListProducts(ctx context.Context) ([]Product, error) {
	return listAll(ctx, p, productsPath, decodeArray[Product])
}

// ProductClientTypes lists the client types attached to a product.
func (p *Client) ProductClientTypes(ctx context.Context, productID int64) ([]int64, error) {
	items, err := listAll(ctx, p, idPath(productsPath, productID)+"/client_types", decodeArray[struct {
		ID int64 `json:"ID"`
	}])
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids, nil
}

// AttachClientType attaches a client type to a product.
func (p *Client) AttachClientType(ctx context.Context, productID, clientTypeID int64) error {
	_, err := client.CreateOnce(ctx, func(ctx context.Context) (bool, error) {
		return true, p.do(ctx, http.MethodPost, idPath(productsPath, productID)+"/client_types", nil, map[string]int64{"ID": clientTypeID}, nil)
	}, func(ctx context.Context) (bool, bool, error) {
		ids, err := p.ProductClientTypes(ctx, productID)
		for _, id := range ids {
			if id == clientTypeID {
				return true, true, err
			}
		}
		return false, false, err
	})
	return err
}

// DetachClientType removes a client type from a product.
func (p *Client) DetachClientType(ctx context.Context, productID, clientTypeID int64) error {
	return p.do(ctx, http.MethodDelete, idPath(productsPath, productID)+"/client_types/"+strconv.FormatInt(clientTypeID, 10), nil, nil, nil)
}

// Catalogue is a Portal catalogue.
type Catalogue struct {
	ID   int64  `json:"ID"`
	Name string `json:"Name"`
}

// ListCatalogues lists catalogues (to map GET's names back to ids).
func (p *Client) ListCatalogues(ctx context.Context) ([]Catalogue, error) {
	return listAll(ctx, p, "/catalogues", decodeArray[Catalogue])
}

// CatalogueIDs maps catalogue names, as product and plan GETs return them,
// back to ids. The catalogue list is cached for the life of the client and
// listed again only when a name is unknown, so a refresh of many products
// costs one list, not one per product.
func (p *Client) CatalogueIDs(ctx context.Context, names []string) ([]int64, error) {
	ids := []int64{}
	if len(names) == 0 {
		return ids, nil
	}
	p.catMu.Lock()
	defer p.catMu.Unlock()
	for refreshed := false; ; refreshed = true {
		ids = ids[:0]
		missing := ""
		for _, n := range names {
			if id, ok := p.catalogues[n]; ok {
				ids = append(ids, id)
			} else if num, err := strconv.ParseInt(n, 10, 64); err == nil {
				ids = append(ids, num) // already an id
			} else {
				missing = n
			}
		}
		if missing == "" {
			return ids, nil
		}
		if refreshed {
			return nil, fmt.Errorf("catalogue %q not found", missing)
		}
		all, err := p.ListCatalogues(ctx)
		if err != nil {
			return nil, err
		}
		p.catalogues = map[string]int64{}
		for _, c := range all {
			p.catalogues[c.Name] = c.ID
		}
	}
}

// productWriteShape turns a product as GET returns it into the shape PUT
// takes: Catalogues, Tags and Templates are names on GET and ids on writes
// (the Portal spec's GET and PUT examples for /products/{id}). Catalogues map through
// the catalogue list, Templates (the product's client types) through the
// product's client-type list, Tags through the tag list; each list is read
// only when the product has such names. An empty SpecDetails (API products)
// is not sent back.
func (p *Client) productWriteShape(id int64) func(context.Context, map[string]json.RawMessage, map[string]json.RawMessage) error {
	return func(ctx context.Context, got, body map[string]json.RawMessage) error {
		body["APIDetails"] = mergeAPIDetails(got["APIDetails"], body["APIDetails"])
		if names := rawNames(body["Catalogues"]); len(names) > 0 {
			ids, err := p.CatalogueIDs(ctx, names)
			if err != nil {
				return err
			}
			body["Catalogues"], _ = json.Marshal(ids)
		}
		if names := rawNames(body["Templates"]); len(names) > 0 {
			cts, err := listAll(ctx, p, idPath(productsPath, id)+"/client_types", decodeArray[named])
			if err != nil {
				return err
			}
			body["Templates"], _ = json.Marshal(idsOf(cts, names))
		}
		if names := rawNames(body["Tags"]); len(names) > 0 {
			tags, err := listAll(ctx, p, "/tags", decodeArray[named])
			if err != nil {
				return err
			}
			body["Tags"], _ = json.Marshal(idsOf(tags, names))
		}
		for _, k := range []string{"Templates", "Tags", "SpecDetails"} {
			if v, ok := body[k]; ok && (string(v) == "null" || string(v) == "[]") {
				delete(body, k)
			}
		}
		return nil
	}
}

type named struct {
	ID   int64  `json:"ID"`
	Name string `json:"Name"`
}

// rawNames returns the string items of a JSON array (numbers are ids
// already and yield nothing).
func rawNames(raw json.RawMessage) []string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var names []string
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) == nil {
			names = append(names, s)
		}
	}
	return names
}

func idsOf(items []named, names []string) []int64 {
	ids := []int64{}
	for _, n := range names {
		for _, it := range items {
			if it.Name == n {
				ids = append(ids, it.ID)
				break
			}
		}
	}
	return ids
}

// mergeAPIDetails keeps, for each API the update names, the fields of its
// current entry that the provider does not manage (OASUrl), without the
// read-only ones the Portal derives from the API definition.
func mergeAPIDetails(current, updated json.RawMessage) json.RawMessage {
	var cur, upd []map[string]json.RawMessage
	if json.Unmarshal(current, &cur) != nil || json.Unmarshal(updated, &upd) != nil {
		return updated
	}
	byID := map[string]map[string]json.RawMessage{}
	for _, c := range cur {
		var id string
		_ = json.Unmarshal(c["APIID"], &id)
		byID[id] = c
	}
	for i, u := range upd {
		var id string
		_ = json.Unmarshal(u["APIID"], &id)
		base, ok := byID[id]
		if !ok {
			continue
		}
		merged := map[string]json.RawMessage{}
		for k, v := range base {
			switch k {
			case "APIType", "ListenPath", "Name", "Status", "TargetURL", "OASDocument":
			default:
				merged[k] = v
			}
		}
		for k, v := range u {
			merged[k] = v
		}
		upd[i] = merged
	}
	b, err := json.Marshal(upd)
	if err != nil {
		return updated
	}
	return b
}

// SetProductClientTypes attaches and detaches client types so that the
// product allows exactly want (a client type already gone counts as
// detached).
func (p *Client) SetProductClientTypes(ctx context.Context, productID int64, want []int64) error {
	have, err := p.ProductClientTypes(ctx, productID)
	if err != nil {
		return err
	}
	return p.ChangeProductClientTypes(ctx, productID, have, want)
}

// ChangeProductClientTypes attaches the client types of want that have
// lacks and detaches those of have that want lacks, for a caller that
// knows what the product has (a product it just created has none).
func (p *Client) ChangeProductClientTypes(ctx context.Context, productID int64, have, want []int64) error {
	for _, id := range want {
		if !slices.Contains(have, id) {
			if err := p.AttachClientType(ctx, productID, id); err != nil {
				return fmt.Errorf("attaching client type %d: %w", id, err)
			}
		}
	}
	for _, id := range have {
		if !slices.Contains(want, id) {
			if err := p.DetachClientType(ctx, productID, id); err != nil && !client.IsNotFound(err) {
				return fmt.Errorf("detaching client type %d: %w", id, err)
			}
		}
	}
	return nil
}
