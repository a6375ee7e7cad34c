#!/usr/bin/env bash
# make examples (part of make test): every example must be formatted, the
# resource/data-source/ephemeral snippets must validate together as one
# configuration, and every complete configuration -- both DCR flows and each
# guide's -- must apply against Hydra and the sandbox with an empty plan
# afterwards, then destroy cleanly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.examples"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

step "terraform fmt -check over examples/"
"$terraform_bin" fmt -check -recursive -diff "$root/examples"
echo "formatted"

build_all
start_hydra
start_sandbox
use_dev_provider

step "The per-resource snippets validate together as one configuration"
mkdir -p "$work/snippets"
cat >"$work/snippets/terraform.tf" <<'TF'
terraform {
  required_providers {
    tyk = { source = "tykdcr/tyk" }
  }
}
TF
i=0
for f in "$root"/examples/provider/*.tf "$root"/examples/resources/*/resource.tf "$root"/examples/data-sources/*/*.tf "$root"/examples/ephemeral-resources/*/*.tf; do
  i=$((i + 1)); cp "$f" "$work/snippets/$(printf '%02d' $i)-$(basename "$(dirname "$f")").tf"
done
tf_in "$work/snippets" validate -no-color 2>&1 | quiet

for ex in dcr-dashboard-first dcr-portal-first guides/identity-providers; do
  dir="$work/$(echo "$ex" | tr '/' '-')"
  cp -r "$root/examples/$ex" "$dir"
  apply_plan_destroy "$dir"
done

step "guides/import: create objects outside Terraform, then import them"
api_id=0123456789abcdef0123456789abcdef
jwks_b64=$(printf '%s' "https://idp.example.com/.well-known/jwks.json" | base64 -w0)
dash() { curl -fsS -H "Authorization: $dash_token" -H 'Content-Type: application/json' "$@"; }
dash -X POST "$dashboard_url/api/apis" -d '{"api_definition":{"api_id":"'$api_id'","name":"Payments API","active":true,
  "use_keyless":false,"enable_jwt":true,"jwt_signing_method":"rsa","jwt_source":"'"$jwks_b64"'","jwt_identity_base_field":"sub",
  "jwt_policy_field_name":"pol","jwt_scope_claim_name":"scope","scopes":{"jwt":{"scope_claim_name":"scope","scope_to_policy":{}}},
  "proxy":{"listen_path":"/payments/","target_url":"http://payments.internal","strip_listen_path":true}}}' >/dev/null
policy_id=$(dash -X POST "$dashboard_url/api/portal/policies" -d '{"name":"Payments API Product","state":"active","active":true,
  "tags":["dcr"],"rate":-1,"per":-1,"quota_max":-1,"quota_renewal_rate":-1,"throttle_interval":-1,"throttle_retry_limit":-1,
  "max_query_depth":-1,"key_expires_in":0,"meta_data":{},"partitions":{"acl":true,"quota":false,"rate_limit":false,"complexity":false,"per_api":false},
  "access_rights":{"'$api_id'":{"api_id":"'$api_id'","api_name":"Payments API","versions":["Default"],"allowed_urls":[]}}}' | json 'd["Message"]')
dash "$dashboard_url/api/apis/$api_id" | python3 -c '
import json,sys; w=json.load(sys.stdin); d=w["api_definition"]; p=sys.argv[1]
d["jwt_scope_to_policy_mapping"]={"product_payments":p}; d["scopes"]["jwt"]["scope_to_policy"]={"product_payments":p}
print(json.dumps({"api_definition":d}))' "$policy_id" | dash -X PUT "$dashboard_url/api/apis/$api_id" -d @- >/dev/null
oauth_id=$(curl -fsS -H "Authorization: $portal_token" -H 'Content-Type: application/json' -X POST "$portal_url/portal-api/oauth-providers" \
  -d '{"Name":"Keycloak","Type":"Keycloak","WellKnownURL":"https://keycloak.example.com/realms/dcr/.well-known/openid-configuration","SSLInsecureSkipVerify":false}' | json 'd["ID"]')
cp -r "$root/examples/guides/import" "$work/import"
export TF_VAR_api_id=$api_id TF_VAR_policy_id=$policy_id TF_VAR_oauth_provider_id=$oauth_id
tf_in "$work/import" plan -input=false -no-color >"$work/import.plan.txt" 2>&1 || { quiet <"$work/import.plan.txt"; exit 1; }
grep -E '^Plan: 4 to import, 0 to add, 0 to change, 0 to destroy' "$work/import.plan.txt" || { quiet <"$work/import.plan.txt"; echo "the import guide's configuration does not match what it imports" >&2; exit 1; }
apply_plan_destroy "$work/import"

current="done"
echo "All examples validated and applied."
