package dashboard

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// Tyk OAS API definitions: an OpenAPI 3 document with Tyk's vendor
// extension x-tyk-api-gateway, through the Dashboard's /api/apis/oas
// endpoints (Dashboard spec, tag "OAS APIs"). Field names and their
// meaning follow the Gateway's apidef/oas package (TykTechnologies/tyk
// v5.12.1): root.go (XTykAPIGateway, Info, State), server.go (ListenPath),
// upstream.go (Upstream), authentication.go (Authentication, Scopes,
// ScopeToPolicy), security.go (JWT, and which scheme the Gateway uses:
// extractSecurityTo / GetJWTConfiguration).

// TykExtension is the OAS document's Tyk vendor extension key.
const TykExtension = "x-tyk-api-gateway"

// OASAPI is a Tyk OAS API definition, kept as decoded JSON (numbers as
// json.Number) so that every field the provider does not manage is sent
// back as it was read.
type OASAPI struct {
	Doc map[string]any
}

// ParseOAS decodes an OAS document.
func ParseOAS(b []byte) (*OASAPI, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errors.New("the OAS document is not a JSON object")
	}
	return &OASAPI{Doc: doc}, nil
}

// MarshalJSON encodes the document.
func (o *OASAPI) MarshalJSON() ([]byte, error) { return json.Marshal(o.Doc) }

// object returns the object at the path below doc, creating the missing
// levels when create is set (nil otherwise).
func object(doc map[string]any, create bool, keys ...string) map[string]any {
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			if !create {
				return nil
			}
			next = map[string]any{}
			cur[k] = next
		}
		cur = next
	}
	return cur
}

