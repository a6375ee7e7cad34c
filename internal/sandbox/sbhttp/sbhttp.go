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

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/faults"
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
	// Skip names path prefixes that bypass auth and validation (readiness).
	Skip []string
	// CheckResponses holds every answer to the spec (Validator's response
	// schemas and its Rules). A violation is recorded in the store and, so
	// that the request which caused it fails, the answer is replaced by a 500
	// naming the violation.
	CheckResponses bool
}

// ViolationStatus is the status of an answer replaced because it violated
// the spec.
const ViolationStatus = http.StatusInternalServerError

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
				p.Store.Record(store.RequestRecord{Plane: p.Name, Method: r.Method, Path: r.URL.Path, Status: rec.status, Time: time.Now(), UserAgent: r.UserAgent()})
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
			if err := p.Validator.Validate(r.Context(), r, body); err != nil && !errors.Is(err, spec.ErrNoRoute) {
				p.WriteInvalid(rec, r, err)
				return
			}
		}
		if !p.CheckResponses || p.Validator == nil {
			next.ServeHTTP(rec, r)
			return
		}
		buf := &bufferedWriter{header: http.Header{}, under: rec}
		next.ServeHTTP(buf, r)
		if buf.hijacked {
			return
		}
		if buf.code == 0 {
			buf.code = http.StatusOK
		}
		if buf.header.Get(faults.InjectedHeader) == "" {
			if err := p.Validator.ValidateResponse(r.Context(), r, buf.code, buf.header, buf.body.Bytes()); err != nil {
				if p.Store != nil {
					p.Store.RecordViolation(p.Name + ": " + err.Error())
				}
				JSON(rec, ViolationStatus, map[string]any{"Status": "Error", "errors": []string{"sandbox: " + err.Error()}, "Message": "sandbox: " + err.Error()})
				return
			}
		}
		buf.flush()
	})
}

// bufferedWriter holds an answer until it has been checked.
type bufferedWriter struct {
	header   http.Header
	code     int
	body     bytes.Buffer
	under    *recorder
	hijacked bool
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}

// Hijack lets fault injection drop the connection.
func (b *bufferedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	b.hijacked = true
	return b.under.Hijack()
}

func (b *bufferedWriter) flush() {
	for k, v := range b.header {
		b.under.Header()[k] = v
	}
	b.under.WriteHeader(b.code)
	_, _ = b.under.Write(b.body.Bytes())
}

// JSON writes v as a JSON answer.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
