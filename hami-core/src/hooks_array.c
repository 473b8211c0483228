/* CUDA array wrappers: arrays are device memory too and count against the quota. */
#include "hami_cuda_abi.h"
#include "hooks.h"
#include "wrappers.h"
#include "log.h"
#include "state.h"

static int charge(struct hami_state *s, int cidx, uint64_t bytes)
{
    if (cidx < 0)
        return 0;
    if (hami_charge_context(s, cidx) != 0 || hami_region_reserve(&s->region, cidx, bytes) != 0)
        return -1;
    return 0;
}

static CUresult finish(struct hami_state *s, CUresult rc, enum hami_alloc_kind kind, uint64_t key, int cidx,
                       uint64_t bytes)
{
    if (cidx < 0)
        return rc;
    if (rc != CUDA_SUCCESS)
        hami_region_release(&s->region, cidx, bytes);
    else if (hami_alloc_add(&s->allocs, kind, key, bytes, cidx) != 0)
        LOG_ERROR("cannot track array; its charge stays until the process exits");
    return rc;
}

HAMI_EXPORT CUresult cuArrayCreate_v2(CUarray *arr, const CUDA_ARRAY_DESCRIPTOR *d)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuArrayCreate_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    if (d == NULL || arr == NULL)
        return s->cuda.cuArrayCreate_v2(arr, d);
    int cidx = hami_current_index(s);
    uint64_t bytes = hami_array_bytes(d->Format, d->NumChannels, d->Width, d->Height, 1);
    if (charge(s, cidx, bytes) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = s->cuda.cuArrayCreate_v2(arr, d);
    return finish(s, rc, HAMI_ALLOC_ARRAY, rc == CUDA_SUCCESS ? (uint64_t)(uintptr_t)*arr : 0, cidx, bytes);
}

HAMI_EXPORT CUresult cuArray3DCreate_v2(CUarray *arr, const CUDA_ARRAY3D_DESCRIPTOR *d)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuArray3DCreate_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    if (d == NULL || arr == NULL)
        return s->cuda.cuArray3DCreate_v2(arr, d);
    int cidx = hami_current_index(s);
    uint64_t bytes = hami_array_bytes(d->Format, d->NumChannels, d->Width, d->Height, d->Depth);
    if (charge(s, cidx, bytes) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = s->cuda.cuArray3DCreate_v2(arr, d);
    return finish(s, rc, HAMI_ALLOC_ARRAY, rc == CUDA_SUCCESS ? (uint64_t)(uintptr_t)*arr : 0, cidx, bytes);
}

HAMI_EXPORT CUresult cuMipmappedArrayCreate(CUmipmappedArray *arr, const CUDA_ARRAY3D_DESCRIPTOR *d,
                                            unsigned int levels)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMipmappedArrayCreate == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    if (d == NULL || arr == NULL)
        return s->cuda.cuMipmappedArrayCreate(arr, d, levels);
    int cidx = hami_current_index(s);
    uint64_t bytes = hami_mipmap_bytes(d, levels);
    if (charge(s, cidx, bytes) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = s->cuda.cuMipmappedArrayCreate(arr, d, levels);
    return finish(s, rc, HAMI_ALLOC_MIPMAP, rc == CUDA_SUCCESS ? (uint64_t)(uintptr_t)*arr : 0, cidx, bytes);
}

static CUresult destroy(struct hami_state *s, enum hami_alloc_kind kind, uint64_t key, CUresult (*call)(void *),
                        void *handle)
{
    uint64_t size = 0;
    int cidx = -1;
    int found = hami_alloc_take(&s->allocs, kind, key, &size, &cidx) == 0;
    CUresult rc = call(handle);
    if (!found)
        return rc;
    if (rc == CUDA_SUCCESS)
        hami_region_release(&s->region, cidx, size);
    else
        hami_alloc_add(&s->allocs, kind, key, size, cidx);
    return rc;
}

static CUresult real_array_destroy(void *h)
{
    return hami_state()->cuda.cuArrayDestroy((CUarray)h);
}

static CUresult real_mipmap_destroy(void *h)
{
    return hami_state()->cuda.cuMipmappedArrayDestroy((CUmipmappedArray)h);
}

HAMI_EXPORT CUresult cuArrayDestroy(CUarray arr)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuArrayDestroy == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    return destroy(s, HAMI_ALLOC_ARRAY, (uint64_t)(uintptr_t)arr, real_array_destroy, arr);
}

HAMI_EXPORT CUresult cuMipmappedArrayDestroy(CUmipmappedArray arr)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMipmappedArrayDestroy == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    return destroy(s, HAMI_ALLOC_MIPMAP, (uint64_t)(uintptr_t)arr, real_mipmap_destroy, arr);
}
