#!/usr/bin/env bash
# make demo: the whole DCR flow on a fresh clone. Builds the provider, the Tyk
# sandbox and Ory Hydra; starts Hydra and the sandbox on free loopback ports;
# applies examples/dcr-dashboard-first with a dev_overrides CLI config (no
# registry access); checks that a second plan is empty; gets a token with the
# issued credentials and calls the API through the sandbox gateway; shows the
# 403 for a token without the plan scope; destroys; checks that Hydra holds
# no client; stops everything. A failure names the step that broke.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.demo"
terraform_bin=${TERRAFORM:-$(command -v terraform || echo "$root/bin/tofu")}
current="start"
pids=()

step() { current="$*"; printf '\n==> %s\n' "$*"; }
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ $rc -ne 0 ]; then
    printf '\nDEMO FAILED at step: %s (exit %d)\n' "$current" "$rc" >&2
    for f in sandbox.log hydra.log; do
      [ -s "$work/$f" ] && { echo "--- last lines of $f:" >&2; tail -15 "$work/$f" >&2; }
    done
  fi
  exit $rc
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
wait_for() { for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "$1 did not come up" >&2; return 1; }

[ -x "$terraform_bin" ] || { echo "No terraform on PATH and no bin/tofu: run 'make tofu' first." >&2; exit 1; }
[ -x "$root/bin/hydra" ] || { echo "bin/hydra missing: run 'make hydra' (make demo does it for you)." >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

step "Building the provider and the Tyk sandbox"
(cd "$root" && go build -o bin/terraform-provider-tyk . && go build -o bin/tyk-sandbox ./internal/sandbox/cmd/tyk-sandbox)

step "Starting Ory Hydra v2.3.0 (the identity provider, in-memory, DCR enabled, JWT access tokens)"
hp=$(free_port); ha=$(free_port)
hydra_public="http://127.0.0.1:$hp"
cat >"$work/hydra.yml" <<YML
dsn: memory
log: { level: warn }
serve:
  public: { host: 127.0.0.1, port: $hp }
  admin:  { host: 127.0.0.1, port: $ha }
urls: { self: { issuer: $hydra_public/ } }
secrets: { system: ["demo-only-system-secret-0123456789"] }
oidc: { dynamic_client_registration: { enabled: true, default_scope: [openid] } }
webfinger: { oidc_discovery: { client_registration_url: $hydra_public/oauth2/register } }
strategies: { access_token: jwt }
YML
"$root/bin/hydra" serve all --dev --sqa-opt-out -c "$work/hydra.yml" >"$work/hydra.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$ha/health/ready"
echo "Hydra: $hydra_public (admin on :$ha)"

step "Starting the Tyk sandbox (emulated Dashboard API, Portal admin API, gateway)"
"$root/bin/tyk-sandbox" -dashboard-addr 127.0.0.1:0 -dashboard-token demo-dashboard-token \
  -portal-addr 127.0.0.1:0 -portal-token demo-portal-token -gateway-addr 127.0.0.1:0 -echo-addr 127.0.0.1:0 >"$work/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^spec-validation ' "$work/sandbox.log" 2>/dev/null && break; sleep 0.1; done
dashboard_url=$(awk '/^dashboard /{print $2}' "$work/sandbox.log")
portal_url=$(awk '/^portal /{print $2}' "$work/sandbox.log")
gateway_url=$(awk '/^gateway /{print $2}' "$work/sandbox.log")
echo_url=$(awk '/^echo /{print $2}' "$work/sandbox.log")
[ -n "$gateway_url" ] || { echo "sandbox did not start" >&2; exit 1; }
echo "Dashboard API: $dashboard_url  Portal: $portal_url/portal-api  Gateway: $gateway_url  ($(grep spec-validation "$work/sandbox.log"))"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "tykdcr/tyk" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
export TYK_DASHBOARD_URL="$dashboard_url" TYK_DASHBOARD_TOKEN=demo-dashboard-token
export TYK_PORTAL_URL="$portal_url" TYK_PORTAL_TOKEN=demo-portal-token
export TF_VAR_dashboard_url="$dashboard_url" TF_VAR_dashboard_secret=demo-dashboard-token
export TF_VAR_well_known_url="$hydra_public/.well-known/openid-configuration"
export TF_VAR_jwks_url="$hydra_public/.well-known/jwks.json"
export TF_VAR_upstream_url="$echo_url"
cp -r "$root/examples/dcr-dashboard-first" "$work/flow"
tf() { "$terraform_bin" -chdir="$work/flow" "$@"; }
quiet() { grep -v -e 'Provider development overrides' -e '^ - tykdcr/tyk' -e 'development overrides' -e 'published releases' -e 'may not be' -e '^[│╷╵]' || true; }

step "terraform apply examples/dcr-dashboard-first (the seed's DCR setup, Dashboard first)"
tf apply -auto-approve -input=false -no-color 2>&1 | quiet

step "terraform plan right after apply must be empty"
tf plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1 || { cat "$work/plan.txt"; echo "plan after apply is not empty" >&2; exit 1; }
grep -E 'No changes' "$work/plan.txt"

client_id=$(tf output -raw client_id)
client_secret=$(tf output -raw client_secret)
token_endpoint=$(tf output -raw token_endpoint)
step "The Portal approved the access and registered client $client_id in Hydra"
curl -fsS "http://127.0.0.1:$ha/admin/clients/$client_id" | json '{k: d[k] for k in ["client_id","client_name","scope","grant_types","token_endpoint_auth_method"]}'

step "Token for $client_id with the product and plan scopes (client_credentials at $token_endpoint)"
token=$(curl -fsS -u "$client_id:$client_secret" -d grant_type=client_credentials --data-urlencode 'scope=product_payments free_plan' "$token_endpoint" | json 'd["access_token"]')
echo "access token: ${token:0:24}... (JWT, scp claim: $(python3 -c "import base64,json,sys; p=sys.argv[1].split('.')[1]; p+='='*(-len(p)%4); print(json.loads(base64.urlsafe_b64decode(p))['scp'])" "$token"))"

step "Call the Payments API through the gateway: expect 200 and the echo"
code=$(curl -sS -o "$work/echo.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$gateway_url/payments/get?demo=dcr")
cat "$work/echo.json"
[ "$code" = 200 ] || { echo "expected 200, got $code" >&2; exit 1; }

step "A token without the plan scope: expect 403"
token2=$(curl -fsS -u "$client_id:$client_secret" -d grant_type=client_credentials --data-urlencode 'scope=product_payments' "$token_endpoint" | json 'd["access_token"]')
code=$(curl -sS -o "$work/denied.json" -w '%{http_code}' -H "Authorization: Bearer $token2" "$gateway_url/payments/get")
echo "HTTP $code $(cat "$work/denied.json")"
[ "$code" = 403 ] || { echo "expected 403, got $code" >&2; exit 1; }

step "terraform destroy"
tf destroy -auto-approve -input=false -no-color 2>&1 | grep -E 'Destroy complete|Error' 

step "Hydra must hold no client after destroy"
left=$(curl -fsS "http://127.0.0.1:$ha/admin/clients" | json 'len(d)')
echo "clients in Hydra: $left"
[ "$left" = 0 ] || { echo "Hydra still holds $left clients" >&2; exit 1; }

step "Stopping Hydra and the sandbox"
current="done"
echo "Demo finished: DCR credentials issued by Terraform got a 200 through the gateway, a token without the plan scope got 403."
