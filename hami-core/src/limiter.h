/*
 * Compute limiter core: pure functions of (state, now), so the whole policy is
 * tested under a simulated clock.
 *
 * The share is denominated in GPU time. Every launch is charged its estimated
 * GPU duration divided by the share (GCRA: one atomic "theoretical arrival
 * time" per device, shared by all processes of the container). A launch whose
 * charge puts the virtual time more than `ahead` beyond now waits until it is
 * not. Over any long window the container therefore submits at most
 * share * window of GPU work, whatever the GPU's size: the bucket is refilled by
 * wall time, not by an SM-count heuristic, and it is debited by measured GPU
 * time, not by a utilisation reading taken after the fact.
 *
 * Durations are learnt per launch key (function + grid size, or graph) from
 * sampled CUDA event pairs: the estimate is the mean of the samples (so keys
 * whose durations vary are charged what they cost on average), with each
 * sample clipped to a multiple of the estimate so one stretched by another
 * tenant's time slice moves it only a little.
 */
#ifndef HAMI_LIMITER_H
#define HAMI_LIMITER_H

#include "config.h"

#include <stdatomic.h>
#include <stdint.h>

#define HAMI_COST_SLOTS 4096
#define HAMI_DEFAULT_COST_NS 20000ULL /* before anything was measured */
#define HAMI_AHEAD_NS 10000000ULL     /* work that may be queued beyond the share: 10 ms */
#define HAMI_COST_CLIP 4              /* a settled estimate takes a sample as at most 4x itself */
#define HAMI_COST_WINDOW 32           /* samples the estimate averages over */
#define HAMI_COST_SETTLED 8           /* samples before clipping starts */

/* Returns how long (ns) the caller must wait before launching work of `cost_ns`. */
uint64_t hami_gcra_charge(_Atomic uint64_t *tat, uint64_t now, uint64_t cost_ns, int pct, uint64_t ahead_ns);

struct hami_cost_entry {
    _Atomic uint64_t key;  /* 0 = empty */
    _Atomic uint64_t cost; /* ns */
    _Atomic uint64_t n;    /* samples so far (written under the caller's lock) */
};

/* Reads are lock-free; updates must be serialised by the caller. */
struct hami_cost_table {
    struct hami_cost_entry e[HAMI_COST_SLOTS];
    _Atomic uint64_t fallback; /* mean of recent samples, for keys never measured */
};

void hami_cost_init(struct hami_cost_table *t);
/* Cost estimate for `key`; *known says whether it was ever measured. */
uint64_t hami_cost_get(const struct hami_cost_table *t, uint64_t key, int *known);
void hami_cost_update(struct hami_cost_table *t, uint64_t key, uint64_t sample_ns);
uint64_t hami_launch_key(const void *fn, uint64_t blocks);
/* The launch key as learnt in context `ctx`: the same kernel may cost differently elsewhere. */
uint64_t hami_key_in_context(uint64_t key, const void *ctx);

/* Percent of the device other tenants used: NVML's utilisation minus this container's own
 * device time over the same interval (never negative). */
int hami_others_busy(unsigned util_pct, uint64_t own_ns, uint64_t interval_ns);

/* Should launches on a device be gated? `shared`: another tenant uses the device. */
int hami_limit_active(enum hami_policy policy, int pct, int shared);

/* Pseudo-random sampling interval in [1, 2*mean]; state must be non-zero. */
uint32_t hami_sample_interval(uint64_t *state, uint32_t mean);

#endif
