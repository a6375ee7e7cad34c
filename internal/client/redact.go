package client

import (
	"encoding/json"
	"strings"
)

// secretKeyFragments name JSON keys (matched case-insensitively, as
// substrings) whose values never reach a log line.
var secretKeyFragments = []string{
	"secret", "token", "password", "authorization", "api_key", "apikey",
	"credential", "jwt_source", "private", "session_state",
}

// notSecretKeys are keys that match a fragment above but hold no secret.
var notSecretKeys = map[string]bool{
	"tokenendpointauthmethod":    true,
	"token_endpoint_auth_method": true,
	"tokenendpoints":             true,
	"token_endpoint":             true,
	"token_url":                  true,
	"credentials_count":          true,
	"customcredentialstype":      true,
}

func isSecretKey(k string) bool {
	lk := strings.ToLower(k)
	if notSecretKeys[lk] {
		return false
	}
	for _, f := range secretKeyFragments {
		if strings.Contains(lk, f) {
			return true
		}
	}
	return false
}

// RedactJSON returns body as a string with the value of every secret-looking
// key replaced by "***", recursively, including inside string values that are
// themselves JSON documents (the Portal's provider MetaData). A body that is
// not JSON is not logged at all.
func RedactJSON(body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "<non-JSON body, not logged>"
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return "<unloggable body>"
	}
	return string(out)
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if isSecretKey(k) {
				if s, ok := val.(string); ok && s == "" {
					continue
				}
				t[k] = "***"
				continue
			}
			t[k] = redactValue(val)
		}
		return t
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
		return t
	case string:
		s := strings.TrimSpace(t)
		if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
			var inner any
			if json.Unmarshal([]byte(s), &inner) == nil {
				b, err := json.Marshal(redactValue(inner))
				if err == nil {
					return string(b)
				}
			}
		}
		return t
	}
	return v
}
