/* Launch gating glue (see compute.h and limiter.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "compute.h"

#include "log.h"
#include "state.h"

#include <errno.h>
#include <string.h>
#include <time.h>

uint64_t hami_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Per-thread sampling countdown and generator; thread-local, so unguarded. */
static _Thread_local uint32_t tl_countdown;
static _Thread_local uint64_t tl_rng;
static _Thread_local uint32_t tl_busy_skips; /* sampling attempts skipped on a busy stream */

void hami_compute_init(struct hami_compute *c, struct hami_state *s)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->now = hami_monotonic_ns;
    c->policy = s->cfg.policy;
    hami_cost_init(&c->costs);
    for (int d = 0; d < HAMI_MAX_DEVICES; d++)
        c->dev[d].pct = c->policy == HAMI_POLICY_DISABLE ? 0 : s->cfg.sm_limit[d];
    /* Every container records its device time, limited or not (the node monitor's figures). */
    c->any = 1;
}

void hami_compute_after_fork_child(struct hami_compute *c)
{
    pthread_mutex_init(&c->mu, NULL);
    for (int d = 0; d < HAMI_MAX_DEVICES; d++) {
        struct hami_compute_dev *dv = &c->dev[d];
        memset(dv->samples, 0, sizeof dv->samples);
        dv->ev_ctx = NULL;
        atomic_store(&dv->inflight, 0);
        atomic_store(&dv->marked, 0);
        atomic_store(&dv->measured, 0);
        atomic_store(&dv->contended, 0);
        atomic_store(&dv->next_check, 0);
        dv->next_share_check = 0;
        dv->busy_t[0] = dv->busy_t[1] = 0;
    }
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ULL), .tv_nsec = (long)(ns % 1000000000ULL)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The stream an event must be recorded on to land in the same queue as the launch. */
static CUstream effective_stream(CUstream stream, int ptsz)
{
    return (stream == NULL && ptsz) ? CU_STREAM_PER_THREAD : stream;
}

/* Fallback without NVML utilisation: another tenant when NVML sees more processes than ours. */
static int others_by_processes(struct hami_state *s, int dev, nvmlDevice_t h)
{
    int ours = hami_region_device_processes(&s->region, dev);
    unsigned count = 0;
    if (s->nvml.nvmlDeviceGetComputeRunningProcesses_v3 == NULL)
        return 1; /* cannot tell: limit */
    nvmlReturn_t rc = s->nvml.nvmlDeviceGetComputeRunningProcesses_v3(h, &count, NULL);
    if (rc != NVML_SUCCESS && rc != NVML_ERROR_INSUFFICIENT_SIZE)
        return 1;
    return (int)count > ours;
}

/*
 * Another tenant shares the device when it is actually using it: NVML's
 * utilisation over the last second, minus this container's own device time
 * over about the same interval (busy_ns, all its processes), is above
 * HAMI_OTHERS_BUSY_PCT. A neighbour that merely holds a context is not a
 * reason to throttle. Caller holds c->mu.
 */
static int others_on_device(struct hami_state *s, struct hami_compute_dev *dv, int dev, uint64_t now)
{
    uint64_t busy = hami_region_busy(&s->region, dev);
    uint64_t busy0 = dv->busy_at[0], t0 = dv->busy_t[0];
    dv->busy_at[0] = dv->busy_at[1];
    dv->busy_t[0] = dv->busy_t[1];
    dv->busy_at[1] = busy;
    dv->busy_t[1] = now;
    nvmlDevice_t h;
    if (!hami_nvml_ready(s) || s->nvml.nvmlDeviceGetHandleByIndex_v2((unsigned)dev, &h) != NVML_SUCCESS)
        return 1; /* cannot tell: limit */
    nvmlUtilization_t u;
    if (s->nvml.nvmlDeviceGetUtilizationRates == NULL || s->nvml.nvmlDeviceGetUtilizationRates(h, &u) != NVML_SUCCESS)
        return others_by_processes(s, dev, h);
    if (t0 == 0 || now <= t0) /* no history yet: judge by the utilisation alone */
        return u.gpu > HAMI_OTHERS_BUSY_PCT;
    int others = hami_others_busy(u.gpu, busy - busy0, now - t0);
    LOG_DEBUG("device %d: utilisation %u%%, others %d%%", dev, u.gpu, others);
    return others > HAMI_OTHERS_BUSY_PCT;
}

