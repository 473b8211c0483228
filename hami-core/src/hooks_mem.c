/*
 * Memory wrappers: reserve in the shared region first, then call the driver,
 * then record what was charged (or give the reservation back on failure). The
 * reservation happens before the allocation so that concurrent processes can
 * never exceed the limit together.
 */
#include "hami_cuda_abi.h"
#include "hooks.h"
#include "wrappers.h"
#include "log.h"
#include "state.h"

#define ROUND_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define PITCH_ALIGN 512 /* estimate only; the charge is corrected to the real pitch */

static int reserve(struct hami_state *s, int cidx, uint64_t bytes)
{
    if (cidx < 0)
        return 0;
    if (hami_charge_context(s, cidx) != 0 || hami_region_reserve(&s->region, cidx, bytes) != 0) {
        LOG_INFO("refusing %llu bytes on device %d: limit %llu, used %llu", (unsigned long long)bytes, cidx,
                 (unsigned long long)hami_region_limit(&s->region, cidx),
                 (unsigned long long)hami_region_used(&s->region, cidx));
        return -1;
    }
    return 0;
}

static void unreserve(struct hami_state *s, int cidx, uint64_t bytes)
{
    if (cidx >= 0)
        hami_region_release(&s->region, cidx, bytes);
}

static void track(struct hami_state *s, enum hami_alloc_kind kind, uint64_t key, uint64_t bytes, int cidx)
{
    if (cidx >= 0 && hami_alloc_add(&s->allocs, kind, key, bytes, cidx) != 0) {
        LOG_ERROR("cannot track allocation; its charge stays until the process exits");
    }
}

/* Undo tracking and charge of an allocation the driver just released. */
typedef CUresult (*release_call)(struct hami_state *s, uint64_t key, void *arg);

static CUresult tracked_release(struct hami_state *s, enum hami_alloc_kind kind, uint64_t key, release_call call,
                                void *arg)
{
    uint64_t size = 0;
    int cidx = -1;
    int found = hami_alloc_take(&s->allocs, kind, key, &size, &cidx) == 0;
    CUresult rc = call(s, key, arg);
    if (!found)
        return rc;
    if (rc == CUDA_SUCCESS)
        unreserve(s, cidx, size);
    else
        track(s, kind, key, size, cidx); /* still allocated */
    return rc;
}

/* ---- linear allocations ---- */

/*
 * Oversubscription (limits file oversubscribe=true, or CUDA_OVERSUBSCRIBE):
 * an allocation within the quota that the device cannot hold is served from
 * managed memory, which the driver pages between host and device, instead of
 * failing. It is charged to the quota like any other.
 */
static CUresult spill_to_managed(struct hami_state *s, CUresult rc, CUdeviceptr *dptr, size_t bytes)
{
    if (rc != CUDA_ERROR_OUT_OF_MEMORY || !s->cfg.oversubscribe || s->cuda.cuMemAllocManaged == NULL)
        return rc;
    CUresult m = s->cuda.cuMemAllocManaged(dptr, bytes, CU_MEM_ATTACH_GLOBAL);
    if (m == CUDA_SUCCESS)
        LOG_INFO("%zu bytes beyond the device's free memory: served from managed memory", bytes);
    return m == CUDA_SUCCESS ? m : rc;
}

HAMI_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMemAlloc_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    int cidx = hami_current_index(s);
    if (reserve(s, cidx, bytesize) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = spill_to_managed(s, s->cuda.cuMemAlloc_v2(dptr, bytesize), dptr, bytesize);
    if (rc != CUDA_SUCCESS) {
        unreserve(s, cidx, bytesize);
        return rc;
    }
    track(s, HAMI_ALLOC_PTR, *dptr, bytesize, cidx);
    return rc;
}

HAMI_EXPORT CUresult cuMemAllocManaged(CUdeviceptr *dptr, size_t bytesize, unsigned int flags)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMemAllocManaged == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    int cidx = hami_current_index(s);
    if (reserve(s, cidx, bytesize) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = s->cuda.cuMemAllocManaged(dptr, bytesize, flags);
    if (rc != CUDA_SUCCESS) {
        unreserve(s, cidx, bytesize);
        return rc;
    }
    track(s, HAMI_ALLOC_PTR, *dptr, bytesize, cidx);
    return rc;
}

HAMI_EXPORT CUresult cuMemAllocPitch_v2(CUdeviceptr *dptr, size_t *pitch, size_t width, size_t height,
                                        unsigned int elem)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMemAllocPitch_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    int cidx = hami_current_index(s);
    uint64_t guess = (uint64_t)ROUND_UP(width, PITCH_ALIGN) * height;
    if (reserve(s, cidx, guess) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = s->cuda.cuMemAllocPitch_v2(dptr, pitch, width, height, elem);
    if (rc != CUDA_SUCCESS) {
        unreserve(s, cidx, guess);
        return rc;
    }
    uint64_t real = (uint64_t)*pitch * height;
    if (real > guess && reserve(s, cidx, real - guess) != 0) {
        s->cuda.cuMemFree_v2(*dptr);
        unreserve(s, cidx, guess);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    if (real < guess)
        unreserve(s, cidx, guess - real);
    track(s, HAMI_ALLOC_PTR, *dptr, real, cidx);
    return rc;
}

static CUresult call_free(struct hami_state *s, uint64_t key, void *arg)
{
    (void)arg;
    return s->cuda.cuMemFree_v2((CUdeviceptr)key);
}

HAMI_EXPORT CUresult cuMemFree_v2(CUdeviceptr dptr)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMemFree_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    return tracked_release(s, HAMI_ALLOC_PTR, dptr, call_free, NULL);
}

