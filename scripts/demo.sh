#!/usr/bin/env bash
# make demo: build the provider and the Tyk sandbox, start the sandbox on a
# free loopback port, apply examples/dcr-dashboard-first with a dev_overrides
# CLI config (no registry access), check that a second plan is empty, destroy,
# and stop everything. Every step is printed; a failure names the step.
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
    [ -f "$work/sandbox.log" ] && { echo "--- sandbox log:" >&2; tail -20 "$work/sandbox.log" >&2; }
  fi
  exit $rc
}
trap cleanup EXIT

[ -x "$terraform_bin" ] || { echo "No terraform on PATH and no bin/tofu: run 'make tofu' first." >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

step "Building the provider and the Tyk sandbox"
(cd "$root" && go build -o bin/terraform-provider-tyk . && go build -o bin/tyk-sandbox ./internal/sandbox/cmd/tyk-sandbox)

step "Starting the Tyk sandbox (emulated Dashboard API and Portal admin API)"
"$root/bin/tyk-sandbox" -dashboard-addr 127.0.0.1:0 -dashboard-token demo-dashboard-token \
  -portal-addr 127.0.0.1:0 -portal-token demo-portal-token >"$work/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^spec-validation ' "$work/sandbox.log" 2>/dev/null && break; sleep 0.1; done
dashboard_url=$(awk '/^dashboard /{print $2}' "$work/sandbox.log")
portal_url=$(awk '/^portal /{print $2}' "$work/sandbox.log")
[ -n "$dashboard_url" ] && [ -n "$portal_url" ] || { echo "sandbox did not start" >&2; exit 1; }
echo "Dashboard API: $dashboard_url  Portal: $portal_url/portal-api  ($(grep spec-validation "$work/sandbox.log"))"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "tykdcr/tyk" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
export TYK_DASHBOARD_URL="$dashboard_url" TYK_DASHBOARD_TOKEN=demo-dashboard-token
export TYK_PORTAL_URL="$portal_url" TYK_PORTAL_TOKEN=demo-portal-token
export TF_VAR_dashboard_url="$dashboard_url" TF_VAR_dashboard_secret=demo-dashboard-token
cp -r "$root/examples/dcr-dashboard-first" "$work/flow"
tf() { "$terraform_bin" -chdir="$work/flow" "$@"; }

step "terraform apply examples/dcr-dashboard-first"
tf apply -auto-approve -input=false -no-color 2>&1 | grep -v -e 'Provider development overrides' -e '^ - tykdcr/tyk' -e 'applying changes with development' -e 'published releases' -e '^[│╷╵]' 

step "terraform plan right after apply must be empty"
tf plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1 || { cat "$work/plan.txt"; echo "plan after apply is not empty" >&2; exit 1; }
grep -E 'No changes' "$work/plan.txt"

step "What the Portal now holds"
curl -s -H "Authorization: demo-portal-token" "$portal_url/portal-api/products/$(tf output -raw portal_product_id)" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({k: d.get(k) for k in ["Name","DCREnabled","Scopes","ReferenceID","AuthType","Catalogues"]}, indent=2))'

step "What the Dashboard now holds"
curl -s -H "Authorization: demo-dashboard-token" "$dashboard_url/api/apis/$(tf output -raw payments_api_id)" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin)["api_definition"]; print(json.dumps({k: d.get(k) for k in ["name","enable_jwt","jwt_signing_method","jwt_default_policies","jwt_scope_to_policy_mapping","scopes"]}, indent=2))'

step "terraform destroy"
tf destroy -auto-approve -input=false -no-color 2>&1 | grep -E 'Destroy complete|Error' 

step "Stopping the sandbox"
current="done"
echo "Demo finished."
