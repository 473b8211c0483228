/* Memory accounting through every allocation API, against the mock driver. */
#include "check.h"
#include "driver_api.h"

static size_t free_now(void)
{
    size_t f = 0, t = 0;
    cuMemGetInfo_v2(&f, &t);
    return f;
}

static void linear_alloc(void)
{
    use_device(0);
    CUdeviceptr a = 0, b = 0;
    CHECK(cuMemAlloc_v2(&a, 60 * MB) == CUDA_SUCCESS, "60 MiB of 64 fits");
    CHECK(cuMemAlloc_v2(&b, 8 * MB) == CUDA_ERROR_OUT_OF_MEMORY, "68 MiB exceeds the quota");
    CHECK(mock_device_used(0) == 60 * MB, "a refused allocation never reaches the driver");
    CHECK(cuMemFree_v2(a) == CUDA_SUCCESS, "free");
    CHECK(cuMemAlloc_v2(&b, 64 * MB) == CUDA_SUCCESS, "the whole quota after the free");
    CHECK(cuMemAlloc_v2(&a, 1) == CUDA_ERROR_OUT_OF_MEMORY, "one byte more");
    CHECK(cuMemFree_v2(b) == CUDA_SUCCESS && free_now() == 64 * MB, "all back: %zu", free_now());
}

static void pitch_alloc(void)
{
    use_device(0);
    CUdeviceptr a = 0;
    size_t pitch = 0;
    CHECK(cuMemAllocPitch_v2(&a, &pitch, 1000, 1000, 4) == CUDA_SUCCESS, "pitched alloc");
    CHECK(pitch == 1024 && free_now() == 64 * MB - pitch * 1000, "charged pitch*height: free %zu", free_now());
    CHECK(cuMemAllocPitch_v2(&a, &pitch, 1024, 64 * 1024, 4) == CUDA_ERROR_OUT_OF_MEMORY, "over quota");
}

static void managed_alloc(void)
{
    use_device(0);
    CUdeviceptr a = 0, b = 0;
    CHECK(cuMemAllocManaged(&a, 48 * MB, 1) == CUDA_SUCCESS, "managed");
    CHECK(cuMemAllocManaged(&b, 32 * MB, 1) == CUDA_ERROR_OUT_OF_MEMORY, "managed over quota");
    CHECK(cuMemFree_v2(a) == CUDA_SUCCESS && free_now() == 64 * MB, "managed freed");
}

static void async_alloc(void)
{
    use_device(0);
    CUdeviceptr a = 0, b = 0, c = 0;
    CHECK(cuMemAllocAsync(&a, 32 * MB, NULL) == CUDA_SUCCESS, "async");
    CHECK(cuMemAllocAsync_ptsz(&b, 32 * MB, NULL) == CUDA_SUCCESS, "async ptsz");
    CHECK(cuMemAllocAsync(&c, 1 * MB, NULL) == CUDA_ERROR_OUT_OF_MEMORY, "async over quota");
    CHECK(cuMemAllocAsync_ptsz(&c, 1 * MB, NULL) == CUDA_ERROR_OUT_OF_MEMORY, "async ptsz over quota");
    CHECK(cuMemFreeAsync(a, NULL) == CUDA_SUCCESS && cuMemFreeAsync_ptsz(b, NULL) == CUDA_SUCCESS, "async frees");
    CHECK(free_now() == 64 * MB, "async all back: %zu", free_now());
}

static void pool_alloc(void)
{
    use_device(0);
    CUmemoryPool pool;
    CUdeviceptr a = 0, c = 0;
    cuDeviceGetDefaultMemPool(&pool, 0);
    CHECK(cuMemAllocFromPoolAsync(&a, 40 * MB, pool, NULL) == CUDA_SUCCESS, "pool");
    CHECK(cuMemAllocFromPoolAsync(&c, 40 * MB, pool, NULL) == CUDA_ERROR_OUT_OF_MEMORY, "pool over quota");
    CHECK(cuMemAllocFromPoolAsync_ptsz(&c, 40 * MB, pool, NULL) == CUDA_ERROR_OUT_OF_MEMORY, "pool ptsz over");
    CHECK(cuMemFreeAsync(a, NULL) == CUDA_SUCCESS && free_now() == 64 * MB, "pool freed");
}

