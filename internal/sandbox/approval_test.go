package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/portal"
)

// gateIdP is an RFC 7591/7592 IdP whose registrations wait at a gate until
// `want` of them are in flight together (or for `wait` at most), so that a
// test can tell approvals that reach the IdP together from approvals made
// one at a time.
type gateIdP struct {
	*httptest.Server
	want      int
	wait      time.Duration
	mu        sync.Mutex
	inFlight  int
	maxFlight int
	arrived   chan struct{}
	registers atomic.Int32
	updates   atomic.Int32
}

func newGateIdP(t *testing.T, want int, wait time.Duration) *gateIdP {
	g := &gateIdP{want: want, wait: wait, arrived: make(chan struct{}, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": g.URL, "registration_endpoint": g.URL + "/register",
			"token_endpoint": g.URL + "/token", "jwks_uri": g.URL + "/jwks"})
	})
	mux.HandleFunc("POST /register", func(w http.ResponseWriter, r *http.Request) {
		var meta map[string]any
		_ = json.NewDecoder(r.Body).Decode(&meta)
		n := g.registers.Add(1)
		g.mu.Lock()
		g.inFlight++
		g.maxFlight = max(g.maxFlight, g.inFlight)
		g.mu.Unlock()
		g.arrived <- struct{}{}
		// Wait for the others, or give up: one at a time, the gate
		// would never fill.
		deadline := time.After(g.wait)
	wait:
		for {
			g.mu.Lock()
			full := g.maxFlight >= g.want
			g.mu.Unlock()
			if full {
				break
			}
			select {
			case <-g.arrived:
			case <-deadline:
				break wait
			case <-time.After(10 * time.Millisecond):
			}
		}
		g.mu.Lock()
		g.inFlight--
		g.mu.Unlock()
		id := fmt.Sprintf("client-%d", n)
		meta["client_id"], meta["client_secret"] = id, "secret-"+id
		meta["registration_access_token"], meta["registration_client_uri"] = "rat-"+id, g.URL+"/register/"+id
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(meta)
	})
	clients := sync.Map{}
	mux.HandleFunc("GET /register/{id}", func(w http.ResponseWriter, r *http.Request) {
		meta, _ := clients.LoadOrStore(r.PathValue("id"), map[string]any{"client_id": r.PathValue("id"), "scope": ""})
		_ = json.NewEncoder(w).Encode(meta)
	})
	mux.HandleFunc("PUT /register/{id}", func(w http.ResponseWriter, r *http.Request) {
		g.updates.Add(1)
		var meta map[string]any
		_ = json.NewDecoder(r.Body).Decode(&meta)
		meta["registration_access_token"] = "rat-" + r.PathValue("id") + "-2"
		clients.Store(r.PathValue("id"), meta)
		_ = json.NewEncoder(w).Encode(meta)
	})
	g.Server = httptest.NewServer(mux)
	t.Cleanup(g.Close)
	return g
}

// seedDCR creates two DCR products (scopes s1 and s2) and a plan (scope
// p1) on one API, a client type of an OAuth provider at idp, a user and
// apps apps, and returns the app ids and a provision body for each product.
func seedDCR(t *testing.T, sb *Sandbox, idp string, apps int) (appIDs []string, provision [2]string) {
	t.Helper()
	call(t, "POST", sb.DashboardURL+"/api/apis", "tok", `{"api_definition":{"name":"a","api_id":"api1","enable_jwt":true,"proxy":{"listen_path":"/a/","target_url":"http://x"}}}`)
	dp := portalOK(t, sb, "POST", "/providers", fmt.Sprintf(`{"Name":"d","Type":"tyk-pro","Configuration":{"MetaData":"{\"URL\":\"%s\",\"Secret\":\"tok\",\"OrgID\":\"o\",\"PoliciesTags\":[]}"}}`, sb.DashboardURL))
	op := portalOK(t, sb, "POST", "/oauth-providers", fmt.Sprintf(`{"Name":"idp","Type":"Other","WellKnownURL":"%s/.well-known/openid-configuration","RegistrationAccessToken":"iat"}`, idp))
	ct := portalOK(t, sb, "POST", fmt.Sprintf("/oauth-providers/%v/client-types", op["ID"]), `{"Name":"m2m","ResponseTypes":"token","GrantType":"client_credentials"}`)
	plan := portalOK(t, sb, "POST", "/plans", fmt.Sprintf(`{"Name":"free","ProviderID":%v,"JWTScope":"p1"}`, dp["ID"]))
	for i := range provision {
		product := portalOK(t, sb, "POST", "/products", fmt.Sprintf(`{"Name":"prod%d","ProviderID":%v,"IsDocumentationOnly":false,"APIDetails":[{"APIID":"api1"}],"DCREnabled":true,"Scopes":"s%d"}`, i+1, dp["ID"], i+1))
		portalOK(t, sb, "POST", fmt.Sprintf("/products/%v/client_types", product["ID"]), fmt.Sprintf(`{"ID":%v}`, ct["ID"]))
		provision[i] = fmt.Sprintf(`{"PlanID":%v,"ProductIDs":[%v],"DCRTemplateID":%v}`, plan["ID"], product["ID"], ct["ID"])
	}
	user := portalOK(t, sb, "POST", "/users", `{"Email":"dev@example.com","First":"a","Last":"b","Active":true}`)
	for i := range apps {
		app := portalOK(t, sb, "POST", "/apps", fmt.Sprintf(`{"Name":"app%d","UserID":%v}`, i, user["ID"]))
		appIDs = append(appIDs, fmt.Sprint(app["ID"]))
	}
	return appIDs, provision
}

