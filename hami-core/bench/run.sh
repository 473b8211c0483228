#!/bin/sh
# make bench: the limiter's figures on the simulated GPU, as a JSON array of
# {"name","value","unit","target","pass"} in bench/results/limiter-sim.json
# (repository root). Usage: bench/run.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../bench/results"
mkdir -p "$out"
export LD_LIBRARY_PATH="$build/test"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Launch-path overhead: the mock alone, then libvgpu with limits off and on.
"$build/test/launch_overhead" >"$tmp/native"
CUDA_DEVICE_MEMORY_SHARED_CACHE="$tmp/off.region" LD_PRELOAD="$build/libvgpu.so" \
    "$build/test/launch_overhead" >"$tmp/off"
MOCK_KERNEL_NS=1 CUDA_DEVICE_SM_LIMIT=50 GPU_CORE_UTILIZATION_POLICY=force \
    CUDA_DEVICE_MEMORY_SHARED_CACHE="$tmp/on.region" LD_PRELOAD="$build/libvgpu.so" \
    "$build/test/launch_overhead" >"$tmp/on"
ns() { awk '/^ns_per_launch/ {print $2}' "$1"; }
native=$(ns "$tmp/native"); off=$(ns "$tmp/off"); on=$(ns "$tmp/on")
echo "launch: mock alone $native ns, libvgpu limits off $off ns, limits on $on ns"

# The share scenarios (the same as the CPU suite's), one figure line each.
LD_PRELOAD="$(cd "$build" && pwd)/test/libvgpu.so" "$build/test/test_share" | tee "$tmp/share" || true

figure() { # name value unit target pass
    printf '{"name":"%s","value":%s,"unit":"%s","target":%s,"pass":%s}' "$1" "$2" "$3" "$4" "$5"
}
over() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
le() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "true" : "false" }'; }
{
    echo "["
    d=$(over "$native" "$off")
    echo "  $(figure "launch overhead on the mock, limits off (ns per launch added)" "$d" ns 200 "$(le "$d" 200)"),"
    d=$(over "$native" "$on")
    echo "  $(figure "launch overhead on the mock, limits on, force 50% (ns per launch added)" "$d" ns 200 "$(le "$d" 200)"),"
    grep 'figure|' "$tmp/share" | while IFS='|' read -r _ name value unit target pass; do
        echo "  $(figure "$name" "$value" "$unit" "$target" "$pass")"
    done | sed '$!s/$/,/'
    echo "]"
} >"$out/limiter-sim.json"
cat "$out/limiter-sim.json"
grep -q '"pass":false' "$out/limiter-sim.json" && exit 1
exit 0
