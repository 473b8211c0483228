/* Driver entry points the tests call (the wrapped ones come from src/wrappers.h) and mock helpers. */
#ifndef HAMI_TEST_DRIVER_API_H
#define HAMI_TEST_DRIVER_API_H

#include "hami_cuda_abi.h"
#include "hami_nvml_abi.h"
#include "wrappers.h"

CUresult cuInit(unsigned int);
CUresult cuDeviceGet(CUdevice *, int);
CUresult cuDeviceGetCount(int *);
CUresult cuDevicePrimaryCtxRetain(CUcontext *, CUdevice);
CUresult cuCtxSetCurrent(CUcontext);
CUresult cuCtxGetCurrent(CUcontext *);
CUresult cuDeviceGetDefaultMemPool(CUmemoryPool *, CUdevice);
CUresult cuMemMap(CUdeviceptr, size_t, size_t, CUmemGenericAllocationHandle, unsigned long long);
CUresult cuCtxCreate_v2(CUcontext *, unsigned, CUdevice);
CUresult cuStreamCreate(CUstream *, unsigned);
CUresult cuStreamSynchronize(CUstream);
CUresult cuEventSynchronize(CUevent);
nvmlReturn_t nvmlInit_v2(void);
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int, nvmlDevice_t *);

long mock_launch_count(int kind);
uint64_t mock_device_used(int ordinal);
CUdeviceptr mock_alloc_untracked(size_t size);
uint64_t mock_managed_used(void);
uint64_t mock_sim_tenant_busy(int phys, const char *tag);
void *mock_symbol(const char *name);

/* Make device `ordinal`'s primary context current. */
static inline void use_device(int ordinal)
{
    CUdevice d;
    CUcontext c;
    cuInit(0);
    cuDeviceGet(&d, ordinal);
    cuDevicePrimaryCtxRetain(&c, d);
    cuCtxSetCurrent(c);
}

#endif
