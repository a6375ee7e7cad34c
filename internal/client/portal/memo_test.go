package portal

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
)

// countingPortal answers GETs of an OAuth provider and a client type and accepts their writes, counting requests by method and path.
func countingPortal(t *testing.T) (*Client, func(string) int) {
	var mu sync.Mutex
	seen := map[string]int{}
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/portal-api/oauth-providers/1":
			_, _ = w.Write([]byte(`{"ID":1,"Name":"idp","Type":"Keycloak"}`))
		case "/portal-api/oauth-providers/1/client-types/2":
			_, _ = w.Write([]byte(`{"ID":2,"Name":"ct"}`))
		default:
			http.NotFound(w, r)
		}
	})
	return p, func(k string) int { mu.Lock(); defer mu.Unlock(); return seen[k] }
}

func TestMemoKeepsOAuthProviderAcrossClientTypeWrites(t *testing.T) {
	ctx := context.Background()
	p, seen := countingPortal(t)
	for range 2 {
		if prov, err := p.OAuthProviderOnce(ctx, 1); err != nil || prov.Type != "Keycloak" {
			t.Fatalf("OAuthProviderOnce = %+v, %v", prov, err)
		}
	}
	if _, err := p.UpdateClientType(ctx, 1, 2, ClientTypeInput{Name: "ct2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.OAuthProviderOnce(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := seen("GET /portal-api/oauth-providers/1"); n != 1 {
		t.Fatalf("provider read %d times across a client type write, want 1", n)
	}
	// A write to the provider itself drops it.
	if _, err := p.UpdateOAuthProvider(ctx, 1, OAuthProviderInput{Name: "idp2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.OAuthProviderOnce(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// 1 (memo) + 1 (the PUT's own GET, putWhole) + 1 (memo dropped).
	if n := seen("GET /portal-api/oauth-providers/1"); n != 3 {
		t.Fatalf("provider read %d times, want 3: a provider write must drop its memo", n)
	}
}

func TestModifyProductReadsOnceAndKeepsUnmanagedFields(t *testing.T) {
	ctx := context.Background()
	var sent map[string]any
	reads := 0
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodGet:
			reads++
			_, _ = w.Write([]byte(`{"ID":3,"Name":"p","DisplayName":"old","Content":"kept","Feature":true,"Catalogues":["Public"],"APIDetails":[]}`))
		case http.MethodPut:
			if err := json.NewDecoder(r.Body).Decode(&sent); err != nil {
				t.Error(err)
			}
			_, _ = w.Write([]byte(`{"ID":3,"Name":"p","DisplayName":"new"}`))
		}
	})
	gets := 0
	out, err := p.ModifyProduct(ctx, 3, func(cur *Product) (ProductInput, error) {
		gets++
		if cur.DisplayName != "old" || cur.Content != "kept" {
			t.Errorf("build saw %+v, want the product as read", cur)
		}
		return ProductInput{Name: cur.Name, DisplayName: "new", Content: cur.Content, Feature: cur.Feature, Catalogues: []int64{}, APIDetails: []APIDetailInput{}}, nil
	})
	if err != nil || out.DisplayName != "new" {
		t.Fatalf("ModifyProduct = %+v, %v", out, err)
	}
	if gets != 1 || reads != 1 {
		t.Fatalf("build called %d times after %d GETs, want 1 and 1", gets, reads)
	}
	if sent["DisplayName"] != "new" || sent["Content"] != "kept" || sent["Feature"] != true {
		t.Fatalf("PUT body %v: want the new display name and the unmanaged fields as read", sent)
	}
	if _, ok := sent["ID"]; ok {
		t.Fatalf("PUT body %v carries the read-only ID", sent)
	}
}

func TestMemoKeepsOthersAcrossProductAndAppWrites(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	gets := map[string]int{}
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.Method == http.MethodGet {
			gets[r.URL.Path]++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/portal-api/providers/1":
			_, _ = w.Write([]byte(`{"ID":1,"Name":"dash"}`))
		case "/portal-api/products/3":
			_, _ = w.Write([]byte(`{"ID":3,"Name":"p","Catalogues":[],"APIDetails":[]}`))
		case "/portal-api/products/4":
			_, _ = w.Write([]byte(`{"ID":4,"Name":"q","Catalogues":[],"APIDetails":[]}`))
		case "/portal-api/apps/5/provision":
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		default:
			http.NotFound(w, r)
		}
	})
	read := func() {
		t.Helper()
		if _, err := p.APIProviderOnce(ctx, 1); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{3, 4} {
			if _, err := p.ProductOnce(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	read()
	// A write to product 3 drops product 3 only.
	if _, err := p.UpdateProduct(ctx, 3, ProductInput{Name: "p2", Catalogues: []int64{}, APIDetails: []APIDetailInput{}}); err != nil {
		t.Fatal(err)
	}
	read()
	// An app write keeps products and providers.
	if err := p.do(ctx, http.MethodPut, "/apps/5/provision", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	read()
	// 3: the memo, the PUT's own GET and the memo again after the write.
	want := map[string]int{"/portal-api/providers/1": 1, "/portal-api/products/3": 3, "/portal-api/products/4": 1}
	for k, n := range want {
		if gets[k] != n {
			t.Errorf("GET %s: %d times, want %d (all: %v)", k, gets[k], n, gets)
		}
	}
}