/* Per-device limits: an allocation from device 1's pool made while device 0 is current
 * is charged to device 1, and freed back to it from any context. */
static void async_right_device(void)
{
    use_device(1);
    CUmemoryPool pool1;
    CUdeviceptr a = 0, b = 0;
    cuDeviceGetDefaultMemPool(&pool1, 1);
    CHECK(cuMemAllocAsync(&a, 20 * MB, NULL) == CUDA_SUCCESS, "async on device 1");
    use_device(0);
    CHECK(cuMemAllocFromPoolAsync(&b, 10 * MB, pool1, NULL) == CUDA_SUCCESS, "device 1 pool from device 0");
    CHECK(free_now() == 64 * MB, "device 0 not charged: %zu", free_now());
    CHECK(cuMemFreeAsync(a, NULL) == CUDA_SUCCESS, "free device 1 memory while device 0 is current");
    CHECK(free_now() == 64 * MB, "device 0 still not charged");
    use_device(1);
    CHECK(free_now() == 32 * MB - 10 * MB, "device 1 got the free back: %zu", free_now());
    CHECK(cuMemFreeAsync(b, NULL) == CUDA_SUCCESS && free_now() == 32 * MB, "device 1 empty");
}

static void vmm_alloc(void)
{
    use_device(0);
    CUmemAllocationProp prop;
    memset(&prop, 0, sizeof prop);
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = 0;
    CUmemGenericAllocationHandle h1 = 0, h2 = 0;
    CHECK(cuMemCreate(&h1, 48 * MB, &prop, 0) == CUDA_SUCCESS, "cuMemCreate");
    CHECK(cuMemMap(0x1000000, 48 * MB, 0, h1, 0) == CUDA_SUCCESS, "cuMemMap only maps");
    CHECK(free_now() == 16 * MB, "charged once, at create: %zu", free_now());
    CHECK(cuMemCreate(&h2, 32 * MB, &prop, 0) == CUDA_ERROR_OUT_OF_MEMORY, "cuMemCreate over quota");
    CHECK(cuMemRelease(h1) == CUDA_SUCCESS && free_now() == 64 * MB, "cuMemRelease gives it back");
}

static void arrays(void)
{
    use_device(0);
    CUDA_ARRAY_DESCRIPTOR d2 = {.Width = 2048, .Height = 2048, .Format = CU_AD_FORMAT_FLOAT, .NumChannels = 4};
    CUDA_ARRAY3D_DESCRIPTOR d3 = {.Width = 256, .Height = 256, .Depth = 256, .Format = CU_AD_FORMAT_HALF,
                                  .NumChannels = 2};
    CUarray a = NULL, b = NULL;
    CHECK(cuArrayCreate_v2(&a, &d2) == CUDA_SUCCESS, "64 MiB 2D array fits exactly");
    CHECK(free_now() == 0, "charged 64 MiB: free %zu", free_now());
    CHECK(cuArray3DCreate_v2(&b, &d3) == CUDA_ERROR_OUT_OF_MEMORY, "3D array over quota");
    CHECK(cuArrayDestroy(a) == CUDA_SUCCESS && free_now() == 64 * MB, "array destroyed");
    CHECK(cuArray3DCreate_v2(&b, &d3) == CUDA_SUCCESS && free_now() == 0, "64 MiB 3D array");
    CHECK(cuArrayDestroy(b) == CUDA_SUCCESS && free_now() == 64 * MB, "3D array destroyed");
}

