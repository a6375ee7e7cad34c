#!/usr/bin/env bash
# make demo: the whole DCR flow on a fresh clone. Builds the provider, the Tyk
# sandbox and Ory Hydra; starts Hydra and the sandbox on free loopback ports;
# applies examples/dcr-dashboard-first with a dev_overrides CLI config (no
# registry access); checks that a second plan is empty; gets a token with the
# issued credentials and calls the API through the sandbox gateway, which
# answers as the real Tyk Gateway does: both scopes get 200 and the plan's 429
# once its rate is used up; the product scope alone is held to the No-Op
# policy's floor (429); the plan scope alone gets 403. Destroys; checks that
# Hydra holds no client; stops everything. A failure names the step that
# broke.
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
echo "access token: ${token:0:24}... (JWT, $(python3 -c "import base64,json,sys; p=sys.argv[1].split('.')[1]; p+='='*(-len(p)%4); c=json.loads(base64.urlsafe_b64decode(p)); k='scp' if 'scp' in c else 'scope'; print(k, 'claim:', c[k])" "$token"))"

call() { curl -sS -o "$work/body.json" -w '%{http_code}' -H "Authorization: Bearer $1" "$gateway_url/payments/get?demo=dcr"; }
token_for() { curl -fsS -u "$client_id:$client_secret" -d grant_type=client_credentials --data-urlencode "scope=$1" "$token_endpoint" | json 'd["access_token"]'; }

step "Call the Payments API through the gateway with both scopes: expect 200 and the echo"
code=$(call "$token")
cat "$work/body.json"
[ "$code" = 200 ] || { echo "expected 200, got $code" >&2; exit 1; }

step "Eight more calls at once: the plan allows 5 per second, then 429"
codes=""; for _ in 1 2 3 4 5 6 7 8; do codes="$codes $(call "$token")"; done
echo "statuses:$codes  ($(cat "$work/body.json"))"
case "$codes" in *429*) ;; *) echo "expected the plan's 429" >&2; exit 1 ;; esac

step "A token with the product scope only: held to the No-Op policy's floor (1 per hour), so 429"
token2=$(token_for 'product_payments')
codes=""; for _ in 1 2 3; do codes="$codes $(call "$token2")"; done
echo "statuses:$codes  ($(cat "$work/body.json"))"
[ "$(tr ' ' '\n' <<<"$codes" | grep -c '^200$')" -le 1 ] || { echo "the product scope alone got more than the floor: $codes" >&2; exit 1; }

step "A token with the plan scope only: expect 403"
code=$(call "$(token_for 'free_plan')")
echo "HTTP $code $(cat "$work/body.json")"
[ "$code" = 403 ] || { echo "expected 403, got $code" >&2; exit 1; }

step "terraform destroy"
tf destroy -auto-approve -input=false -no-color 2>&1 | grep -E 'Destroy complete|Error' 

step "Hydra must hold no client after destroy"
left=$(curl -fsS "$hydra_admin/admin/clients" | json 'len(d)')
echo "clients in Hydra: $left"
[ "$left" = 0 ] || { echo "Hydra still holds $left clients" >&2; exit 1; }

step "Stopping Hydra and the sandbox"
current="done"
echo "Demo finished: DCR credentials issued by Terraform got a 200 through the gateway and the plan's 429 past its rate; the product scope alone was held to the floor; the plan scope alone got 403."
