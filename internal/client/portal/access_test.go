package portal

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

// A fake Portal with product 1 (scope "p1"), product 2 (scope "p2"), plan 7
// (scope "gold") and app 4 with two approved requests sharing one client.
func scopesPortal(t *testing.T) *Client {
	return newTest(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/portal-api/products/1":
			fmt.Fprint(w, `{"ID":1,"Name":"one","Scopes":"p1"}`)
		case "/portal-api/products/2":
			fmt.Fprint(w, `{"ID":2,"Name":"two","Scopes":"p2"}`)
		case "/portal-api/products":
			fmt.Fprint(w, `[{"ID":1,"Name":"one","Scopes":"p1"},{"ID":2,"Name":"two","Scopes":"p2"}]`)
		case "/portal-api/plans/7":
			fmt.Fprint(w, `{"ID":7,"Name":"gold","JWTScope":"gold"}`)
		case "/portal-api/plans":
			fmt.Fprint(w, `[{"ID":7,"Name":"gold"}]`)
		case "/portal-api/apps/4/access-requests":
			fmt.Fprint(w, `[{"ID":10,"Status":"approved","Plan":"gold","Products":"one","Credentials":[{"ID":1,"OAuthClientID":"c"}]},
			               {"ID":11,"Status":"approved","Plan":"gold","Products":"two","Credentials":[{"ID":2,"OAuthClientID":"c"}]}]`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"errors":["not found"]}`)
		}
	})
}

func TestScopesOutdated(t *testing.T) {
	ar := &AccessRequest{ID: 10, Credentials: []Credential{{OAuthClientID: "c"}}}
	for _, tc := range []struct {
		name       string
		registered []string
		products   []int64
		plan       int64
		want       bool
	}{
		{"exactly the product's and plan's", []string{"gold", "p1"}, []int64{1}, 7, false},
		{"a scope missing (the product's changed)", []string{"gold", "old"}, []int64{1}, 7, true},
		{"an extra scope another request of the app's shared client uses", []string{"gold", "p1", "p2"}, []int64{1}, 7, false},
		{"an extra scope nobody uses", []string{"gold", "p1", "stale"}, []int64{1}, 7, true},
		{"products unreadable: unknown is not drift", []string{"x"}, []int64{99}, 7, false},
	} {
		p := scopesPortal(t)
		got, _ := p.ScopesOutdated(context.Background(), 4, ar, tc.products, tc.plan, tc.registered)
		if got != tc.want {
			t.Errorf("%s: outdated = %v, want %v", tc.name, got, tc.want)
		}
	}
}