func (o *OASAPI) ext(create bool, keys ...string) map[string]any {
	return object(o.Doc, create, append([]string{TykExtension}, keys...)...)
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func boolean(m map[string]any, k string) bool { b, _ := m[k].(bool); return b }

func stringList(m map[string]any, k string) []string {
	var out []string
	l, _ := m[k].([]any)
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Name is x-tyk-api-gateway.info.name.
func (o *OASAPI) Name() string { return str(o.ext(false, "info"), "name") }

// Active is x-tyk-api-gateway.info.state.active.
func (o *OASAPI) Active() bool { return boolean(o.ext(false, "info", "state"), "active") }

// ListenPath is x-tyk-api-gateway.server.listenPath (value, strip).
func (o *OASAPI) ListenPath() (string, bool) {
	lp := o.ext(false, "server", "listenPath")
	return str(lp, "value"), boolean(lp, "strip")
}

// UpstreamURL is x-tyk-api-gateway.upstream.url.
func (o *OASAPI) UpstreamURL() string { return str(o.ext(false, "upstream"), "url") }

// SetBasics writes name, state, listen path and upstream, leaving the rest
// of the extension as it is.
func (o *OASAPI) SetBasics(name string, active bool, listenPath string, strip bool, upstream string) {
	o.ext(true, "info")["name"] = name
	o.ext(true, "info", "state")["active"] = active
	lp := o.ext(true, "server", "listenPath")
	lp["value"], lp["strip"] = listenPath, strip
	o.ext(true, "upstream")["url"] = upstream
}

// AuthenticationEnabled is x-tyk-api-gateway.server.authentication.enabled
// (the Gateway's use_keyless is its negation).
func (o *OASAPI) AuthenticationEnabled() bool {
	return boolean(o.ext(false, "server", "authentication"), "enabled")
}

// isJWTScheme tells whether the OpenAPI components declare name as a JWT
// bearer scheme (security.go: type http, scheme bearer, bearerFormat JWT).
func (o *OASAPI) isJWTScheme(name string) bool {
	c := object(o.Doc, false, "components", "securitySchemes", name)
	return str(c, "type") == "http" && str(c, "scheme") == "bearer" && str(c, "bearerFormat") == "JWT"
}

// JWTSchemeName returns the security scheme whose JWT settings the Gateway
// uses: in its default (legacy) processing mode, a scheme of the first
// security requirement that the components declare as a JWT bearer scheme
// and the Tyk extension configures (security.go GetJWTConfiguration).
func (o *OASAPI) JWTSchemeName() (string, bool) {
	security, _ := o.Doc["security"].([]any)
	if len(security) == 0 {
		return "", false
	}
	first, _ := security[0].(map[string]any)
	tyk := o.ext(false, "server", "authentication", "securitySchemes")
	names := make([]string, 0, len(first))
	for name := range first {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := tyk[name].(map[string]any); ok && o.isJWTScheme(name) {
			return name, true
		}
	}
	return "", false
}

// JWT is the part of a Tyk JWT security scheme the provider manages.
type JWT struct {
	Enabled           bool
	Source            string
	SigningMethod     string
	IdentityBaseField string
	PolicyFieldName   string
	DefaultPolicies   []string
	ScopeClaimName    string
}

// JWKSURL returns the URL the source holds, if it holds one (see
// APIDefinition.JWKSURL).
func (j JWT) JWKSURL() (string, bool) { return (&APIDefinition{JWTSource: j.Source}).JWKSURL() }

// JWT returns the settings of the scheme name.
func (o *OASAPI) JWT(name string) (JWT, bool) {
	s, ok := o.ext(false, "server", "authentication", "securitySchemes")[name].(map[string]any)
	if !ok {
		return JWT{}, false
	}
	return JWT{
		Enabled: boolean(s, "enabled"), Source: str(s, "source"), SigningMethod: str(s, "signingMethod"),
		IdentityBaseField: str(s, "identityBaseField"), PolicyFieldName: str(s, "policyFieldName"),
		DefaultPolicies: stringList(s, "defaultPolicies"), ScopeClaimName: str(object(s, false, "scopes"), "claimName"),
	}, true
}

// SetJWT makes name the API's JWT scheme: declared in the OpenAPI
// components as a JWT bearer scheme, the first security requirement,
// authentication enabled, and the managed settings written into the Tyk
// scheme. Other settings of the scheme (the scope mapping among them) stay.
// defaults nil leaves defaultPolicies as they are.
func (o *OASAPI) SetJWT(name string, j JWT, defaults []string) {
	object(o.Doc, true, "components", "securitySchemes")[name] = map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
	security, _ := o.Doc["security"].([]any)
	var rest []any
	for _, req := range security {
		if m, ok := req.(map[string]any); ok {
			if _, mine := m[name]; mine && len(m) == 1 {
				continue
			}
		}
		rest = append(rest, req)
	}
	o.Doc["security"] = append([]any{map[string]any{name: []any{}}}, rest...)
	o.ext(true, "server", "authentication")["enabled"] = true
	s := o.ext(true, "server", "authentication", "securitySchemes", name)
	s["enabled"] = true
	s["signingMethod"] = j.SigningMethod
	if j.Source != "" {
		s["source"] = j.Source
	}
	s["identityBaseField"] = j.IdentityBaseField
	s["policyFieldName"] = j.PolicyFieldName
	if defaults != nil {
		s["defaultPolicies"] = toAny(defaults)
	}
	object(s, true, "scopes")["claimName"] = j.ScopeClaimName
}

// DisableAuthentication makes the API open (keyless).
func (o *OASAPI) DisableAuthentication() {
	if a := o.ext(false, "server", "authentication"); a != nil {
		a["enabled"] = false
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// ScopeMapping returns the scope → policy mapping of the API's JWT scheme
// (authentication.go Scopes.ExtractTo turns the array into this map).
func (o *OASAPI) ScopeMapping() map[string]string {
	name, ok := o.JWTSchemeName()
	if !ok {
		return map[string]string{}
	}
	out := map[string]string{}
	l, _ := o.ext(false, "server", "authentication", "securitySchemes", name, "scopes")["scopeToPolicyMapping"].([]any)
	for _, v := range l {
		m, _ := v.(map[string]any)
		if scope := str(m, "scope"); scope != "" {
			out[scope] = str(m, "policyId")
		}
	}
	return out
}

// SetScopeMapping writes the mapping of the API's JWT scheme as the
// Gateway's Scopes.Fill does: an array sorted by scope.
func (o *OASAPI) SetScopeMapping(m map[string]string) error {
	name, ok := o.JWTSchemeName()
	if !ok {
		return errors.New("the OAS API has no JWT security scheme (a scheme of its first security requirement, declared " +
			"as type http, scheme bearer, bearerFormat JWT, and configured in x-tyk-api-gateway.server.authentication.securitySchemes)")
	}
	scopes := make([]string, 0, len(m))
	for s := range m {
		scopes = append(scopes, s)
	}
	sort.Strings(scopes)
	arr := make([]any, 0, len(scopes))
	for _, s := range scopes {
		arr = append(arr, map[string]any{"scope": s, "policyId": m[s]})
	}
	o.ext(true, "server", "authentication", "securitySchemes", name, "scopes")["scopeToPolicyMapping"] = arr
	return nil
}

// ClassicView is the API as the Gateway runs it, for the provider's checks:
// (*oas.OAS).ExtractTo for the fields they read (name, state, listen path,
// upstream, keyless, the JWT scheme and its scopes).
func (o *OASAPI) ClassicView(apiID string) *APIDefinition {
	lp, strip := o.ListenPath()
	def := &APIDefinition{
		APIID: apiID, Name: o.Name(), Active: o.Active(), IsOAS: true,
		Proxy:      Proxy{ListenPath: lp, StripListenPath: strip, TargetURL: o.UpstreamURL()},
		UseKeyless: !o.AuthenticationEnabled(),
	}
	if name, ok := o.JWTSchemeName(); ok {
		j, _ := o.JWT(name)
		def.EnableJWT, def.JWTSource, def.JWTSigningMethod = j.Enabled, j.Source, j.SigningMethod
		def.JWTIdentityBaseField, def.JWTPolicyFieldName, def.JWTDefaultPolicies = j.IdentityBaseField, j.PolicyFieldName, j.DefaultPolicies
		def.Scopes = &Scopes{JWT: &ScopeClaim{ScopeClaimName: j.ScopeClaimName, ScopeToPolicy: o.ScopeMapping()}}
	}
	return def
}

// OpenAPIPart is the document without the Tyk extension and without the
// JWT scheme the provider manages under schemeName (its components entry
// and its security requirement); empty containers left behind are dropped.
// It is what a user writes as the OpenAPI description.
func (o *OASAPI) OpenAPIPart(schemeName string) map[string]any {
	var doc map[string]any
	b, _ := json.Marshal(o.Doc)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&doc)
	delete(doc, TykExtension)
	if schemeName == "" {
		return doc
	}
	if schemes := object(doc, false, "components", "securitySchemes"); schemes != nil {
		delete(schemes, schemeName)
		if len(schemes) == 0 {
			delete(object(doc, false, "components"), "securitySchemes")
		}
		if len(object(doc, false, "components")) == 0 {
			delete(doc, "components")
		}
	}
	if security, ok := doc["security"].([]any); ok {
		var kept []any
		for _, req := range security {
			m, _ := req.(map[string]any)
			if _, mine := m[schemeName]; mine {
				delete(m, schemeName)
				if len(m) == 0 {
					continue
				}
			}
			kept = append(kept, req)
		}
		if len(kept) == 0 {
			delete(doc, "security")
		} else {
			doc["security"] = kept
		}
	}
	return doc
}

// SetOpenAPIPart replaces everything but the Tyk extension by part (a
// document without it); the caller then sets the JWT scheme again.
func (o *OASAPI) SetOpenAPIPart(part map[string]any) {
	ext := o.Doc[TykExtension]
	o.Doc = map[string]any{}
	for k, v := range part {
		o.Doc[k] = v
	}
	if ext != nil {
		o.Doc[TykExtension] = ext
	}
}

// NewOASAPI is a new OAS API: part (or a minimal OpenAPI 3.0.3 description
// named after the API) and an empty Tyk extension.
func NewOASAPI(name string, part map[string]any) *OASAPI {
	if part == nil {
		part = map[string]any{"openapi": "3.0.3", "info": map[string]any{"title": name, "version": "1.0.0"}, "paths": map[string]any{}}
	}
	o := &OASAPI{Doc: map[string]any{}}
	o.SetOpenAPIPart(part)
	o.Doc[TykExtension] = map[string]any{}
	return o
}

func oasPath(id string) string { return "/api/apis/oas/" + url.PathEscape(id) }

// CreateOASAPI creates an OAS API and returns its api id (the answer's ID).
// With apiID set, it is written to x-tyk-api-gateway.info.id first, so that
// an ambiguous failure is resolved by reading the API back by that id.
func (d *Client) CreateOASAPI(ctx context.Context, o *OASAPI, apiID string) (string, error) {
	if apiID == "" {
		apiID = NewAPIID()
	}
	o.ext(true, "info")["id"] = apiID
	defer d.invalidate()
	return client.CreateOnce(ctx, func(ctx context.Context) (string, error) {
		var env envelope
		if _, err := d.c.Do(ctx, client.Request{Method: http.MethodPost, Path: "/api/apis/oas", Body: o}, &env); err != nil {
			return "", err
		}
		if env.ID != "" {
			return env.ID, nil
		}
		return apiID, nil
	}, func(ctx context.Context) (string, bool, error) {
		_, err := d.GetOASAPI(ctx, apiID)
		if client.IsNotFound(err) {
			return "", false, nil
		}
		return apiID, err == nil, err
	})
}

// GetOASAPI reads an OAS API. A missing one is a 404 APIError whichever way
// the Dashboard says it (the spec documents 400 "Could not retrieve API
// detail." for this GET).
func (d *Client) GetOASAPI(ctx context.Context, id string) (*OASAPI, error) {
	resp, err := d.c.Do(ctx, client.Request{Method: http.MethodGet, Path: oasPath(id)}, nil)
	if err != nil {
		var apiErr *client.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
			apiErr.StatusCode = http.StatusNotFound
		}
		return nil, err
	}
	o, err := ParseOAS(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("tyk Dashboard answered GET %s with no OAS document: %w", oasPath(id), err)
	}
	if o.Doc[TykExtension] == nil {
		return nil, fmt.Errorf("tyk Dashboard answered GET %s with a document without %s", oasPath(id), TykExtension)
	}
	return o, nil
}

// UpdateOASAPI replaces an OAS API.
func (d *Client) UpdateOASAPI(ctx context.Context, id string, o *OASAPI) error {
	return d.do(ctx, http.MethodPut, oasPath(id), o, nil)
}

// DeleteOASAPI deletes an OAS API.
func (d *Client) DeleteOASAPI(ctx context.Context, id string) error {
	return d.do(ctx, http.MethodDelete, oasPath(id), nil, nil)
}

// ModifyOASAPI is ModifyAPI for an OAS API: under the same per-API lock,
// read, change, write back, read again.
func (d *Client) ModifyOASAPI(ctx context.Context, apiID string, fn func(o *OASAPI) error) (*OASAPI, error) {
	defer apiLocks.Lock(d.c.BaseURL() + "\x00" + apiID)()
	return d.modifyOAS(ctx, apiID, fn)
}

func (d *Client) modifyOAS(ctx context.Context, apiID string, fn func(o *OASAPI) error) (*OASAPI, error) {
	o, err := d.GetOASAPI(ctx, apiID)
	if err != nil {
		return nil, err
	}
	if err := fn(o); err != nil {
		return nil, err
	}
	if err := d.UpdateOASAPI(ctx, apiID, o); err != nil {
		return nil, err
	}
	return d.GetOASAPI(ctx, apiID)
}

// APIView reads any API, Tyk Classic or OAS, as the Gateway runs it: the
// classic endpoint's answer (which shows an OAS API in its classic form,
// is_oas set, on Dashboards that list OAS APIs there), or, when the classic
// endpoint does not know the API, the OAS document's ClassicView.
func (d *Client) APIView(ctx context.Context, apiID string) (*APIDefinition, error) {
	return d.apiView(ctx, apiID, d.GetAPI)
}

func (d *Client) apiView(ctx context.Context, apiID string, get func(context.Context, string) (*APIWrapper, error)) (*APIDefinition, error) {
	w, err := get(ctx, apiID)
	if err == nil {
		return &w.APIDefinition, nil
	}
	if !client.IsNotFound(err) {
		return nil, err
	}
	o, oasErr := d.GetOASAPI(ctx, apiID)
	if oasErr != nil {
		if client.IsNotFound(oasErr) {
			return nil, err
		}
		return nil, oasErr
	}
	return o.ClassicView(apiID), nil
}

// classicOrOAS reads apiID from the classic endpoint; an OAS API (is_oas,
// or unknown there and known to the OAS endpoint) is reported as oas with
// no wrapper.
func (d *Client) classicOrOAS(ctx context.Context, apiID string) (w *APIWrapper, oas bool, err error) {
	w, err = d.GetAPI(ctx, apiID)
	if err == nil {
		if w.APIDefinition.IsOAS {
			return nil, true, nil
		}
		return w, false, nil
	}
	if !client.IsNotFound(err) {
		return nil, false, err
	}
	if _, oasErr := d.GetOASAPI(ctx, apiID); oasErr != nil {
		if client.IsNotFound(oasErr) {
			return nil, false, err
		}
		return nil, false, oasErr
	}
	return nil, true, nil
}

// modifyScopeMapping applies fn to the scope → policy mapping of apiID,
// Tyk Classic or OAS, under the per-API lock, and returns the mapping as
// stored afterwards.
func (d *Client) modifyScopeMapping(ctx context.Context, apiID string, fn func(cur map[string]string) (map[string]string, error)) (map[string]string, error) {
	defer apiLocks.Lock(d.c.BaseURL() + "\x00" + apiID)()
	classic, oas, err := d.classicOrOAS(ctx, apiID)
	if err != nil {
		return nil, err
	}
	if oas {
		o, err := d.modifyOAS(ctx, apiID, func(o *OASAPI) error {
			next, err := fn(o.ScopeMapping())
			if err != nil {
				return err
			}
			return o.SetScopeMapping(next)
		})
		if err != nil {
			return nil, err
		}
		return o.ScopeMapping(), nil
	}
	w, err := d.modifyClassic(ctx, classic, func(def *APIDefinition) error {
		next, err := fn(copyMap(def.ScopeMapping()))
		if err != nil {
			return err
		}
		def.SetScopeMapping(next)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return copyMap(w.APIDefinition.ScopeMapping()), nil
}

// JWKSSource is the JWT source for a JWKS URL (base64, as Tyk stores it).
func JWKSSource(u string) string { return base64.StdEncoding.EncodeToString([]byte(u)) }
