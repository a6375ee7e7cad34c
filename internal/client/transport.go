// Package client holds the HTTP transport shared by every plane the provider
// talks to (Tyk Dashboard, Tyk Developer Portal, the OAuth/OIDC identity
// provider): pooled connections, bounded retries with jitter that honour
// Retry-After, Tyk's raw Authorization header, typed errors and log lines with
// every secret masked. Plane-specific calls live in the sub-packages.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Defaults for Config fields left at their zero value.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRetries   = 4
	DefaultRetryWaitMin = 250 * time.Millisecond
	DefaultRetryWaitMax = 10 * time.Second
	// MaxRetryAfter caps a server's Retry-After so that a bad header cannot
	// stall an apply for hours.
	MaxRetryAfter   = 2 * time.Minute
	maxResponseBody = 32 << 20
)

// Config describes one plane's endpoint and credentials.
type Config struct {
	// Plane names the API in errors and logs ("Tyk Dashboard", "Tyk Portal").
	Plane   string
	BaseURL string
	// Token is sent verbatim in AuthHeader (Tyk expects the raw key, no
	// "Bearer" prefix). Empty: no auth header.
	Token      string
	AuthHeader string
	// TLS is what HTTPS connections trust and present (and the setting
	// names a certificate error points at).
	TLS     TLS
	Timeout time.Duration
	// MaxRetries bounds the retries after the first attempt. Negative: none.
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	UserAgent    string
	// HTTPClient overrides the underlying client (tests).
	HTTPClient *http.Client
}

// Client sends requests to one plane.
type Client struct {
	cfg  Config
	base *url.URL
	http *retryablehttp.Client
}

// Request is one API call. Body, when non-nil, is encoded as JSON unless it
// is already a []byte.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Body   any
	Header http.Header
	// Idempotent overrides the method's default (GET, HEAD, PUT, DELETE and
	// OPTIONS are idempotent). Set it to false for PUTs that create things
	// (Portal provision, credential rotation).
	Idempotent *bool
	// NoAuth drops the auth header (IdP calls that carry their own).
	NoAuth bool
}

// Response is a successful answer.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// New builds a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("base URL is empty")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("invalid base URL %q: %w", cfg.BaseURL, err)
	}
	if base.Scheme != "http" && base.Scheme != "https" {
		return nil, fmt.Errorf("invalid base URL %q: scheme must be http or https", cfg.BaseURL)
	}
	if base.Host == "" {
		return nil, fmt.Errorf("invalid base URL %q: no host", cfg.BaseURL)
	}
	if cfg.AuthHeader == "" {
		cfg.AuthHeader = "Authorization"
	}
	if cfg.Plane == "" {
		cfg.Plane = base.Host
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-tyk"
	}

	hc := cfg.HTTPClient
	if hc == nil {
		hc, err = NewHTTPClient(cfg.TLS, cfg.Timeout)
		if err != nil {
			return nil, err
		}
	}
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil,
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	c := &Client{cfg: cfg, base: base, http: rc}
	rc.RequestLogHook = c.logAttempt
	return c, nil
}

// NewHTTPClient is the one place HTTP clients are built: go-cleanhttp's
// pooled transport (no shared global state), TLS 1.2 or later, the system's
// roots plus t's CAs, t's client certificate, and certificate verification
// unless the user opted out. Its TLS configuration is never nil.
func NewHTTPClient(t TLS, timeout time.Duration) (*http.Client, error) {
	cfg, err := t.Config()
	if err != nil {
		return nil, err
	}
	transport := cleanhttp.DefaultPooledTransport()
	transport.TLSClientConfig = cfg
	return &http.Client{Transport: transport, Timeout: timeout}, nil
}

// BaseURL returns the configured base URL.
func (c *Client) BaseURL() string { return c.cfg.BaseURL }

// Plane returns the plane name used in errors.
func (c *Client) Plane() string { return c.cfg.Plane }

type ctxKey int

const (
	idempotentKey ctxKey = iota
	attemptsKey
)

func isIdempotentMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// Do sends req and decodes a 2xx JSON body into out (when out is non-nil).
// A non-2xx answer is an *APIError; a failed non-idempotent write whose
// outcome is unknown is wrapped in *AmbiguousWriteError.
func (c *Client) Do(ctx context.Context, req Request, out any) (*Response, error) {
	idempotent := isIdempotentMethod(req.Method)
	if req.Idempotent != nil {
		idempotent = *req.Idempotent
	}
	ctx = c.maskSecrets(ctx)
	ctx = context.WithValue(ctx, idempotentKey, idempotent)
	attempts := new(int)
	ctx = context.WithValue(ctx, attemptsKey, attempts)

	u := c.resolve(req.Path, req.Query)
	var body []byte
	if req.Body != nil {
		switch b := req.Body.(type) {
		case []byte:
			body = b
		case json.RawMessage:
			body = b
		default:
			var err error
			body, err = json.Marshal(req.Body)
			if err != nil {
				return nil, fmt.Errorf("encoding %s %s request: %w", req.Method, req.Path, err)
			}
		}
	}
	var rawBody any
	if body != nil {
		rawBody = body
	}
	hreq, err := retryablehttp.NewRequestWithContext(ctx, req.Method, u, rawBody)
	if err != nil {
		return nil, fmt.Errorf("building %s %s request: %w", req.Method, req.Path, err)
	}
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", c.cfg.UserAgent)
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.Token != "" && !req.NoAuth {
		hreq.Header.Set(c.cfg.AuthHeader, c.cfg.Token)
	}
	for k, vs := range req.Header {
		hreq.Header.Del(k) // the request's own headers replace the defaults
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	if body != nil && traceBodies() { // redacting costs: only when TRACE is on
		tflog.Trace(ctx, "Tyk API request body", map[string]any{"plane": c.cfg.Plane, "body": RedactJSON(body)})
	}

	start := time.Now()
	resp, err := c.http.Do(hreq)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%s API: %s %s: %w", c.cfg.Plane, req.Method, req.Path, ctxErr)
		}
		sent := !neverSent(err)
		if tlsErr := DescribeTLS(err, c.cfg.Plane, u, c.cfg.TLS); tlsErr != err { //nolint:errorlint // identity: was it rewritten
			return nil, fmt.Errorf("%s API: %s %s: %w", c.cfg.Plane, req.Method, req.Path, tlsErr)
		}
		err = fmt.Errorf("%s API: %s %s: %s", c.cfg.Plane, req.Method, req.Path, describeTransportError(err, *attempts))
		if !idempotent && sent {
			return nil, &AmbiguousWriteError{Err: err}
		}
		return nil, err
	}
	defer resp.Body.Close()
	respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	tflog.Debug(ctx, "Tyk API response", map[string]any{
		"plane": c.cfg.Plane, "method": req.Method, "path": req.Path,
		"status": resp.StatusCode, "attempts": *attempts, "duration_ms": time.Since(start).Milliseconds(),
	})
	if len(respBody) > 0 && traceBodies() {
		tflog.Trace(ctx, "Tyk API response body", map[string]any{"plane": c.cfg.Plane, "body": RedactJSON(respBody)})
	}
	if readErr != nil {
		err := fmt.Errorf("%s API: %s %s: reading response: %w", c.cfg.Plane, req.Method, req.Path, readErr)
		if !idempotent {
			return nil, &AmbiguousWriteError{Err: err}
		}
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := &APIError{
			Plane:      c.cfg.Plane,
			Method:     req.Method,
			Path:       req.Path,
			StatusCode: resp.StatusCode,
			Message:    c.scrub(parseErrorMessage(respBody)),
			RequestID:  requestID(resp.Header),
		}
		if !idempotent && resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented {
			return nil, &AmbiguousWriteError{Err: apiErr}
		}
		return nil, apiErr
	}
	if out != nil && len(bytes.TrimSpace(respBody)) > 0 {
		if err := json.Unmarshal(respBody, out); err != nil {
			return nil, fmt.Errorf("%s API: %s %s: decoding response (status %d): %w", c.cfg.Plane, req.Method, req.Path, resp.StatusCode, err)
		}
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: respBody}, nil
}

