/*
 * The simulated GPU shared by the mock libcuda.so.1 and libnvidia-ml.so.1.
 *
 * Enabled by MOCK_GPU_SIM_DIR: physical device p is the file
 * $MOCK_GPU_SIM_DIR/gpu<p>, mmap'd MAP_SHARED by every process of every
 * (simulated) container on the machine, so they all contend for one device.
 *
 * The device is serial: it runs commands (kernels, event records) one after
 * the other in the order they were submitted, whichever process or context
 * they come from, so contexts take turns at command granularity. A kernel
 * occupies the timeline from max(now, device free, its stream's last command)
 * for its duration, in real wall time (CLOCK_MONOTONIC, the same clock in
 * every process). An event is a marker: behind pending work on its stream it
 * completes when that work does; on an idle stream it completes when the
 * device reaches it in submission order. So an event pair around a kernel
 * measures that kernel, plus whatever other contexts' kernels ran between the
 * stream's previous work and it (the time-slicing noise of a real GPU). A
 * launch blocks while the device is more than MOCK_QUEUE_NS (default 4 ms)
 * behind: a context never waits longer than that for others' work, as on a
 * GPU whose time slices bound how long one context waits for the others.
 *
 * Durations: MOCK_KERNEL_PATTERN ("1000000,10000000": cycled per process) or
 * MOCK_KERNEL_NS (constant). Accounting: busy time per tenant tag
 * (MOCK_GPU_TENANT, default "default"), credited when a kernel is placed, and
 * per 100 ms bucket for NVML's utilisation.
 */
#ifndef MOCK_SIM_H
#define MOCK_SIM_H

#include "mock_common.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SIM_MAGIC 0x53494d4755ULL
#define SIM_BUCKET_NS 100000000ULL
#define SIM_BUCKETS 64
#define SIM_TENANTS 16
#define SIM_PROCS 64
#define SIM_TAG_LEN 32

struct sim_dev {
    uint64_t magic;
    pthread_mutex_t mu; /* robust, process-shared; guards everything below */
    uint64_t free_at;   /* ns: end of the device timeline */
    uint64_t busy_total;
    struct {
        char tag[SIM_TAG_LEN];
        uint64_t busy;
    } tenants[SIM_TENANTS];
    struct {
        uint64_t epoch; /* bucket number (t / SIM_BUCKET_NS) this entry holds */
        uint64_t busy;
    } buckets[SIM_BUCKETS];
    int32_t procs[SIM_PROCS]; /* pids with a context on the device (NVML's process list) */
};

static inline uint64_t sim_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void sim_sleep_until(uint64_t t)
{
    for (uint64_t now = sim_now(); now < t; now = sim_now()) {
        uint64_t d = t - now;
        struct timespec ts = {.tv_sec = (time_t)(d / 1000000000ULL), .tv_nsec = (long)(d % 1000000000ULL)};
        nanosleep(&ts, NULL);
    }
}

static inline int sim_enabled(void)
{
    const char *d = getenv("MOCK_GPU_SIM_DIR");
    return d != NULL && *d != '\0';
}

