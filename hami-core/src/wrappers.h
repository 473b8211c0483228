/* Prototypes of every exported wrapper: the compiler checks each definition against its ABI signature. */
#ifndef HAMI_WRAPPERS_H
#define HAMI_WRAPPERS_H

#include "hami_cuda_abi.h"
#include "hami_nvml_abi.h"

#define HAMI_WRAPPER_LIST(X)                                                                                 \
    X(cuMemAlloc_v2)                                                                                         \
    X(cuMemAllocPitch_v2)                                                                                    \
    X(cuMemAllocManaged)                                                                                     \
    X(cuMemAllocAsync)                                                                                       \
    X(cuMemAllocAsync_ptsz)                                                                                  \
    X(cuMemAllocFromPoolAsync)                                                                               \
    X(cuMemAllocFromPoolAsync_ptsz)                                                                          \
    X(cuMemFree_v2)                                                                                          \
    X(cuMemFreeAsync)                                                                                        \
    X(cuMemFreeAsync_ptsz)                                                                                   \
    X(cuMemCreate)                                                                                           \
    X(cuMemRelease)                                                                                          \
    X(cuArrayCreate_v2)                                                                                      \
    X(cuArray3DCreate_v2)                                                                                    \
    X(cuArrayDestroy)                                                                                        \
    X(cuMipmappedArrayCreate)                                                                                \
    X(cuMipmappedArrayDestroy)                                                                               \
    X(cuMemGetInfo_v2)                                                                                       \
    X(cuDeviceTotalMem_v2)                                                                                   \
    X(cuLaunchKernel)                                                                                        \
    X(cuLaunchKernel_ptsz)                                                                                   \
    X(cuLaunchKernelEx)                                                                                      \
    X(cuLaunchKernelEx_ptsz)                                                                                 \
    X(cuLaunchCooperativeKernel)                                                                             \
    X(cuLaunchCooperativeKernel_ptsz)                                                                        \
    X(cuGraphLaunch)                                                                                         \
    X(cuGraphLaunch_ptsz)                                                                                    \
    X(cuGetProcAddress)                                                                                      \
    X(cuGetProcAddress_v2)                                                                                   \
    X(nvmlDeviceGetMemoryInfo)                                                                               \
    X(nvmlDeviceGetMemoryInfo_v2)

CUresult cuMemAlloc_v2(CUdeviceptr *, size_t);
CUresult cuMemAllocPitch_v2(CUdeviceptr *, size_t *, size_t, size_t, unsigned int);
CUresult cuMemAllocManaged(CUdeviceptr *, size_t, unsigned int);
CUresult cuMemAllocAsync(CUdeviceptr *, size_t, CUstream);
CUresult cuMemAllocAsync_ptsz(CUdeviceptr *, size_t, CUstream);
CUresult cuMemAllocFromPoolAsync(CUdeviceptr *, size_t, CUmemoryPool, CUstream);
CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *, size_t, CUmemoryPool, CUstream);
CUresult cuMemFree_v2(CUdeviceptr);
CUresult cuMemFreeAsync(CUdeviceptr, CUstream);
CUresult cuMemFreeAsync_ptsz(CUdeviceptr, CUstream);
CUresult cuMemCreate(CUmemGenericAllocationHandle *, size_t, const CUmemAllocationProp *, unsigned long long);
CUresult cuMemRelease(CUmemGenericAllocationHandle);
CUresult cuArrayCreate_v2(CUarray *, const CUDA_ARRAY_DESCRIPTOR *);
CUresult cuArray3DCreate_v2(CUarray *, const CUDA_ARRAY3D_DESCRIPTOR *);
CUresult cuArrayDestroy(CUarray);
CUresult cuMipmappedArrayCreate(CUmipmappedArray *, const CUDA_ARRAY3D_DESCRIPTOR *, unsigned int);
CUresult cuMipmappedArrayDestroy(CUmipmappedArray);
CUresult cuMemGetInfo_v2(size_t *, size_t *);
CUresult cuDeviceTotalMem_v2(size_t *, CUdevice);
CUresult cuLaunchKernel(CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,
                        unsigned int, unsigned int, CUstream, void **, void **);
CUresult cuLaunchKernel_ptsz(CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,
                             unsigned int, unsigned int, CUstream, void **, void **);
CUresult cuLaunchKernelEx(const CUlaunchConfig *, CUfunction, void **, void **);
CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *, CUfunction, void **, void **);
CUresult cuLaunchCooperativeKernel(CUfunction, unsigned int, unsigned int, unsigned int, unsigned int,
                                   unsigned int, unsigned int, unsigned int, CUstream, void **);
CUresult cuLaunchCooperativeKernel_ptsz(CUfunction, unsigned int, unsigned int, unsigned int, unsigned int,
                                        unsigned int, unsigned int, unsigned int, CUstream, void **);
CUresult cuGraphLaunch(CUgraphExec, CUstream);
CUresult cuGraphLaunch_ptsz(CUgraphExec, CUstream);
CUresult cuGetProcAddress(const char *, void **, int, cuuint64_t);
CUresult cuGetProcAddress_v2(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t, nvmlMemory_t *);
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t, nvmlMemory_v2_t *);

#endif
