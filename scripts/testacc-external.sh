#!/usr/bin/env bash
# make testacc-external: the acceptance tests in their "real installation"
# mode (TYK_ACC_TARGET=external), against a Tyk that is not the in-process
# sandbox: here the standalone sandbox process and an Ory Hydra, started as a
# real installation would run beside the tests. The harness starts nothing of
# its own and checks the target only through the provider's clients and the
# IdP's admin API; tests that need the sandbox itself skip. To run against a
# real Tyk, export the same variables (see CONTRIBUTING.md) and run
# `TF_ACC=1 TYK_ACC_TARGET=external go test ./internal/provider/...`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.external"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

build_all
start_hydra
start_sandbox

step "Acceptance tests with TYK_ACC_TARGET=external"
export TF_ACC=1 TYK_ACC_TARGET=external
export TYK_DASHBOARD_URL="$dashboard_url" TYK_DASHBOARD_TOKEN="$dash_token"
export TYK_PORTAL_URL="$portal_url" TYK_PORTAL_TOKEN="$portal_token"
export TYK_GATEWAY_URL="$gateway_url" TYK_ACC_UPSTREAM_URL="$echo_url"
export TYK_ACC_IDP_PUBLIC_URL="$hydra_public" TYK_ACC_IDP_ADMIN_URL="$hydra_admin"
export TF_ACC_TERRAFORM_PATH="$terraform_bin"
cd "$root"
go test -count=1 -timeout 20m -parallel 4 ./internal/provider/... -v 2>&1 | tee "$work/test.log" | grep -E '^(=== RUN|--- (PASS|FAIL|SKIP)|PASS|FAIL|ok)' | grep -v '^=== RUN' | grep -v -- '--- SKIP' || true
grep -qE '^(FAIL|--- FAIL)' "$work/test.log" && { echo "acceptance tests failed against the external target" >&2; exit 1; }
ran=$(grep -c -- '--- PASS' "$work/test.log" || true)
skipped=$(grep -c -- '--- SKIP' "$work/test.log" || true)
echo "external target: $ran passed, $skipped skipped (they need the in-process sandbox)"
[ "$ran" -gt 0 ] || { echo "no acceptance test ran against the external target" >&2; exit 1; }
current="done"
