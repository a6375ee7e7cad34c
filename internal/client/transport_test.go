package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

const testToken = "super-secret-dashboard-key-1234"

func newTestClient(t *testing.T, url string, retries int) *Client {
	t.Helper()
	c, err := New(Config{Plane: "Test", BaseURL: url, Token: testToken, MaxRetries: retries,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Timeout: 2 * time.Second, UserAgent: "ua-test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDoSendsRawAuthAndDecodes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != testToken {
			t.Errorf("Authorization = %q, want the raw key", got)
		}
		if r.Header.Get("Accept") != "application/json" || r.Header.Get("User-Agent") != "ua-test" {
			t.Errorf("headers = %v", r.Header)
		}
		if r.URL.Path != "/base/api/x" || r.URL.Query().Get("p") != "2" {
			t.Errorf("url = %s", r.URL)
		}
		_, _ = w.Write([]byte(`{"Status":"OK","Message":"m"}`))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL+"/base/", 0)
	var out struct{ Message string }
	if _, err := c.Do(context.Background(), Request{Method: "GET", Path: "/api/x", Query: map[string][]string{"p": {"2"}}}, &out); err != nil {
		t.Fatal(err)
	}
	if out.Message != "m" {
		t.Fatalf("decoded %+v", out)
	}
}

func TestRetriesIdempotentOn5xxThenSucceeds(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	if _, err := newTestClient(t, srv.URL, 4).Do(context.Background(), Request{Method: "GET", Path: "/"}, nil); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 3", calls.Load())
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"Status":"Error","Message":"down for maintenance","Meta":null}`))
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, 2).Do(context.Background(), Request{Method: "GET", Path: "/x"}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Message != "down for maintenance" {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 1 + 2 retries", calls.Load())
	}
}

func TestPostNotRetriedOn5xxAndMarkedAmbiguous(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, 4).Do(context.Background(), Request{Method: "POST", Path: "/x", Body: map[string]string{"a": "b"}}, nil)
	if !IsAmbiguousWrite(err) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("POST sent %d times", calls.Load())
	}
}

func TestNonIdempotentPutNotRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, 4).Do(context.Background(), Request{Method: "PUT", Path: "/provision", Idempotent: Bool(false)}, nil)
	if !IsAmbiguousWrite(err) || calls.Load() != 1 {
		t.Fatalf("err = %v, calls = %d", err, calls.Load())
	}
}

func TestPostRetriedOn429HonouringRetryAfter(t *testing.T) {
	var calls atomic.Int32
	var first time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if since := time.Since(first); since < 900*time.Millisecond {
			t.Errorf("retried after %v, Retry-After asked for 1s", since)
		}
		body := new(bytes.Buffer)
		_, _ = body.ReadFrom(r.Body)
		if body.String() != `{"a":"b"}` {
			t.Errorf("retry body = %q", body.String())
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	if _, err := newTestClient(t, srv.URL, 3).Do(context.Background(), Request{Method: "POST", Path: "/x", Body: map[string]string{"a": "b"}}, nil); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Fatalf("calls = %d", calls.Load())
	}
}

func TestPostRetriedWhenNeverSent(t *testing.T) {
	// A port nobody listens on: the dial fails, so the POST never left.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c := newTestClient(t, "http://"+addr, 2)
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Body: map[string]string{}}, nil)
	if err == nil || IsAmbiguousWrite(err) {
		t.Fatalf("err = %v, want a plain (not ambiguous) connection error", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("err = %v, want 3 attempts", err)
	}
}

func TestPostConnectionDroppedAfterSendIsAmbiguous(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		hijack(t, w).Close()
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, 3).Do(context.Background(), Request{Method: "POST", Path: "/x", Body: map[string]string{}}, nil)
	if !IsAmbiguousWrite(err) || calls.Load() != 1 {
		t.Fatalf("err = %v, calls = %d", err, calls.Load())
	}
}

func TestErrorBodies(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string
	}{
		{404, `{"Status":"Error","Message":"Could not retrieve portal object.","Meta":null}`, "Could not retrieve portal object."},
		{422, `{"errors":["Name can't be blank","Scopes is invalid"]}`, "Name can't be blank; Scopes is invalid"},
		{422, `{"status":"error","errors":["IdP said no"]}`, "IdP said no"},
		{400, `{"error":"invalid_redirect_uri","error_description":"bad uri"}`, "invalid_redirect_uri: bad uri"},
		{404, "404 page not found\n", "404 page not found"},
		{401, `{"Message":"Not authorised","Meta":null,"Status":"Error"}`, "Not authorised"},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req-42")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		_, err := newTestClient(t, srv.URL, -1).Do(context.Background(), Request{Method: "GET", Path: "/x"}, nil)
		srv.Close()
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Message != tc.want || apiErr.RequestID != "req-42" {
			t.Errorf("status %d body %s: err = %#v", tc.status, tc.body, err)
		}
		if IsNotFound(err) != (tc.status == 404) {
			t.Errorf("IsNotFound(%d) wrong", tc.status)
		}
	}
}

func TestMalformedJSONIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"Data": [`))
	}))
	defer srv.Close()
	var out map[string]any
	_, err := newTestClient(t, srv.URL, 0).Do(context.Background(), Request{Method: "GET", Path: "/x"}, &out)
	if err == nil || !strings.Contains(err.Error(), "decoding response") {
		t.Fatalf("err = %v", err)
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	clientSecret := "dcr-client-secret-XYZ987"
	regToken := "ory_at_registration-token-ABC"
	metaSecret := "dashboard-secret-in-metadata-555"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp := map[string]any{
			"OAuthClientID": "client-1", "OAuthClientSecret": clientSecret,
			"DCRRegistrationAccessToken": regToken,
			"Configuration":              map[string]any{"MetaData": `{"URL":"http://d","Secret":"` + metaSecret + `"}`},
			"echo":                       testToken,
		}
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c := newTestClient(t, srv.URL, 0)
	// Bodies are logged (redacted) at TRACE only (TF_LOG=TRACE).
	traced := traceBodies
	traceBodies = func() bool { return true }
	defer func() { traceBodies = traced }()
	body := map[string]any{"RegistrationAccessToken": "initial-access-token-777", "client_secret": clientSecret}
	if _, err := c.Do(ctx, Request{Method: "POST", Path: "/x", Body: body}, nil); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "Tyk API response body") || !strings.Contains(out, "Tyk API request body") || !strings.Contains(out, "client-1") {
		t.Fatalf("expected request logging, got %q", out)
	}
	for _, secret := range []string{testToken, clientSecret, regToken, metaSecret, "initial-access-token-777"} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q appears in logs:\n%s", secret, out)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d, ok := RetryAfter("3", now); !ok || d != 3*time.Second {
		t.Errorf("seconds: %v %v", d, ok)
	}
	if d, ok := RetryAfter(now.Add(10*time.Second).Format(http.TimeFormat), now); !ok || d != 10*time.Second {
		t.Errorf("date: %v %v", d, ok)
	}
	if d, ok := RetryAfter("100000", now); !ok || d != MaxRetryAfter {
		t.Errorf("cap: %v %v", d, ok)
	}
	if _, ok := RetryAfter("soon", now); ok {
		t.Error("garbage accepted")
	}
}

