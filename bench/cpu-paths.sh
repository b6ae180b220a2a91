#!/usr/bin/env bash
# The product paths side by side on this machine (issue 11): each model in float32 and bfloat16, on the
# CPU as it is and as an AVX2-only CPU runs it (oneDNN and ATen capped at AVX2, so libtorch refuses packed
# bfloat16 and the widened path takes over), runs interleaved so the VM's drift hits all columns alike.
# Writes JSON lines to $1 (default target/bench-cpu-paths.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/bench-cpu-paths.jsonl}
: > "$out"
run() { # label, env..., -- bench args...
  local label=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  env ${envs[@]+"${envs[@]}"} ./piip bench "$@" --threads 2 --json 2>/dev/null | tr -d '\n' | sed "s/^{/{\"cpu\":\"$label\",/" >> "$out"
  echo >> "$out"
}
for model in "piip-tsb-cls-368 --warmup 1 --iters 5" "piip-sbl-cls-320 --warmup 1 --iters 5" \
             "piip-tsb-maskrcnn-1120-896-448 --input 1120x1120 --warmup 1 --iters 3"; do
  for dtype in fp32 bf16; do
    # shellcheck disable=SC2086
    run native -- $model --dtype $dtype
    # shellcheck disable=SC2086
    run avx2 ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 -- $model --dtype $dtype
  done
done
cat "$out"
