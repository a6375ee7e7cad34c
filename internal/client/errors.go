package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-2xx answer from a Tyk plane or an IdP. Message is the
// server's own message, parsed from whichever error body shape the plane uses
// (Dashboard {"Status","Message","Meta"}, Portal {"errors":[...]} or
// {"status":"error","errors":[...]}, OAuth {"error","error_description"}).
// It never carries a request or response secret.
type APIError struct {
	Plane      string
	Method     string
	Path       string
	StatusCode int
	Message    string
	RequestID  string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s API: %s %s: %d %s", e.Plane, e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// IsNotFound reports whether err is an API answer that the object does not
// exist (HTTP 404).
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound
}

// StatusCode returns the HTTP status of an APIError, or 0.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// AmbiguousWriteError wraps the failure of a non-idempotent request that may
// have been applied by the server (the connection broke after the request was
// sent, or the server answered 5xx). Callers should find out whether the write
// happened (read back by name or reference) before trying again.
type AmbiguousWriteError struct{ Err error }

func (e *AmbiguousWriteError) Error() string {
	return e.Err.Error() + " (the server may or may not have applied this write)"
}
func (e *AmbiguousWriteError) Unwrap() error { return e.Err }

// IsAmbiguousWrite reports whether err is an AmbiguousWriteError.
func IsAmbiguousWrite(err error) bool {
	var a *AmbiguousWriteError
	return errors.As(err, &a)
}

// parseErrorMessage extracts a readable message from an error body.
func parseErrorMessage(body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return ""
	}
	var generic map[string]json.RawMessage
	if err := json.Unmarshal(body, &generic); err == nil {
		for _, key := range []string{"Message", "message"} {
			if raw, ok := generic[key]; ok {
				var s string
				if json.Unmarshal(raw, &s) == nil && s != "" {
					return s
				}
			}
		}
		if raw, ok := generic["errors"]; ok {
			var list []string
			if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
				return strings.Join(list, "; ")
			}
			var objs []map[string]any
			if json.Unmarshal(raw, &objs) == nil && len(objs) > 0 {
				parts := make([]string, 0, len(objs))
				for _, o := range objs {
					parts = append(parts, fmt.Sprint(o))
				}
				return strings.Join(parts, "; ")
			}
		}
		var oauthErr, oauthDesc string
		if raw, ok := generic["error"]; ok {
			_ = json.Unmarshal(raw, &oauthErr)
		}
		if raw, ok := generic["error_description"]; ok {
			_ = json.Unmarshal(raw, &oauthDesc)
		}
		switch {
		case oauthErr != "" && oauthDesc != "":
			return oauthErr + ": " + oauthDesc
		case oauthErr != "":
			return oauthErr
		}
		if raw, ok := generic["errorSummary"]; ok { // Okta
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return s
			}
		}
	}
	if len(trimmed) > 300 {
		trimmed = trimmed[:300] + "…"
	}
	return trimmed
}
