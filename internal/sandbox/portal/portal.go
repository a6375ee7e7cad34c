// Package portal emulates the Tyk Enterprise Developer Portal admin API
// (/portal-api) as its official spec and tyk-api.md §1–§5 document it:
// PascalCase bodies, integer ids, bare-array lists with page/per_page, and
// the OnlyErrors / StatusWithErrors error shapes.
package portal

import (
	"crypto/x509"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/faults"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/sbhttp"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// Base is the admin API's path prefix.
const Base = "/portal-api"

// Options configures the emulated Portal.
type Options struct {
	Store     *store.Store
	Token     string
	Validator *spec.Validator
	Faults    *faults.Injector
	// CheckResponses holds every answer to the spec (sbhttp.Plane).
	CheckResponses bool
	// Profile is the Portal version emulated (ProfileFor).
	Profile Profile
	// RootCAs are the CAs the installation trusts for its outgoing HTTPS
	// calls (to the Dashboard, to IdPs); nil means the system's.
	RootCAs *x509.CertPool
}

type server struct {
	st     *store.Store
	opts   Options
	prof   Profile
	syncMu sync.Mutex
	// appMu serializes the client work of one app (approval, rotation,
	// revocation): with one client per app (1.16+) two approvals of one app
	// would otherwise register two clients, and a revocation racing an
	// approval would narrow the client's scopes under it. Approvals of
	// different apps run concurrently: nothing in Tyk's documents, specs or
	// recordings says the Portal serializes them, and the concurrent case
	// is the one that shows races in a client (until 2026-12-05 one lock
	// held every approval behind the IdP registrations of all the others).
	// The locks are striped by app: two apps may share one, which only
	// makes them wait.
	appMu [64]sync.Mutex
	// defMu serializes the read-modify-write of the API definitions that
	// approvals write (writeAPIDefinitions), so that two approvals naming
	// one API keep each other's mappings.
	defMu sync.Mutex
	// idpClients holds the Portal's IdP clients, one per TLS setting, so
	// that their connections are kept alive between registrations.
	idpMu      sync.Mutex
	idpClients map[bool]*idpClient
}

// Handler returns the Portal handler.
func Handler(opts Options) http.Handler {
	if opts.Profile.Version == "" {
		opts.Profile, _ = ProfileFor("")
	}
	s := &server{st: opts.Store, opts: opts, prof: opts.Profile}
	seedCatalogues(opts.Store)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) {
		sbhttp.JSON(w, http.StatusOK, map[string]any{"message": "Success"})
	})
	mux.HandleFunc("GET "+Base+"/oauth-providers", s.listOAuthProviders)
	mux.HandleFunc("POST "+Base+"/oauth-providers", s.createOAuthProvider)
	mux.HandleFunc("GET "+Base+"/oauth-providers/{id}", s.getOAuthProvider)
	mux.HandleFunc("PUT "+Base+"/oauth-providers/{id}", s.updateOAuthProvider)
	mux.HandleFunc("DELETE "+Base+"/oauth-providers/{id}", s.deleteOAuthProvider)
	mux.HandleFunc("GET "+Base+"/oauth-providers/{id}/client-types", s.listClientTypes)
	mux.HandleFunc("POST "+Base+"/oauth-providers/{id}/client-types", s.createClientType)
	mux.HandleFunc("GET "+Base+"/oauth-providers/{id}/client-types/{ct}", s.getClientType)
	mux.HandleFunc("PUT "+Base+"/oauth-providers/{id}/client-types/{ct}", s.updateClientType)
	mux.HandleFunc("DELETE "+Base+"/oauth-providers/{id}/client-types/{ct}", s.deleteClientType)
	mux.HandleFunc("GET "+Base+"/users", s.listUsers)
	mux.HandleFunc("POST "+Base+"/users", s.createUser)
	mux.HandleFunc("GET "+Base+"/users/{id}", s.getUser)
	mux.HandleFunc("PUT "+Base+"/users/{id}", s.updateUser)
	mux.HandleFunc("DELETE "+Base+"/users/{id}", s.deleteUser)
	mux.HandleFunc("GET "+Base+"/providers", s.listProviders)
	mux.HandleFunc("POST "+Base+"/providers", s.createProvider)
	mux.HandleFunc("GET "+Base+"/providers/{id}", s.getProvider)
	mux.HandleFunc("PUT "+Base+"/providers/{id}", s.updateProvider)
	mux.HandleFunc("DELETE "+Base+"/providers/{id}", s.deleteProvider)
	mux.HandleFunc("PUT "+Base+"/providers/{id}/synchronize", s.synchronize)
	mux.HandleFunc("GET "+Base+"/catalogues", s.listCatalogues)
	mux.HandleFunc("GET "+Base+"/products", s.listProducts)
	s.portalFirst(mux, "POST "+Base+"/products", s.createProduct)
	mux.HandleFunc("GET "+Base+"/products/{id}", s.getProduct)
	mux.HandleFunc("PUT "+Base+"/products/{id}", s.updateProduct)
	s.portalFirst(mux, "DELETE "+Base+"/products/{id}", s.deleteProduct)
	mux.HandleFunc("GET "+Base+"/products/{id}/client_types", s.listProductClientTypes)
	mux.HandleFunc("POST "+Base+"/products/{id}/client_types", s.attachProductClientType)
	mux.HandleFunc("GET "+Base+"/products/{id}/client_types/{ct}", s.getProductClientType)
	mux.HandleFunc("DELETE "+Base+"/products/{id}/client_types/{ct}", s.detachProductClientType)
	mux.HandleFunc("GET "+Base+"/plans", s.listPlans)
	s.portalFirst(mux, "POST "+Base+"/plans", s.createPlan)
	mux.HandleFunc("GET "+Base+"/plans/{id}", s.getPlan)
	mux.HandleFunc("PUT "+Base+"/plans/{id}", s.updatePlan)
	s.portalFirst(mux, "DELETE "+Base+"/plans/{id}", s.deletePlan)
	mux.HandleFunc("GET "+Base+"/apps", s.listApps)
	mux.HandleFunc("POST "+Base+"/apps", s.createApp)
	mux.HandleFunc("GET "+Base+"/apps/{id}", s.getApp)
	mux.HandleFunc("PUT "+Base+"/apps/{id}", s.updateApp)
	mux.HandleFunc("DELETE "+Base+"/apps/{id}", s.deleteApp)
	mux.HandleFunc("PUT "+Base+"/apps/{id}/provision", s.provision)
	mux.HandleFunc("GET "+Base+"/apps/{id}/access-requests", s.listAppAccessRequests)
	mux.HandleFunc("GET "+Base+"/apps/{id}/access-requests/{ar}", s.getAppAccessRequest)
	mux.HandleFunc("DELETE "+Base+"/apps/{id}/access-requests/{ar}", s.deleteAppAccessRequest)
	mux.HandleFunc("GET "+Base+"/apps/{id}/access-requests/{ar}/credentials", s.listCredentials)
	mux.HandleFunc("GET "+Base+"/apps/{id}/access-requests/{ar}/credentials/{cred}", s.getCredential)
	mux.HandleFunc("DELETE "+Base+"/apps/{id}/access-requests/{ar}/credentials/{cred}", s.deleteCredential)
	mux.HandleFunc("PUT "+Base+"/apps/{id}/access-requests/{ar}/credentials/{cred}/rotate", s.rotateCredential)
	mux.HandleFunc("GET "+Base+"/access_requests", s.listAccessRequests)
	mux.HandleFunc("GET "+Base+"/access_requests/{id}", s.getAccessRequest)
	mux.HandleFunc("PUT "+Base+"/access_requests/{id}/approve", s.approveAccessRequest)
	mux.HandleFunc("PUT "+Base+"/access_requests/{id}/reject", s.rejectAccessRequest)
	mux.HandleFunc("DELETE "+Base+"/access_requests/{id}", s.deleteAccessRequest)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// An unknown route: Go's plain-text 404, as the Portal answers.
		http.NotFound(w, r)
	})
	plane := sbhttp.Plane{
		Name:  "portal",
		Store: opts.Store,
		Skip:  []string{"/ready"},
		Authenticate: func(r *http.Request) int {
			if tok := r.Header.Get("Authorization"); tok != "" && tok == opts.Token {
				return 0
			}
			return http.StatusUnauthorized
		},
		// The spec documents no 401 body; the OnlyErrors shape is used.
		WriteAuthError: func(w http.ResponseWriter, r *http.Request, status int) {
			onlyErrors(w, status, "Unauthorized: invalid or missing admin API token")
		},
		CheckResponses: opts.CheckResponses,
		Validator:      opts.Validator,
		WriteInvalid: func(w http.ResponseWriter, r *http.Request, err error) {
			onlyErrors(w, http.StatusUnprocessableEntity, firstLine(err.Error()))
		},
	}
	return plane.Wrap(opts.Faults.Wrap("portal", mux))
}

