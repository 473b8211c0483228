// Every allocation path against the real driver, under CUDA_DEVICE_MEMORY_LIMIT=1g (set by run.sh).
// Prints one PASS/FAIL line per path; exit status 1 on any failure.
#include <cuda.h>
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <vector>

static int failed = 0;
#define LIMIT (1ULL << 30)
#define CHECK(c, name)                                                                                     \
    do {                                                                                                   \
        bool ok_ = (c);                                                                                    \
        printf("%s %s\n", ok_ ? "PASS" : "FAIL", name);                                                    \
        if (!ok_) failed = 1;                                                                              \
    } while (0)

static size_t used_now() {
    size_t f = 0, t = 0;
    cuMemGetInfo(&f, &t);
    return t - f;
}

int main() {
    cuInit(0);
    CUdevice dev;
    CUcontext ctx;
    cuDeviceGet(&dev, 0);
    cuDevicePrimaryCtxRetain(&ctx, dev);
    cuCtxSetCurrent(ctx);
    size_t f = 0, t = 0, tm = 0;
    cuMemGetInfo(&f, &t);
    cuDeviceTotalMem(&tm, dev);
    CHECK(t == LIMIT && tm == LIMIT, "cuMemGetInfo and cuDeviceTotalMem report the 1 GiB quota");
    size_t base = used_now();

    // cuMemAlloc: 64 MiB chunks until refused.
    std::vector<CUdeviceptr> v;
    CUdeviceptr p;
    while (cuMemAlloc(&p, 64 << 20) == CUDA_SUCCESS) v.push_back(p);
    CHECK(v.size() * (64ULL << 20) + base <= LIMIT && v.size() >= 14, "cuMemAlloc stops at the quota");
    for (auto q : v) cuMemFree(q);
    v.clear();

    // cudaMalloc through the runtime (cuGetProcAddress path).
    std::vector<void *> r;
    void *rp;
    while (cudaMalloc(&rp, 64 << 20) == cudaSuccess) r.push_back(rp);
    cudaGetLastError();
    CHECK(r.size() * (64ULL << 20) <= LIMIT && r.size() >= 13, "cudaMalloc (runtime, cuGetProcAddress) stops at quota");
    for (auto q : r) cudaFree(q);

    size_t pitch;
    CHECK(cuMemAllocPitch(&p, &pitch, 1 << 16, 1 << 15, 4) == CUDA_ERROR_OUT_OF_MEMORY, "cuMemAllocPitch 2 GiB refused");
    CHECK(cuMemAllocManaged(&p, 2ULL << 30, CU_MEM_ATTACH_GLOBAL) == CUDA_ERROR_OUT_OF_MEMORY, "cuMemAllocManaged 2 GiB refused");
    CHECK(cuMemAllocAsync(&p, 2ULL << 30, 0) == CUDA_ERROR_OUT_OF_MEMORY, "cuMemAllocAsync 2 GiB refused");
    CUmemoryPool pool;
    cuDeviceGetDefaultMemPool(&pool, dev);
    CHECK(cuMemAllocFromPoolAsync(&p, 2ULL << 30, pool, 0) == CUDA_ERROR_OUT_OF_MEMORY, "cuMemAllocFromPoolAsync 2 GiB refused");
    CHECK(cuMemAllocAsync(&p, 512 << 20, 0) == CUDA_SUCCESS && cuMemFreeAsync(p, 0) == CUDA_SUCCESS &&
          cuStreamSynchronize(0) == CUDA_SUCCESS, "cuMemAllocAsync 512 MiB and free");

    CUmemAllocationProp prop;
    memset(&prop, 0, sizeof prop);
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = dev;
    size_t gran = 0;
    cuMemGetAllocationGranularity(&gran, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM);
    CUmemGenericAllocationHandle h;
    size_t big = ((2ULL << 30) + gran - 1) / gran * gran;
    CHECK(cuMemCreate(&h, big, &prop, 0) == CUDA_ERROR_OUT_OF_MEMORY, "cuMemCreate 2 GiB refused");
    size_t half = ((512ULL << 20) + gran - 1) / gran * gran;
    CHECK(cuMemCreate(&h, half, &prop, 0) == CUDA_SUCCESS && cuMemRelease(h) == CUDA_SUCCESS, "cuMemCreate 512 MiB");

    CUDA_ARRAY_DESCRIPTOR ad = {};
    ad.Width = 16384; ad.Height = 16384; ad.Format = CU_AD_FORMAT_FLOAT; ad.NumChannels = 4; // 4 GiB
    CUarray arr;
    CHECK(cuArrayCreate(&arr, &ad) == CUDA_ERROR_OUT_OF_MEMORY, "cuArrayCreate 4 GiB refused");
    CUDA_ARRAY3D_DESCRIPTOR a3 = {};
    a3.Width = 2048; a3.Height = 2048; a3.Depth = 128; a3.Format = CU_AD_FORMAT_FLOAT; a3.NumChannels = 1; // 2 GiB
    CHECK(cuArray3DCreate(&arr, &a3) == CUDA_ERROR_OUT_OF_MEMORY, "cuArray3DCreate 2 GiB refused");
    CUmipmappedArray mm;
    a3.Depth = 0; a3.Width = 16384; a3.Height = 16384; a3.NumChannels = 4;
    CHECK(cuMipmappedArrayCreate(&mm, &a3, 2) == CUDA_ERROR_OUT_OF_MEMORY, "cuMipmappedArrayCreate 5 GiB refused");
    ad.Width = 4096; ad.Height = 4096; // 256 MiB
    CHECK(cuArrayCreate(&arr, &ad) == CUDA_SUCCESS && cuArrayDestroy(arr) == CUDA_SUCCESS, "cuArrayCreate 256 MiB");

    CHECK(used_now() == base, "everything freed: usage back to the start");

    typedef int (*nvml_init_t)(void);
    typedef int (*nvml_handle_t)(unsigned, void **);
    typedef int (*nvml_mem_t)(void *, unsigned long long *);
    void *nv = dlopen("libnvidia-ml.so.1", RTLD_NOW);
    if (nv) {
        nvml_init_t init = (nvml_init_t)dlsym(nv, "nvmlInit_v2");
        nvml_handle_t byidx = (nvml_handle_t)dlsym(nv, "nvmlDeviceGetHandleByIndex_v2");
        nvml_mem_t mem = (nvml_mem_t)dlsym(nv, "nvmlDeviceGetMemoryInfo");
        void *nh = 0;
        unsigned long long m[3] = {0, 0, 0};
        init();
        byidx(0, &nh);
        CHECK(mem(nh, m) == 0 && m[0] == LIMIT, "nvmlDeviceGetMemoryInfo reports the quota");
    }
    return failed;
}
