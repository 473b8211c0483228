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
#define HAMI_REGION_VERSION 1u
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

/* Versioned on-disk layout. Fields after `lock` are guarded by it unless marked atomic. */
struct hami_region {
    uint64_t magic;
    uint32_t version;
    uint32_t size;
    pthread_mutex_t lock; /* robust, process-shared */
    uint64_t mem_limit[HAMI_MAX_DEVICES];
    int32_t sm_limit[HAMI_MAX_DEVICES];
    int32_t policy;
    int32_t pad;
    _Atomic uint64_t used_total[HAMI_MAX_DEVICES]; /* written under lock, read lock-free */
    _Atomic uint64_t gcra_tat[HAMI_MAX_DEVICES];   /* compute limiter virtual time, lock-free CAS */
    struct hami_slot slots[HAMI_REGION_SLOTS];
};

/* Process-local view of the region. */
struct hami_region_handle {
    struct hami_region *r;
    int fd;              /* -1 for a private (fallback) region */
    int shared;          /* 1 when mapped from the file */
    pthread_mutex_t mu;  /* guards slot (process-local) */
    int slot;            /* this process's slot, -1 until claimed; reset in fork children */
#ifdef HAMI_TEST_HOOKS
    int hold_ms;         /* pause inside the lock while reserving (test builds only) */
#endif
};

int hami_region_open(struct hami_region_handle *h, const struct hami_config *cfg);
/* Charge `bytes` to device `dev` for this process; -1 when it would exceed the limit. */
int hami_region_reserve(struct hami_region_handle *h, int dev, uint64_t bytes);
void hami_region_release(struct hami_region_handle *h, int dev, uint64_t bytes);
uint64_t hami_region_used(const struct hami_region_handle *h, int dev);
uint64_t hami_region_limit(const struct hami_region_handle *h, int dev);
int hami_region_sm_limit(const struct hami_region_handle *h, int dev);
enum hami_policy hami_region_policy(const struct hami_region_handle *h);
/* Mark that this process uses `dev`; returns the number of live processes of the container on it. */
int hami_region_use_device(struct hami_region_handle *h, int dev);
int hami_region_device_processes(struct hami_region_handle *h, int dev);
/* Called in a fork child: the child owns no slot (record locks are not inherited). */
void hami_region_after_fork_child(struct hami_region_handle *h);

#endif
