#!/usr/bin/env bash
# Scheduler extender benchmarks; writes each figure as
# {"name","value","unit","target","pass"} into bench/results/scheduler.json
# and exits 1 when a target is missed.
#
# (a) In process: BenchmarkFilterPrioritize runs one extender cycle (Filter
#     over 5,000 nodes x 8 GPUs with varied usage, then Prioritize over the
#     nodes that passed) many times and reports its p50 and p99; five runs,
#     the median of each percentile is kept. Target: p99 <= 2 ms.
# (b) End to end on the harness: TestSchedulerThroughput binds 2,000 plain
#     pods (default profile) and then 2,000 fractional-GPU pods (extender
#     profile) on 500 simulated nodes through the real kube-scheduler, with
#     the same configuration. Each kind is created first, then kube-scheduler
#     starts and works off the backlog; the rate is pods per second from the
#     first bound to the last. Target: GPU pods at >= 0.8 of the plain pods'
#     rate. A third kind, the same GPU pods through kube-scheduler configured
#     without the extender, is reported without a target: it is
#     kube-scheduler's own cost of such pods. The three kinds are measured
#     in rounds, each in a rotated order; the figures are the medians.
#
# Environment:
#   BENCH_SCHED_CYCLES=1000   cycles per in-process run
#   BENCH_SCHED_RUNS=5        in-process runs
#   HAMI_BENCH_NODES=500      simulated nodes of the end-to-end run
#   HAMI_BENCH_PODS=2000      pods of each kind
#   HAMI_BENCH_ROUNDS=3       rounds of the three kinds
#   HAMI_BENCH_NODE_POLICY=   node policy of the GPU pods (default: binpack)
#   BENCH_SCHED_E2E=0         skip the end-to-end run
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bench/results"
cycles="${BENCH_SCHED_CYCLES:-1000}"
runs="${BENCH_SCHED_RUNS:-5}"
mkdir -p "$out"

# figure NAME VALUE UNIT TARGET [min]: one JSON object; pass when VALUE <=
# TARGET, or VALUE >= TARGET with "min".
figure() {
  awk -v n="$1" -v v="$2" -v u="$3" -v t="$4" -v dir="${5:-max}" \
    'BEGIN {ok = (dir == "min") ? (v >= t) : (v <= t);
            printf "{\"name\":\"%s\",\"value\":%.4f,\"unit\":\"%s\",\"target\":%s,\"pass\":%s}", n, v, u, t, ok ? "true" : "false"}'
}

# median FILE UNIT: the median over runs of the value printed before UNIT.
median() {
  grep -E '^BenchmarkFilterPrioritize(-[0-9]+)? ' "$1" |
    awk -v u="$2" '{for (i = 2; i <= NF; i++) if ($i == u) print $(i-1)}' | sort -g |
    awk '{v[NR]=$1} END {if (NR==0) exit 1; print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

# json_num FILE KEY: a number field of the throughput result.
json_num() {
  grep -o "\"$2\": *[0-9.eE+-]*" "$1" | head -1 | awk -F': *' '{print $2}'
}

echo "== scheduler: filter+prioritize, 5000 nodes x 8 GPUs ($runs runs of $cycles cycles)"
raw="$out/scheduler.txt"
(cd "$root/scheduler" && go test -run '^$' -bench '^BenchmarkFilterPrioritize$' -benchmem \
  -benchtime "${cycles}x" -count "$runs" ./internal/extender/) | tee "$raw"
figures=(
  "$(figure "extender filter+prioritize p50, one single-GPU pod, 5000 nodes x 8 GPUs (in process)" "$(median "$raw" p50-ms)" ms 2)"
  "$(figure "extender filter+prioritize p99, one single-GPU pod, 5000 nodes x 8 GPUs (in process)" "$(median "$raw" p99-ms)" ms 2)"
)

if [[ "${BENCH_SCHED_E2E:-1}" != 0 ]]; then
  nodes="${HAMI_BENCH_NODES:-500}" pods="${HAMI_BENCH_PODS:-2000}"
  echo "== scheduler: end-to-end binding rate, $pods pods on $nodes simulated nodes"
  bash "$root/hack/build-k8s.sh"
  result="$out/scheduler-throughput.json"
  rm -f "$result"
  (cd "$root/e2e" && HAMI_BENCH_OUT="$result" HAMI_BENCH_NODES="$nodes" HAMI_BENCH_PODS="$pods" \
    go test -count=1 -timeout 40m -run '^TestSchedulerThroughput$' -v ./scheduler/) | grep -E 'THROUGHPUT|round |extender |^(---|ok|FAIL)|Error:|Messages:'
  cat "$result"; echo
  figures+=(
    "$(figure "GPU pods bound per second through kube-scheduler + extender / plain pods, $pods pods on $nodes nodes" "$(json_num "$result" gpuToPlainRatio)" ratio 0.8 min)"
    "$(figure "GPU pods bound per second through kube-scheduler + extender, $pods pods on $nodes nodes" "$(json_num "$result" gpuPodsPerSecond)" pods/s 0 min)"
    "$(figure "plain pods bound per second through kube-scheduler, $pods pods on $nodes nodes" "$(json_num "$result" plainPodsPerSecond)" pods/s 0 min)"
    "$(figure "GPU pods through kube-scheduler without the extender, bound per second, $pods pods on $nodes nodes" "$(json_num "$result" extendedNoExtenderPodsPerSecond)" pods/s 0 min)"
    "$(figure "GPU pods through kube-scheduler + extender / the same pods without the extender (the extender's own cost), $pods pods on $nodes nodes" "$(json_num "$result" gpuToNoExtenderRatio)" ratio 0 min)"
  )
fi

{
  echo "["
  for i in "${!figures[@]}"; do
    sep=","
    [[ $i -eq $((${#figures[@]} - 1)) ]] && sep=""
    echo "  ${figures[$i]}$sep"
  done
  echo "]"
} > "$out/scheduler.json"
cat "$out/scheduler.json"
if grep -q '"pass":false' "$out/scheduler.json"; then
  echo "scheduler: a benchmark target was missed" >&2
  exit 1
fi
echo "scheduler: all targets met"