// portalFirst registers a route that exists from Portal 1.13 on; before,
// the Portal answers it as an unknown route (Go's plain-text 404, as the
// recording portal-go testdata/products_list_products.txt shows).
func (s *server) portalFirst(mux *http.ServeMux, pattern string, h http.HandlerFunc) {
	if !s.prof.PortalFirst {
		h = http.NotFound
	}
	mux.HandleFunc(pattern, h)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func onlyErrors(w http.ResponseWriter, status int, msgs ...string) {
	sbhttp.JSON(w, status, map[string]any{"errors": msgs})
}

func statusOK(w http.ResponseWriter) {
	sbhttp.JSON(w, http.StatusOK, map[string]any{"status": "ok"})
}

func now() string { return time.Now().UTC().Format("2006-01-02 15:04") }

func key(id int64) string { return strconv.FormatInt(id, 10) }

// pathID parses an integer path parameter; a non-integer is a 404 (no such
// object), as a router with integer ids answers.
func pathID(r *http.Request, name string) (string, bool) {
	v := r.PathValue(name)
	if _, err := strconv.ParseInt(v, 10, 64); err != nil {
		return "", false
	}
	return v, true
}

// pageParams reads page/per_page (and limit): offset and size.
func pageParams(r *http.Request) (offset, per int) {
	q := r.URL.Query()
	p, _ := strconv.Atoi(q.Get("page"))
	if p < 1 {
		p = 1
	}
	per, _ = strconv.Atoi(q.Get("per_page"))
	if per < 1 {
		per = 20
	}
	if l, _ := strconv.Atoi(q.Get("limit")); l > 0 {
		per = l
	}
	return (p - 1) * per, per
}

// pageOf is one page of a whole collection; only that page is copied.
func pageOf(c *store.Collection, r *http.Request) []store.Doc {
	offset, per := pageParams(r)
	docs, _ := c.ListPage(offset, per)
	return docs
}

// page applies page/per_page (and limit) to a list.
func page(docs []store.Doc, r *http.Request) []store.Doc {
	start, per := pageParams(r)
	if start >= len(docs) {
		return []store.Doc{}
	}
	end := start + per
	if end > len(docs) {
		end = len(docs)
	}
	return docs[start:end]
}

func decode(r *http.Request) (store.Doc, error) {
	return store.Decode(sbhttp.Body(r))
}

// strField returns a string field, "" when absent or of another type.
func strField(d store.Doc, k string) string {
	s, _ := d[k].(string)
	return s
}

// replaceSemantics: Tyk documents neither merge nor replace for the Portal's
// PUTs (tyk-api.md §3.3, §9.14); Tyk's own scripts (tyk-demo
// deployments/portal/bootstrap.sh, deployments/keycloak-dcr/bootstrap.sh) GET,
// edit and PUT the whole object. The sandbox takes the stricter assumption:
// a PUT replaces the object, and a writable field the body leaves out is reset
// to its default, so a client sending a partial body loses data here as it
// could on a real Portal. Every PUT handler follows it.

// lookup resolves the integer path parameter {id} in coll. A missing, or
// hidden (product or plan whose policy is gone), object is a 404 with msg.
func lookup(w http.ResponseWriter, r *http.Request, coll *store.Collection, msg string) (string, store.Doc, bool) {
	k, ok := pathID(r, "id")
	var d store.Doc
	if ok {
		d, ok = coll.Get(k)
		ok = ok && visible(d)
	}
	if !ok {
		onlyErrors(w, http.StatusNotFound, msg)
	}
	return k, d, ok
}