func TestBackoffBoundedWithJitter(t *testing.T) {
	minWait, maxWait := 100*time.Millisecond, time.Second
	seen := map[time.Duration]bool{}
	for attempt := 0; attempt < 10; attempt++ {
		for i := 0; i < 20; i++ {
			d := backoff(minWait, maxWait, attempt, nil)
			if d < minWait || d > maxWait {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, minWait, maxWait)
			}
			seen[d] = true
		}
	}
	if len(seen) < 10 {
		t.Fatalf("no jitter: %d distinct waits", len(seen))
	}
}

func TestInvalidBaseURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "not a url", "http://"} {
		if _, err := New(Config{BaseURL: u}); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestCreateOnceAdoptsOrRetries(t *testing.T) {
	ambiguous := &AmbiguousWriteError{Err: errors.New("connection reset")}
	// The write happened: adopted, not sent again.
	sends := 0
	got, err := CreateOnce(context.Background(),
		func(context.Context) (string, error) { sends++; return "", ambiguous },
		func(context.Context) (string, bool, error) { return "existing", true, nil })
	if err != nil || got != "existing" || sends != 1 {
		t.Fatalf("adopt: %q %v sends=%d", got, err, sends)
	}
	// It did not: sent again until it succeeds.
	sends = 0
	got, err = CreateOnce(context.Background(),
		func(context.Context) (string, error) {
			sends++
			if sends < 3 {
				return "", ambiguous
			}
			return "created", nil
		},
		func(context.Context) (string, bool, error) { return "", false, nil })
	if err != nil || got != "created" || sends != 3 {
		t.Fatalf("retry: %q %v sends=%d", got, err, sends)
	}
	// A plain error is returned at once.
	sends = 0
	_, err = CreateOnce(context.Background(),
		func(context.Context) (string, error) { sends++; return "", errors.New("400") },
		func(context.Context) (string, bool, error) { t.Fatal("find called"); return "", false, nil })
	if err == nil || sends != 1 {
		t.Fatalf("plain: %v sends=%d", err, sends)
	}
}

// hijack takes over the connection, to drop it without an answer.
func hijack(t *testing.T, w http.ResponseWriter) net.Conn {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Fatal("the test server's ResponseWriter cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	return conn
}
