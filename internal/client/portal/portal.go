// Package portal is a client for the Tyk Enterprise Developer Portal admin
// API (/portal-api): PascalCase JSON, integer ids, page/per_page paging until
// a short page, error bodies {"errors":[...]} and {"status":"error",...}.
package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// BasePath is where the admin API lives below the Portal URL.
const BasePath = "/portal-api"

// PerPage is the page size the client asks for.
const PerPage = 100

// Client talks to one Portal.
type Client struct {
	c *client.Client

	catMu      sync.Mutex
	catalogues map[string]int64

	syncLocks client.KeyedMutex[int64] // by provider id

	knownMu sync.Mutex
	known   map[string]map[int64]bool // kind → ids that existed before this client's creates

	wkMu      sync.Mutex
	wellKnown map[int64]string // client type id → its OAuth provider's well-known URL

	memo memo
}

// New wraps a transport whose base URL ends in /portal-api.
func New(c *client.Client) *Client { return &Client{c: c} }

// BaseURL normalises a Portal URL into the admin API base URL.
func BaseURL(portalURL string) string {
	u := strings.TrimRight(portalURL, "/")
	if !strings.HasSuffix(u, BasePath) {
		u += BasePath
	}
	return u
}

func (p *Client) do(ctx context.Context, method, path string, q url.Values, body, out any) error {
	if method != http.MethodGet {
		defer p.forget(path)
	}
	_, err := p.c.Do(ctx, client.Request{Method: method, Path: path, Query: q, Body: body}, out)
	return err
}

// listAll pages through a list endpoint until a page comes back short.
// decode turns one page's body into items.
func listAll[T any](ctx context.Context, p *Client, path string, decode func([]byte) ([]T, error)) ([]T, error) {
	var all []T
	for page := 1; page < 10000; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(PerPage)}}
		resp, err := p.c.Do(ctx, client.Request{Method: http.MethodGet, Path: path, Query: q}, nil)
		if err != nil {
			return nil, err
		}
		items, err := decode(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("%s API: GET %s: decoding list: %w", p.c.Plane(), path, err)
		}
		all = append(all, items...)
		if len(items) < PerPage {
			return all, nil
		}
	}
	return all, nil
}

// decodeArray accepts a bare JSON array or {"data":[...]} (GET /plans: an
// array in the Portal spec up to 1.12, {"data":[...]} from 1.13).
func decodeArray[T any](b []byte) ([]T, error) {
	var items []T
	trimmed := strings.TrimSpace(string(b))
	if trimmed == "" || trimmed == "null" {
		return nil, nil
	}
	if strings.HasPrefix(trimmed, "{") {
		var env struct {
			Data []T `json:"data"`
		}
		err := json.Unmarshal(b, &env)
		return env.Data, err
	}
	err := json.Unmarshal(b, &items)
	return items, err
}

// CSV is a comma-separated list as the Portal stores it ("code,token"). It
// also decodes from a JSON array, a shape seen in Tyk's own demo scripts.
type CSV []string

// ParseCSV splits s on commas, trimming blanks.
func ParseCSV(s string) CSV {
	var out CSV
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// String joins the items sorted, so the same set always reads the same.
func (c CSV) String() string {
	cp := append([]string(nil), c...)
	sort.Strings(cp)
	return strings.Join(cp, ",")
}

func (c CSV) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

func (c *CSV) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = ParseCSV(s)
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("expected a CSV string or an array of strings: %w", err)
	}
	*c = nil
	for _, item := range list {
		*c = append(*c, ParseCSV(item)...)
	}
	return nil
}

func idPath(prefix string, id int64) string { return prefix + "/" + strconv.FormatInt(id, 10) }