static void mipmaps(void)
{
    use_device(0);
    /* 2048^2 float4 = 64 MiB at level 0; the whole chain is ~85 MiB. */
    CUDA_ARRAY3D_DESCRIPTOR d = {.Width = 2048, .Height = 2048, .Format = CU_AD_FORMAT_FLOAT, .NumChannels = 4};
    CUmipmappedArray m = NULL;
    CHECK(cuMipmappedArrayCreate(&m, &d, 1) == CUDA_SUCCESS && free_now() == 0, "one level: 64 MiB");
    CHECK(cuMipmappedArrayDestroy(m) == CUDA_SUCCESS && free_now() == 64 * MB, "destroyed");
    CHECK(cuMipmappedArrayCreate(&m, &d, 3) == CUDA_ERROR_OUT_OF_MEMORY, "three levels exceed 64 MiB");
}

static void quota_reported(void)
{
    use_device(0);
    size_t f = 0, t = 0, total = 0;
    CUdeviceptr a;
    CHECK(cuMemGetInfo_v2(&f, &t) == CUDA_SUCCESS && t == 64 * MB && f == 64 * MB, "meminfo %zu/%zu", f, t);
    CHECK(cuDeviceTotalMem_v2(&total, 0) == CUDA_SUCCESS && total == 64 * MB, "total mem %zu", total);
    cuMemAlloc_v2(&a, 24 * MB);
    nvmlDevice_t h;
    nvmlMemory_t m1;
    nvmlMemory_v2_t m2 = {.version = nvmlMemory_v2};
    nvmlInit_v2();
    nvmlDeviceGetHandleByIndex_v2(0, &h);
    CHECK(nvmlDeviceGetMemoryInfo(h, &m1) == NVML_SUCCESS, "nvml v1");
    CHECK(m1.total == 64 * MB && m1.used == 24 * MB && m1.free == 40 * MB, "nvml v1 %llu %llu %llu", m1.total,
          m1.used, m1.free);
    CHECK(nvmlDeviceGetMemoryInfo_v2(h, &m2) == NVML_SUCCESS, "nvml v2");
    CHECK(m2.total == 64 * MB && m2.used == 24 * MB && m2.free == 40 * MB, "nvml v2 %llu %llu %llu", m2.total,
          m2.used, m2.free);
}

/* A quota larger than the device reports the device. */
static void never_more_than_physical(void)
{
    use_device(0);
    size_t f = 0, t = 0, total = 0;
    CHECK(cuMemGetInfo_v2(&f, &t) == CUDA_SUCCESS && t == 256 * MB && f == 256 * MB, "meminfo %zu/%zu", f, t);
    CHECK(cuDeviceTotalMem_v2(&total, 0) == CUDA_SUCCESS && total == 256 * MB, "total %zu", total);
    nvmlDevice_t h;
    nvmlMemory_t m;
    nvmlInit_v2();
    nvmlDeviceGetHandleByIndex_v2(0, &h);
    CHECK(nvmlDeviceGetMemoryInfo(h, &m) == NVML_SUCCESS && m.total == 256 * MB, "nvml total %llu", m.total);
}

static void untracked_free_reaches_driver(void)
{
    use_device(0);
    CUdeviceptr p = mock_alloc_untracked(8 * MB);
    CHECK(p != 0 && mock_device_used(0) == 8 * MB, "allocated behind libvgpu's back");
    CHECK(cuMemFree_v2(p) == CUDA_SUCCESS && mock_device_used(0) == 0, "the driver freed it");
    CHECK(free_now() == 64 * MB, "accounting untouched: %zu", free_now());
    CHECK(cuMemFree_v2(0xdead000) == CUDA_ERROR_INVALID_VALUE, "the driver's error for a bad pointer");
}

static void context_overhead(void)
{
    use_device(0);
    CUdeviceptr a;
    CHECK(cuMemAlloc_v2(&a, 56 * MB) == CUDA_ERROR_OUT_OF_MEMORY, "16 MiB context + 56 MiB > 64 MiB");
    CHECK(cuMemAlloc_v2(&a, 48 * MB) == CUDA_SUCCESS, "16 MiB context + 48 MiB fits");
    CHECK(free_now() == 0, "context overhead reported as used: free %zu", free_now());
}

