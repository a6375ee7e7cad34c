// Package faults injects failures into the sandbox, per plane and path
// pattern: error statuses, 429 with Retry-After, latency and spikes, and
// connections dropped before or after the server applied a request. The
// "idp" plane covers the Portal's own calls to the identity provider.
package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Kinds of fault.
const (
	Status      = "status"      // answer Code without running the handler
	RateLimit   = "retry_after" // 429 with Retry-After: RetryAfter seconds
	Latency     = "latency"     // wait Delay, then serve
	DropBefore  = "drop_before" // close the connection without running the handler
	DropAfter   = "drop_after"  // run the handler, then close without answering
	Unreachable = "unreachable" // outgoing calls (idp plane) fail to connect
)

// Rule is one kind of fault for matching requests, applied with Rate
// probability (0..1).
type Rule struct {
	Plane      string        `json:"plane"`                // "dashboard", "portal", "gateway", "idp"; "" for all
	Path       string        `json:"path,omitempty"`       // regular expression on the path; "" for all
	Methods    []string      `json:"methods,omitempty"`    // empty for all
	UserAgent  string        `json:"user_agent,omitempty"` // regular expression on User-Agent; "" for all
	Kind       string        `json:"kind"`
	Rate       float64       `json:"rate"`
	Code       int           `json:"code,omitempty"`
	RetryAfter int           `json:"retry_after,omitempty"`
	Delay      time.Duration `json:"delay,omitempty"`
	path       *regexp.Regexp
	ua         *regexp.Regexp
}

// Injector holds the active rules.
type Injector struct {
	mu       sync.RWMutex
	rules    []Rule
	rng      *rand.Rand
	rngMu    sync.Mutex
	Injected atomic.Int64
}

// New returns an injector with no rules, seeded for reproducible runs.
func New(seed uint64) *Injector {
	return &Injector{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Reseed restarts the random sequence that decides which requests fail.
func (in *Injector) Reseed(seed uint64) {
	in.rngMu.Lock()
	defer in.rngMu.Unlock()
	in.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Set replaces the rules.
func (in *Injector) Set(rules []Rule) error {
	for i := range rules {
		if rules[i].Path != "" {
			re, err := regexp.Compile(rules[i].Path)
			if err != nil {
				return fmt.Errorf("rule %d: %w", i, err)
			}
			rules[i].path = re
		}
		if rules[i].UserAgent != "" {
			re, err := regexp.Compile(rules[i].UserAgent)
			if err != nil {
				return fmt.Errorf("rule %d: %w", i, err)
			}
			rules[i].ua = re
		}
	}
	in.mu.Lock()
	in.rules = rules
	in.mu.Unlock()
	return nil
}

// Clear removes every rule.
func (in *Injector) Clear() { _ = in.Set(nil) }

// SetJSON parses rules from JSON (the standalone binary's -faults flag).
func (in *Injector) SetJSON(b []byte) error {
	var rules []Rule
	if err := json.Unmarshal(b, &rules); err != nil {
		return err
	}
	return in.Set(rules)
}

func (in *Injector) roll(rate float64) bool {
	in.rngMu.Lock()
	defer in.rngMu.Unlock()
	return in.rng.Float64() < rate
}

// Pick returns the rules that fire for a request, in order.
func (in *Injector) Pick(plane, method, path, userAgent string) []Rule {
	if in == nil {
		return nil
	}
	in.mu.RLock()
	defer in.mu.RUnlock()
	var out []Rule
	for _, r := range in.rules {
		if r.Plane != "" && r.Plane != plane {
			continue
		}
		if r.path != nil && !r.path.MatchString(path) {
			continue
		}
		if len(r.Methods) > 0 && !contains(r.Methods, method) {
			continue
		}
		if r.ua != nil && !r.ua.MatchString(userAgent) {
			continue
		}
		if in.roll(r.Rate) {
			out = append(out, r)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// InjectedHeader marks an answer made up by fault injection (not a Tyk
// answer), so that the spec check of responses leaves it alone.
const InjectedHeader = "X-Sandbox-Fault"

// Wrap applies the rules of plane to next.
func (in *Injector) Wrap(plane string, next http.Handler) http.Handler {
	if in == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, rule := range in.Pick(plane, r.Method, r.URL.Path, r.UserAgent()) {
			in.Injected.Add(1)
			switch rule.Kind {
			case Latency:
				time.Sleep(rule.Delay)
			case Status:
				code := rule.Code
				if code == 0 {
					code = http.StatusServiceUnavailable
				}
				w.Header().Set(InjectedHeader, "1")
				http.Error(w, "injected fault", code)
				return
			case RateLimit:
				w.Header().Set("Retry-After", strconv.Itoa(rule.RetryAfter))
				w.Header().Set(InjectedHeader, "1")
				http.Error(w, "injected rate limit", http.StatusTooManyRequests)
				return
			case DropBefore:
				drop(w)
				return
			case DropAfter:
				rec := &buffered{header: http.Header{}}
				next.ServeHTTP(rec, r)
				drop(w)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // reset, as a crashed peer would
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// buffered swallows a response the client will never see.
type buffered struct {
	header http.Header
	body   bytes.Buffer
	code   int
}

func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *buffered) WriteHeader(code int)        { b.code = code }

// Transport makes outgoing calls of plane (the Portal's calls to the IdP)
// fail like an unreachable host when an Unreachable rule fires.
func (in *Injector) Transport(plane string, base http.RoundTripper) http.RoundTripper {
	if in == nil {
		return base
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		for _, rule := range in.Pick(plane, req.Method, req.URL.Path, req.UserAgent()) {
			in.Injected.Add(1)
			switch rule.Kind {
			case Unreachable:
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("connection refused (injected)")}
			case Latency:
				time.Sleep(rule.Delay)
			}
		}
		return base.RoundTrip(req)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
