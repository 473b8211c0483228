#!/usr/bin/env bash
# Scheduler benchmarks; writes each figure as
# {"name","value","unit","target","pass"} into bench/results/scheduler.json
# (target null: reported without a target) and exits 1 when a target is
# missed.
#
# (a) In process: BenchmarkFilterScore (internal/hamiplugin) runs one cycle
#     of the plugin front end as kube-scheduler drives it (PreFilter, Filter
#     on 5,000 nodes x 8 GPUs with varied usage on 16 workers, Score on the
#     nodes that passed, NormalizeScore) many times and reports its p50 and
#     p99; five runs, the median of each percentile is kept. Target: p99 <=
#     2 ms. The extender's cycle (BenchmarkFilterPrioritize, filter then
#     prioritize as JSON) is reported beside it.
# (b) End to end on the harness: TestSchedulerThroughput binds 2,000 pods
#     of each kind on 500 simulated nodes: plain pods (default profile) and
#     fractional-GPU pods through hami-scheduler's plugin front end, the
#     same GPU pods through the same binary with the HAMi plugin switched
#     off (NodeResourcesFit ignoring the vendor groups), and the GPU pods
#     through the pinned kube-scheduler with hami-scheduler as its
#     extender. Each kind is created first, then the scheduler starts and
#     works off the backlog; the rate is pods per second from the first
#     bound to the last. The kinds are measured in rounds, each in a rotated
#     order; the figures are the medians. Targets: GPU/plain >= 0.85,
#     GPU/plugin off >= 0.95; extender/plain has none. The CPU each process
#     used while the GPU pods bound through the plugin is reported.
#
# Environment:
#   BENCH_SCHED_CYCLES=1000   cycles per in-process run
#   BENCH_SCHED_RUNS=5        in-process runs
#   HAMI_BENCH_NODES=500      simulated nodes of the end-to-end run
#   HAMI_BENCH_PODS=2000      pods of each kind
#   HAMI_BENCH_ROUNDS=3       rounds of the four kinds
#   HAMI_BENCH_NODE_POLICY=   node policy of the GPU pods (default: binpack)
#   BENCH_SCHED_E2E=0         skip the end-to-end run
#   BENCH_SCHED_REUSE=1       run nothing: render the figures again from the
#                             raw results of the last run
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

# report NAME VALUE UNIT: a figure without a target.
report() {
  awk -v n="$1" -v v="$2" -v u="$3" \
    'BEGIN {printf "{\"name\":\"%s\",\"value\":%.4f,\"unit\":\"%s\",\"target\":null,\"pass\":true}", n, v, u}'
}

# median FILE UNIT [BENCH]: the median over runs of the value printed
# before UNIT.
median() {
  grep -E "^${3:-BenchmarkFilterPrioritize}(-[0-9]+)? " "$1" |
    awk -v u="$2" '{for (i = 2; i <= NF; i++) if ($i == u) print $(i-1)}' | sort -g |
    awk '{v[NR]=$1} END {if (NR==0) exit 1; print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

# json_num FILE KEY: a number field of the throughput result.
json_num() {
  grep -o "\"$2\": *[0-9.eE+-]*" "$1" | head -1 | awk -F': *' '{print $2}'
}

echo "== scheduler: plugin filter+score, 5000 nodes x 8 GPUs ($runs runs of $cycles cycles)"
raw="$out/scheduler.txt"
reuse="${BENCH_SCHED_REUSE:-0}"
if [[ "$reuse" != 1 ]]; then
  (cd "$root/scheduler" && go test -run '^$' -bench '^BenchmarkFilterScore$' -benchmem \
    -benchtime "${cycles}x" -count "$runs" ./internal/hamiplugin/) | tee "$raw"
  echo "== scheduler: extender filter+prioritize, 5000 nodes x 8 GPUs ($runs runs of $cycles cycles)"
  (cd "$root/scheduler" && go test -run '^$' -bench '^BenchmarkFilterPrioritize$' -benchmem \
    -benchtime "${cycles}x" -count "$runs" ./internal/extender/) | tee -a "$raw"
fi
figures=(
  "$(figure "plugin filter+score p99, one single-GPU pod, 5000 nodes x 8 GPUs (in process)" "$(median "$raw" p99-ms BenchmarkFilterScore)" ms 2)"
  "$(report "plugin filter+score p50, one single-GPU pod, 5000 nodes x 8 GPUs (in process)" "$(median "$raw" p50-ms BenchmarkFilterScore)" ms)"
  "$(report "extender filter+prioritize p99, one single-GPU pod, 5000 nodes x 8 GPUs (in process)" "$(median "$raw" p99-ms)" ms)"
)

if [[ "${BENCH_SCHED_E2E:-1}" != 0 ]]; then
  nodes="${HAMI_BENCH_NODES:-500}" pods="${HAMI_BENCH_PODS:-2000}"
  echo "== scheduler: end-to-end binding rate, $pods pods on $nodes simulated nodes"
  result="$out/scheduler-throughput.json"
  if [[ "$reuse" != 1 ]]; then
    bash "$root/hack/build-k8s.sh"
    rm -f "$result"
    (cd "$root/e2e" && HAMI_BENCH_OUT="$result" HAMI_BENCH_NODES="$nodes" HAMI_BENCH_PODS="$pods" \
      go test -count=1 -timeout 45m -run '^TestSchedulerThroughput$' -v ./scheduler/) | grep -E 'THROUGHPUT|round |extender |^(---|ok|FAIL)|Error:|Messages:'
  fi
  cat "$result"; echo
  # The CPU each process used while the GPU pods bound through the plugin.
  while IFS=$'\t' read -r name cores; do
    figures+=("$(report "CPU of $name while GPU pods bind through the plugin (cores)" "$cores" cores)")
  done < <(tr -d '\n' < "$result" | grep -o '"cpuDuringGPUPhaseCores": *{[^}]*}' |
    sed 's/^"cpuDuringGPUPhaseCores": *{//' | grep -o '"[^"]*": *[0-9.eE+-]*' | sed 's/^"\([^"]*\)": */\1\t/')
  figures+=(
    "$(figure "GPU pods through hami-scheduler (plugin) / plain pods, pods per second, $pods pods on $nodes nodes" "$(json_num "$result" gpuToPlainRatio)" ratio 0.85 min)"
    "$(figure "GPU pods through hami-scheduler (plugin) / the same with the plugin off and NodeResourcesFit ignoring the vendor groups, $pods pods on $nodes nodes" "$(json_num "$result" gpuToPluginOffRatio)" ratio 0.95 min)"
    "$(report "GPU pods through kube-scheduler + hami-scheduler extender / plain pods, $pods pods on $nodes nodes" "$(json_num "$result" extenderToPlainRatio)" ratio)"
    "$(report "GPU pods bound per second through hami-scheduler (plugin), $pods pods on $nodes nodes" "$(json_num "$result" gpuPodsPerSecond)" pods/s)"
    "$(report "plain pods bound per second through hami-scheduler, $pods pods on $nodes nodes" "$(json_num "$result" plainPodsPerSecond)" pods/s)"
    "$(report "GPU pods bound per second, plugin off, $pods pods on $nodes nodes" "$(json_num "$result" pluginOffPodsPerSecond)" pods/s)"
    "$(report "GPU pods bound per second through kube-scheduler + extender, $pods pods on $nodes nodes" "$(json_num "$result" extenderPodsPerSecond)" pods/s)"
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
