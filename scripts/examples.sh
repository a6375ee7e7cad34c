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

step "dcr-oas: the seed flow with Tyk OAS APIs"
cp -r "$root/examples/dcr-oas" "$work/dcr-oas"
tf_in "$work/dcr-oas" apply -auto-approve -input=false -no-color >"$work/dcr-oas.apply.txt" 2>&1 || { quiet <"$work/dcr-oas.apply.txt"; exit 1; }
grep -E '^Apply complete' "$work/dcr-oas.apply.txt"
tf_in "$work/dcr-oas" plan -detailed-exitcode -input=false -no-color >"$work/dcr-oas.plan.txt" 2>&1 || { quiet <"$work/dcr-oas.plan.txt"; echo "plan after apply is not empty" >&2; exit 1; }
grep -E 'No changes' "$work/dcr-oas.plan.txt"
oas_client=$(tf_in "$work/dcr-oas" output -raw client_id)
oas_secret=$(tf_in "$work/dcr-oas" output -raw client_secret)
oas_token=$(curl -fsS -u "$oas_client:$oas_secret" -d grant_type=client_credentials --data-urlencode 'scope=product_payments free_plan' \
  "$(tf_in "$work/dcr-oas" output -raw token_endpoint)" | json 'd["access_token"]')
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $oas_token" "$gateway_url/payments/get")
[ "$code" = 200 ] || { echo "gateway answered $code to a token for the OAS API" >&2; exit 1; }
echo "token with product_payments and free_plan: gateway 200 on the OAS API"
tf_in "$work/dcr-oas" destroy -auto-approve -input=false -no-color >"$work/dcr-oas.destroy.txt" 2>&1 || { quiet <"$work/dcr-oas.destroy.txt"; exit 1; }
grep -E 'Destroy complete' "$work/dcr-oas.destroy.txt"

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

step "adopt: build a whole DCR setup outside Terraform, as the Dashboard and Portal UIs would"
(cd "$root" && go build -o bin/ui-setup ./internal/acctest/cmd/ui-setup)
"$root/bin/ui-setup" -dashboard-url "$dashboard_url" -dashboard-token "$dash_token" -portal-url "$portal_url" -portal-token "$portal_token" \
  -well-known-url "$hydra_public/.well-known/openid-configuration" -jwks-url "$hydra_public/.well-known/jwks.json" \
  -upstream-url "$echo_url" >"$work/ui-setup.env"
# shellcheck disable=SC1091
. "$work/ui-setup.env"
portal_get() { curl -fsS -H "Authorization: $portal_token" "$portal_url/portal-api$1"; }
secret_before=$(portal_get "/apps/$ui_app_id/access-requests" | json 'd[0]["Credentials"][0]["OAuthClientSecret"]')
hydra_clients() { curl -fsS "$hydra_admin/admin/clients" | json 'sorted(c["client_id"] for c in d)'; }
clients_before=$(hydra_clients)
echo "built outside Terraform: app $ui_app_id, access request $ui_access_request_id, OAuth client $ui_client_id"

cp -r "$root/examples/adopt" "$work/adopt"
step "adopt: the plan imports everything and changes nothing"
tf_in "$work/adopt" plan -input=false -no-color >"$work/adopt.plan.txt" 2>&1 || { quiet <"$work/adopt.plan.txt"; exit 1; }
grep -E '^Plan: 16 to import, 0 to add, 0 to change, 0 to destroy' "$work/adopt.plan.txt" || { quiet <"$work/adopt.plan.txt"; echo "adoption would change something" >&2; exit 1; }
step "adopt: apply (imports only), then the plan is empty"
tf_in "$work/adopt" apply -auto-approve -input=false -no-color >"$work/adopt.apply.txt" 2>&1 || { quiet <"$work/adopt.apply.txt"; exit 1; }
grep -E 'Apply complete! Resources: 16 imported, 0 added, 0 changed, 0 destroyed' "$work/adopt.apply.txt" || { quiet <"$work/adopt.apply.txt"; exit 1; }
tf_in "$work/adopt" plan -detailed-exitcode -input=false -no-color >"$work/adopt.plan2.txt" 2>&1 || { quiet <"$work/adopt.plan2.txt"; echo "plan after adoption is not empty" >&2; exit 1; }
grep -E 'No changes' "$work/adopt.plan2.txt"
step "adopt: the IdP holds the same clients, the credentials were not re-issued, and they still get a 200"
adopted_id=$(tf_in "$work/adopt" output -json client_ids | json 'd["Payments client"]')
[ "$adopted_id" = "$ui_client_id" ] || { echo "adopted client id $adopted_id, the Portal registered $ui_client_id" >&2; exit 1; }
[ "$(hydra_clients)" = "$clients_before" ] || { echo "Hydra's clients changed: before $clients_before, after $(hydra_clients)" >&2; exit 1; }
secret_after=$(portal_get "/apps/$ui_app_id/access-requests" | json 'd[0]["Credentials"][0]["OAuthClientSecret"]')
[ "$secret_after" = "$secret_before" ] || { echo "the client secret changed during adoption" >&2; exit 1; }
token=$(curl -fsS -u "$ui_client_id:$secret_before" -d grant_type=client_credentials --data-urlencode 'scope=product_payments free_plan' \
  "$hydra_public/oauth2/token" | json 'd["access_token"]')
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$gateway_url/payments/get")
[ "$code" = 200 ] || { echo "gateway answered $code to the adopted client's token" >&2; exit 1; }
echo "client $ui_client_id unchanged in Hydra ($(echo "$clients_before" | tr -d '[]') before and after), secret unchanged, gateway 200"
step "adopt: terraform destroy"
tf_in "$work/adopt" destroy -auto-approve -input=false -no-color >"$work/adopt.destroy.txt" 2>&1 || { quiet <"$work/adopt.destroy.txt"; exit 1; }
grep -E 'Destroy complete' "$work/adopt.destroy.txt"