// createNew sends a create whose outcome may be unknown at most until it is
// known to have happened: after an ambiguous failure only an object that is
// new -- not among the ids this client knew before sending -- and matches
// the request is adopted (client.CreateOnce). The known ids of each kind are
// listed once per client and kept current with its own creates, so N creates
// cost one listing, not N. List items can be summaries (a provider's list
// entry has no Configuration), so an adopted object is read in full with get.
func createNew[T any](ctx context.Context, p *Client, kind string, list func(context.Context) ([]T, error), id func(T) int64,
	match func(T) bool, get func(context.Context, int64) (*T, error), create func(context.Context) (*T, error),
) (*T, error) {
	known, err := p.knownIDs(ctx, kind, func(ctx context.Context) ([]int64, error) {
		items, err := list(ctx)
		ids := make([]int64, 0, len(items))
		for _, x := range items {
			ids = append(ids, id(x))
		}
		return ids, err
	})
	if err != nil {
		return nil, err
	}
	out, err := client.CreateOnce(ctx, create, func(ctx context.Context) (*T, bool, error) {
		after, err := list(ctx)
		if err != nil {
			return nil, false, err
		}
		for i := range after {
			if !known(id(after[i])) && match(after[i]) {
				full, err := get(ctx, id(after[i]))
				return full, err == nil, err
			}
		}
		return nil, false, nil
	})
	if err == nil && out != nil {
		p.addKnown(kind, id(*out))
	}
	return out, err
}

// knownIDs returns a membership test for the ids of kind that existed before
// this client's creates, listing them on first use.
func (p *Client) knownIDs(ctx context.Context, kind string, list func(context.Context) ([]int64, error)) (func(int64) bool, error) {
	p.knownMu.Lock()
	defer p.knownMu.Unlock()
	if p.known == nil {
		p.known = map[string]map[int64]bool{}
	}
	set, ok := p.known[kind]
	if !ok {
		ids, err := list(ctx)
		if err != nil {
			return nil, err
		}
		set = make(map[int64]bool, len(ids))
		for _, id := range ids {
			set[id] = true
		}
		p.known[kind] = set
	}
	return func(id int64) bool {
		p.knownMu.Lock()
		defer p.knownMu.Unlock()
		return set[id]
	}, nil
}

func (p *Client) addKnown(kind string, id int64) {
	p.knownMu.Lock()
	defer p.knownMu.Unlock()
	if set, ok := p.known[kind]; ok {
		set[id] = true
	}
}

// putWhole updates an object the way Tyk's own scripts do (tyk-demo
// deployments/portal/bootstrap.sh: GET, edit with jq, PUT the whole object):
// Tyk documents neither merge nor replace for the Portal's PUTs, so the body
// is the object as GET returns it, with the fields the provider manages
// (those in `in`) overlaid, the read-only ones dropped, and fix applied for
// fields whose GET shape differs from the PUT one (catalogue names vs ids).
// Fields the provider does not manage are sent back unchanged, so a Portal
// that replaces keeps them. out receives the PUT's answer.
func (p *Client) putWhole(
	ctx context.Context,
	path string,
	in any,
	readOnly []string,
	fix func(ctx context.Context, got, body map[string]json.RawMessage) error,
	out any,
) error {
	return p.modifyWhole(ctx, path, func(json.RawMessage) (any, error) { return in, nil }, readOnly, fix, out)
}

// modifyWhole is putWhole with the write built from the object as read
// (build gets the GET's body), so a caller that needs the current object
// to build its write reads it once: one GET and one PUT.
func (p *Client) modifyWhole(
	ctx context.Context,
	path string,
	build func(cur json.RawMessage) (any, error),
	readOnly []string,
	fix func(ctx context.Context, got, body map[string]json.RawMessage) error,
	out any,
) error {
	var raw json.RawMessage
	if err := p.do(ctx, http.MethodGet, path, nil, nil, &raw); err != nil {
		return err
	}
	current := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &current); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	in, err := build(raw)
	if err != nil {
		return err
	}
	got := maps.Clone(current)
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	overlay := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &overlay); err != nil {
		return err
	}
	maps.Copy(current, overlay)
	for _, k := range readOnly {
		delete(current, k)
	}
	if fix != nil {
		if err := fix(ctx, got, current); err != nil {
			return err
		}
	}
	return p.do(ctx, http.MethodPut, path, nil, current, out)
}
