#!/usr/bin/env bash
# make upgrade (part of make test): state written by the previous provider
# still plans empty with this one. The DCR flow is applied with the provider
# built from UPGRADE_BASE (default: the previous commit) and its own example
# configuration; then, with the same configuration, this provider must plan
# no changes (its refresh may fill new computed attributes, nothing more),
# and destroy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.upgrade"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

base=${UPGRADE_BASE:-HEAD~1}
if ! git -C "$root" rev-parse --verify -q "$base^{commit}" >/dev/null; then
  echo "upgrade: $base is not in this checkout (a shallow clone?): skipped"
  current="done"
  exit 0
fi
base_rev=$(git -C "$root" rev-parse --short "$base")

build_all
step "Building the provider at $base ($base_rev)"
mkdir -p "$work/base-src" "$work/base-bin"
git -C "$root" archive "$base" | tar -x -C "$work/base-src"
(cd "$work/base-src" && go build -o "$work/base-bin/terraform-provider-tyk" .)
start_hydra
start_sandbox
use_dev_provider
cp -r "$work/base-src/examples/dcr-dashboard-first" "$work/flow"
override() { sed -i "s#\"tykdcr/tyk\" = \".*\"#\"tykdcr/tyk\" = \"$1\"#" "$work/terraformrc"; }

step "apply with the provider at $base_rev"
override "$work/base-bin"
tf_in "$work/flow" apply -auto-approve -input=false -no-color >"$work/apply.txt" 2>&1 || { quiet <"$work/apply.txt"; exit 1; }
grep -E '^Apply complete' "$work/apply.txt"

step "plan with this provider: the state it did not write must plan empty"
override "$root/bin"
if ! tf_in "$work/flow" plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1; then
  quiet <"$work/plan.txt"
  echo "the provider at HEAD plans changes on state written by $base_rev" >&2
  exit 1
fi
grep -E 'No changes' "$work/plan.txt"

step "destroy with this provider"
tf_in "$work/flow" destroy -auto-approve -input=false -no-color >"$work/destroy.txt" 2>&1 || { quiet <"$work/destroy.txt"; exit 1; }
grep -E 'Destroy complete' "$work/destroy.txt"
current="done"