/* Maps device `phys` (creating and initialising the file the first time); NULL when disabled. */
static inline struct sim_dev *sim_map(int phys)
{
    const char *dir = getenv("MOCK_GPU_SIM_DIR");
    if (dir == NULL || *dir == '\0')
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/gpu%d", dir, phys);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return NULL;
    flock(fd, LOCK_EX);
    struct sim_dev *d = MAP_FAILED;
    if (ftruncate(fd, sizeof *d) == 0)
        d = mmap(NULL, sizeof *d, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (d != MAP_FAILED && d->magic != SIM_MAGIC) {
        memset(d, 0, sizeof *d);
        pthread_mutexattr_t a;
        pthread_mutexattr_init(&a);
        pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
        pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
        pthread_mutex_init(&d->mu, &a);
        pthread_mutexattr_destroy(&a);
        d->magic = SIM_MAGIC;
    }
    flock(fd, LOCK_UN);
    close(fd);
    return d == MAP_FAILED ? NULL : d;
}

static inline void sim_lock(struct sim_dev *d)
{
    if (pthread_mutex_lock(&d->mu) == EOWNERDEAD)
        pthread_mutex_consistent(&d->mu);
}

static inline void sim_unlock(struct sim_dev *d)
{
    pthread_mutex_unlock(&d->mu);
}

static inline void sim_credit_buckets_locked(struct sim_dev *d, uint64_t start, uint64_t end)
{
    for (uint64_t b = start / SIM_BUCKET_NS; b * SIM_BUCKET_NS < end; b++) {
        uint64_t lo = b * SIM_BUCKET_NS, hi = lo + SIM_BUCKET_NS;
        uint64_t s = start > lo ? start : lo, e = end < hi ? end : hi;
        unsigned i = (unsigned)(b % SIM_BUCKETS);
        if (d->buckets[i].epoch != b) {
            d->buckets[i].epoch = b;
            d->buckets[i].busy = 0;
        }
        d->buckets[i].busy += e - s;
    }
}

static inline void sim_credit_tenant_locked(struct sim_dev *d, const char *tag, uint64_t ns)
{
    for (int i = 0; i < SIM_TENANTS; i++) {
        if (d->tenants[i].tag[0] == '\0')
            snprintf(d->tenants[i].tag, SIM_TAG_LEN, "%s", tag);
        if (strncmp(d->tenants[i].tag, tag, SIM_TAG_LEN) == 0) {
            d->tenants[i].busy += ns;
            return;
        }
    }
}

/* Places a command of `dur` ns after `*stream_end`; returns its end and updates the stream. */
static inline uint64_t sim_place(struct sim_dev *d, uint64_t *stream_end, uint64_t dur, const char *tag)
{
    uint64_t now = sim_now();
    sim_lock(d);
    uint64_t start = now;
    if (d->free_at > start)
        start = d->free_at;
    if (*stream_end > start)
        start = *stream_end;
    uint64_t end = start + dur;
    d->free_at = end;
    *stream_end = end;
    if (dur > 0) {
        d->busy_total += dur;
        sim_credit_tenant_locked(d, tag, dur);
        sim_credit_buckets_locked(d, start, end);
    }
    sim_unlock(d);
    return end;
}

/* Completion time of an event recorded now on a stream whose last command ends at *stream_end. */
static inline uint64_t sim_marker(struct sim_dev *d, uint64_t *stream_end)
{
    uint64_t now = sim_now();
    sim_lock(d);
    uint64_t t = *stream_end > now ? *stream_end : (d->free_at > now ? d->free_at : now);
    *stream_end = t;
    sim_unlock(d);
    return t;
}

/* Percent of the last second the device was busy (complete 100 ms buckets only). */
static inline unsigned sim_utilization(struct sim_dev *d)
{
    uint64_t cur = sim_now() / SIM_BUCKET_NS, busy = 0;
    sim_lock(d);
    for (uint64_t b = cur - 10; b < cur; b++) {
        unsigned i = (unsigned)(b % SIM_BUCKETS);
        if (d->buckets[i].epoch == b)
            busy += d->buckets[i].busy;
    }
    sim_unlock(d);
    uint64_t pct = busy * 100 / (10 * SIM_BUCKET_NS);
    return (unsigned)(pct > 100 ? 100 : pct);
}

static inline uint64_t sim_tenant_busy(struct sim_dev *d, const char *tag)
{
    uint64_t v = 0;
    sim_lock(d);
    for (int i = 0; i < SIM_TENANTS; i++)
        if (strncmp(d->tenants[i].tag, tag, SIM_TAG_LEN) == 0)
            v = d->tenants[i].busy;
    sim_unlock(d);
    return v;
}

/* Registers this process as having a context on the device (idempotent). */
static inline void sim_attach(struct sim_dev *d)
{
    int32_t me = (int32_t)getpid();
    sim_lock(d);
    int free_i = -1;
    for (int i = 0; i < SIM_PROCS; i++) {
        if (d->procs[i] == me) {
            sim_unlock(d);
            return;
        }
        if (free_i < 0 && (d->procs[i] == 0 || kill(d->procs[i], 0) != 0))
            free_i = i;
    }
    if (free_i >= 0)
        d->procs[free_i] = me;
    sim_unlock(d);
}

static inline unsigned sim_process_count(struct sim_dev *d)
{
    unsigned n = 0;
    sim_lock(d);
    for (int i = 0; i < SIM_PROCS; i++)
        if (d->procs[i] != 0 && kill(d->procs[i], 0) == 0)
            n++;
    sim_unlock(d);
    return n;
}

#endif
