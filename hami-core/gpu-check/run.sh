#!/bin/bash
# GPU suite for libvgpu (needs an NVIDIA GPU, nvcc, gcc, make and python3 with PyTorch; no network).
# Usage: hami-core/gpu-check/run.sh   (about 7 minutes on an H200; DURATION=20 seconds per compute run)
# Prints one line per step and a summary table; exits non-zero if any step failed. Every
# check's verdict is its own exit status or figure (no pipes that hide a status).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/gpu
LIB=$ROOT/build/libvgpu.so
TESTLIB=$ROOT/build/test/libvgpu.so # with test hooks: HAMI_TEST_LIMITS_FILE stands in for the plugin's mount
DURATION=${DURATION:-20}
PY=${PYTHON:-python3}
mkdir -p "$OUT"
declare -a SUMMARY
fail=0

note() { echo "== $*"; }
row() { SUMMARY+=("$(printf '%-46s %-28s %s' "$1" "$2" "$3")"); [ "$3" = PASS ] || [ "$3" = INFO ] || fail=1; }
# A fresh region file per simulated container.
region() { mktemp "$OUT/region.XXXXXX"; }
limited() { # region, then env assignments, then command
    local r=$1; shift
    env CUDA_DEVICE_MEMORY_SHARED_CACHE="$r" LD_PRELOAD="$LIB" "$@"
}
filed() { # limits file, region, then env assignments, then command (the test-hooks build)
    local f=$1 r=$2; shift 2
    env HAMI_TEST_LIMITS_FILE="$f" CUDA_DEVICE_MEMORY_SHARED_CACHE="$r" LD_PRELOAD="$TESTLIB" "$@"
}

note "build"
if ! timeout 300 make -s all build/test/libvgpu.so >"$OUT/build.log" 2>&1 ||
   ! timeout 300 nvcc -O2 -o "$OUT/alloc_paths" gpu-check/alloc_paths.cu -lcuda >>"$OUT/build.log" 2>&1 ||
   ! timeout 300 nvcc -O2 -o "$OUT/spin" gpu-check/spin.cu >>"$OUT/build.log" 2>&1 ||
   ! timeout 300 nvcc -O2 -o "$OUT/oversub" gpu-check/oversub.cu -lcuda >>"$OUT/build.log" 2>&1 ||
   ! timeout 300 nvcc -O2 -o "$OUT/launch_bench" gpu-check/launch_bench.cu >>"$OUT/build.log" 2>&1; then
    cat "$OUT/build.log"
    echo "build failed"
    exit 1
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

note "(a) allocation paths against the real driver, limit 1 GiB"
r=$(region)
limited "$r" CUDA_DEVICE_MEMORY_LIMIT=1g timeout 120 "$OUT/alloc_paths" >"$OUT/alloc.log" 2>&1
rc=$? # the program's own status, not a pipe's
cat "$OUT/alloc.log"
if [ $rc -eq 0 ]; then
    row "a: every allocation path (1 GiB)" "$(grep -c ^PASS "$OUT/alloc.log") checks" PASS
else
    row "a: every allocation path (1 GiB)" "rc $rc $(grep ^FAIL "$OUT/alloc.log" | head -1 | cut -c1-22)" FAIL
fi

note "(b) PyTorch with a 10 GiB quota"
for conf in "" "backend:cudaMallocAsync" "expandable_segments:True"; do
    r=$(region)
    res=$(limited "$r" CUDA_DEVICE_MEMORY_LIMIT=10g PYTORCH_CUDA_ALLOC_CONF="$conf" timeout 180 $PY gpu-check/torch_mem.py 2>&1)
    rc=$?
    echo "${conf:-caching allocator}: $res"
    row "b: torch 10g ${conf:-caching allocator}" "$(echo "$res" | tail -1 | awk '{print $2"MiB seen, "$6"MiB got"}')" \
        "$([ $rc -eq 0 ] && echo PASS || echo FAIL)"
