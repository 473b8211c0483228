/*
 * The real driver and NVML entry points libvgpu forwards to, resolved from
 * libcuda.so.1 / libnvidia-ml.so.1 with the real dlsym (never through our own
 * interposed one, so our wrappers are never returned to ourselves).
 */
#ifndef HAMI_REAL_H
#define HAMI_REAL_H

#include "hami_cuda_abi.h"
#include "hami_nvml_abi.h"

#define HAMI_CUDA_API(X)                                                                                     \
    X(cuInit_fn, cuInit)                                                                                     \
    X(cuDeviceGetCount_fn, cuDeviceGetCount)                                                                 \
    X(cuDeviceGet_fn, cuDeviceGet)                                                                           \
    X(cuDeviceGetUuid_fn, cuDeviceGetUuid)                                                                   \
    X(cuDeviceTotalMem_fn, cuDeviceTotalMem_v2)                                                              \
    X(cuCtxGetDevice_fn, cuCtxGetDevice)                                                                     \
    X(cuCtxGetCurrent_fn, cuCtxGetCurrent)                                                                   \
    X(cuMemGetInfo_fn, cuMemGetInfo_v2)                                                                      \
    X(cuMemAlloc_fn, cuMemAlloc_v2)                                                                          \
    X(cuMemAllocPitch_fn, cuMemAllocPitch_v2)                                                                \
    X(cuMemAllocManaged_fn, cuMemAllocManaged)                                                               \
    X(cuMemAllocAsync_fn, cuMemAllocAsync)                                                                   \
    X(cuMemAllocAsync_fn, cuMemAllocAsync_ptsz)                                                              \
    X(cuMemAllocFromPoolAsync_fn, cuMemAllocFromPoolAsync)                                                   \
    X(cuMemAllocFromPoolAsync_fn, cuMemAllocFromPoolAsync_ptsz)                                              \
    X(cuMemFree_fn, cuMemFree_v2)                                                                            \
    X(cuMemFreeAsync_fn, cuMemFreeAsync)                                                                     \
    X(cuMemFreeAsync_fn, cuMemFreeAsync_ptsz)                                                                \
    X(cuMemCreate_fn, cuMemCreate)                                                                           \
    X(cuMemRelease_fn, cuMemRelease)                                                                         \
    X(cuArrayCreate_fn, cuArrayCreate_v2)                                                                    \
    X(cuArray3DCreate_fn, cuArray3DCreate_v2)                                                                \
    X(cuArrayDestroy_fn, cuArrayDestroy)                                                                     \
    X(cuMipmappedArrayCreate_fn, cuMipmappedArrayCreate)                                                     \
    X(cuMipmappedArrayDestroy_fn, cuMipmappedArrayDestroy)                                                   \
    X(cuPointerGetAttribute_fn, cuPointerGetAttribute)                                                       \
    X(cuLaunchKernel_fn, cuLaunchKernel)                                                                     \
    X(cuLaunchKernel_fn, cuLaunchKernel_ptsz)                                                                \
    X(cuLaunchKernelEx_fn, cuLaunchKernelEx)                                                                 \
    X(cuLaunchKernelEx_fn, cuLaunchKernelEx_ptsz)                                                            \
    X(cuLaunchCooperativeKernel_fn, cuLaunchCooperativeKernel)                                               \
    X(cuLaunchCooperativeKernel_fn, cuLaunchCooperativeKernel_ptsz)                                          \
    X(cuGraphLaunch_fn, cuGraphLaunch)                                                                       \
    X(cuGraphLaunch_fn, cuGraphLaunch_ptsz)                                                                  \
    X(cuEventCreate_fn, cuEventCreate)                                                                       \
    X(cuEventDestroy_fn, cuEventDestroy_v2)                                                                  \
    X(cuEventRecord_fn, cuEventRecord)                                                                       \
    X(cuEventQuery_fn, cuEventQuery)                                                                         \
    X(cuEventElapsedTime_fn, cuEventElapsedTime)                                                             \
    X(cuStreamIsCapturing_fn, cuStreamIsCapturing)                                                           \
    X(cuStreamQuery_fn, cuStreamQuery)                                                                       \
    X(cuGetProcAddress_fn, cuGetProcAddress)                                                                 \
    X(cuGetProcAddress_v2_fn, cuGetProcAddress_v2)

#define HAMI_NVML_API(X)                                                                                     \
    X(nvmlInit_v2_fn, nvmlInit_v2)                                                                           \
    X(nvmlDeviceGetCount_v2_fn, nvmlDeviceGetCount_v2)                                                       \
    X(nvmlDeviceGetHandleByIndex_v2_fn, nvmlDeviceGetHandleByIndex_v2)                                       \
    X(nvmlDeviceGetIndex_fn, nvmlDeviceGetIndex)                                                             \
    X(nvmlDeviceGetUUID_fn, nvmlDeviceGetUUID)                                                               \
    X(nvmlDeviceGetMemoryInfo_fn, nvmlDeviceGetMemoryInfo)                                                   \
    X(nvmlDeviceGetMemoryInfo_v2_fn, nvmlDeviceGetMemoryInfo_v2)                                             \
    X(nvmlDeviceGetComputeRunningProcesses_fn, nvmlDeviceGetComputeRunningProcesses_v3)                      \
    X(nvmlDeviceGetUtilizationRates_fn, nvmlDeviceGetUtilizationRates)

#define HAMI_DECLARE_FIELD(type, name) type name;
struct hami_cuda_api {
    HAMI_CUDA_API(HAMI_DECLARE_FIELD)
};
struct hami_nvml_api {
    HAMI_NVML_API(HAMI_DECLARE_FIELD)
};
#undef HAMI_DECLARE_FIELD

/* The libc dlsym, found with dlvsym so our exported dlsym is bypassed. */
void *hami_real_dlsym(void *handle, const char *name);

/* 0 when libcuda.so.1 was found; missing entry points stay NULL. */
int hami_cuda_load(struct hami_cuda_api *api);
/* 0 when libnvidia-ml.so.1 was found and nvmlInit_v2 succeeded. */
int hami_nvml_load(struct hami_nvml_api *api);
/* Address of the real driver function named `name` (for cuGetProcAddress matching). */
void *hami_cuda_real_symbol(const char *name);

#endif
