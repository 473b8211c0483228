/* Process-wide state: one-time initialisation and device index mapping. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "state.h"

#include "limits_file.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Built once by init_once (guarded by g_once / g_ready); see state.h for each field's guard. */
static struct hami_state g_state;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static _Atomic int g_ready;

static const char *env_get(const char *name)
{
    return getenv(name);
}

/*
 * The trusted limits file's content (NULL when there is none), read once. Test
 * builds may point elsewhere with HAMI_TEST_LIMITS_FILE; the shipped library
 * reads only the fixed path, which the plugin mounts read-only.
 */
static char *read_limits(size_t *len)
{
    const char *path = HAMI_LIMITS_FILE;
#ifdef HAMI_TEST_HOOKS
    const char *t = getenv("HAMI_TEST_LIMITS_FILE");
    if (t != NULL && *t != '\0')
        path = t;
#endif
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT)
            return NULL;
        LOG_ERROR("cannot read limits file %s: %s", path, strerror(err));
        return strdup(""); /* exists but unreadable: an invalid file, never "no file" */
    }
    char *buf = malloc(HAMI_LIMITS_MAX_BYTES + 1);
    size_t n = 0;
    ssize_t r = 0;
    while (buf != NULL && n <= HAMI_LIMITS_MAX_BYTES &&
           (r = read(fd, buf + n, HAMI_LIMITS_MAX_BYTES + 1 - n)) > 0)
        n += (size_t)r;
    if (buf != NULL && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0)
        LOG_WARN("limits file %s is writable from this container: mount it read-only", path);
    close(fd);
    *len = n;
    return buf != NULL ? buf : strdup(""); /* unreadable: an invalid file, never "no file" */
}

/*
 * fork() from a multi-threaded process copies locks as they are. Holding every
 * process-local lock across fork means no other thread is inside an update
 * when the child's copy is made: the parent releases them after, and the
 * child starts from clean, re-initialised state. (The region's lock is shared
 * with the parent and stays the parent's to release.)
 */
static void before_fork(void)
{
    pthread_mutex_lock(&g_state.compute.mu);
    pthread_mutex_lock(&g_state.allocs.mu);
}

static void after_fork_parent(void)
{
    pthread_mutex_unlock(&g_state.allocs.mu);
    pthread_mutex_unlock(&g_state.compute.mu);
}

static void after_fork_child(void)
{
    hami_region_after_fork_child(&g_state.region);
    hami_alloc_table_reset(&g_state.allocs);
    hami_compute_after_fork_child(&g_state.compute);
    atomic_store(&g_state.ctx_charged, 0);
}

static void init_once(void)
{
    struct hami_state *s = &g_state;
    hami_log_init();
    size_t len = 0;
    char *limits = read_limits(&len);
    hami_config_load(&s->cfg, env_get, limits, len);
    free(limits);
    hami_alloc_table_init(&s->allocs);
    s->cuda_ok = hami_cuda_load(&s->cuda) == 0;
    if (hami_region_open(&s->region, &s->cfg) != 0) {
        LOG_ERROR("cannot map any accounting region");
        abort();
    }
    s->nvml_once = (pthread_once_t)PTHREAD_ONCE_INIT;
    s->devices_once = (pthread_once_t)PTHREAD_ONCE_INIT;
    hami_compute_init(&s->compute, s);
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    atomic_store_explicit(&g_ready, 1, memory_order_release);
}

struct hami_state *hami_state(void)
{
    if (!atomic_load_explicit(&g_ready, memory_order_acquire))
        pthread_once(&g_once, init_once);
    return &g_state;
}

static void nvml_once(void)
{
    g_state.nvml_ok = hami_nvml_load(&g_state.nvml) == 0;
}

int hami_nvml_ready(struct hami_state *s)
{
    pthread_once(&s->nvml_once, nvml_once);
    return s->nvml_ok;
}