static void limit_suffixes(void)
{
    use_device(0);
    size_t total = 0;
    cuDeviceTotalMem_v2(&total, 0);
    CHECK(total == 1536 * 1024, "1536k: %zu", total);
}

static void no_limit_passthrough(void)
{
    use_device(0);
    CUdeviceptr a;
    size_t f, t;
    CHECK(cuMemAlloc_v2(&a, 100 * MB) == CUDA_SUCCESS, "no limit");
    CHECK(cuMemGetInfo_v2(&f, &t) == CUDA_SUCCESS && t == 256 * MB && f == 156 * MB, "driver's numbers %zu", f);
}

/* The operator's limits file wins over the pod's environment, which asks for 1 GiB. */
static void file_quota_beats_env(void)
{
    use_limits_file("version=1\nmemory=64m\n");
    use_device(0);
    size_t f, t;
    cuMemGetInfo_v2(&f, &t);
    CHECK(t == 64 * MB, "the file's quota is reported: %zu", t);
    CUdeviceptr p;
    CHECK(cuMemAlloc_v2(&p, 60 * MB) == CUDA_SUCCESS, "60 MiB of 64");
    CHECK(cuMemAlloc_v2(&p, 8 * MB) == CUDA_ERROR_OUT_OF_MEMORY, "the file's quota is enforced");
}

/* Memory scaling 2 on a 16 GiB device: a 24 GiB quota allocates 24 GiB, the part beyond the
 * device through managed memory; the quota is what every query reports. */
static void oversubscribed(void)
{
    use_limits_file("version=1\nmemory=24g\noversubscribe=true\n");
    use_device(0);
    size_t f = 0, t = 0;
    cuMemGetInfo_v2(&f, &t);
    CHECK(t == 24ULL << 30 && f == 24ULL << 30, "cuMemGetInfo reports the quota: %zu / %zu", f, t);
    CUdevice d;
    cuDeviceGet(&d, 0);
    size_t total = 0;
    cuDeviceTotalMem_v2(&total, d);
    CHECK(total == 24ULL << 30, "cuDeviceTotalMem reports the quota: %zu", total);
    CUdeviceptr p[24];
    int got = 0;
    for (int i = 0; i < 24; i++)
        got += cuMemAlloc_v2(&p[i], 1ULL << 30) == CUDA_SUCCESS;
    CHECK(got == 24, "24 x 1 GiB allocated (%d)", got);
    CHECK(mock_device_used(0) == 16ULL << 30, "16 GiB on the device: %llu", (unsigned long long)mock_device_used(0));
    CHECK(mock_managed_used() == 8ULL << 30, "8 GiB managed: %llu", (unsigned long long)mock_managed_used());
    CUdeviceptr q;
    CHECK(cuMemAlloc_v2(&q, 1 * MB) == CUDA_ERROR_OUT_OF_MEMORY, "the quota still holds");
    cuMemGetInfo_v2(&f, &t);
    CHECK(f == 0, "nothing left: %zu", f);
    for (int i = 0; i < 24; i++)
        CHECK(cuMemFree_v2(p[i]) == CUDA_SUCCESS, "free %d", i);
    CHECK(mock_managed_used() == 0 && mock_device_used(0) == 0, "all returned");
    CHECK(cuMemAlloc_v2(&q, 20ULL << 30) == CUDA_SUCCESS, "20 GiB in one piece after the frees");
}

static void oversubscribed_env(void)
{
    use_device(0);
    CUdeviceptr p;
    int got = 0;
    for (int i = 0; i < 24; i++)
        got += cuMemAlloc_v2(&p, 1ULL << 30) == CUDA_SUCCESS;
    CHECK(got == 24 && mock_managed_used() == 8ULL << 30, "24 GiB, 8 of them managed (%d)", got);
}