/* Collect finished samples; caller holds c->mu. */
static void poll_samples_locked(struct hami_state *s, struct hami_compute_dev *dv)
{
    for (int i = 0; i < HAMI_EVENT_PAIRS; i++) {
        struct hami_sample *sm = &dv->samples[i];
        if (sm->state != HAMI_SAMPLE_PENDING)
            continue;
        CUresult rc = s->cuda.cuEventQuery(sm->end);
        if (rc == CUDA_ERROR_NOT_READY)
            continue;
        float ms = 0;
        if (rc == CUDA_SUCCESS && s->cuda.cuEventElapsedTime(&ms, sm->start, sm->end) == CUDA_SUCCESS && ms >= 0) {
            hami_cost_update(&s->compute.costs, sm->key, (uint64_t)((double)ms * 1e6));
            atomic_store(&dv->measured, 1);
            LOG_DEBUG("sample %llx: %.3f ms", (unsigned long long)sm->key, (double)ms);
        }
        sm->state = HAMI_SAMPLE_FREE;
        atomic_fetch_sub(&dv->inflight, 1);
    }
}

static void slow_check(struct hami_state *s, int dev, uint64_t now)
{
    struct hami_compute *c = &s->compute;
    struct hami_compute_dev *dv = &c->dev[dev];
    if (!atomic_exchange(&dv->marked, 1))
        hami_region_use_device(&s->region, dev);
    if (pthread_mutex_trylock(&c->mu) != 0)
        return;
    poll_samples_locked(s, dv);
    if (now >= dv->next_share_check) {
        int shared = dv->pct > 0 ? others_on_device(s, dv, dev, now) : 0;
        int active = hami_limit_active(c->policy, dv->pct, shared);
        atomic_store(&dv->contended, shared);
        if (active != atomic_load(&dv->active))
            LOG_INFO("device %d: compute limit %d%% %s", dev, dv->pct, active ? "on" : "off");
        atomic_store(&dv->active, active);
        dv->next_share_check = now + HAMI_SHARE_CHECK_NS;
    }
    uint64_t next = dv->next_share_check;
    if (atomic_load(&dv->inflight) > 0 && now + HAMI_POLL_NS < next)
        next = now + HAMI_POLL_NS;
    atomic_store(&dv->next_check, next);
    pthread_mutex_unlock(&c->mu);
}

static void destroy_events_locked(struct hami_state *s, struct hami_compute_dev *dv)
{
    for (int i = 0; i < HAMI_EVENT_PAIRS; i++) {
        struct hami_sample *sm = &dv->samples[i];
        if (sm->start != NULL && s->cuda.cuEventDestroy_v2 != NULL)
            s->cuda.cuEventDestroy_v2(sm->start);
        if (sm->end != NULL && s->cuda.cuEventDestroy_v2 != NULL)
            s->cuda.cuEventDestroy_v2(sm->end);
        sm->start = sm->end = NULL;
    }
    dv->ev_ctx = NULL;
}

static int create_events_locked(struct hami_state *s, struct hami_compute_dev *dv, CUcontext ctx)
{
    for (int i = 0; i < HAMI_EVENT_PAIRS; i++) {
        if (s->cuda.cuEventCreate(&dv->samples[i].start, CU_EVENT_DEFAULT) != CUDA_SUCCESS ||
            s->cuda.cuEventCreate(&dv->samples[i].end, CU_EVENT_DEFAULT) != CUDA_SUCCESS)
            return -1;
    }
    dv->ev_ctx = ctx;
    return 0;
}

