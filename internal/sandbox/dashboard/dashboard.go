// Package dashboard emulates the Tyk Dashboard API subset used for DCR:
// security policies (/api/portal/policies), Tyk Classic API definitions
// (/api/apis) and Tyk OAS API definitions (/api/apis/oas), with the Dashboard's envelopes, ids, error bodies and status
// codes as the official spec and tyk-api.md §6 document them.
package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/faults"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/sbhttp"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// PageSize is the Dashboard's default page_size (tyk_analytics.conf).
const PageSize = 10

// Options configures the emulated Dashboard.
type Options struct {
	Store *store.Store
	// Token is the Dashboard user API key accepted in Authorization.
	Token string
	// ReadOnlyToken, when set, is accepted for GET and answered 403 on writes.
	ReadOnlyToken string
	Validator     *spec.Validator
	Faults        *faults.Injector
	// CheckResponses holds every answer to the spec (sbhttp.Plane).
	CheckResponses bool
}

type server struct {
	opts Options
	st   *store.Store
}

// Handler returns the Dashboard API handler.
func Handler(opts Options) http.Handler {
	s := &server{opts: opts, st: opts.Store}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/portal/policies", s.listPolicies)
	mux.HandleFunc("POST /api/portal/policies", s.createPolicy)
	mux.HandleFunc("GET /api/portal/policies/{id}", s.getPolicy)
	mux.HandleFunc("PUT /api/portal/policies/{id}", s.updatePolicy)
	mux.HandleFunc("DELETE /api/portal/policies/{id}", s.deletePolicy)
	mux.HandleFunc("GET /api/apis", s.listAPIs)
	mux.HandleFunc("POST /api/apis", s.createAPI)
	mux.HandleFunc("GET /api/apis/{id}", s.getAPI)
	mux.HandleFunc("PUT /api/apis/{id}", s.updateAPI)
	mux.HandleFunc("DELETE /api/apis/{id}", s.deleteAPI)
	mux.HandleFunc("POST /api/apis/oas", s.createOASAPI)
	mux.HandleFunc("GET /api/apis/oas/{id}", s.getOASAPI)
	mux.HandleFunc("PUT /api/apis/oas/{id}", s.updateOASAPI)
	mux.HandleFunc("DELETE /api/apis/oas/{id}", s.deleteOASAPI)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		errorBody(w, http.StatusNotFound, "Not Found")
	})
	plane := sbhttp.Plane{
		Name:         "dashboard",
		Store:        opts.Store,
		Authenticate: s.authenticate,
		WriteAuthError: func(w http.ResponseWriter, r *http.Request, status int) {
			if status == http.StatusForbidden {
				errorBody(w, status, "access denied: You do not have permission to access  "+r.URL.Path)
				return
			}
			errorBody(w, status, "Not authorised")
		},
		CheckResponses: opts.CheckResponses,
		Validator:      opts.Validator,
		WriteInvalid: func(w http.ResponseWriter, r *http.Request, err error) {
			errorBody(w, http.StatusBadRequest, "Request body malformed: "+firstLine(err.Error()))
		},
	}
	return plane.Wrap(opts.Faults.Wrap("dashboard", mux))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (s *server) authenticate(r *http.Request) int {
	key := r.Header.Get("Authorization")
	switch {
	case key != "" && key == s.opts.Token:
		return 0
	case key != "" && key == s.opts.ReadOnlyToken:
		if r.Method == http.MethodGet {
			return 0
		}
		return http.StatusForbidden
	}
	return http.StatusUnauthorized
}

// errorBody writes the Dashboard's generic envelope.
func errorBody(w http.ResponseWriter, status int, msg string) {
	sbhttp.JSON(w, status, map[string]any{"Status": "Error", "Message": msg, "Meta": nil})
}

func okBody(w http.ResponseWriter, msg string) {
	sbhttp.JSON(w, http.StatusOK, map[string]any{"Status": "OK", "Message": msg, "Meta": nil})
}

// page returns the slice for Dashboard page p (1-based); p <= 0 means all.
func page(docs []store.Doc, r *http.Request) ([]store.Doc, int) {
	p, _ := strconv.Atoi(r.URL.Query().Get("p"))
	pages := (len(docs) + PageSize - 1) / PageSize
	if pages == 0 {
		pages = 1
	}
	if p <= 0 {
		return docs, pages
	}
	start := (p - 1) * PageSize
	if start >= len(docs) {
		return []store.Doc{}, pages
	}
	end := start + PageSize
	if end > len(docs) {
		end = len(docs)
	}
	return docs[start:end], pages
}

func isObjectID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

func nowUnix() string { return fmt.Sprint(time.Now().Unix()) }
