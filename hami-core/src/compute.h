/*
 * Launch gating: glue between the intercepted launch calls, the limiter core
 * (limiter.h), CUDA events used to measure GPU time, and NVML (to see other
 * tenants for the `default` policy). Every launch adds its estimated device
 * time to the container's busy_ns in the region (what the node monitor and
 * the `default` policy read). The fast path, when tokens are available, is a
 * clock read (vDSO), a table lookup, one atomic add and one CAS: no syscall,
 * no lock. Every launch of a kernel of HAMI_LONG_KERNEL_NS or more, one launch in
 * ~HAMI_SAMPLE_MEAN of shorter ones, and the first of each new key
 * is bracketed with an event pair; results are collected without blocking.
 */
#ifndef HAMI_COMPUTE_H
#define HAMI_COMPUTE_H

#include "hami_cuda_abi.h"
#include "limiter.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define HAMI_EVENT_PAIRS 8
#define HAMI_SAMPLE_MEAN 32
#define HAMI_LONG_KERNEL_NS 200000ULL   /* kernels this long are timed at every launch */
#define HAMI_BUSY_SKIPS 8                /* launches a sample may wait for an idle stream */
#define HAMI_SHARE_CHECK_NS 500000000ULL /* default policy: look for other tenants twice a second */
#define HAMI_OTHERS_BUSY_PCT 15          /* default policy: others use more than this: share the device */
#define HAMI_POLL_NS 500000ULL           /* collect finished samples every 0.5 ms at most */

enum hami_sample_state { HAMI_SAMPLE_FREE = 0, HAMI_SAMPLE_RECORDING = 1, HAMI_SAMPLE_PENDING = 2 };

struct hami_sample {
    CUevent start, end;
    uint64_t key;
    int state;
};

struct hami_compute_dev {
    int pct;                      /* immutable after init; 0 = not limited */
    _Atomic int active;           /* gate launches now */
    _Atomic int contended;        /* other tenants were using the device at the last check */
    _Atomic int marked;           /* this process is registered on the device in the region */
    _Atomic uint64_t next_check;  /* ns */
    _Atomic int inflight;         /* samples not FREE */
    _Atomic int measured;         /* some launch on this device has been timed */
    uint64_t next_share_check;    /* guarded by hami_compute.mu */
    uint64_t busy_at[2], busy_t[2]; /* guarded by hami_compute.mu: the container's busy_ns at the last two checks */
    CUcontext ev_ctx;             /* guarded by hami_compute.mu */
    struct hami_sample samples[HAMI_EVENT_PAIRS]; /* guarded by hami_compute.mu */
};

struct hami_compute {
    pthread_mutex_t mu; /* guards the fields marked above and cost-table updates */
    int any;            /* immutable after init: some device is limited (or usage is recorded) */
    enum hami_policy policy;
    uint64_t (*now)(void); /* the clock; injectable */
    struct hami_cost_table costs;
    struct hami_compute_dev dev[HAMI_MAX_DEVICES];
};

struct hami_state;

struct hami_launch_ticket {
    int dev;
    int active; /* the launch was gated */
    int sample; /* index of the event pair bracketing this launch, or -1 */
};

void hami_compute_init(struct hami_compute *c, struct hami_state *s);
void hami_compute_after_fork_child(struct hami_compute *c);
void hami_compute_before(struct hami_state *s, uint64_t key, CUstream stream, int ptsz,
                         struct hami_launch_ticket *t);
void hami_compute_after(struct hami_state *s, const struct hami_launch_ticket *t, CUstream stream, int ptsz,
                        CUresult rc);
uint64_t hami_monotonic_ns(void);

#endif
