#!/usr/bin/env bash
# make secrets (part of make test): apply, refresh and destroy the whole seed
# flow with TF_LOG=TRACE and TF_LOG_PROVIDER=TRACE, then require that no
# Dashboard or Portal token, client secret, registration access token or
# initial access token appears in the logs, the plan and apply output or any
# diagnostic, and that write-only values never reach the state.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.secrets"
export DASH_TOKEN="dash-Secr3t-7f1c9e2a" PORTAL_TOKEN="portal-Secr3t-4b8d0c6e"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

build_all
start_hydra
start_sandbox
use_dev_provider
export TF_VAR_initial_access_token="iat-Secr3t-9a2e5f71"
export TF_LOG=TRACE TF_LOG_PROVIDER=TRACE TF_LOG_PATH="$work/terraform.log"
cp -r "$root/examples/dcr-dashboard-first" "$work/flow"
tf() { tf_in "$work/flow" "$@"; }

step "apply with TRACE logging"
tf apply -auto-approve -input=false -no-color >"$work/out.apply.txt" 2>&1 || { quiet <"$work/out.apply.txt"; exit 1; }
step "plan and refresh with TRACE logging"
tf plan -input=false -no-color >"$work/out.plan.txt" 2>&1
tf apply -refresh-only -auto-approve -input=false -no-color >"$work/out.refresh.txt" 2>&1
tf show -no-color >"$work/out.show.txt" 2>&1

step "collect the secrets that now exist"
client_secret=$(TF_LOG= tf output -raw client_secret)
app_id=$(curl -fsS -H "Authorization: $portal_token" "$portal_url/portal-api/apps" | json 'd[0]["ID"]')
reg_token=$(curl -fsS -H "Authorization: $portal_token" "$portal_url/portal-api/apps/$app_id/access-requests" | json 'd[0]["Credentials"][0]["DCRRegistrationAccessToken"]')
[ -n "$client_secret" ] && [ -n "$reg_token" ] || { echo "could not collect the secrets to look for" >&2; exit 1; }
cp "$work/flow/terraform.tfstate" "$work/state.json"

step "destroy with TRACE logging"
tf destroy -auto-approve -input=false -no-color >"$work/out.destroy.txt" 2>&1 || { quiet <"$work/out.destroy.txt"; exit 1; }

step "no secret in logs, output or diagnostics"
lines=$(wc -l <"$work/terraform.log")
provider_lines=$(grep -c 'Tyk API re' "$work/terraform.log" || true)
echo "terraform.log: $lines lines, $provider_lines provider request/response lines"
[ "$provider_lines" -gt 100 ] || { echo "the provider's TRACE log is missing: the check would prove nothing" >&2; exit 1; }
grep -q 'Tyk API request body' "$work/terraform.log" || { echo "no request bodies were logged at TRACE: the check would prove nothing" >&2; exit 1; }
leaks=0
for name in DASH_TOKEN PORTAL_TOKEN TF_VAR_initial_access_token client_secret reg_token; do
  case $name in
    client_secret) value=$client_secret ;; reg_token) value=$reg_token ;; *) value=${!name} ;;
  esac
  for f in "$work"/terraform.log "$work"/out.*.txt; do
    if grep -qF -- "$value" "$f"; then
      echo "LEAK: $name appears in $(basename "$f")" >&2; leaks=$((leaks + 1))
    fi
  done
done
step "write-only values never in state"
for name in DASH_TOKEN TF_VAR_initial_access_token; do
  if grep -qF -- "${!name}" "$work/state.json"; then echo "LEAK: write-only $name is in the state" >&2; leaks=$((leaks + 1)); fi
done
grep -qF -- "$client_secret" "$work/state.json" || { echo "client_secret is not in state: the check of the state file is broken" >&2; exit 1; }
[ "$leaks" = 0 ] || { echo "$leaks leaks" >&2; exit 1; }

step "store_client_secret = false: apply, plan (JSON), refresh, outputs with TRACE logging"
export TF_VAR_store_client_secret=false TF_LOG_PATH="$work/terraform.nostore.log"
tf apply -auto-approve -input=false -no-color >"$work/nostore.apply.txt" 2>&1 || { quiet <"$work/nostore.apply.txt"; exit 1; }
tf plan -input=false -no-color -out="$work/nostore.plan" >"$work/nostore.plan.txt" 2>&1
TF_LOG= tf show -json "$work/nostore.plan" >"$work/nostore.plan.json"
tf apply -refresh-only -auto-approve -input=false -no-color >"$work/nostore.refresh.txt" 2>&1
TF_LOG= tf output -json >"$work/nostore.outputs.json"
cp "$work/flow/terraform.tfstate" "$work/nostore.state.json"
app_id=$(curl -fsS -H "Authorization: $portal_token" "$portal_url/portal-api/apps" | json 'd[0]["ID"]')
secret=$(curl -fsS -H "Authorization: $portal_token" "$portal_url/portal-api/apps/$app_id/access-requests" | json 'd[0]["Credentials"][0]["OAuthClientSecret"]')
[ -n "$secret" ] || { echo "could not collect the client secret to look for" >&2; exit 1; }
fingerprint=$(printf %s "$secret" | sha256sum | cut -d' ' -f1)
grep -qF -- "$fingerprint" "$work/nostore.state.json" || { echo "the state has no client_secret_sha256 of the current secret: the check would prove nothing" >&2; exit 1; }
for f in "$work"/nostore.* "$work/terraform.nostore.log"; do
  if grep -qF -- "$secret" "$f"; then echo "LEAK: the client secret appears in $(basename "$f")" >&2; leaks=$((leaks + 1)); fi
done
tf destroy -auto-approve -input=false -no-color >"$work/nostore.destroy.txt" 2>&1 || { quiet <"$work/nostore.destroy.txt"; exit 1; }
grep -qF -- "$secret" "$work/nostore.destroy.txt" "$work/terraform.nostore.log" && { echo "LEAK: the client secret appears in the destroy output or log" >&2; leaks=$((leaks + 1)); }
[ "$leaks" = 0 ] || { echo "$leaks leaks" >&2; exit 1; }
current="done"
echo "No secret leaked (logs: $lines lines; with store_client_secret = true the client secret is only in state, as documented;"
echo "with store_client_secret = false it is in neither state, plan JSON, outputs nor logs)."