static int free_sample_locked(struct hami_compute_dev *dv)
{
    for (int i = 0; i < HAMI_EVENT_PAIRS; i++)
        if (dv->samples[i].state == HAMI_SAMPLE_FREE)
            return i;
    return -1;
}

static int capturing(struct hami_state *s, CUstream st)
{
    CUstreamCaptureStatus cs = CU_STREAM_CAPTURE_STATUS_NONE;
    if (s->cuda.cuStreamIsCapturing == NULL || s->cuda.cuStreamIsCapturing(st, &cs) != CUDA_SUCCESS)
        return 1;
    return cs != CU_STREAM_CAPTURE_STATUS_NONE;
}

/* Record the start event of a sample; returns the pair index or -1. */
static int start_sample(struct hami_state *s, int dev, uint64_t key, CUstream st)
{
    struct hami_compute *c = &s->compute;
    struct hami_compute_dev *dv = &c->dev[dev];
    if (atomic_load(&dv->inflight) >= HAMI_EVENT_PAIRS || s->cuda.cuEventRecord == NULL)
        return -1;
    if (pthread_mutex_trylock(&c->mu) != 0)
        return -1;
    int i = -1;
    CUcontext ctx = NULL;
    if (s->cuda.cuCtxGetCurrent(&ctx) != CUDA_SUCCESS || ctx == NULL)
        goto out;
    if (dv->ev_ctx != ctx && atomic_load(&dv->inflight) == 0) {
        /* Learning follows the context launches come from: events belong to one context. */
        destroy_events_locked(s, dv);
        if (create_events_locked(s, dv, ctx) != 0) {
            destroy_events_locked(s, dv);
            goto out;
        }
    }
    if (dv->ev_ctx != ctx || capturing(s, st))
        goto out;
    i = free_sample_locked(dv);
    if (i < 0)
        goto out;
    if (s->cuda.cuEventRecord(dv->samples[i].start, st) != CUDA_SUCCESS) {
        i = -1;
        goto out;
    }
    dv->samples[i].key = key;
    dv->samples[i].state = HAMI_SAMPLE_RECORDING;
    atomic_fetch_add(&dv->inflight, 1);
out:
    pthread_mutex_unlock(&c->mu);
    return i;
}

/* Long kernels (and new keys) are sampled at every launch: the events cost nothing beside them, and a key that
 * changes (a new context, new data) is learnt again within a second. */
static int want_sample(int known, uint64_t cost)
{
    if (tl_countdown > 0 && --tl_countdown > 0 && known)
        return 0;
    if (tl_rng == 0)
        tl_rng = hami_monotonic_ns() | 1;
    /* Every launch of a long kernel (or a new key) is timed: its mean is then the mean of all
     * launches, not of a random subset, and two events are nothing beside the kernel. */
    int every = !known || cost >= HAMI_LONG_KERNEL_NS;
    tl_countdown = every ? 1 : hami_sample_interval(&tl_rng, HAMI_SAMPLE_MEAN);
    return 1;
}

/*
 * While other tenants use the device, a sample is clean when the stream is
 * idle as it starts: the start event then completes when the device turns to
 * this context, right before the kernel. On a stream with work pending it
 * completes when that work does, and the other contexts' kernels the device
 * runs before this one would be counted as ours. So a busy stream defers the
 * sample to the next launch, up to HAMI_BUSY_SKIPS times (a stream that is
 * never idle is still measured). Alone on the device there is nobody else's
 * time to count, and deferring would favour kernels that follow short ones.
 */