step "adopt, generated-HCL route: import blocks with the documented ids, terraform plan -generate-config-out"
"$root/bin/ui-setup" -dashboard-url "$dashboard_url" -dashboard-token "$dash_token" -portal-url "$portal_url" -portal-token "$portal_token" \
  -well-known-url "$hydra_public/.well-known/openid-configuration" -jwks-url "$hydra_public/.well-known/jwks.json" \
  -upstream-url "$echo_url" >"$work/ui-setup2.env"
# shellcheck disable=SC1091
. "$work/ui-setup2.env"
mkdir -p "$work/generated"
imp() { printf 'import {\n  to = %s\n  id = "%s"\n}\n' "$1" "$2"; }
{
  printf 'terraform {\n  required_providers {\n    tyk = { source = "tykdcr/tyk" }\n  }\n}\n\nprovider "tyk" {}\n\n'
  printf 'variable "dashboard_secret" {\n  type      = string\n  sensitive = true\n}\n'
  imp tyk_api.payments "$ui_payments_api_id"
  imp tyk_policy.product "$ui_product_policy_id"
  imp tyk_api_scope_mapping.product "$ui_payments_api_id:product_payments"
  imp tyk_portal_api_provider.dashboard "$ui_api_provider_id"
  imp tyk_portal_oauth_provider.idp "$ui_oauth_provider_id"
  imp tyk_portal_client_type.machine "$ui_oauth_provider_id/$ui_machine_client_type_id"
  imp tyk_portal_product.payments "$ui_portal_product_id:$ui_product_policy_id"
  imp tyk_portal_plan.free "$ui_portal_plan_id:$ui_plan_policy_id"
  imp tyk_portal_user.developer "$ui_user_id"
  imp tyk_portal_app.payments_client "$ui_app_id"
  imp tyk_portal_app_access.payments "$ui_app_id/$ui_access_request_id/$ui_machine_client_type_id"
} >"$work/generated/main.tf"
tf_in "$work/generated" plan -input=false -no-color -generate-config-out=generated.tf >"$work/generated.plan.txt" 2>&1 || true
[ -s "$work/generated/generated.tf" ] || { quiet <"$work/generated.plan.txt"; echo "no configuration was generated" >&2; exit 1; }
# The edits the importing guide lists for generated configuration: Terraform
# writes every optional attribute, also those a Dashboard-first product or
# plan takes from its policy, and it cannot write secrets.
python3 - "$work/generated/generated.tf" <<'PY'
import re, sys
drop = {"tyk_portal_product": {"name", "api_ids"},
        "tyk_portal_plan": {"name", "rate_limit", "per", "quota", "quota_renewal_rate", "key_expires_in"}}
out, typ = [], None
for line in open(sys.argv[1]):
    m = re.match(r'resource "(\w+)"', line)
    typ = m.group(1) if m else typ
    a = re.match(r"  (\w+)\s+=", line)
    if a and a.group(1) in drop.get(typ, ()):
        continue
    if a and typ == "tyk_portal_api_provider" and a.group(1) == "dashboard_secret":
        line = "  dashboard_secret = var.dashboard_secret\n"
    out.append(line)
open(sys.argv[1], "w").write("".join(out))
PY
tf_in "$work/generated" plan -input=false -no-color >"$work/generated.plan2.txt" 2>&1 || { quiet <"$work/generated.plan2.txt"; exit 1; }
grep -E '^Plan: 11 to import, 0 to add, 0 to change, 0 to destroy' "$work/generated.plan2.txt" || { quiet <"$work/generated.plan2.txt"; exit 1; }
tf_in "$work/generated" apply -auto-approve -input=false -no-color >"$work/generated.apply.txt" 2>&1 || { quiet <"$work/generated.apply.txt"; exit 1; }
grep -E 'Apply complete! Resources: 11 imported, 0 added, 0 changed, 0 destroyed' "$work/generated.apply.txt"
tf_in "$work/generated" plan -detailed-exitcode -input=false -no-color >"$work/generated.plan3.txt" 2>&1 || { quiet <"$work/generated.plan3.txt"; exit 1; }
grep -E 'No changes' "$work/generated.plan3.txt"

current="done"
echo "All examples validated and applied."
