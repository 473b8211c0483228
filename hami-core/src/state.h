/*
 * The process-wide state of libvgpu: built once (pthread_once) on the first
 * intercepted call, never in a constructor, so a process that never touches
 * CUDA (every process of a container under /etc/ld.so.preload) pays nothing.
 */
#ifndef HAMI_STATE_H
#define HAMI_STATE_H

#include "compute.h"
#include "config.h"
#include "memory.h"
#include "real.h"
#include "region.h"

#include <pthread.h>
#include <stdatomic.h>

struct hami_state {
    /* Written inside init_once, read-only afterwards. */
    int cuda_ok;
    struct hami_config cfg;
    struct hami_cuda_api cuda;
    /* Components with their own locks. */
    struct hami_region_handle region; /* r->lock */
    struct hami_alloc_table allocs;   /* allocs.mu */
    struct hami_compute compute;      /* compute.mu */
    /* Written inside nvml_once, read-only afterwards. */
    pthread_once_t nvml_once;
    int nvml_ok;
    struct hami_nvml_api nvml;
    /* Written inside devices_once, read-only afterwards: CUdevice ordinal -> container index. */
    pthread_once_t devices_once;
    int ndev;
    int cidx[HAMI_MAX_DEVICES];
    uint64_t phys_total[HAMI_MAX_DEVICES];
    _Atomic uint32_t ctx_charged; /* bit i: context overhead charged on container device i */
};

/* The initialised state (never NULL). */
struct hami_state *hami_state(void);
/* Container device index of a CUdevice ordinal (-1: none). */
int hami_container_index(struct hami_state *s, CUdevice dev);
/* Container device index of the calling thread's current context; -1 when there is none. */
int hami_current_index(struct hami_state *s);
/* Device count as CUDA sees it in this process. */
int hami_device_count(struct hami_state *s);
int hami_nvml_ready(struct hami_state *s);
/* Charge this process's context overhead on `cidx` once; -1 when over the limit. */
int hami_charge_context(struct hami_state *s, int cidx);

#endif
