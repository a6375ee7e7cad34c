# Shared by scripts/demo.sh and scripts/examples.sh: build the provider and
# the sandbox, start Ory Hydra and the sandbox on free loopback ports, and
# point Terraform at the freshly built provider with dev_overrides.
# Callers set: root, work; they get: tf_in DIR ARGS..., hydra_public,
# hydra_admin, dashboard_url, portal_url, gateway_url, echo_url.
# TLS=1: a throwaway CA signs a certificate for 127.0.0.1; Hydra's public
# endpoints and every plane of the sandbox serve HTTPS with it; the sandbox
# (its Portal and Gateway) trusts the CA for its own calls; the provider
# trusts it through TYK_DASHBOARD_CA_FILE, TYK_PORTAL_CA_FILE and
# TYK_IDP_CA_FILE, and curl through CURL_CA_BUNDLE.

terraform_bin=${TERRAFORM:-$(command -v terraform || echo "$root/bin/tofu")}
current="start"
pids=()
dash_token=${DASH_TOKEN:-demo-dashboard-token}
portal_token=${PORTAL_TOKEN:-demo-portal-token}

step() { current="$*"; printf '\n==> %s\n' "$*"; }
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ $rc -ne 0 ]; then
    printf '\nFAILED at step: %s (exit %d)\n' "$current" "$rc" >&2
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
quiet() { grep -v -e 'Provider development overrides' -e '^ - tykdcr/tyk' -e 'development overrides' -e 'published releases' \
  -e 'may not be' -e 'behavior may therefore' -e 'applying changes may cause' -e '^configuration:$' -e 'versions of the provider' -e '^[│╷╵]' || true; }

