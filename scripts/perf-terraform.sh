#!/bin/sh
# perf-terraform.sh: stands in for the terraform binary (make bench-profile
# passes it as bench's -terraform) and runs the real one under `perf record`
# (user and kernel stacks by frame pointer, 499 samples per CPU-second), one
# profile per command in $TF_PERF_DIR: <ns>.data, and <ns>.args with the
# command's arguments (its -chdir says the side, the rest the phase).
# internal/bench/tfprofile reads them. perf's own CPU is counted in the
# command's: the timings of a profiled bench are not the benchmark's.
set -eu
: "${TF_PERF_DIR:?TF_PERF_DIR: where the profiles go}"
: "${TF_PERF_TERRAFORM:?TF_PERF_TERRAFORM: the real terraform binary}"
ns=$(date +%s%N)
printf '%s\n' "$*" >"$TF_PERF_DIR/$ns.args"
exec perf record -F 499 -g -q -o "$TF_PERF_DIR/$ns.data" -- "$TF_PERF_TERRAFORM" "$@"
