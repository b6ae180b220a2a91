#!/usr/bin/env bash
# The issue-7 measurements in one run: the three reference models (and the whole PIIP-TSB Mask R-CNN) in float32 and bfloat16, batch 1,
# 2 threads, with the machine's matmul peak measured alongside each. Writes JSON lines to $1.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/bench-targets.jsonl}
: > "$out"
for dtype in fp32 bf16; do
  ./piip bench piip-tsb-cls-368 --dtype $dtype --threads 2 --warmup 1 --iters 5 --json | tr -d '\n' >> "$out"; echo >> "$out"
  ./piip bench piip-sbl-cls-320 --dtype $dtype --threads 2 --warmup 1 --iters 5 --json | tr -d '\n' >> "$out"; echo >> "$out"
  ./piip bench piip-tsb-maskrcnn-1120-896-448 --backbone --input 1120x1120 --dtype $dtype --threads 2 --warmup 1 --iters 3 --json | tr -d '\n' >> "$out"; echo >> "$out"
  ./piip bench piip-tsb-maskrcnn-1120-896-448 --dtype $dtype --threads 2 --warmup 1 --iters 5 --json | tr -d '\n' >> "$out"; echo >> "$out"
done
cat "$out"