done

note "(c) compute: 4096^3 bf16 matmul loop, ${DURATION}s per run, native runs interleaved"
rate() { awk '/^rate/ {print $2}' <<<"$1"; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "nan" }'; }
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }
n1=$(rate "$(timeout 120 $PY gpu-check/torch_compute.py "$DURATION")")
r=$(region)
s30=$(rate "$(limited "$r" CUDA_DEVICE_SM_LIMIT=30 GPU_CORE_UTILIZATION_POLICY=force timeout 120 $PY gpu-check/torch_compute.py "$DURATION")")
n2=$(rate "$(timeout 120 $PY gpu-check/torch_compute.py "$DURATION")")
native=$(awk -v a="${n1:-0}" -v b="${n2:-0}" 'BEGIN { print (a + b) / 2 }')
echo "native $n1 / $n2, 30% solo $s30"
p=$(pct "${s30:-0}" "$native")
row "c: solo 30% (force) vs native" "$p% of native" "$(within "$p" 25 35 && echo PASS || echo FAIL)"
ra=$(region); rb=$(region)
limited "$ra" CUDA_DEVICE_SM_LIMIT=30 GPU_CORE_UTILIZATION_POLICY=force timeout 120 $PY gpu-check/torch_compute.py "$DURATION" >"$OUT/pa.log" 2>&1 &
pa=$!
limited "$rb" CUDA_DEVICE_SM_LIMIT=70 GPU_CORE_UTILIZATION_POLICY=force timeout 120 $PY gpu-check/torch_compute.py "$DURATION" >"$OUT/pb.log" 2>&1 &
pb=$!
wait $pa $pb
a=$(rate "$(cat "$OUT/pa.log")"); b=$(rate "$(cat "$OUT/pb.log")")
echo "pair: 30% $a, 70% $b"
pa_=$(pct "${a:-0}" "$native"); pb_=$(pct "${b:-0}" "$native")
row "c: pair 30% + 70% (force)" "$pa_% + $pb_% of native" \
    "$(within "$pa_" 25 35 && within "$pb_" 65 75 && echo PASS || echo FAIL)"

note "(e) compute: more shapes of load (${DURATION}s each)"
run_rate() { rate "$("$@" 2>&1)"; }
r=$(region)
s4=$(run_rate limited "$r" CUDA_DEVICE_SM_LIMIT=30 GPU_CORE_UTILIZATION_POLICY=force timeout 120 $PY gpu-check/torch_compute.py "$DURATION" 4)
p=$(pct "${s4:-0}" "$native")
row "e: 30% (force), matmuls on 4 streams" "$p% of native" "$(within "$p" 25 35 && echo PASS || echo FAIL)"
r=$(region)
limited "$r" CUDA_DEVICE_SM_LIMIT=30 GPU_CORE_UTILIZATION_POLICY=force timeout 120 $PY gpu-check/torch_compute.py "$DURATION" >"$OUT/p1.log" 2>&1 &
q1=$!
limited "$r" CUDA_DEVICE_SM_LIMIT=30 GPU_CORE_UTILIZATION_POLICY=force timeout 120 $PY gpu-check/torch_compute.py "$DURATION" >"$OUT/p2.log" 2>&1 &
q2=$!
wait $q1; wait $q2
t1=$(rate "$(cat "$OUT/p1.log")"); t2=$(rate "$(cat "$OUT/p2.log")")
p=$(pct "$(awk -v a="${t1:-0}" -v b="${t2:-0}" 'BEGIN { print a + b }')" "$native")
row "e: two processes of one 30% container" "$p% of native together" "$(within "$p" 25 35 && echo PASS || echo FAIL)"
ra=$(region); rb=$(region)
limited "$rb" timeout 150 $PY gpu-check/torch_compute.py 120 1 idle >/dev/null 2>&1 & # outlives the tenant
qi=$!
sleep 10 # the neighbour's context exists before the tenant starts
sd=$(run_rate limited "$ra" CUDA_DEVICE_SM_LIMIT=30 GPU_CORE_UTILIZATION_POLICY=default timeout 120 $PY gpu-check/torch_compute.py "$DURATION")
kill "$qi" 2>/dev/null; wait "$qi" 2>/dev/null
p=$(pct "${sd:-0}" "$native")
row "e: policy default beside an idle neighbour" "$p% of native" "$(within "$p" 90 200 && echo PASS || echo FAIL)"
r=$(region)
res=$(limited "$r" CUDA_DEVICE_SM_LIMIT=30 GPU_CORE_UTILIZATION_POLICY=force timeout 120 "$OUT/spin" "$DURATION" 2>&1)
p=$(awk '/^share/ {print $2}' <<<"$res")
row "e: 30%, 1 ms / 10 ms kernels under one key" "${p:-?}% of the GPU" "$(within "${p:-0}" 25 35 && echo PASS || echo FAIL)"
lf=$OUT/limits.conf
printf 'version=1\ncore=30\npolicy=force\n' >"$lf"
r=$(region)
sf=$(run_rate filed "$lf" "$r" CUDA_DEVICE_SM_LIMIT=90 GPU_CORE_UTILIZATION_POLICY=disable timeout 120 $PY gpu-check/torch_compute.py "$DURATION")
p=$(pct "${sf:-0}" "$native")
row "e: limits file 30% force, pod sets disable" "$p% of native" "$(within "$p" 25 35 && echo PASS || echo FAIL)"

