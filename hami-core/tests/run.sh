#!/bin/sh
# Runs the CPU suite: tests/run.sh BUILD_DIR PRELOAD. Prints one PASS/FAIL line per
# case and ends with "N passed, M failed"; exits non-zero on any failure.
set -u
build=$1
preload=$2
here=$(dirname "$0")
pass=0
export LD_LIBRARY_PATH="$build/test${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" # where the driver libraries live
fail=0

tally() { # name rc output
    printf '%s\n' "$3"
    p=$(printf '%s\n' "$3" | grep -c '^PASS')
    f=$(printf '%s\n' "$3" | grep -c '^FAIL')
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $1 (exit status $2)"
        f=1
    fi
    pass=$((pass + p))
    fail=$((fail + f))
}

if out=$("$here/check_exports.sh" "$build/libvgpu.so" 2>&1); then
    tally exports 0 "PASS exports: only cu*, nvml* and dlsym"
else
    tally exports 1 "FAIL exports: $out"
fi

if grep -q HAMI_TEST_ "$build/libvgpu.so"; then
    tally hooks 1 "FAIL hooks: the shipped library reads a HAMI_TEST_ variable"
else
    tally hooks 0 "PASS hooks: the shipped library has no test hooks"
fi

out=$("$build/test/test_units" 2>&1); tally test_units $? "$out"
for t in test_memory test_devmap test_multiproc test_resolve test_compute test_share; do
    out=$(LD_PRELOAD="$preload" "$build/test/$t" 2>&1)
    tally "$t" $? "$out"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
