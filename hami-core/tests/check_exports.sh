#!/bin/sh
# libvgpu.so must export the cu* and nvml* wrappers and dlsym, and nothing else.
set -u
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '{print $3}')
extra=$(printf '%s\n' "$syms" | grep -vE '^(cu[A-Za-z0-9_]+|nvml[A-Za-z0-9_]+|dlsym)$' || true)
if [ -n "$extra" ]; then
    echo "unexpected exports: $extra"
    exit 1
fi
for s in dlsym cuMemAlloc_v2 cuGetProcAddress_v2 cuLaunchKernel_ptsz nvmlDeviceGetMemoryInfo_v2; do
    printf '%s\n' "$syms" | grep -qx "$s" || { echo "missing export: $s"; exit 1; }
done
