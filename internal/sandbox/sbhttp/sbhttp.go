// Package sbhttp holds the middleware every emulated plane shares: request
// logging into the store, authentication, validation against the official
// spec and fault injection hooks.
package sbhttp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

type bodyKey struct{}

// Body returns the request body read by the middleware.
func Body(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

// Plane configures the middleware for one emulated API.
type Plane struct {
	Name  string
	Store *store.Store
	// Authenticate returns 0 when the request may proceed, else the status
	// to answer with (401/403); WriteAuthError writes that answer.
	Authenticate   func(r *http.Request) int
	WriteAuthError func(w http.ResponseWriter, r *http.Request, status int)
	// Validator, when set, rejects requests the official spec rejects,
	// answered through WriteInvalid.
	Validator    *spec.Validator
	WriteInvalid func(w http.ResponseWriter, r *http.Request, err error)
	// ForValidation, when set, rewrites the body the validator sees (never
	// the one the handler gets), for documented defects of a spec.
	ForValidation func(r *http.Request, body []byte) []byte
	// Skip names path prefixes that bypass auth and validation (readiness).
	Skip []string
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Hijack lets fault injection drop the connection.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijacking not supported")
	}
	if r.status == 0 {
		r.status = -1 // connection dropped
	}
	return hj.Hijack()
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Wrap applies the plane's middleware to next.
func (p Plane) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p.Store != nil {
				p.Store.Record(store.RequestRecord{Plane: p.Name, Method: r.Method, Path: r.URL.Path, Status: rec.status, Time: time.Now()})
			}
		}()
		body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
		if err != nil {
			http.Error(rec, "reading body", http.StatusBadRequest)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		for _, s := range p.Skip {
			if len(r.URL.Path) >= len(s) && r.URL.Path[:len(s)] == s {
				next.ServeHTTP(rec, r)
				return
			}
		}
		if p.Authenticate != nil {
			if code := p.Authenticate(r); code != 0 {
				p.WriteAuthError(rec, r, code)
				return
			}
		}
		if p.Validator != nil {
			vbody := body
			if p.ForValidation != nil {
				vbody = p.ForValidation(r, body)
			}
			if err := p.Validator.Validate(r.Context(), r, vbody); err != nil && !errors.Is(err, spec.ErrNoRoute) {
				p.WriteInvalid(rec, r, err)
				return
			}
		}
		next.ServeHTTP(rec, r)
	})
}

// JSON writes v as a JSON answer.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
