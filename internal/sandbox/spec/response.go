package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// FieldException allows one property that the response schema of an
// operation does not declare, because a recording of real Tyk shows it.
type FieldException struct {
	// Method and Path name the operation as the spec writes it ("*" for any).
	Method, Path string
	// Field is the property's location in the body: "PolicyService",
	// "Credentials[].ID" ("[]" stands for every element of an array).
	Field string
	// Evidence names the recording that shows the field.
	Evidence string
}

// StatusException allows an answer whose status the spec does not declare
// for the operation, or declares with a schema the spec itself contradicts:
// the body is validated against the named component schema instead.
type StatusException struct {
	Method, Path string // "*" for any
	Status       int
	Schema       string // a name under components.schemas
	Reason       string
}

// CSVEnum names a string property whose enum the spec puts on the whole
// value although the value is a comma-separated list of such items (the
// spec's own example, "code,token", violates it). The items are checked
// instead; Extra adds accepted items (a typo's intended spelling).
type CSVEnum struct {
	Schema, Property string
	Extra            []string
	Reason           string
}

// EmptyString names a string property a recording shows empty although
// the spec's pattern forbids an empty value ("DeletedAt": "").
type EmptyString struct {
	Schema, Property string
	Evidence         string
}

// ArrayItems corrects the item schema of an array property the spec
// declares with the wrong items (an array of arrays where real answers have
// an array of objects).
type ArrayItems struct {
	Schema, Property string
	Items            string // a name under components.schemas
	Evidence         string
}

// Rules are the exceptions of one document.
type Rules struct {
	Fields       []FieldException
	Statuses     []StatusException
	CSVEnums     []CSVEnum
	EmptyStrings []EmptyString
	ArrayItems   []ArrayItems
}

// property finds a property of a component schema, also inside its allOf
// members, and the map holding it (to replace it).
func (v *Validator) property(schema, name string) (map[string]*openapi3.SchemaRef, *openapi3.Schema) {
	ref, ok := v.doc.Components.Schemas[schema]
	if !ok || ref.Value == nil {
		return nil, nil
	}
	var find func(s *openapi3.Schema) (map[string]*openapi3.SchemaRef, *openapi3.Schema)
	find = func(s *openapi3.Schema) (map[string]*openapi3.SchemaRef, *openapi3.Schema) {
		if p := s.Properties[name]; p != nil && p.Value != nil {
			return s.Properties, p.Value
		}
		for _, sub := range s.AllOf {
			if sub.Value != nil {
				if m, p := find(sub.Value); p != nil {
					return m, p
				}
			}
		}
		return nil, nil
	}
	return find(ref.Value)
}

// ResponseViolation lists how one answer departs from the spec.
type ResponseViolation struct {
	Method, Path string
	Status       int
	Problems     []string
}

func (v *ResponseViolation) Error() string {
	return fmt.Sprintf("%s %s -> %d violates the official spec: %s", v.Method, v.Path, v.Status, strings.Join(v.Problems, "; "))
}

// SetRules installs the exceptions used by ValidateResponse, and turns each
// CSVEnum's enum into a pattern over comma-separated items (for requests and
// responses alike).
func (v *Validator) SetRules(r Rules) {
	v.rules = r
	for _, c := range r.CSVEnums {
		props, prop := v.property(c.Schema, c.Property)
		if prop == nil {
			continue
		}
		var items []string
		for _, e := range prop.Enum {
			items = append(items, regexp.QuoteMeta(fmt.Sprint(e)))
		}
		for _, e := range c.Extra {
			items = append(items, regexp.QuoteMeta(e))
		}
		if len(items) == 0 {
			continue
		}
		alt := "(" + strings.Join(items, "|") + ")"
		cp := *prop
		cp.Enum = nil
		cp.Pattern = "^" + alt + "(," + alt + ")*$"
		props[c.Property] = &openapi3.SchemaRef{Value: &cp}
	}
	for _, e := range r.EmptyStrings {
		props, prop := v.property(e.Schema, e.Property)
		if prop == nil {
			continue
		}
		cp := *prop
		if cp.Pattern != "" {
			cp.Pattern = "^$|" + cp.Pattern
		}
		props[e.Property] = &openapi3.SchemaRef{Value: &cp}
	}
	for _, a := range r.ArrayItems {
		props, prop := v.property(a.Schema, a.Property)
		items, ok := v.doc.Components.Schemas[a.Items]
		if prop == nil || !ok {
			continue
		}
		cp := *prop
		cp.Items = items
		props[a.Property] = &openapi3.SchemaRef{Value: &cp}
	}
}