// Bool returns a pointer to b, for Request.Idempotent.
func Bool(b bool) *bool { return &b }

func (c *Client) resolve(path string, q url.Values) string {
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + "/" + strings.TrimLeft(path, "/")
	u.RawPath = ""
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func (c *Client) maskSecrets(ctx context.Context) context.Context {
	if c.cfg.Token == "" {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, c.cfg.Token)
	ctx = tflog.MaskMessageStrings(ctx, c.cfg.Token)
	return ctx
}

// scrub removes the configured token from text that goes into an error.
func (c *Client) scrub(s string) string {
	if c.cfg.Token != "" {
		s = strings.ReplaceAll(s, c.cfg.Token, "***")
	}
	return s
}

func (c *Client) logAttempt(_ retryablehttp.Logger, r *http.Request, attempt int) {
	ctx := r.Context()
	if p, ok := ctx.Value(attemptsKey).(*int); ok {
		*p = attempt + 1
	}
	fields := map[string]any{"plane": c.cfg.Plane, "method": r.Method, "url": redactURL(r.URL), "attempt": attempt + 1}
	if attempt == 0 {
		tflog.Debug(ctx, "Tyk API request", fields)
	} else {
		tflog.Warn(ctx, "Retrying Tyk API request", fields)
	}
}

func redactURL(u *url.URL) string {
	cp := *u
	cp.User = nil
	q := cp.Query()
	for k := range q {
		if isSecretKey(k) {
			q.Set(k, "***")
		}
	}
	cp.RawQuery = q.Encode()
	return cp.String()
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Tyk-Request-Id", "X-Correlation-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// checkRetry decides whether to retry: connection errors (for non-idempotent
// requests only when the request never left the machine), 429 always (the
// server refused the request without acting on it), 5xx for idempotent
// requests only.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	idempotent, _ := ctx.Value(idempotentKey).(bool)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) && strings.Contains(urlErr.Error(), "unsupported protocol scheme") {
			return false, err
		}
		if errors.Is(err, context.Canceled) {
			return false, err
		}
		// The caller's context is live (checked above): a deadline error is
		// this attempt's timeout, retried like any transport error (only
		// when idempotent, since the request may have been applied).
		return idempotent || neverSent(err), nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case resp.StatusCode == http.StatusNotImplemented:
		return false, nil
	case resp.StatusCode >= 500:
		return idempotent, nil
	}
	return false, nil
}

// neverSent reports whether a transport error happened before the request
// could reach the server (DNS or dial failure), so a retry cannot duplicate it.
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

func describeTransportError(err error, attempts int) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	if attempts > 1 {
		return fmt.Sprintf("%v (after %d attempts)", err, attempts)
	}
	return err.Error()
}

// backoff honours Retry-After (seconds or HTTP date, capped at
// MaxRetryAfter) and otherwise waits an exponentially growing, fully
// jittered interval between minWait and maxWait.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
	ceiling := float64(minWait) * math.Pow(2, float64(attempt))
	if ceiling > float64(maxWait) || math.IsInf(ceiling, 0) {
		ceiling = float64(maxWait)
	}
	if ceiling <= float64(minWait) {
		return minWait
	}
	return minWait + time.Duration(rand.Int64N(int64(ceiling)-int64(minWait)+1))
}

// RetryAfter parses a Retry-After header value relative to now.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	if d > MaxRetryAfter {
		d = MaxRetryAfter
	}
	return d, true
}

// MaskValues masks further secret values (tokens a request carries in its
// own headers) in every log line written with the returned context.
func MaskValues(ctx context.Context, secrets ...string) context.Context {
	for _, s := range secrets {
		if s != "" {
			ctx = tflog.MaskAllFieldValuesStrings(ctx, s)
			ctx = tflog.MaskMessageStrings(ctx, s)
		}
	}
	return ctx
}
