// Package spec validates requests the sandbox receives against Tyk's
// official OpenAPI documents, so that a client bug cannot hide behind a
// lenient emulation. The documents are read from disk (../shared/tyk-specs
// in this workplace); they are never copied into the repository.
package spec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// File names of the official documents inside the spec directory.
const (
	DashboardFile = "dashboard-swagger.yml"
	PortalFile    = "enterprise-developer-portal-swagger.yaml"
)

// Validator checks requests against one OpenAPI document.
type Validator struct {
	doc      *openapi3.T
	router   routers.Router
	basePath string
	rules    Rules
}

// Load reads the document at path. basePath is the prefix the document's
// paths are served under ("" for the Dashboard, "/portal-api" for the Portal).
func Load(path, basePath string) (*Validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	doc.Servers = openapi3.Servers{{URL: "/"}}
	if !doc.IsOpenAPI31OrLater() {
		anyValueAcceptsNull(doc)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", path, err)
	}
	return &Validator{doc: doc, router: r, basePath: basePath}, nil
}

// FindDir returns the first directory holding the official spec files:
// $TYK_SPECS_DIR, else ../shared/tyk-specs looked up from dir and its parents.
// It returns "" when none exists.
func FindDir(dir string) string {
	if d := os.Getenv("TYK_SPECS_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, DashboardFile)); err == nil {
			return d
		}
	}
	for d := dir; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "..", "shared", "tyk-specs")
		if _, err := os.Stat(filepath.Join(cand, DashboardFile)); err == nil {
			abs, _ := filepath.Abs(cand)
			return abs
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// ErrNoRoute means the document has no operation for the request.
var ErrNoRoute = errors.New("no such operation in the official spec")

// Validate checks method, path, parameters and body of r (whose body must be
// given separately, as r's has been read). Security requirements are not
// checked here: authentication is the emulated server's job.
func (v *Validator) Validate(ctx context.Context, r *http.Request, body []byte) error {
	u := *r.URL
	u.Path = strings.TrimPrefix(u.Path, v.basePath)
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawPath = ""
	req := r.Clone(ctx)
	req.URL = &url.URL{Path: u.Path, RawQuery: u.RawQuery}
	req.Body = http.NoBody
	if len(body) > 0 {
		req.Body = readCloser(body)
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return ErrNoRoute
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         false,
		},
	}
	return openapi3filter.ValidateRequest(ctx, in)
}

// anyValueAcceptsNull makes every schema without a type accept null. In the
// Dashboard's OpenAPI 3.0 document the envelope's `Meta: {}` means "any
// value", and the document's own examples answer "Meta": null, which
// kin-openapi's 3.0 rules (null needs nullable: true) would reject.
func anyValueAcceptsNull(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Type == nil || s.Type.IsEmpty() {
			s.Nullable = true
		}
		for _, p := range s.Properties {
			walk(p)
		}
		for _, g := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, x := range g {
				walk(x)
			}
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
	}
	for _, ref := range doc.Components.Schemas {
		walk(ref)
	}
}

// Prune deletes from doc, in place, every property that the named
// component schema does not declare (recursively). It models a server that
// decodes bodies into its own types: a field outside them is not stored.
func (v *Validator) Prune(schema string, doc map[string]any) {
	if v == nil {
		return
	}
	ref, ok := v.doc.Components.Schemas[schema]
	if !ok {
		return
	}
	prune(ref, doc)
}

func prune(ref *openapi3.SchemaRef, val any) {
	switch t := val.(type) {
	case map[string]any:
		props := map[string]*openapi3.SchemaRef{}
		open, addl, _ := declared(ref, props)
		for k, x := range t {
			switch p, ok := props[k]; {
			case ok:
				prune(p, x)
			case addl != nil:
				prune(addl, x)
			case open:
			default:
				delete(t, k)
			}
		}
	case []any:
		_, _, items := declared(ref, map[string]*openapi3.SchemaRef{})
		if len(items) > 0 {
			for _, el := range t {
				prune(items[0], el)
			}
		}
	}
}