/* Without oversubscription the device's size is a ceiling whatever the quota. */
static void not_oversubscribed(void)
{
    use_limits_file("version=1\nmemory=24g\n");
    use_device(0);
    size_t f = 0, t = 0;
    cuMemGetInfo_v2(&f, &t);
    CHECK(t == 16ULL << 30, "the device, not the quota: %zu", t);
    CUdeviceptr q;
    CHECK(cuMemAlloc_v2(&q, 17ULL << 30) == CUDA_ERROR_OUT_OF_MEMORY, "no spill");
    CHECK(mock_managed_used() == 0, "nothing managed");
}

int main(void)
{
    static const char *const lim64[] = {"CUDA_DEVICE_MEMORY_LIMIT=64m", NULL};
    static const char *const two[] = {"MOCK_CUDA_DEVICES=2", "CUDA_DEVICE_MEMORY_LIMIT_0=64m",
                                      "CUDA_DEVICE_MEMORY_LIMIT_1=32m", NULL};
    static const char *const small_gpu[] = {"MOCK_CUDA_TOTAL_MEM=256m", "CUDA_DEVICE_MEMORY_LIMIT=4g", NULL};
    static const char *const ctx[] = {"CUDA_DEVICE_MEMORY_LIMIT=64m", "HAMI_CONTEXT_OVERHEAD=16m", NULL};
    static const char *const kib[] = {"CUDA_DEVICE_MEMORY_LIMIT=1536k", NULL};
    static const char *const none[] = {"MOCK_CUDA_TOTAL_MEM=256m", NULL};
    run_case("memory: cuMemAlloc_v2 refused above quota", linear_alloc, lim64);
    run_case("memory: cuMemAllocPitch_v2 charged pitch*height, refused above quota", pitch_alloc, lim64);
    run_case("memory: cuMemAllocManaged refused above quota", managed_alloc, lim64);
    run_case("memory: cuMemAllocAsync(_ptsz) refused above quota", async_alloc, lim64);
    run_case("memory: cuMemAllocFromPoolAsync(_ptsz) refused above quota", pool_alloc, lim64);
    run_case("memory: async frees and pool allocations charged to the right device", async_right_device, two);
    run_case("memory: cuMemCreate/cuMemRelease refused above quota", vmm_alloc, lim64);
    run_case("memory: cuArrayCreate/cuArray3DCreate refused above quota", arrays, lim64);
    run_case("memory: cuMipmappedArrayCreate refused above quota", mipmaps, lim64);
    run_case("memory: cuMemGetInfo, cuDeviceTotalMem and NVML report the quota", quota_reported, lim64);
    run_case("memory: reports never exceed the physical device", never_more_than_physical, small_gpu);
    run_case("memory: free of an untracked pointer reaches the driver", untracked_free_reaches_driver, lim64);
    run_case("memory: context overhead counts against the quota", context_overhead, ctx);
    run_case("memory: limit with k suffix", limit_suffixes, kib);
    run_case("memory: no limit passes everything through", no_limit_passthrough, none);
    static const char *const env1g[] = {"CUDA_DEVICE_MEMORY_LIMIT=1g", NULL};
    run_case("memory: the limits file's quota wins over the environment's", file_quota_beats_env, env1g);
    static const char *const gpu16[] = {"MOCK_CUDA_TOTAL_MEM=16g", NULL};
    run_case("memory: oversubscribed 24 GiB quota on a 16 GiB device: 8 GiB spill to managed memory",
             oversubscribed, gpu16);
    run_case("memory: without oversubscription the device is the ceiling", not_oversubscribed, gpu16);
    static const char *const envover[] = {"MOCK_CUDA_TOTAL_MEM=16g", "CUDA_DEVICE_MEMORY_LIMIT=24g",
                                          "CUDA_OVERSUBSCRIBE=true", NULL};
    run_case("memory: CUDA_OVERSUBSCRIBE=true (no limits file) spills too", oversubscribed_env, envover);
    return finish();
}
