package oidc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

func opts() Options {
	hc, err := client.NewHTTPClient(client.TLS{}, 5*time.Second)
	if err != nil {
		panic(err)
	}
	return Options{MaxRetries: -1, HTTPClient: hc}
}

func TestDiscoverCachesAndValidates(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		switch r.URL.Path {
		case "/good/.well-known/openid-configuration":
			_, _ = w.Write([]byte(`{"issuer":"http://idp/","token_endpoint":"http://idp/token","registration_endpoint":"http://idp/reg"}`))
		default:
			_, _ = w.Write([]byte(`{"hello":"world"}`))
		}
	}))
	defer srv.Close()
	good := srv.URL + "/good/.well-known/openid-configuration"
	for range 3 {
		d, err := Discover(context.Background(), good, opts())
		if err != nil || d.TokenEndpoint != "http://idp/token" || d.RegistrationEndpoint != "http://idp/reg" {
			t.Fatalf("Discover = %+v, %v", d, err)
		}
		d.TokenEndpoint = "mutated" // callers get copies
	}
	if calls.Load() != 1 {
		t.Errorf("%d requests for one document within the TTL, want 1", calls.Load())
	}
	if _, err := Discover(context.Background(), srv.URL+"/bad", opts()); err == nil || !strings.Contains(err.Error(), "not an OpenID Connect discovery document") {
		t.Errorf("a document without issuer/token_endpoint: %v", err)
	}
	if _, err := Discover(context.Background(), "ftp://idp/x", opts()); err == nil {
		t.Error("a non-HTTP URL was accepted")
	}
}

func TestReadClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer rat-1" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_token"}`))
			return
		}
		switch r.URL.Path {
		case "/register/c1":
			_, _ = w.Write([]byte(`{"client_id":"c1","scope":"a b","grant_types":["client_credentials"],"registration_access_token":"rat-2"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	rc, err := ReadClient(context.Background(), srv.URL+"/register/c1", "rat-1", opts())
	if err != nil || rc.ClientID != "c1" || rc.Scope != "a b" || rc.RegistrationAccessToken != "rat-2" {
		t.Fatalf("ReadClient = %+v, %v", rc, err)
	}
	for name, tc := range map[string]struct{ uri, token string }{
		"401 (unknown client or dead token)": {srv.URL + "/register/c1", "wrong"},
		"404":                                {srv.URL + "/register/gone", "rat-1"},
	} {
		if _, err := ReadClient(context.Background(), tc.uri, tc.token, opts()); !errors.Is(err, ErrClientGone) {
			t.Errorf("%s: %v, want ErrClientGone", name, err)
		}
	}
}

func TestClientAuthenticates(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id, secret, basic := r.BasicAuth()
		if !basic {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		switch {
		case id == "known" && secret == "s3cret":
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"bearer"}`))
		case id == "known":
			w.WriteHeader(http.StatusBadRequest) // e.g. a scope it may not request
			_, _ = w.Write([]byte(`{"error":"invalid_scope"}`))
		default:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		id, secret, method string
		want               bool
	}{
		{"known", "s3cret", "client_secret_basic", true},
		{"known", "s3cret", "client_secret_post", true},
		{"known", "other", "client_secret_basic", true}, // any answer but invalid_client: the IdP knows it
		{"unknown", "s3cret", "client_secret_basic", false},
	} {
		got, err := ClientAuthenticates(context.Background(), srv.URL+"/token", tc.id, tc.secret, tc.method, opts())
		if err != nil || got != tc.want {
			t.Errorf("%s/%s: %v, %v; want %v", tc.id, tc.method, got, err, tc.want)
		}
	}
}

// Every constructor of an HTTP client has a TLS configuration: none can
// dereference a nil one.
func TestNewHTTPClientHasTLSConfig(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		hc, err := client.NewHTTPClient(client.TLS{InsecureSkipVerify: insecure}, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		tr, ok := hc.Transport.(*http.Transport)
		if !ok || tr.TLSClientConfig == nil || tr.TLSClientConfig.InsecureSkipVerify != insecure {
			t.Errorf("insecure=%v: transport %T with TLS config %+v", insecure, hc.Transport, tr)
		}
	}
}

// ProbeClient tells a deleted client, refused scopes and a client that may
// not use client_credentials apart, sending the registered scopes.
func TestProbeClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id, _, _ := r.BasicAuth()
		switch {
		case id == "gone":
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
		case id == "web":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"unauthorized_client"}`))
		case r.PostForm.Get("scope") != "a b":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_scope","error_description":"scope b is not allowed"}`))
		default:
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"bearer"}`))
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		id     string
		scopes []string
		want   Probe
	}{
		{"known", []string{"a", "b"}, ProbeOK},
		{"known", []string{"a"}, ProbeScopeRefused},
		{"gone", []string{"a", "b"}, ProbeUnknownClient},
		{"web", []string{"a", "b"}, ProbeOther},
	} {
		got, err := ProbeClient(context.Background(), srv.URL+"/token", tc.id, "s3cret", "client_secret_basic", tc.scopes, opts())
		if err != nil || got != tc.want {
			t.Errorf("%s %v: %v %v, want %v", tc.id, tc.scopes, got, err, tc.want)
		}
	}
}