[ -x "$terraform_bin" ] || { echo "No terraform on PATH and no bin/tofu: run 'make tofu' first." >&2; exit 1; }
[ -x "$root/bin/hydra" ] || { echo "bin/hydra missing: run 'make hydra'." >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

tls_on() { [ "${TLS:-0}" = 1 ]; }

build_all() {
  step "Building the provider and the Tyk sandbox"
  (cd "$root" && go build -o bin/terraform-provider-tyk . && go build -o bin/tyk-sandbox ./internal/sandbox/cmd/tyk-sandbox)
  if tls_on; then
    step "TLS=1: a throwaway CA and a server certificate for 127.0.0.1 ($work/pki)"
    (cd "$root" && go run ./internal/acctest/cmd/test-pki -dir "$work/pki")
    export CURL_CA_BUNDLE="$work/pki/ca.pem"
  fi
}

# IDP=oidc-provider: the second real IdP (tools/oidc-provider, installed by
# `make oidc-provider`) instead of Hydra, configured as Keycloak-type IdPs
# behave: registration needs an initial access token, tokens carry a `scope`
# string claim, the registration access token rotates on every read. It
# answers Hydra's admin API subset, so hydra_admin works alike.
idp_token_url() { if [ "${IDP:-hydra}" = oidc-provider ]; then echo "$hydra_public/token"; else echo "$hydra_public/oauth2/token"; fi; }
idp_jwks_url() { if [ "${IDP:-hydra}" = oidc-provider ]; then echo "$hydra_public/jwks"; else echo "$hydra_public/.well-known/jwks.json"; fi; }

start_oidc_provider() {
  step "Starting oidc-provider (the identity provider: initial access token, scope claim, rotating registration tokens)"
  [ -d "$root/tools/oidc-provider/node_modules/oidc-provider" ] || { echo "oidc-provider is not installed: run 'make oidc-provider'" >&2; return 1; }
  local hp ha scheme=http tls_env=()
  hp=$(free_port); ha=$(free_port)
  if tls_on; then scheme=https; tls_env=(TLS_CERT="$work/pki/server.pem" TLS_KEY="$work/pki/server-key.pem"); fi
  hydra_public="$scheme://127.0.0.1:$hp"
  hydra_admin="http://127.0.0.1:$ha"
  idp_initial_access_token="iat-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  env PORT="$hp" ADMIN_PORT="$ha" INITIAL_ACCESS_TOKEN="$idp_initial_access_token" "${tls_env[@]}" \
    node "$root/tools/oidc-provider/server.js" >"$work/hydra.log" 2>&1 &
  pids+=($!)
  wait_for "$hydra_admin/health/ready"
  wait_for "$hydra_public/.well-known/openid-configuration"
  export TF_VAR_initial_access_token="$idp_initial_access_token" TF_VAR_scope_claim_name=scope TF_VAR_verify_idp_client_via=token_endpoint
  echo "oidc-provider: $hydra_public (admin $hydra_admin)"
}

start_hydra() {
  if [ "${IDP:-hydra}" = oidc-provider ]; then start_oidc_provider; return; fi
  step "Starting Ory Hydra v2.3.0 (the identity provider, in-memory, DCR enabled, JWT access tokens)"
  local hp ha
  hp=$(free_port); ha=$(free_port)
  local scheme=http public_tls=""
  if tls_on; then
    scheme=https
    public_tls=", tls: { enabled: true, cert: { path: $work/pki/server.pem }, key: { path: $work/pki/server-key.pem } }"
  fi
  hydra_public="$scheme://127.0.0.1:$hp"
  hydra_admin="http://127.0.0.1:$ha"
  cat >"$work/hydra.yml" <<YML
dsn: memory
log: { level: warn }
serve:
  public: { host: 127.0.0.1, port: $hp$public_tls }
  admin:  { host: 127.0.0.1, port: $ha }
urls: { self: { issuer: $hydra_public/ } }
secrets: { system: ["demo-only-system-secret-0123456789"] }
oidc: { dynamic_client_registration: { enabled: true, default_scope: [openid] } }
webfinger: { oidc_discovery: { client_registration_url: $hydra_public/oauth2/register } }
strategies: { access_token: jwt }
YML
  "$root/bin/hydra" serve all --dev --sqa-opt-out -c "$work/hydra.yml" >"$work/hydra.log" 2>&1 &
  pids+=($!)
  wait_for "$hydra_admin/health/ready"
  echo "Hydra: $hydra_public (admin $hydra_admin)"
}

start_sandbox() {
  step "Starting the Tyk sandbox (emulated Dashboard API, Portal admin API, gateway)"
  local tls_args=()
  if tls_on; then
    tls_args=(-tls-cert "$work/pki/server.pem" -tls-key "$work/pki/server-key.pem" -ca-file "$work/pki/ca.pem")
  fi
  "$root/bin/tyk-sandbox" -dashboard-addr 127.0.0.1:0 -dashboard-token "$dash_token" \
    -portal-addr 127.0.0.1:0 -portal-token "$portal_token" -gateway-addr 127.0.0.1:0 -echo-addr 127.0.0.1:0 \
    "${tls_args[@]}" >"$work/sandbox.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q '^spec-validation ' "$work/sandbox.log" 2>/dev/null && break; sleep 0.1; done
  dashboard_url=$(awk '/^dashboard /{print $2}' "$work/sandbox.log")
  portal_url=$(awk '/^portal /{print $2}' "$work/sandbox.log")
  gateway_url=$(awk '/^gateway /{print $2}' "$work/sandbox.log")
  echo_url=$(awk '/^echo /{print $2}' "$work/sandbox.log")
  [ -n "$gateway_url" ] || { echo "sandbox did not start" >&2; return 1; }
  echo "Dashboard API: $dashboard_url  Portal: $portal_url/portal-api  Gateway: $gateway_url  ($(grep spec-validation "$work/sandbox.log"))"
}

use_dev_provider() {
  cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "tykdcr/tyk" = "$root/bin"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
  export TYK_DASHBOARD_URL="$dashboard_url" TYK_DASHBOARD_TOKEN="$dash_token"
  export TYK_PORTAL_URL="$portal_url" TYK_PORTAL_TOKEN="$portal_token"
  export TF_VAR_dashboard_url="$dashboard_url" TF_VAR_dashboard_secret="$dash_token"
  export TF_VAR_well_known_url="$hydra_public/.well-known/openid-configuration"
  export TF_VAR_jwks_url="$(idp_jwks_url)"
  export TF_VAR_upstream_url="$echo_url"
  if tls_on; then
    export TYK_DASHBOARD_CA_FILE="$work/pki/ca.pem" TYK_PORTAL_CA_FILE="$work/pki/ca.pem" TYK_IDP_CA_FILE="$work/pki/ca.pem"
  fi
}

tf_in() { local dir=$1; shift; "$terraform_bin" -chdir="$dir" "$@"; }

# apply_plan_destroy DIR: apply, require an empty plan, destroy.
apply_plan_destroy() {
  local dir=$1 name
  name=$(basename "$dir")
  step "$name: terraform apply"
  tf_in "$dir" apply -auto-approve -input=false -no-color >"$work/$name.apply.txt" 2>&1 || { quiet <"$work/$name.apply.txt"; return 1; }
  grep -E '^Apply complete' "$work/$name.apply.txt"
  step "$name: terraform plan right after apply must be empty"
  tf_in "$dir" plan -detailed-exitcode -input=false -no-color >"$work/$name.plan.txt" 2>&1 || { quiet <"$work/$name.plan.txt"; echo "plan after apply is not empty" >&2; return 1; }
  grep -E 'No changes' "$work/$name.plan.txt"
  step "$name: terraform destroy"
  tf_in "$dir" destroy -auto-approve -input=false -no-color >"$work/$name.destroy.txt" 2>&1 || { quiet <"$work/$name.destroy.txt"; return 1; }
  grep -E 'Destroy complete' "$work/$name.destroy.txt"
}