static void format_uuid(const CUuuid *u, char *out, size_t n)
{
    const unsigned char *b = (const unsigned char *)u->bytes;
    snprintf(out, n, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* The container's device list is NVML's (CUDA_VISIBLE_DEVICES does not reorder it). */
static int index_by_uuid(struct hami_state *s, CUdevice dev)
{
    CUuuid u;
    char want[HAMI_UUID_LEN], have[HAMI_UUID_LEN];
    unsigned n = 0;
    if (s->cuda.cuDeviceGetUuid == NULL || s->cuda.cuDeviceGetUuid(&u, dev) != CUDA_SUCCESS)
        return -1;
    if (!hami_nvml_ready(s) || s->nvml.nvmlDeviceGetCount_v2(&n) != NVML_SUCCESS)
        return -1;
    format_uuid(&u, want, sizeof want);
    for (unsigned j = 0; j < n && j < HAMI_MAX_DEVICES; j++) {
        nvmlDevice_t h;
        if (s->nvml.nvmlDeviceGetHandleByIndex_v2(j, &h) == NVML_SUCCESS &&
            s->nvml.nvmlDeviceGetUUID(h, have, sizeof have) == NVML_SUCCESS && strcmp(have, want) == 0)
            return (int)j;
    }
    return -1;
}

/* Without NVML: numeric CUDA_VISIBLE_DEVICES entries name container indices directly. */
static int index_by_env(int ordinal)
{
    struct hami_visible_entry e[HAMI_MAX_DEVICES];
    int n = hami_parse_visible(getenv("CUDA_VISIBLE_DEVICES"), e, HAMI_MAX_DEVICES);
    if (n < 0)
        return ordinal;
    return ordinal < n ? e[ordinal].index : -1;
}

static void devices_once(void)
{
    struct hami_state *s = &g_state;
    int n = 0;
    if (!s->cuda_ok || s->cuda.cuInit == NULL)
        return;
    s->cuda.cuInit(0);
    if (s->cuda.cuDeviceGetCount(&n) != CUDA_SUCCESS)
        n = 0;
    if (n > HAMI_MAX_DEVICES)
        n = HAMI_MAX_DEVICES;
    for (int k = 0; k < n; k++) {
        CUdevice d = k;
        size_t total = 0;
        if (s->cuda.cuDeviceGet(&d, k) == CUDA_SUCCESS && s->cuda.cuDeviceTotalMem_v2(&total, d) == CUDA_SUCCESS)
            s->phys_total[k] = total;
        int c = index_by_uuid(s, d);
        if (c < 0)
            c = index_by_env(k);
        if (c < 0 || c >= HAMI_MAX_DEVICES) {
            LOG_WARN("cannot place CUDA device %d in the container's device list; using index %d", k, k);
            c = k;
        }
        s->cidx[k] = c;
        LOG_INFO("CUDA device %d is container device %d", k, c);
    }
    s->ndev = n;
}

int hami_device_count(struct hami_state *s)
{
    pthread_once(&s->devices_once, devices_once);
    return s->ndev;
}

int hami_container_index(struct hami_state *s, CUdevice dev)
{
    int n = hami_device_count(s);
    return (dev >= 0 && dev < n) ? s->cidx[dev] : -1;
}

int hami_current_index(struct hami_state *s)
{
    int n = hami_device_count(s);
    if (n == 1)
        return s->cidx[0];
    CUdevice dev;
    if (s->cuda.cuCtxGetDevice == NULL || s->cuda.cuCtxGetDevice(&dev) != CUDA_SUCCESS)
        return -1;
    return hami_container_index(s, dev);
}

int hami_charge_context(struct hami_state *s, int cidx)
{
    uint64_t bytes = s->cfg.context_overhead;
    if (bytes == 0 || cidx < 0 || cidx >= HAMI_MAX_DEVICES)
        return 0;
    uint32_t bit = 1u << cidx;
    if (atomic_load(&s->ctx_charged) & bit)
        return 0;
    if (hami_region_reserve(&s->region, cidx, bytes) != 0)
        return -1;
    if (atomic_fetch_or(&s->ctx_charged, bit) & bit)
        hami_region_release(&s->region, cidx, bytes); /* another thread charged it first */
    return 0;
}
