#!/usr/bin/env bash
# Runs the Go benchmarks that carry a target, keeps the raw runs and the
# benchstat summary under bench/results/, and writes each target as
# {"name","value","unit","target","pass"} into bench/results/<area>.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bench/results"
benchstat="$root/bin/benchstat"
mkdir -p "$out"

# median_ns FILE BENCH: the median ns/op of one benchmark over its runs.
median_ns() {
  grep -E "^$2(-[0-9]+)? " "$1" | awk '{print $3}' | sort -g |
    awk '{v[NR]=$1} END {if (NR==0) exit 1; print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

# figure NAME VALUE UNIT TARGET: one JSON object; pass when VALUE <= TARGET.
figure() {
  awk -v n="$1" -v v="$2" -v u="$3" -v t="$4" \
    'BEGIN {printf "{\"name\":\"%s\",\"value\":%.4f,\"unit\":\"%s\",\"target\":%s,\"pass\":%s}", n, v, u, t, (v <= t) ? "true" : "false"}'
}

echo "== common: placement policy (6 runs each)"
raw="$out/common.txt"
(cd "$root/common" && go test -run '^$' -bench 'BenchmarkFit|BenchmarkScoreNodes|BenchmarkPlaceNodes' -benchmem -count 6 ./policy/) | tee "$raw"
"$benchstat" "$raw" | tee "$out/common-benchstat.txt"

score_ms=$(awk -v ns="$(median_ns "$raw" 'BenchmarkScoreNodes/nodes=5000')" 'BEGIN {print ns / 1e6}')
fit_ms=$(awk -v ns="$(median_ns "$raw" 'BenchmarkFit/nodes=5000')" 'BEGIN {print ns / 1e6}')
{
  echo "["
  echo "  $(figure "score 5000 nodes x 8 GPUs, one single-GPU pod" "$score_ms" ms 2),"
  echo "  $(figure "fit 5000 nodes x 8 GPUs, one single-GPU request" "$fit_ms" ms 2)"
  echo "]"
} > "$out/common.json"
cat "$out/common.json"
# Each area with benchmarks of its own writes bench/results/<area>.json.
for area in webhook scheduler; do
  script="$root/hack/bench-$area.sh"
  if [[ -x "$script" || -f "$script" ]]; then
    echo "== $area"
    bash "$script"
  fi
done

make -C "$root/hami-core" bench || true # the limiter on the simulated GPU: bench/results/limiter-sim.json
missed=$(grep -l '"pass": *false' "$out"/*.json || true)
if [[ -n "$missed" ]]; then
  echo "bench: a target was missed in: $missed" >&2
  exit 1
fi
echo "bench: all targets met"
