/*
 * A fake libcuda.so.1 for the CPU test suite. It behaves like the driver where
 * libvgpu depends on it: CUDA_VISIBLE_DEVICES (indices and UUID prefixes)
 * selects and reorders physical devices, memory is finite per device, the
 * current context is per thread, cuGetProcAddress resolves versioned and
 * per-thread-stream names. Launches and CUDA events run on the simulated GPU
 * of mock_sim.h when MOCK_GPU_SIM_DIR is set; otherwise on a virtual clock
 * that every launch advances by MOCK_KERNEL_NS without taking any time.
 * Managed memory is host memory here: it never counts against the device.
 * Linked -Bsymbolic so its own addresses are its own, as in the real driver.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "hami_cuda_abi.h"
#include "mock_common.h"
#include "mock_sim.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define MAX_ALLOCS 65536

struct CUctx_st {
    int ordinal;
    uint64_t default_end; /* the NULL stream's last command; written under the sim lock */
};
struct CUstream_st {
    CUcontext ctx;
    uint64_t end;
};
struct CUevent_st {
    uint64_t t;
    CUcontext ctx;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER; /* guards everything below */
static int initialized;
static int nvis;                    /* visible device count */
static int phys_of[MOCK_MAX_DEV];   /* ordinal -> physical */
static uint64_t used[MOCK_MAX_DEV]; /* by physical device */
static uint64_t next_addr = 1;
static struct {
    uint64_t key, size;
    int phys;
} allocs[MAX_ALLOCS];
static uint64_t managed_used;
static struct CUctx_st ctxs[MOCK_MAX_DEV];
static _Thread_local CUcontext current;
static _Thread_local uint64_t per_thread_end[MOCK_MAX_DEV]; /* CU_STREAM_PER_THREAD of each device */
static struct sim_dev *sims[MOCK_MAX_DEV];                  /* by physical device, mapped at init */
static char tenant[SIM_TAG_LEN] = "default";
static uint64_t queue_ns = 4000000ULL;
static uint64_t pattern[16];
static int npattern;
static _Atomic unsigned long pattern_pos;
static _Atomic uint64_t gpu_clock;
static _Atomic long launches[8]; /* by kind, see mock_launch_count */

/* The mock's own lock survives fork like the library's (a child made mid-allocation must not
 * inherit it held), so fork tests exercise libvgpu, not the mock. */
static void mock_prepare(void) { pthread_mutex_lock(&mu); }
static void mock_parent(void) { pthread_mutex_unlock(&mu); }
static void mock_child(void) { pthread_mutex_init(&mu, NULL); }
__attribute__((constructor)) static void mock_atfork(void)
{
    pthread_atfork(mock_prepare, mock_parent, mock_child);
}

static int match_uuid(const char *entry)
{
    char u[96];
    for (int p = 0; p < mock_devices(); p++) {
        mock_uuid_string(p, u, sizeof u);
        if (strncmp(u, entry, strlen(entry)) == 0)
            return p;
    }
    return -1;
}

static void init_locked(void)
{
    if (initialized)
        return;
    const char *vis = getenv("CUDA_VISIBLE_DEVICES");
    int ndev = mock_devices();
    nvis = 0;
    if (vis == NULL) {
        for (int i = 0; i < ndev; i++)
            phys_of[nvis++] = i;
    } else {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", vis);
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && nvis < MOCK_MAX_DEV;
             tok = strtok_r(NULL, ",", &save)) {
            int p = (tok[0] >= '0' && tok[0] <= '9') ? atoi(tok) : match_uuid(tok);
            if (p < 0 || p >= ndev)
                break; /* like the driver: stop at the first invalid entry */
            phys_of[nvis++] = p;
        }
    }
    for (int i = 0; i < MOCK_MAX_DEV; i++)
        ctxs[i].ordinal = i;
    for (int i = 0; i < nvis; i++)
        sims[i] = sim_map(phys_of[i]);
    const char *t = getenv("MOCK_GPU_TENANT");
    if (t != NULL && *t != '\0')
        snprintf(tenant, sizeof tenant, "%s", t);
    queue_ns = (uint64_t)mock_env_int("MOCK_QUEUE_NS", 4000000);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", getenv("MOCK_KERNEL_PATTERN") ? getenv("MOCK_KERNEL_PATTERN") : "");
    npattern = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && npattern < 16; tok = strtok_r(NULL, ",", &save))
        pattern[npattern++] = strtoull(tok, NULL, 10);
    if (npattern == 0)
        pattern[npattern++] = (uint64_t)mock_env_int("MOCK_KERNEL_NS", 1000);
    initialized = 1;
}

