#!/usr/bin/env bash
# Admission latency of the webhook in process: BenchmarkAdmissionLatency
# sends N reviews of a fractional-GPU pod through the real handler over TLS
# on loopback and reports client-side p50/p99. Five runs; the median of each
# percentile is written as {"name","value","unit","target","pass"} into
# bench/results/webhook.json. Exits 1 when a target is missed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bench/results"
reviews="${BENCH_WEBHOOK_REVIEWS:-5000}"
runs="${BENCH_WEBHOOK_RUNS:-5}"
mkdir -p "$out"

echo "== webhook: admission latency ($runs runs of $reviews reviews)"
raw="$out/webhook.txt"
(cd "$root/webhook" && go test -run '^$' -bench 'BenchmarkAdmissionLatency|BenchmarkAdmit$' -benchmem \
  -benchtime "${reviews}x" -count "$runs" ./server/) | tee "$raw"

# median UNIT: the median over runs of the value printed before UNIT.
median() {
  grep -E '^BenchmarkAdmissionLatency(-[0-9]+)? ' "$raw" |
    awk -v u="$1" '{for (i = 2; i <= NF; i++) if ($i == u) print $(i-1)}' | sort -g |
    awk '{v[NR]=$1} END {if (NR==0) exit 1; print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

# figure NAME VALUE UNIT TARGET: one JSON object; pass when VALUE <= TARGET.
figure() {
  awk -v n="$1" -v v="$2" -v u="$3" -v t="$4" \
    'BEGIN {printf "{\"name\":\"%s\",\"value\":%.4f,\"unit\":\"%s\",\"target\":%s,\"pass\":%s}", n, v, u, t, (v <= t) ? "true" : "false"}'
}

p50=$(median p50-ms)
p99=$(median p99-ms)
{
  echo "["
  echo "  $(figure "webhook admission latency p50 (in process, HTTPS loopback)" "$p50" ms 5),"
  echo "  $(figure "webhook admission latency p99 (in process, HTTPS loopback)" "$p99" ms 5)"
  echo "]"
} > "$out/webhook.json"
cat "$out/webhook.json"
if grep -q '"pass":false' "$out/webhook.json"; then
  echo "webhook: a benchmark target was missed" >&2
  exit 1
fi
echo "webhook: all targets met"