/* ---- stream-ordered allocations ---- */

/* The pool may live on another device than the current context's: move the charge there. */
static CUresult settle_device(struct hami_state *s, CUdeviceptr p, uint64_t bytes, int *cidx)
{
    int ordinal = -1;
    if (s->cuda.cuPointerGetAttribute == NULL ||
        s->cuda.cuPointerGetAttribute(&ordinal, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, p) != CUDA_SUCCESS)
        return CUDA_SUCCESS;
    int real = hami_container_index(s, ordinal);
    if (real < 0 || real == *cidx)
        return CUDA_SUCCESS;
    if (reserve(s, real, bytes) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    unreserve(s, *cidx, bytes);
    *cidx = real;
    return CUDA_SUCCESS;
}

static CUresult finish_async(struct hami_state *s, CUresult rc, CUdeviceptr *dptr, size_t bytes, int cidx,
                             CUstream st, cuMemFreeAsync_fn free_fn, int from_pool)
{
    if (rc != CUDA_SUCCESS) {
        unreserve(s, cidx, bytes);
        return rc;
    }
    if (from_pool && settle_device(s, *dptr, bytes, &cidx) != CUDA_SUCCESS) {
        free_fn(*dptr, st);
        unreserve(s, cidx, bytes);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    track(s, HAMI_ALLOC_PTR, *dptr, bytes, cidx);
    return rc;
}

static CUresult alloc_async(CUdeviceptr *dptr, size_t bytes, CUmemoryPool pool, CUstream st, int ptsz)
{
    struct hami_state *s = hami_state();
    cuMemAllocAsync_fn plain = ptsz ? s->cuda.cuMemAllocAsync_ptsz : s->cuda.cuMemAllocAsync;
    cuMemAllocFromPoolAsync_fn from_pool =
        ptsz ? s->cuda.cuMemAllocFromPoolAsync_ptsz : s->cuda.cuMemAllocFromPoolAsync;
    cuMemFreeAsync_fn free_fn = ptsz ? s->cuda.cuMemFreeAsync_ptsz : s->cuda.cuMemFreeAsync;
    if ((pool ? (void *)from_pool : (void *)plain) == NULL || free_fn == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    int cidx = hami_current_index(s);
    if (reserve(s, cidx, bytes) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = pool ? from_pool(dptr, bytes, pool, st) : plain(dptr, bytes, st);
    return finish_async(s, rc, dptr, bytes, cidx, st, free_fn, pool != NULL);
}

HAMI_EXPORT CUresult cuMemAllocAsync(CUdeviceptr *dptr, size_t bytes, CUstream st)
{
    return alloc_async(dptr, bytes, NULL, st, 0);
}

HAMI_EXPORT CUresult cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytes, CUstream st)
{
    return alloc_async(dptr, bytes, NULL, st, 1);
}

HAMI_EXPORT CUresult cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytes, CUmemoryPool pool, CUstream st)
{
    if (pool == NULL)
        return hami_state()->cuda.cuMemAllocFromPoolAsync(dptr, bytes, pool, st); /* driver's error */
    return alloc_async(dptr, bytes, pool, st, 0);
}

HAMI_EXPORT CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *dptr, size_t bytes, CUmemoryPool pool, CUstream st)
{
    if (pool == NULL)
        return hami_state()->cuda.cuMemAllocFromPoolAsync_ptsz(dptr, bytes, pool, st);
    return alloc_async(dptr, bytes, pool, st, 1);
}

struct free_async_arg {
    cuMemFreeAsync_fn fn;
    CUstream st;
};

static CUresult call_free_async(struct hami_state *s, uint64_t key, void *arg)
{
    (void)s;
    struct free_async_arg *a = arg;
    return a->fn((CUdeviceptr)key, a->st);
}

/* The charge goes back to the device recorded at allocation, whatever context is current. */
HAMI_EXPORT CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream st)
{
    struct hami_state *s = hami_state();
    struct free_async_arg a = {s->cuda.cuMemFreeAsync, st};
    if (a.fn == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    return tracked_release(s, HAMI_ALLOC_PTR, dptr, call_free_async, &a);
}

HAMI_EXPORT CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream st)
{
    struct hami_state *s = hami_state();
    struct free_async_arg a = {s->cuda.cuMemFreeAsync_ptsz, st};
    if (a.fn == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    return tracked_release(s, HAMI_ALLOC_PTR, dptr, call_free_async, &a);
}

/* ---- virtual memory management: physical memory is charged at cuMemCreate ---- */

HAMI_EXPORT CUresult cuMemCreate(CUmemGenericAllocationHandle *handle, size_t size, const CUmemAllocationProp *prop,
                                 unsigned long long flags)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMemCreate == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    int cidx = -1;
    if (prop != NULL && prop->location.type == CU_MEM_LOCATION_TYPE_DEVICE)
        cidx = hami_container_index(s, prop->location.id);
    if (reserve(s, cidx, size) != 0)
        return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = s->cuda.cuMemCreate(handle, size, prop, flags);
    if (rc != CUDA_SUCCESS) {
        unreserve(s, cidx, size);
        return rc;
    }
    track(s, HAMI_ALLOC_VMM, *handle, size, cidx);
    return rc;
}

static CUresult call_release(struct hami_state *s, uint64_t key, void *arg)
{
    (void)arg;
    return s->cuda.cuMemRelease((CUmemGenericAllocationHandle)key);
}

HAMI_EXPORT CUresult cuMemRelease(CUmemGenericAllocationHandle handle)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuMemRelease == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    return tracked_release(s, HAMI_ALLOC_VMM, handle, call_release, NULL);
}
