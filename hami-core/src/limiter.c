/* Compute limiter core (see limiter.h). */
#include "limiter.h"

uint64_t hami_gcra_charge(_Atomic uint64_t *tat, uint64_t now, uint64_t cost_ns, int pct, uint64_t ahead_ns)
{
    if (pct <= 0 || pct >= 100)
        return 0;
    uint64_t inc = cost_ns * 100 / (uint64_t)pct;
    uint64_t old = atomic_load_explicit(tat, memory_order_relaxed);
    uint64_t next;
    do {
        /* Idle time earns at most `ahead_ns` of credit: enough to absorb a late wake-up of the
         * launching thread (a loaded CPU), never a burst that would break the share. */
        uint64_t floor = now > ahead_ns ? now - ahead_ns : 0;
        uint64_t base = old > floor ? old : floor;
        next = base + inc;
    } while (!atomic_compare_exchange_weak_explicit(tat, &old, next, memory_order_relaxed,
                                                    memory_order_relaxed));
    return next > now + ahead_ns ? next - now - ahead_ns : 0;
}

void hami_cost_init(struct hami_cost_table *t)
{
    for (int i = 0; i < HAMI_COST_SLOTS; i++) {
        atomic_init(&t->e[i].key, 0);
        atomic_init(&t->e[i].cost, 0);
        atomic_init(&t->e[i].n, 0);
    }
    atomic_init(&t->fallback, HAMI_DEFAULT_COST_NS);
}

uint64_t hami_launch_key(const void *fn, uint64_t blocks)
{
    uint64_t x = (uint64_t)(uintptr_t)fn ^ (blocks * 0x9e3779b97f4a7c15ULL);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 29;
    return x ? x : 1;
}

uint64_t hami_key_in_context(uint64_t key, const void *ctx)
{
    uint64_t x = key ^ ((uint64_t)(uintptr_t)ctx * 0xd6e8feb86659fd93ULL);
    x ^= x >> 32;
    return x ? x : 1;
}

#define PROBE_LIMIT 16

uint64_t hami_cost_get(const struct hami_cost_table *t, uint64_t key, int *known)
{
    unsigned i = (unsigned)(key % HAMI_COST_SLOTS);
    for (int p = 0; p < PROBE_LIMIT; p++, i = (i + 1) % HAMI_COST_SLOTS) {
        uint64_t k = atomic_load_explicit(&t->e[i].key, memory_order_acquire);
        if (k == key) {
            *known = 1;
            return atomic_load_explicit(&t->e[i].cost, memory_order_relaxed);
        }
        if (k == 0)
            break;
    }
    *known = 0;
    return atomic_load_explicit(&t->fallback, memory_order_relaxed);
}

/*
 * The mean of the samples: a plain running mean over the first
 * HAMI_COST_WINDOW samples, then exponentially weighted (1/HAMI_COST_WINDOW),
 * so a key whose durations vary is charged what it costs on average (the
 * sampled launches are a random subset) from its first samples on. Once
 * settled, a sample above HAMI_COST_CLIP times the estimate is clipped there:
 * one stretched by another context's time slice moves the estimate a little,
 * while a lasting change is followed within some tens of samples. Keys are per
 * context (hami_key_in_context), so a new context learns from its own samples.
 */
static uint64_t next_estimate(uint64_t est, uint64_t sample, uint64_t n)
{
    uint64_t w = n < HAMI_COST_WINDOW ? n + 1 : HAMI_COST_WINDOW;
    if (n >= HAMI_COST_SETTLED && sample > HAMI_COST_CLIP * est)
        sample = HAMI_COST_CLIP * est;
    if (sample >= est)
        return est + (sample - est + w - 1) / w;
    return est - (est - sample) / w;
}

void hami_cost_update(struct hami_cost_table *t, uint64_t key, uint64_t sample_ns)
{
    if (sample_ns == 0)
        sample_ns = 1;
    uint64_t fb = atomic_load_explicit(&t->fallback, memory_order_relaxed);
    atomic_store_explicit(&t->fallback, fb - fb / 8 + sample_ns / 8, memory_order_relaxed);
    unsigned i = (unsigned)(key % HAMI_COST_SLOTS);
    for (int p = 0; p < PROBE_LIMIT; p++, i = (i + 1) % HAMI_COST_SLOTS) {
        uint64_t k = atomic_load_explicit(&t->e[i].key, memory_order_relaxed);
        if (k == key) {
            uint64_t est = atomic_load_explicit(&t->e[i].cost, memory_order_relaxed);
            uint64_t n = atomic_load_explicit(&t->e[i].n, memory_order_relaxed);
            atomic_store_explicit(&t->e[i].cost, next_estimate(est, sample_ns, n), memory_order_relaxed);
            atomic_store_explicit(&t->e[i].n, n + 1, memory_order_relaxed);
            return;
        }
        if (k == 0) {
            atomic_store_explicit(&t->e[i].cost, sample_ns, memory_order_relaxed);
            atomic_store_explicit(&t->e[i].n, 1, memory_order_relaxed);
            atomic_store_explicit(&t->e[i].key, key, memory_order_release);
            return;
        }
    }
    /* Table region full: the key keeps using the fallback mean. */
}

int hami_others_busy(unsigned util_pct, uint64_t own_ns, uint64_t interval_ns)
{
    if (interval_ns == 0)
        return 0;
    double own = 100.0 * (double)own_ns / (double)interval_ns;
    double others = (double)util_pct - own;
    return others > 0 ? (int)(others + 0.5) : 0;
}

int hami_limit_active(enum hami_policy policy, int pct, int shared)
{
    if (pct <= 0 || pct >= 100 || policy == HAMI_POLICY_DISABLE)
        return 0;
    return policy == HAMI_POLICY_FORCE ? 1 : shared;
}

uint32_t hami_sample_interval(uint64_t *state, uint32_t mean)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return 1 + (uint32_t)(x % (2ULL * mean));
}