// pendingRequest provisions an access request for app and returns its id.
func pendingRequest(t *testing.T, sb *Sandbox, app, body string) string {
	t.Helper()
	if code, b := portalCall(t, sb, "PUT", "/apps/"+app+"/provision", body); code >= 300 {
		t.Fatalf("provision: %d %v", code, b)
	}
	var ids []string
	for _, ar := range listRaw(t, sb, "/apps/"+app+"/access-requests") {
		if ar["Status"] == "pending" {
			ids = append(ids, fmt.Sprint(ar["ID"]))
		}
	}
	if len(ids) == 0 {
		t.Fatalf("no pending request for app %s", app)
	}
	return ids[len(ids)-1]
}

// approveAll approves the requests at once and fails on any error answer.
func approveAll(t *testing.T, sb *Sandbox, ids []string) {
	t.Helper()
	var wg sync.WaitGroup
	codes := make([]int, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("PUT", sb.PortalURL+"/portal-api/access_requests/"+id+"/approve", strings.NewReader(""))
			req.Header.Set("Authorization", "ptok")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Fatalf("approval of request %s: HTTP %d", ids[i], c)
		}
	}
}

// Approvals of different apps reach the IdP together: the Portal does not
// hold one approval's registration behind another's (nothing Tyk documents
// or was recorded doing says it does, and one lock for every approval made
// the sandbox, not the provider, the bottleneck of make bench).
func TestApprovalsOfDifferentAppsRunTogether(t *testing.T) {
	sb := start(t)
	// The gate waits long for the second approval, which arrives at once
	// unless approvals are serialized.
	idp := newGateIdP(t, 2, 10*time.Second)
	apps, bodies := seedDCR(t, sb, idp.URL, 2)
	ids := []string{pendingRequest(t, sb, apps[0], bodies[0]), pendingRequest(t, sb, apps[1], bodies[1])}
	approveAll(t, sb, ids)
	if idp.maxFlight < 2 {
		t.Fatalf("the two approvals reached the IdP one at a time (at most %d registration in flight)", idp.maxFlight)
	}
	if n := idp.registers.Load(); n != 2 {
		t.Fatalf("%d registrations for two apps, want 2", n)
	}
	// The two approvals wrote their products' mappings into the same API
	// definition; neither write lost the other's (one lock around the
	// read-modify-write of a definition).
	if prof, _ := portal.ProfileFor(sb.PortalVersion); prof.WritesAPIDefinitions {
		def, _ := sb.Store.APIs.Get("api1")
		if m := fmt.Sprint(def["scopes"]); !strings.Contains(m, "s1:") || !strings.Contains(m, "s2:") || !strings.Contains(m, "p1:") {
			t.Fatalf("scope mappings written at approval: %s", m)
		}
	}
}

// Two requests of one app approved at once still give the app one client
// (Portal 1.16+): the second widens the client the first registered.
func TestApprovalsOfOneAppShareItsClient(t *testing.T) {
	sb := start(t)
	if prof, _ := portal.ProfileFor(sb.PortalVersion); !prof.OneClientPerApp {
		t.Skipf("Portal %s registers a client per request", sb.PortalVersion)
	}
	// Here the gate fills only if the app's approvals are not serialized:
	// the first registration waits a little for a second that must not come.
	idp := newGateIdP(t, 2, 300*time.Millisecond)
	apps, bodies := seedDCR(t, sb, idp.URL, 1)
	ids := []string{pendingRequest(t, sb, apps[0], bodies[0]), pendingRequest(t, sb, apps[0], bodies[1])}
	approveAll(t, sb, ids)
	if n := idp.registers.Load(); n != 1 {
		t.Fatalf("%d registrations for one app's two requests, want 1 (then an RFC 7592 update)", n)
	}
	if n := idp.updates.Load(); n != 1 {
		t.Fatalf("%d RFC 7592 updates, want 1", n)
	}
	if idp.maxFlight != 1 {
		t.Fatalf("%d registrations of one app in flight together", idp.maxFlight)
	}
}