// ValidateResponse checks an answer against the response the spec declares
// for the request's operation and status, in both directions: the body must
// validate against the declared schema, and it must not carry a property the
// schema does not declare (kin-openapi accepts undeclared properties; this
// check does not), unless a FieldException lists it. An operation the spec
// lacks is not checked (request validation answers those). It returns nil or
// a *ResponseViolation.
func (v *Validator) ValidateResponse(ctx context.Context, r *http.Request, status int, header http.Header, body []byte) error {
	req, route, params, ok := v.route(ctx, r)
	if !ok {
		return nil
	}
	op := route.Method + " " + route.Path
	viol := &ResponseViolation{Method: route.Method, Path: route.Path, Status: status}

	var schema *openapi3.SchemaRef
	respRef := route.Operation.Responses.Status(status)
	if respRef == nil {
		respRef = route.Operation.Responses.Default()
	}
	exc := v.statusException(route.Method, route.Path, status)
	switch {
	case exc != nil:
		s, found := v.doc.Components.Schemas[exc.Schema]
		if !found {
			viol.Problems = append(viol.Problems, "status exception names an unknown schema "+exc.Schema)
			return viol
		}
		schema = s
	case respRef == nil || respRef.Value == nil:
		viol.Problems = append(viol.Problems, fmt.Sprintf("status %d is not declared for %s", status, op))
		return viol
	default:
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 status,
			Header:                 header,
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: false},
		}
		in.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
			viol.Problems = append(viol.Problems, firstLine(err.Error()))
		}
		if mt := respRef.Value.Content.Get("application/json"); mt != nil {
			schema = mt.Schema
		}
	}
	if schema != nil && len(bytes.TrimSpace(body)) > 0 {
		var val any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&val); err != nil {
			viol.Problems = append(viol.Problems, "body is not JSON: "+err.Error())
		} else {
			if exc != nil {
				if err := schema.Value.VisitJSON(normalise(val), openapi3.MultiErrors(), openapi3.EnableJSONSchema2020()); err != nil {
					viol.Problems = append(viol.Problems, firstLine(err.Error()))
				}
			}
			for _, f := range undeclared(schema, val, "") {
				if !v.fieldAllowed(route.Method, route.Path, f) {
					viol.Problems = append(viol.Problems, "undeclared property "+f)
				}
			}
		}
	}
	if len(viol.Problems) == 0 {
		return nil
	}
	return viol
}

// route finds the operation of r (path relative to the document).
func (v *Validator) route(_ context.Context, r *http.Request) (*http.Request, *routers.Route, map[string]string, bool) {
	u := *r.URL
	u.Path = strings.TrimPrefix(u.Path, v.basePath)
	if u.Path == "" {
		u.Path = "/"
	}
	req := r.Clone(r.Context())
	req.URL = &url.URL{Path: u.Path, RawQuery: u.RawQuery}
	req.Body = http.NoBody
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return nil, nil, nil, false
	}
	return req, route, params, true
}

func (v *Validator) statusException(method, path string, status int) *StatusException {
	for i, e := range v.rules.Statuses {
		if e.Status == status && (e.Method == "*" || e.Method == method) && (e.Path == "*" || e.Path == path) {
			return &v.rules.Statuses[i]
		}
	}
	return nil
}

func (v *Validator) fieldAllowed(method, path, field string) bool {
	for _, e := range v.rules.Fields {
		if e.Field == field && (e.Method == "*" || e.Method == method) && (e.Path == "*" || e.Path == path) {
			return true
		}
	}
	return false
}

// normalise turns json.Number into float64 for kin-openapi's visitor.
func normalise(v any) any {
	switch t := v.(type) {
	case json.Number:
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, x := range t {
			t[k] = normalise(x)
		}
	case []any:
		for i, x := range t {
			t[i] = normalise(x)
		}
	}
	return v
}

// declared gathers the properties a schema declares, through allOf, oneOf
// and anyOf (the union of the alternatives). open reports a free-form object
// (no properties declared anywhere, or additionalProperties allowed); addl is
// the schema of additional properties, when the schema gives one.
func declared(ref *openapi3.SchemaRef, props map[string]*openapi3.SchemaRef) (open bool, addl *openapi3.SchemaRef, items []*openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil {
		return true, nil, nil
	}
	s := ref.Value
	composed := false
	for name, p := range s.Properties {
		if _, seen := props[name]; !seen {
			props[name] = p
		}
	}
	if s.Items != nil {
		items = append(items, s.Items)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, sub := range group {
			composed = true
			o, a, it := declared(sub, props)
			if o && len(sub.Value.Properties) == 0 && len(sub.Value.AllOf)+len(sub.Value.OneOf)+len(sub.Value.AnyOf) == 0 && sub.Value.Items == nil && isObjectish(sub.Value) {
				open = true
			}
			if a != nil {
				addl = a
			}
			items = append(items, it...)
		}
	}
	if ap := s.AdditionalProperties; ap.Has != nil && *ap.Has {
		open = true
	} else if ap.Schema != nil {
		addl = ap.Schema
	}
	if len(s.Properties) == 0 && !composed && addl == nil {
		open = true
	}
	return open, addl, items
}

func isObjectish(s *openapi3.Schema) bool {
	return s.Type == nil || s.Type.Is("object") || s.Type.IsEmpty()
}

// undeclared returns the locations of the properties in val that schema does
// not declare ("a.b", "list[].c").
func undeclared(ref *openapi3.SchemaRef, val any, at string) []string {
	var out []string
	switch t := val.(type) {
	case map[string]any:
		props := map[string]*openapi3.SchemaRef{}
		open, addl, _ := declared(ref, props)
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			loc := k
			if at != "" {
				loc = at + "." + k
			}
			switch p, ok := props[k]; {
			case ok:
				out = append(out, undeclared(p, t[k], loc)...)
			case addl != nil:
				out = append(out, undeclared(addl, t[k], loc)...)
			case open:
			default:
				out = append(out, loc)
			}
		}
	case []any:
		_, _, items := declared(ref, map[string]*openapi3.SchemaRef{})
		if len(items) > 0 {
			for _, el := range t {
				out = append(out, undeclared(items[0], el, at+"[]")...)
			}
		}
		out = dedupe(out)
	}
	return out
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
