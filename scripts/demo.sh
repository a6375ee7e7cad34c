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
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

build_all
start_hydra
start_sandbox
use_dev_provider
cp -r "$root/examples/dcr-dashboard-first" "$work/flow"
tf() { tf_in "$work/flow" "$@"; }

step "terraform apply examples/dcr-dashboard-first (the seed's DCR setup, Dashboard first)"
tf apply -auto-approve -input=false -no-color 2>&1 | quiet

step "terraform plan right after apply must be empty"
tf plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1 || { cat "$work/plan.txt"; echo "plan after apply is not empty" >&2; exit 1; }
grep -E 'No changes' "$work/plan.txt"

client_id=$(tf output -raw client_id)
client_secret=$(tf output -raw client_secret)
token_endpoint=$(tf output -raw token_endpoint)
step "The Portal approved the access and registered client $client_id in Hydra"
curl -fsS "$hydra_admin/admin/clients/$client_id" | json '{k: d[k] for k in ["client_id","client_name","scope","grant_types","token_endpoint_auth_method"]}'

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
left=$(curl -fsS "$hydra_admin/admin/clients" | json 'len(d)')
echo "clients in Hydra: $left"
[ "$left" = 0 ] || { echo "Hydra still holds $left clients" >&2; exit 1; }

step "Stopping Hydra and the sandbox"
current="done"
echo "Demo finished: DCR credentials issued by Terraform got a 200 through the gateway, a token without the plan scope got 403."