note "(f) oversubscription: 8 GiB quota with 2 GiB of the device free"
"$OUT/oversub" hog 2 60 >"$OUT/hog.log" 2>&1 &
qh=$!
sleep 15 # the hog fills the device first
cat "$OUT/hog.log"
r=$(region)
res=$(limited "$r" CUDA_DEVICE_MEMORY_LIMIT=8g CUDA_OVERSUBSCRIBE=true timeout 120 "$OUT/oversub" alloc 8 2>&1)
rc=$?
echo "$res"
kill "$qh" 2>/dev/null; wait "$qh" 2>/dev/null
row "f: 8 GiB quota, 2 GiB free: spills to managed" "$(awk '/^alloc/ {print $5" GiB managed of "$4}' <<<"$res")" \
    "$([ $rc -eq 0 ] && echo PASS || echo FAIL)"

note "(d) overhead: empty-kernel launch and 1 MiB cudaMalloc+cudaFree, 5 interleaved runs, medians"
declare -a nl na ll la
for i in 1 2 3 4 5; do
    read -r _ l _ a <<<"$(timeout 60 "$OUT/launch_bench")"; nl+=("$l"); na+=("$a")
    r=$(region)
    read -r _ l _ a <<<"$(limited "$r" CUDA_DEVICE_MEMORY_LIMIT=10g timeout 60 "$OUT/launch_bench")"; ll+=("$l"); la+=("$a")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
over() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * (b - a) / a }'; }
ml=$(over "$(median "${nl[@]}")" "$(median "${ll[@]}")"); ma=$(over "$(median "${na[@]}")" "$(median "${la[@]}")")
echo "launch us native ${nl[*]} | lib ${ll[*]}"
echo "alloc  us native ${na[*]} | lib ${la[*]}"
row "d: empty-kernel launch overhead" "+$ml% ($(median "${nl[@]}")us native)" "$(within "$ml" -100 2 && echo PASS || echo FAIL)"
row "d: 1 MiB cudaMalloc+cudaFree overhead" "+$ma% ($(median "${na[@]}")us native)" "$(within "$ma" -100 2 && echo PASS || echo FAIL)"

echo
echo "================ libvgpu GPU suite summary ================"
printf '%-46s %-28s %s\n' "check" "result" "verdict"
printf '%s\n' "${SUMMARY[@]}"
exit $fail
