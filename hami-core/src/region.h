/*
 * The shared accounting region: one file per container (path from
 * CUDA_DEVICE_MEMORY_SHARED_CACHE), mmap'd MAP_SHARED by every process of the
 * container. Memory use is kept per process slot, so a dead process's usage is
 * reclaimed by clearing its slot. Two mechanisms make it safe against SIGKILL
 * at any instant:
 *  - the region lock is a robust process-shared mutex; EOWNERDEAD triggers a
 *    recovery that reclaims dead slots and recomputes totals from the slots;
 *  - a slot's liveness is a POSIX record lock on one byte of the file, held by
 *    the owning process and released by the kernel when it dies or execs. No
 *    pid comparison is involved, so pid reuse and pid namespaces do not matter.
 */
#ifndef HAMI_REGION_H
#define HAMI_REGION_H

#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define HAMI_REGION_MAGIC 0x4845474552494d41ULL /* "AMIREGEH" */
#define HAMI_REGION_VERSION 2u
#define HAMI_REGION_SLOTS 512
/* Byte offsets of the per-slot liveness locks. Never read or written: only locked.
 * Kept identical across layout versions so an old region's users can be detected. */
#define HAMI_SLOT_LOCK_BASE (1LL << 40)
#define HAMI_SLOT_LOCK_SPAN 65536

enum hami_slot_state { HAMI_SLOT_FREE = 0, HAMI_SLOT_LIVE = 1 };

struct hami_slot {
    int32_t state; /* enum hami_slot_state */
    int32_t pid;   /* diagnostics only */
    uint32_t devices; /* bit i: the process uses container device i */
    uint32_t pad;
    uint64_t used[HAMI_MAX_DEVICES];
};

/*
 * Versioned on-disk layout (little-endian, x86_64/aarch64). Version 2 holds
 * usage only, never limits: every process reads its limits from the trusted
 * limits file (or the environment), so nothing a tenant writes here can raise
 * them. Fixed offsets, for readers outside libvgpu (the node monitor):
 *   0    magic      u64  HAMI_REGION_MAGIC
 *   8    version    u32  2
 *   12   size       u32  sizeof(struct hami_region)
 *   16   lock       64 bytes (pthread_mutex_t, robust, process-shared)
 *   80   used_total u64[16]  device memory in use, bytes, per container device
 *   208  gcra_tat   u64[16]  compute limiter virtual time (CLOCK_MONOTONIC ns)
 *   336  busy_ns    u64[16]  cumulative device time of the container's launches, ns
 *   464  slots      struct hami_slot[512]
 * Fields after `lock` are guarded by it unless marked atomic.
 */
union hami_region_lock {
    pthread_mutex_t m; /* robust, process-shared */
    char pad[64];
};

struct hami_region {
    uint64_t magic;
    uint32_t version;
    uint32_t size;
    union hami_region_lock lock;
    _Atomic uint64_t used_total[HAMI_MAX_DEVICES]; /* written under lock, read lock-free */
    _Atomic uint64_t gcra_tat[HAMI_MAX_DEVICES];   /* compute limiter virtual time, lock-free CAS */
    _Atomic uint64_t busy_ns[HAMI_MAX_DEVICES];    /* device time charged by launches, lock-free add */
    struct hami_slot slots[HAMI_REGION_SLOTS];
};

#define HAMI_REGION_OFF_USED 80
#define HAMI_REGION_OFF_TAT 208
#define HAMI_REGION_OFF_BUSY 336
#define HAMI_REGION_OFF_SLOTS 464

/* Process-local view of the region. */
struct hami_region_handle {
    struct hami_region *r;
    const struct hami_config *cfg; /* the limits: this process's own, never the region's */
    int fd;              /* -1 for a private (fallback) region */
    int shared;          /* 1 when mapped from the file */
    pthread_mutex_t mu;  /* guards slot (process-local) */
    int slot;            /* this process's slot, -1 until claimed; reset in fork children */
#ifdef HAMI_TEST_HOOKS
    int hold_ms;         /* pause inside the lock while reserving (test builds only) */
#endif
};

/* Maps the region at cfg->region_path (shared) or, failing that, a private one (loudly). */
int hami_region_open(struct hami_region_handle *h, const struct hami_config *cfg);
/* Charge `bytes` to device `dev` for this process; -1 when it would exceed the limit. */
int hami_region_reserve(struct hami_region_handle *h, int dev, uint64_t bytes);
void hami_region_release(struct hami_region_handle *h, int dev, uint64_t bytes);
uint64_t hami_region_used(const struct hami_region_handle *h, int dev);
uint64_t hami_region_limit(const struct hami_region_handle *h, int dev);
/* Adds device time charged by a launch (the node monitor reads busy_ns). */
void hami_region_add_busy(struct hami_region_handle *h, int dev, uint64_t ns);
uint64_t hami_region_busy(const struct hami_region_handle *h, int dev);
/* Mark that this process uses `dev`; returns the number of live processes of the container on it. */
int hami_region_use_device(struct hami_region_handle *h, int dev);
int hami_region_device_processes(struct hami_region_handle *h, int dev);
/* Called in a fork child: the child owns no slot (record locks are not inherited). */
void hami_region_after_fork_child(struct hami_region_handle *h);

#endif