static int stream_busy(struct hami_state *s, struct hami_compute_dev *dv, CUstream st)
{
    if (!atomic_load_explicit(&dv->contended, memory_order_relaxed) || s->cuda.cuStreamQuery == NULL ||
        s->cuda.cuStreamQuery(st) != CUDA_ERROR_NOT_READY) {
        tl_busy_skips = 0;
        return 0;
    }
    if (++tl_busy_skips > HAMI_BUSY_SKIPS) {
        tl_busy_skips = 0;
        return 0;
    }
    tl_countdown = 1; /* try again at the next launch */
    return 1;
}

void hami_compute_before(struct hami_state *s, uint64_t key, CUstream stream, int ptsz,
                         struct hami_launch_ticket *t)
{
    struct hami_compute *c = &s->compute;
    t->dev = -1;
    t->active = 0;
    t->sample = -1;
    if (!c->any)
        return;
    int dev = hami_current_index(s);
    if (dev < 0 || dev >= HAMI_MAX_DEVICES)
        return;
    struct hami_compute_dev *dv = &c->dev[dev];
    CUcontext ctx = NULL;
    if (s->cuda.cuCtxGetCurrent != NULL)
        s->cuda.cuCtxGetCurrent(&ctx);
    key = hami_key_in_context(key, ctx);
    uint64_t now = c->now();
    if (now >= atomic_load_explicit(&dv->next_check, memory_order_relaxed))
        slow_check(s, dev, now);
    int known = 0;
    uint64_t cost = hami_cost_get(&c->costs, key, &known);
    hami_region_add_busy(&s->region, dev, cost);
    t->active = atomic_load_explicit(&dv->active, memory_order_relaxed);
    if (t->active) {
        uint64_t wait = hami_gcra_charge(&s->region.r->gcra_tat[dev], now, cost, dv->pct, HAMI_AHEAD_NS);
        if (wait > 0)
            sleep_ns(wait);
    }
    t->dev = dev;
    if (want_sample(known, cost) && !stream_busy(s, dv, effective_stream(stream, ptsz))) {
        t->sample = start_sample(s, dev, key, effective_stream(stream, ptsz));
        if (t->sample >= 0) {
            uint64_t poll = now + HAMI_POLL_NS;
            if (poll < atomic_load(&dv->next_check))
                atomic_store(&dv->next_check, poll);
        }
    }
}

/*
 * Until one launch on the device has been timed, costs are a guess, and a low
 * guess would let a burst through at start-up. So the first sampled launch
 * waits for its own measurement (bounded, in case the GPU is held elsewhere).
 */
static void await_first_measurement(struct hami_state *s, struct hami_compute_dev *dv)
{
    struct hami_compute *c = &s->compute;
    uint64_t deadline = c->now() + 1000000000ULL;
    while (!atomic_load(&dv->measured) && c->now() < deadline) {
        pthread_mutex_lock(&c->mu);
        poll_samples_locked(s, dv);
        pthread_mutex_unlock(&c->mu);
        if (!atomic_load(&dv->measured))
            sleep_ns(20000);
    }
}

void hami_compute_after(struct hami_state *s, const struct hami_launch_ticket *t, CUstream stream, int ptsz,
                        CUresult rc)
{
    if (t->sample < 0)
        return;
    struct hami_compute *c = &s->compute;
    struct hami_compute_dev *dv = &c->dev[t->dev];
    pthread_mutex_lock(&c->mu);
    struct hami_sample *sm = &dv->samples[t->sample];
    if (rc == CUDA_SUCCESS && s->cuda.cuEventRecord(sm->end, effective_stream(stream, ptsz)) == CUDA_SUCCESS) {
        sm->state = HAMI_SAMPLE_PENDING;
    } else {
        sm->state = HAMI_SAMPLE_FREE;
        atomic_fetch_sub(&dv->inflight, 1);
    }
    pthread_mutex_unlock(&c->mu);
    if (t->active && sm->state == HAMI_SAMPLE_PENDING && !atomic_load(&dv->measured))
        await_first_measurement(s, dv);
}
