package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

func newTest(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Plane: "Tyk Portal", BaseURL: BaseURL(srv.URL), Token: "tok", MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return New(c)
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://p:3001": "http://p:3001/portal-api", "http://p:3001/": "http://p:3001/portal-api",
		"http://p:3001/portal-api": "http://p:3001/portal-api", "http://p/x/portal-api/": "http://p/x/portal-api",
	} {
		if got := BaseURL(in); got != want {
			t.Errorf("BaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlansBareArrayOrDataEnvelope(t *testing.T) {
	for _, shape := range []string{`[%s]`, `{"data":[%s]}`} {
		p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/portal-api/plans" || r.URL.Query().Get("page") != "1" || r.URL.Query().Get("per_page") != strconv.Itoa(PerPage) {
				t.Errorf("unexpected request %s", r.URL)
			}
			fmt.Fprintf(w, shape, `{"ID":3,"Name":"free","RateLimit":"1000 calls / 1 minute(s)","Quota":"unlimited"}`)
		})
		plans, err := p.ListPlans(context.Background())
		if err != nil || len(plans) != 1 || plans[0].ID != 3 {
			t.Fatalf("%s: %v %+v", shape, err, plans)
		}
		if plans[0].RateLimit.Value != 1000 || plans[0].Quota.Value != -1 {
			t.Fatalf("pre-1.13 string limits not parsed: %+v %+v", plans[0].RateLimit, plans[0].Quota)
		}
	}
}

func TestPagingUntilShortPage(t *testing.T) {
	calls := 0
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		n := PerPage
		if page == 3 {
			n = 5
		}
		var users []map[string]any
		for i := 0; i < n; i++ {
			users = append(users, map[string]any{"ID": page*1000 + i, "Email": fmt.Sprintf("u%d-%d@x.y", page, i)})
		}
		_ = json.NewEncoder(w).Encode(users)
	})
	users, err := p.ListUsers(context.Background())
	if err != nil || len(users) != 2*PerPage+5 || calls != 3 {
		t.Fatalf("err=%v users=%d calls=%d", err, len(users), calls)
	}
}

func TestProviderLastSyncedAndMetaData(t *testing.T) {
	for _, field := range []string{"LastSynced", "LastSyncedAt"} {
		p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"ID":1,"Name":"d","Status":"Up","%s":"7 minutes ago","Configuration":{"ID":1,"MetaData":"{\"URL\":\"http://dash\",\"Secret\":\"s\",\"OrgID\":\"o\",\"Gateway\":\"\",\"PoliciesTags\":[\"dcr\"],\"InsecureSkipVerify\":true}"}}`, field)
		})
		prov, err := p.GetAPIProvider(context.Background(), 1)
		if err != nil || prov.LastSynced != "7 minutes ago" {
			t.Fatalf("%s: %v %+v", field, err, prov)
		}
		meta, err := prov.Meta()
		if err != nil || meta.URL != "http://dash" || meta.PoliciesTags[0] != "dcr" || !meta.InsecureSkipVerify {
			t.Fatalf("meta: %v %+v", err, meta)
		}
	}
}

func TestClientTypeCSVOrArray(t *testing.T) {
	for _, body := range []string{
		`{"ID":2,"Name":"x","ResponseTypes":"code,token","GrantType":"authorization_code, refresh_token"}`,
		`{"ID":2,"Name":"x","ResponseTypes":["code","token"],"GrantType":["authorization_code","refresh_token"]}`,
	} {
		p := newTest(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
		ct, err := p.GetClientType(context.Background(), 1, 2)
		if err != nil || ct.ResponseTypes.String() != "code,token" || ct.GrantType.String() != "authorization_code,refresh_token" {
			t.Fatalf("%s: %v %+v", body, err, ct)
		}
	}
	b, _ := json.Marshal(ClientTypeInput{ResponseTypes: CSV{"token", "code"}, GrantType: CSV{"client_credentials"}})
	var sent map[string]any
	_ = json.Unmarshal(b, &sent)
	if sent["ResponseTypes"] != "code,token" || sent["GrantType"] != "client_credentials" {
		t.Fatalf("CSV not sent as a sorted string: %s", b)
	}
}

func TestAccessRequestProductsStringOrArray(t *testing.T) {
	for _, body := range []string{
		`{"ID":4,"Status":"approved","Plan":"free","Products":"payments,accounts","Credentials":[{"ID":9,"OAuthClientID":"c","Scope":"a b"}]}`,
		`{"ID":4,"Status":"approved","Plan":"free","Products":["payments","accounts"],"Credentials":[{"ID":9,"OAuthClientID":"c","Scope":"a b"}]}`,
	} {
		p := newTest(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
		ar, err := p.GetAccessRequest(context.Background(), 4)
		if err != nil || len(ar.Products) != 2 || ar.Products[1] != "accounts" || ar.Credential().OAuthClientID != "c" || ar.Status != "approved" {
			t.Fatalf("%s: %v %+v", body, err, ar)
		}
	}
}

func TestProductCataloguesNamesOrIDs(t *testing.T) {
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ID":8,"Name":"p","Catalogues":["Public Catalogue", 2],"Scopes":"a","ReferenceID":"636253c3f1d9280001a673c2","Tags":null,"Templates":null}`)
	})
	pr, err := p.GetProduct(context.Background(), 8)
	if err != nil || len(pr.Catalogues) != 2 || pr.Catalogues[0] != "Public Catalogue" || pr.Catalogues[1] != "2" {
		t.Fatalf("%v %+v", err, pr)
	}
}

func TestErrorShapes(t *testing.T) {
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprint(w, `{"status":"error","errors":["Failed to sync provider: connection refused"]}`)
	})
	err := p.SynchronizeAPIProvider(context.Background(), 1)
	var apiErr *client.APIError
	if !asAPIError(err, &apiErr) || apiErr.StatusCode != 422 || apiErr.Message != "Failed to sync provider: connection refused" {
		t.Fatalf("err = %v", err)
	}
}

func TestProvisionIsNotRetried(t *testing.T) {
	calls := 0
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusBadGateway)
	})
	err := p.Provision(context.Background(), 1, ProvisionInput{PlanID: 1, ProductIDs: []int64{1}})
	if !client.IsAmbiguousWrite(err) || calls != 1 {
		t.Fatalf("err=%v calls=%d", err, calls)
	}
}

// An object adopted after an unknown create outcome is read in full: list
// entries of providers carry no Configuration.
func TestAmbiguousCreateAdoptsTheFullObject(t *testing.T) {
	created := false
	p := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "GET" && r.URL.Path == "/portal-api/providers":
			if created {
				fmt.Fprint(w, `[{"ID":7,"Name":"d","Status":"Unknown"}]`)
			} else {
				fmt.Fprint(w, `[]`)
			}
		case r.Method == "POST" && r.URL.Path == "/portal-api/providers":
			created = true
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("cannot hijack")
				return
			}
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close() // applied, answer lost
			}
		case r.Method == "GET" && r.URL.Path == "/portal-api/providers/7":
			fmt.Fprint(w, `{"ID":7,"Name":"d","Configuration":{"ID":7,"MetaData":"{\"URL\":\"http://dash\",\"OrgID\":\"o\"}"}}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	})
	in := APIProvider{Name: "d"}
	in.SetMeta(ProviderMeta{URL: "http://dash", OrgID: "o"})
	got, err := p.CreateAPIProvider(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := got.Meta()
	if got.ID != 7 || meta.URL != "http://dash" || meta.OrgID != "o" {
		t.Fatalf("adopted %+v meta %+v", got, meta)
	}
}
