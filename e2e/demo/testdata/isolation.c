/*
 * The workload of the isolation test: it finds the CUDA driver the way an
 * application does (dlopen + dlsym), asks how much memory the device has,
 * then allocates half of that and then more than all of it. Inside a pod
 * that hami-core limits, the answers must be the pod's quota, not the
 * device's. Prints one line: ISOLATION {json}.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;

#define LOAD(h, name, type) ((type)dlsym((h), (name)))

int main(void)
{
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        printf("ISOLATION {\"error\":\"dlopen libcuda.so.1: %s\"}\n", dlerror());
        return 1;
    }
    CUresult (*init)(unsigned int) = LOAD(h, "cuInit", CUresult (*)(unsigned int));
    CUresult (*get)(CUdevice *, int) = LOAD(h, "cuDeviceGet", CUresult (*)(CUdevice *, int));
    CUresult (*retain)(CUcontext *, CUdevice) = LOAD(h, "cuDevicePrimaryCtxRetain", CUresult (*)(CUcontext *, CUdevice));
    CUresult (*current)(CUcontext) = LOAD(h, "cuCtxSetCurrent", CUresult (*)(CUcontext));
    CUresult (*total_mem)(size_t *, CUdevice) = LOAD(h, "cuDeviceTotalMem_v2", CUresult (*)(size_t *, CUdevice));
    CUresult (*mem_info)(size_t *, size_t *) = LOAD(h, "cuMemGetInfo_v2", CUresult (*)(size_t *, size_t *));
    CUresult (*alloc)(CUdeviceptr *, size_t) = LOAD(h, "cuMemAlloc_v2", CUresult (*)(CUdeviceptr *, size_t));
    if (!init || !get || !retain || !current || !total_mem || !mem_info || !alloc) {
        printf("ISOLATION {\"error\":\"a driver entry point is missing\"}\n");
        return 1;
    }
    CUdevice dev;
    CUcontext ctx;
    size_t total = 0, free_mem = 0, info_total = 0;
    CUdeviceptr half_ptr = 0, past_ptr = 0;
    CUresult r = init(0);
    if (r == 0) r = get(&dev, 0);
    if (r == 0) r = retain(&ctx, dev);
    if (r == 0) r = current(ctx);
    if (r == 0) r = total_mem(&total, dev);
    if (r == 0) r = mem_info(&free_mem, &info_total);
    if (r != 0) {
        printf("ISOLATION {\"error\":\"driver setup failed: %d\"}\n", r);
        return 1;
    }
    CUresult half = alloc(&half_ptr, total / 2);
    CUresult past = alloc(&past_ptr, total / 2 + (64u << 20));
    printf("ISOLATION {\"totalMiB\":%zu,\"memGetInfoTotalMiB\":%zu,\"allocHalf\":%d,\"allocPast\":%d}\n",
           total >> 20, info_total >> 20, half, past);
    fflush(stdout);
    return 0;
}
