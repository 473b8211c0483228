/* NVML memory queries, virtualised like cuMemGetInfo: the container's quota and its own usage. */
#include "hami_nvml_abi.h"
#include "hooks.h"
#include "state.h"
#include "wrappers.h"

/* NVML's index is the position in the container's device list. */
static int container_index(struct hami_state *s, nvmlDevice_t dev)
{
    unsigned idx = 0;
    if (s->nvml.nvmlDeviceGetIndex == NULL || s->nvml.nvmlDeviceGetIndex(dev, &idx) != NVML_SUCCESS)
        return -1;
    return idx < HAMI_MAX_DEVICES ? (int)idx : -1;
}

/* Returns 1 when the device is limited, with the quota view in *total / *used / *free. */
static int quota_view(struct hami_state *s, nvmlDevice_t dev, unsigned long long *total, unsigned long long *used,
                      unsigned long long *free_bytes)
{
    int cidx = container_index(s, dev);
    uint64_t limit = hami_region_limit(&s->region, cidx);
    if (cidx < 0 || limit == 0)
        return 0;
    /* Oversubscribed, the quota may exceed the device: what is beyond it spills to host memory. */
    int over = s->cfg.oversubscribe;
    unsigned long long t = (over || limit < *total) ? limit : *total;
    unsigned long long u = hami_region_used(&s->region, cidx);
    if (u > t)
        u = t;
    unsigned long long f = t - u;
    *total = t;
    *used = u;
    *free_bytes = (over || f < *free_bytes) ? f : *free_bytes;
    return 1;
}

HAMI_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t dev, nvmlMemory_t *m)
{
    struct hami_state *s = hami_state();
    if (!hami_nvml_ready(s) || s->nvml.nvmlDeviceGetMemoryInfo == NULL)
        return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = s->nvml.nvmlDeviceGetMemoryInfo(dev, m);
    if (rc == NVML_SUCCESS && m != NULL)
        quota_view(s, dev, &m->total, &m->used, &m->free);
    return rc;
}

HAMI_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t dev, nvmlMemory_v2_t *m)
{
    struct hami_state *s = hami_state();
    if (!hami_nvml_ready(s) || s->nvml.nvmlDeviceGetMemoryInfo_v2 == NULL)
        return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = s->nvml.nvmlDeviceGetMemoryInfo_v2(dev, m);
    if (rc == NVML_SUCCESS && m != NULL && quota_view(s, dev, &m->total, &m->used, &m->free))
        m->reserved = 0; /* the driver's reservation is outside the container's view */
    return rc;
}
