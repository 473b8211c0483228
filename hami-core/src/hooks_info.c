/* Memory queries: report the quota, never more than the physical device. */
#include "hami_cuda_abi.h"
#include "hooks.h"
#include "wrappers.h"
#include "state.h"

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}

HAMI_EXPORT CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total_bytes)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMemGetInfo_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    size_t real_free = 0, real_total = 0;
    CUresult rc = s->cuda.cuMemGetInfo_v2(&real_free, &real_total);
    if (rc != CUDA_SUCCESS)
        return rc;
    int cidx = hami_current_index(s);
    uint64_t limit = hami_region_limit(&s->region, cidx);
    if (cidx >= 0 && limit != 0) {
        hami_charge_context(s, cidx); /* a context exists: its overhead is in use */
        /* Oversubscribed, the quota is reported even beyond the device: the rest spills to host. */
        int over = s->cfg.oversubscribe;
        size_t total = over ? (size_t)limit : min_sz((size_t)limit, real_total);
        uint64_t used = hami_region_used(&s->region, cidx);
        size_t left = used >= total ? 0 : total - (size_t)used;
        real_free = over ? left : min_sz(left, real_free);
        real_total = total;
    }
    if (free_bytes != NULL)
        *free_bytes = real_free;
    if (total_bytes != NULL)
        *total_bytes = real_total;
    return CUDA_SUCCESS;
}

HAMI_EXPORT CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuDeviceTotalMem_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    CUresult rc = s->cuda.cuDeviceTotalMem_v2(bytes, dev);
    if (rc != CUDA_SUCCESS || bytes == NULL)
        return rc;
    uint64_t limit = hami_region_limit(&s->region, hami_container_index(s, dev));
    if (limit != 0 && (limit < *bytes || s->cfg.oversubscribe))
        *bytes = (size_t)limit;
    return rc;
}
