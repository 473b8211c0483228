/* CUDA_DEVICE_MEMORY_LIMIT_<i> follows the container's device list whatever CUDA_VISIBLE_DEVICES does. */
#include "check.h"
#include "driver_api.h"

#include "../tests/mock/mock_common.h"

static size_t total_of(int ordinal)
{
    size_t t = 0;
    cuDeviceTotalMem_v2(&t, ordinal);
    return t;
}

static size_t meminfo_total(int ordinal)
{
    size_t f = 0, t = 0;
    use_device(ordinal);
    cuMemGetInfo_v2(&f, &t);
    return t;
}

static void identity(void)
{
    cuInit(0);
    CHECK(total_of(0) == 100 * MB && total_of(1) == 200 * MB && total_of(2) == 300 * MB, "%zu %zu %zu",
          total_of(0), total_of(1), total_of(2));
}

static void reordered(void)
{
    int n = 0;
    cuInit(0);
    cuDeviceGetCount(&n);
    CHECK(n == 2, "two visible devices: %d", n);
    CHECK(total_of(0) == 300 * MB && total_of(1) == 100 * MB, "2,0 -> %zu %zu", total_of(0), total_of(1));
    CHECK(meminfo_total(0) == 300 * MB && meminfo_total(1) == 100 * MB, "cuMemGetInfo follows");
    /* Charges land on the container device: fill CUDA device 1 (= container device 0). */
    CUdeviceptr a;
    use_device(1);
    CHECK(cuMemAlloc_v2(&a, 100 * MB) == CUDA_SUCCESS, "container device 0 holds 100 MiB");
    CHECK(cuMemAlloc_v2(&a, 1 * MB) == CUDA_ERROR_OUT_OF_MEMORY, "and no more");
    use_device(0);
    CHECK(cuMemAlloc_v2(&a, 250 * MB) == CUDA_SUCCESS, "container device 2 unaffected");
}

static void by_uuid(void)
{
    cuInit(0);
    CHECK(total_of(0) == 200 * MB && total_of(1) == 300 * MB, "uuids -> %zu %zu", total_of(0), total_of(1));
}

static void generic_and_specific(void)
{
    cuInit(0);
    CHECK(total_of(0) == 50 * MB && total_of(1) == 70 * MB, "generic 50m, _1 70m -> %zu %zu", total_of(0),
          total_of(1));
}

int main(void)
{
    char u1[96], u2[96], vis[256];
    mock_uuid_string(1, u1, sizeof u1);
    mock_uuid_string(2, u2, sizeof u2);
    u2[12] = '\0'; /* a UUID prefix, as CUDA accepts */
    snprintf(vis, sizeof vis, "CUDA_VISIBLE_DEVICES=%s,%s", u1, u2);
#define LIMITS "MOCK_CUDA_DEVICES=3", "CUDA_DEVICE_MEMORY_LIMIT_0=100m", "CUDA_DEVICE_MEMORY_LIMIT_1=200m", \
               "CUDA_DEVICE_MEMORY_LIMIT_2=300m"
    const char *const plain[] = {LIMITS, NULL};
    const char *const reorder[] = {LIMITS, "CUDA_VISIBLE_DEVICES=2,0", NULL};
    const char *const reorder_no_nvml[] = {LIMITS, "CUDA_VISIBLE_DEVICES=2,0", "MOCK_NVML_FAIL=1", NULL};
    const char *const uuids[] = {LIMITS, vis, NULL};
    const char *const mixed[] = {"MOCK_CUDA_DEVICES=2", "CUDA_DEVICE_MEMORY_LIMIT=50m",
                                 "CUDA_DEVICE_MEMORY_LIMIT_1=70m", NULL};
    run_case("devmap: limits by index without CUDA_VISIBLE_DEVICES", identity, plain);
    run_case("devmap: CUDA_VISIBLE_DEVICES=2,0 maps each CUDA device to its container index", reordered, reorder);
    run_case("devmap: CUDA_VISIBLE_DEVICES=2,0 mapped without NVML", reordered, reorder_no_nvml);
    run_case("devmap: CUDA_VISIBLE_DEVICES with UUIDs and a UUID prefix", by_uuid, uuids);
    run_case("devmap: CUDA_DEVICE_MEMORY_LIMIT_<i> overrides CUDA_DEVICE_MEMORY_LIMIT", generic_and_specific, mixed);
    return finish();
}