EXPORT CUresult cuInit(unsigned int flags)
{
    (void)flags;
    pthread_mutex_lock(&mu);
    init_locked();
    pthread_mutex_unlock(&mu);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDriverGetVersion(int *v)
{
    *v = 13000;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetCount(int *n)
{
    if (!initialized)
        return CUDA_ERROR_NOT_INITIALIZED;
    *n = nvis;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice *d, int ordinal)
{
    if (!initialized)
        return CUDA_ERROR_NOT_INITIALIZED;
    if (ordinal < 0 || ordinal >= nvis)
        return CUDA_ERROR_INVALID_DEVICE;
    *d = ordinal;
    return CUDA_SUCCESS;
}

static int valid_dev(CUdevice d)
{
    return initialized && d >= 0 && d < nvis;
}

EXPORT CUresult cuDeviceGetUuid(CUuuid *u, CUdevice d)
{
    if (!valid_dev(d))
        return CUDA_ERROR_INVALID_DEVICE;
    mock_uuid_bytes(phys_of[d], (unsigned char *)u->bytes);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetUuid_v2(CUuuid *u, CUdevice d)
{
    return cuDeviceGetUuid(u, d);
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d)
{
    if (!valid_dev(d))
        return CUDA_ERROR_INVALID_DEVICE;
    *bytes = mock_total_mem();
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice d)
{
    if (!valid_dev(d))
        return CUDA_ERROR_INVALID_DEVICE;
    *ctx = &ctxs[d];
    if (sims[d] != NULL)
        sim_attach(sims[d]);
    return CUDA_SUCCESS;
}

/* A second context on a device (made current, as the driver does). */
EXPORT CUresult cuCtxCreate_v2(CUcontext *ctx, unsigned flags, CUdevice d)
{
    (void)flags;
    if (!valid_dev(d))
        return CUDA_ERROR_INVALID_DEVICE;
    *ctx = calloc(1, sizeof **ctx);
    if (*ctx == NULL)
        return CUDA_ERROR_OUT_OF_MEMORY;
    (*ctx)->ordinal = d;
    current = *ctx;
    if (sims[d] != NULL)
        sim_attach(sims[d]);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSetCurrent(CUcontext ctx)
{
    current = ctx;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxGetCurrent(CUcontext *ctx)
{
    *ctx = current;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxGetDevice(CUdevice *d)
{
    if (current == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    *d = current->ordinal;
    return CUDA_SUCCESS;
}

/* ---- memory ---- */

/* managed: host-backed, so never limited by (nor counted in) device memory. */
static CUresult alloc_kind(int ordinal, uint64_t size, unsigned long long *key, int managed)
{
    if (size == 0)
        return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    int p = phys_of[ordinal];
    CUresult rc = CUDA_ERROR_OUT_OF_MEMORY;
    if (managed || used[p] + size <= mock_total_mem()) {
        for (int i = 0; i < MAX_ALLOCS; i++) {
            if (allocs[i].key != 0)
                continue;
            allocs[i].key = ((uint64_t)(p + 1) << 40) | (next_addr++ << 12);
            allocs[i].size = size;
            allocs[i].phys = managed ? -1 - p : p;
            if (managed)
                managed_used += size;
            else
                used[p] += size;
            *key = allocs[i].key;
            rc = CUDA_SUCCESS;
            break;
        }
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

static CUresult alloc_on(int ordinal, uint64_t size, unsigned long long *key)
{
    return alloc_kind(ordinal, size, key, 0);
}

static CUresult free_key(uint64_t key)
{
    CUresult rc = CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < MAX_ALLOCS; i++) {
        if (allocs[i].key == key && key != 0) {
            if (allocs[i].phys < 0)
                managed_used -= allocs[i].size;
            else
                used[allocs[i].phys] -= allocs[i].size;
            allocs[i].key = 0;
            rc = CUDA_SUCCESS;
            break;
        }
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

static CUresult alloc_current(unsigned long long *p, uint64_t size)
{
    if (current == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    return alloc_on(current->ordinal, size, p);
}

EXPORT CUresult cuMemAlloc(unsigned int *p, unsigned int size)
{
    (void)p;
    (void)size;
    return CUDA_ERROR_NOT_SUPPORTED; /* the 32-bit v1 entry point */
}
EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t size) { return alloc_current(p, size); }
EXPORT CUresult cuMemAllocManaged(CUdeviceptr *p, size_t size, unsigned f)
{
    (void)f;
    if (current == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    return alloc_kind(current->ordinal, size, p, 1);
}
EXPORT CUresult cuMemAllocAsync(CUdeviceptr *p, size_t size, CUstream s) { (void)s; return alloc_current(p, size); }
EXPORT CUresult cuMemAllocAsync_ptsz(CUdeviceptr *p, size_t size, CUstream s) { (void)s; return alloc_current(p, size); }

EXPORT CUresult cuMemAllocPitch_v2(CUdeviceptr *p, size_t *pitch, size_t w, size_t h, unsigned e)
{
    (void)e;
    *pitch = (w + 511) / 512 * 512;
    return alloc_current(p, *pitch * h);
}

/* Pools are (CUmemoryPool)(0x1000 + ordinal): allocations land on the pool's device. */
EXPORT CUresult cuDeviceGetDefaultMemPool(CUmemoryPool *pool, CUdevice d)
{
    if (!valid_dev(d))
        return CUDA_ERROR_INVALID_DEVICE;
    *pool = (CUmemoryPool)(uintptr_t)(0x1000 + d);
    return CUDA_SUCCESS;
}

static CUresult alloc_pool(CUdeviceptr *p, size_t size, CUmemoryPool pool)
{
    int d = (int)((uintptr_t)pool - 0x1000);
    if (!valid_dev(d))
        return CUDA_ERROR_INVALID_VALUE;
    return alloc_on(d, size, p);
}
EXPORT CUresult cuMemAllocFromPoolAsync(CUdeviceptr *p, size_t n, CUmemoryPool pool, CUstream s) { (void)s; return alloc_pool(p, n, pool); }
EXPORT CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *p, size_t n, CUmemoryPool pool, CUstream s) { (void)s; return alloc_pool(p, n, pool); }
EXPORT CUresult cuMemFree_v2(CUdeviceptr p) { return free_key(p); }
EXPORT CUresult cuMemFreeAsync(CUdeviceptr p, CUstream s) { (void)s; return free_key(p); }
EXPORT CUresult cuMemFreeAsync_ptsz(CUdeviceptr p, CUstream s) { (void)s; return free_key(p); }

EXPORT CUresult cuPointerGetAttribute(void *data, CUpointer_attribute attr, CUdeviceptr p)
{
    if (attr != CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL)
        return CUDA_ERROR_INVALID_VALUE;
    int phys = (int)(p >> 40) - 1;
    for (int o = 0; o < nvis; o++)
        if (phys_of[o] == phys) {
            *(int *)data = o;
            return CUDA_SUCCESS;
        }
    return CUDA_ERROR_INVALID_VALUE;
}

EXPORT CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total)
{
    if (current == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    pthread_mutex_lock(&mu);
    *total = mock_total_mem();
    *free_bytes = *total - used[phys_of[current->ordinal]];
    pthread_mutex_unlock(&mu);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemCreate(CUmemGenericAllocationHandle *h, size_t size, const CUmemAllocationProp *prop,
                            unsigned long long flags)
{
    (void)flags;
    if (prop == NULL || prop->location.type != CU_MEM_LOCATION_TYPE_DEVICE || !valid_dev(prop->location.id))
        return CUDA_ERROR_INVALID_VALUE;
    return alloc_on(prop->location.id, size, h);
}
EXPORT CUresult cuMemRelease(CUmemGenericAllocationHandle h) { return free_key(h); }

EXPORT CUresult cuMemMap(CUdeviceptr p, size_t size, size_t off, CUmemGenericAllocationHandle h, unsigned long long f)
{
    (void)p; (void)size; (void)off; (void)h; (void)f;
    return CUDA_SUCCESS;
}

static CUresult array_alloc(uint64_t bytes, unsigned long long *key)
{
    return alloc_current(key, bytes ? bytes : 1);
}
EXPORT CUresult cuArrayCreate_v2(CUarray *a, const CUDA_ARRAY_DESCRIPTOR *d)
{
    unsigned long long k = 0;
    CUresult rc = array_alloc((uint64_t)d->Width * (d->Height ? d->Height : 1) * d->NumChannels * 4, &k);
    *a = (CUarray)(uintptr_t)k;
    return rc;
}
EXPORT CUresult cuArray3DCreate_v2(CUarray *a, const CUDA_ARRAY3D_DESCRIPTOR *d)
{
    unsigned long long k = 0;
    CUresult rc = array_alloc((uint64_t)d->Width * (d->Height ? d->Height : 1) * (d->Depth ? d->Depth : 1) *
                                  d->NumChannels * 4, &k);
    *a = (CUarray)(uintptr_t)k;
    return rc;
}
EXPORT CUresult cuMipmappedArrayCreate(CUmipmappedArray *a, const CUDA_ARRAY3D_DESCRIPTOR *d, unsigned levels)
{
    unsigned long long k = 0;
    CUresult rc = array_alloc((uint64_t)d->Width * (d->Height ? d->Height : 1) * d->NumChannels * 8 * (levels ? 1 : 1), &k);
    *a = (CUmipmappedArray)(uintptr_t)k;
    return rc;
}
EXPORT CUresult cuArrayDestroy(CUarray a) { return free_key((uint64_t)(uintptr_t)a); }
EXPORT CUresult cuMipmappedArrayDestroy(CUmipmappedArray a) { return free_key((uint64_t)(uintptr_t)a); }

/* ---- launches, streams and events: the simulated GPU (mock_sim.h) or a virtual clock ---- */

/* The context a command on `s` goes to, and where that stream's last command ends. */
static CUcontext stream_ctx(CUstream s)
{
    return (s == NULL || s == CU_STREAM_LEGACY || s == CU_STREAM_PER_THREAD) ? current : s->ctx;
}

static uint64_t *stream_end(CUstream s, CUcontext ctx)
{
    if (s == CU_STREAM_PER_THREAD)
        return &per_thread_end[ctx->ordinal];
    if (s == NULL || s == CU_STREAM_LEGACY)
        return &ctx->default_end;
    return &s->end;
}

static uint64_t next_duration(void)
{
    return pattern[atomic_fetch_add(&pattern_pos, 1) % (unsigned long)npattern];
}

/* A kernel's duration: from its first parameter when the test passes one (a uint64_t of ns),
 * else the next of MOCK_KERNEL_PATTERN / MOCK_KERNEL_NS. */
static CUresult launched_p(int kind, CUstream s, void **params)
{
    CUcontext ctx = stream_ctx(s);
    if (ctx == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    atomic_fetch_add(&launches[kind], 1);
    uint64_t dur = (params != NULL && params[0] != NULL) ? *(const uint64_t *)params[0] : next_duration();
    struct sim_dev *d = sims[ctx->ordinal];
    if (d == NULL) {
        atomic_fetch_add(&gpu_clock, dur);
        return CUDA_SUCCESS;
    }
    uint64_t end = sim_place(d, stream_end(s, ctx), dur, tenant);
    if (end > sim_now() + queue_ns + dur)
        sim_sleep_until(end - dur - queue_ns); /* the launch queue is full */
    return CUDA_SUCCESS;
}

static CUresult launched(int kind, CUstream s)
{
    return launched_p(kind, s, NULL);
}

EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                               unsigned bz, unsigned sh, CUstream s, void **p, void **e)
{
    (void)f; (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz; (void)sh; (void)e;
    return launched_p(0, s, p);
}
EXPORT CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                                    unsigned bz, unsigned sh, CUstream s, void **p, void **e)
{
    (void)f; (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz; (void)sh; (void)e;
    return launched_p(1, s == NULL ? CU_STREAM_PER_THREAD : s, p);
}
EXPORT CUresult cuLaunchKernelEx(const CUlaunchConfig *c, CUfunction f, void **p, void **e)
{
    (void)f; (void)p; (void)e;
    return launched(2, c->hStream);
}
EXPORT CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *c, CUfunction f, void **p, void **e)
{
    (void)f; (void)p; (void)e;
    return launched(3, c->hStream == NULL ? CU_STREAM_PER_THREAD : c->hStream);
}
EXPORT CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                                          unsigned by, unsigned bz, unsigned sh, CUstream s, void **p)
{
    (void)f; (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz; (void)sh; (void)p;
    return launched(4, s);
}
EXPORT CUresult cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                                               unsigned by, unsigned bz, unsigned sh, CUstream s, void **p)
{
    (void)f; (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz; (void)sh; (void)p;
    return launched(5, s == NULL ? CU_STREAM_PER_THREAD : s);
}
EXPORT CUresult cuGraphLaunch(CUgraphExec g, CUstream s) { (void)g; return launched(6, s); }
EXPORT CUresult cuGraphLaunch_ptsz(CUgraphExec g, CUstream s) { (void)g; return launched(7, s == NULL ? CU_STREAM_PER_THREAD : s); }

EXPORT CUresult cuStreamCreate(CUstream *s, unsigned flags)
{
    (void)flags;
    if (current == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    *s = calloc(1, sizeof **s);
    if (*s == NULL)
        return CUDA_ERROR_OUT_OF_MEMORY;
    (*s)->ctx = current;
    return CUDA_SUCCESS;
}
EXPORT CUresult cuStreamDestroy_v2(CUstream s) { free(s); return CUDA_SUCCESS; }

/* Waits until every command submitted to `s` so far has run. */
EXPORT CUresult cuStreamSynchronize(CUstream s)
{
    CUcontext ctx = stream_ctx(s);
    if (ctx == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    struct sim_dev *d = sims[ctx->ordinal];
    if (d != NULL) {
        sim_lock(d);
        uint64_t end = *stream_end(s, ctx);
        sim_unlock(d);
        sim_sleep_until(end);
    }
    return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamQuery(CUstream s)
{
    CUcontext ctx = stream_ctx(s);
    if (ctx == NULL)
        return CUDA_ERROR_INVALID_CONTEXT;
    struct sim_dev *d = sims[ctx->ordinal];
    if (d == NULL)
        return CUDA_SUCCESS;
    sim_lock(d);
    uint64_t end = *stream_end(s, ctx);
    sim_unlock(d);
    return sim_now() < end ? CUDA_ERROR_NOT_READY : CUDA_SUCCESS;
}

EXPORT CUresult cuEventCreate(CUevent *e, unsigned flags)
{
    (void)flags;
    *e = calloc(1, sizeof **e);
    if (*e == NULL)
        return CUDA_ERROR_OUT_OF_MEMORY;
    (*e)->ctx = current;
    return CUDA_SUCCESS;
}
EXPORT CUresult cuEventDestroy_v2(CUevent e) { free(e); return CUDA_SUCCESS; }
/* As the driver: the event and the stream must belong to the same context. */
EXPORT CUresult cuEventRecord(CUevent e, CUstream s)
{
    CUcontext ctx = stream_ctx(s);
    if (ctx == NULL || e == NULL || e->ctx != ctx)
        return CUDA_ERROR_INVALID_HANDLE;
    struct sim_dev *d = sims[ctx->ordinal];
    e->t = d != NULL ? sim_marker(d, stream_end(s, ctx)) : atomic_load(&gpu_clock);
    return CUDA_SUCCESS;
}
EXPORT CUresult cuEventQuery(CUevent e)
{
    if (e->ctx != NULL && sims[e->ctx->ordinal] != NULL && sim_now() < e->t)
        return CUDA_ERROR_NOT_READY;
    return CUDA_SUCCESS;
}
EXPORT CUresult cuEventSynchronize(CUevent e)
{
    if (e->ctx != NULL && sims[e->ctx->ordinal] != NULL)
        sim_sleep_until(e->t);
    return CUDA_SUCCESS;
}
EXPORT CUresult cuEventElapsedTime(float *ms, CUevent a, CUevent b)
{
    if (cuEventQuery(a) != CUDA_SUCCESS || cuEventQuery(b) != CUDA_SUCCESS)
        return CUDA_ERROR_NOT_READY;
    *ms = (float)((double)((int64_t)(b->t - a->t)) / 1e6);
    return CUDA_SUCCESS;
}
EXPORT CUresult cuStreamIsCapturing(CUstream s, CUstreamCaptureStatus *st)
{
    (void)s;
    *st = CU_STREAM_CAPTURE_STATUS_NONE;
    return CUDA_SUCCESS;
}

/* Two unwrapped entry points with a per-thread flavour, to check pass-through. */
EXPORT CUresult cuMemcpy(CUdeviceptr d, CUdeviceptr s, size_t n) { (void)d; (void)s; (void)n; return CUDA_SUCCESS; }
EXPORT CUresult cuMemcpy_ptds(CUdeviceptr d, CUdeviceptr s, size_t n) { (void)d; (void)s; (void)n; return CUDA_SUCCESS; }

/* ---- test helpers (not driver API) ---- */

EXPORT long mock_launch_count(int kind) { return atomic_load(&launches[kind]); }
EXPORT uint64_t mock_device_used(int ordinal) { return used[phys_of[ordinal]]; }
EXPORT uint64_t mock_managed_used(void) { return managed_used; }
/* Busy ns of a tenant tag on physical device `phys` of the simulated GPU (0 when it is off). */
EXPORT uint64_t mock_sim_tenant_busy(int phys, const char *tag)
{
    struct sim_dev *d = sim_map(phys);
    if (d == NULL)
        return 0;
    uint64_t v = sim_tenant_busy(d, tag);
    munmap(d, sizeof *d);
    return v;
}
/* An allocation made behind libvgpu's back (e.g. by a library it never saw). */
EXPORT CUdeviceptr mock_alloc_untracked(size_t size)
{
    unsigned long long k = 0;
    return alloc_current(&k, size) == CUDA_SUCCESS ? k : 0;
}

/* ---- cuGetProcAddress ---- */

struct entry {
    const char *name;
    void *fn;
    int min_version;
};

#define E(n, v) {#n, (void *)n, v}
CUresult cuGetProcAddress(const char *, void **, int, cuuint64_t);
CUresult cuGetProcAddress_v2(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);
static const struct entry table[] = {
    E(cuInit, 2000), E(cuDeviceGetCount, 2000), E(cuDeviceGet, 2000), E(cuDeviceTotalMem_v2, 3020),
    E(cuMemAlloc, 2000), E(cuMemAlloc_v2, 3020), E(cuMemAllocPitch_v2, 3020), E(cuMemFree_v2, 3020),
    E(cuMemGetInfo_v2, 3020), E(cuMemAllocManaged, 6000), E(cuMemAllocAsync, 11020), E(cuMemAllocAsync_ptsz, 11020),
    E(cuMemAllocFromPoolAsync, 11020), E(cuMemAllocFromPoolAsync_ptsz, 11020), E(cuMemFreeAsync, 11020),
    E(cuMemFreeAsync_ptsz, 11020), E(cuMemCreate, 10020), E(cuMemRelease, 10020), E(cuMemMap, 10020),
    E(cuArrayCreate_v2, 3020), E(cuArray3DCreate_v2, 3020), E(cuArrayDestroy, 2000),
    E(cuMipmappedArrayCreate, 5000), E(cuMipmappedArrayDestroy, 5000), E(cuLaunchKernel, 4000),
    E(cuLaunchKernel_ptsz, 7000), E(cuLaunchKernelEx, 11060), E(cuLaunchKernelEx_ptsz, 11060),
    E(cuLaunchCooperativeKernel, 9000), E(cuLaunchCooperativeKernel_ptsz, 9000), E(cuGraphLaunch, 10000),
    E(cuGraphLaunch_ptsz, 10000), E(cuMemcpy, 4000), E(cuMemcpy_ptds, 7000), E(cuGetProcAddress, 11030),
    E(cuGetProcAddress_v2, 12000), E(cuCtxGetDevice, 2000), E(cuCtxGetCurrent, 4000), E(cuEventCreate, 2000),
    E(cuEventRecord, 2000), E(cuEventQuery, 2000), E(cuEventSynchronize, 2000), E(cuEventElapsedTime, 2000),
    E(cuStreamCreate, 2000), E(cuStreamSynchronize, 2000),
};
#undef E

static const char *const versioned[] = {"cuMemAlloc", "cuMemAllocPitch", "cuMemFree", "cuMemGetInfo",
                                        "cuDeviceTotalMem", "cuArrayCreate", "cuArray3DCreate"};
static const char *const ptsz[] = {"cuMemAllocAsync", "cuMemAllocFromPoolAsync", "cuMemFreeAsync", "cuLaunchKernel",
                                   "cuLaunchKernelEx", "cuLaunchCooperativeKernel", "cuGraphLaunch"};

static CUresult lookup(const char *sym, void **pfn, int version, cuuint64_t flags,
                       CUdriverProcAddressQueryResult *status)
{
    char name[128];
    snprintf(name, sizeof name, "%s", sym);
    for (size_t i = 0; i < sizeof versioned / sizeof *versioned; i++)
        if (strcmp(sym, versioned[i]) == 0 && version >= 3020)
            snprintf(name, sizeof name, "%s_v2", sym);
    if (strcmp(sym, "cuGetProcAddress") == 0 && version >= 12000)
        snprintf(name, sizeof name, "cuGetProcAddress_v2");
    if (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) {
        for (size_t i = 0; i < sizeof ptsz / sizeof *ptsz; i++)
            if (strcmp(sym, ptsz[i]) == 0)
                snprintf(name, sizeof name, "%s_ptsz", sym);
        if (strcmp(sym, "cuMemcpy") == 0)
            snprintf(name, sizeof name, "cuMemcpy_ptds");
    }
    *pfn = NULL;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        if (strcmp(table[i].name, name) != 0)
            continue;
        if (version < table[i].min_version) {
            if (status)
                *status = CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT;
            return CUDA_ERROR_NOT_FOUND;
        }
        *pfn = table[i].fn;
        if (status)
            *status = CU_GET_PROC_ADDRESS_SUCCESS;
        return CUDA_SUCCESS;
    }
    if (status)
        *status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    return CUDA_ERROR_NOT_FOUND;
}

EXPORT CUresult cuGetProcAddress(const char *sym, void **pfn, int version, cuuint64_t flags)
{
    return lookup(sym, pfn, version, flags, NULL);
}

EXPORT CUresult cuGetProcAddress_v2(const char *sym, void **pfn, int version, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult *status)
{
    return lookup(sym, pfn, version, flags, status);
}

/* The mock's own address of an entry point (what the real driver would hand out). */
EXPORT void *mock_symbol(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].fn;
    return NULL;
}
