package sandbox

import (
	"encoding/json"
	"reflect"
	"testing"
)

const oasDoc = `{
  "openapi": "3.0.3",
  "info": {"title": "Payments", "version": "1.0.0"},
  "paths": {"/get": {"get": {"operationId": "get", "responses": {"200": {"description": "OK"}}}}},
  "components": {"securitySchemes": {"jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
  "security": [{"jwtAuth": []}],
  "x-tyk-api-gateway": {
    "info": {"name": "payments-oas", "state": {"active": true}},
    "upstream": {"url": "http://upstream.invalid"},
    "server": {
      "listenPath": {"value": "/payments-oas/", "strip": true},
      "authentication": {"enabled": true, "securitySchemes": {"jwtAuth": {
        "enabled": true, "source": "aHR0cDovL2lkcC9qd2tz", "signingMethod": "rsa", "identityBaseField": "sub",
        "defaultPolicies": ["noop"],
        "scopes": {"claimName": "scp", "scopeToPolicyMapping": [{"scope": "product", "policyId": "p1"}, {"scope": "plan", "policyId": "p2"}]}
      }}}
    },
    "middleware": {"global": {"cors": {"enabled": false}}}
  }
}`

// A Tyk OAS API: stored as sent, served to the classic endpoints (and the
// Gateway) in the form (*oas.OAS).ExtractTo gives it, with is_oas; a classic
// PUT of it is refused.
func TestDashboardOASAPI(t *testing.T) {
	sb := start(t)
	code, created := call(t, "POST", sb.DashboardURL+"/api/apis/oas", "tok", oasDoc)
	if code != 200 || created["Message"] != "API created" || str(created["ID"]) == "" {
		t.Fatalf("create: %d %v", code, created)
	}
	id := str(created["ID"])
	code, got := call(t, "GET", sb.DashboardURL+"/api/apis/oas/"+id, "tok", "")
	var sent map[string]any
	_ = json.Unmarshal([]byte(oasDoc), &sent)
	if code != 200 || !reflect.DeepEqual(got, sent) {
		t.Fatalf("GET OAS: %d, not the document as sent: %v", code, got)
	}
	code, classic := call(t, "GET", sb.DashboardURL+"/api/apis/"+id, "tok", "")
	def, _ := classic["api_definition"].(map[string]any)
	scopes, _ := def["scopes"].(map[string]any)
	jwt, _ := scopes["jwt"].(map[string]any)
	mapping, _ := jwt["scope_to_policy"].(map[string]any)
	if code != 200 || def["is_oas"] != true || def["enable_jwt"] != true || def["use_keyless"] != false ||
		jwt["scope_claim_name"] != "scp" || mapping["product"] != "p1" || mapping["plan"] != "p2" || def["__oas"] != nil {
		t.Fatalf("classic form: %d %v", code, def)
	}
	if code, body := call(t, "PUT", sb.DashboardURL+"/api/apis/"+id, "tok", `{"api_definition":{"name":"x"}}`); code != 400 {
		t.Fatalf("classic PUT of an OAS API: %d %v", code, body)
	}
	if code, body := call(t, "PUT", sb.DashboardURL+"/api/apis/oas/"+id, "tok", `{"openapi":"3.0.3"}`); code != 400 ||
		body["Message"] != "The payload should contain x-tyk-api-gateway." {
		t.Fatalf("PUT without the extension: %d %v", code, body)
	}
	if code, _ := call(t, "DELETE", sb.DashboardURL+"/api/apis/oas/"+id, "tok", ""); code != 200 {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := call(t, "GET", sb.DashboardURL+"/api/apis/oas/"+id, "tok", ""); code != 400 {
		t.Fatalf("GET after delete: %d", code)
	}
}
