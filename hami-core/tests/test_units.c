/* Pure units: environment parsing, array sizing, the allocation table, and the compute
 * limiter core under a simulated clock with a simulated GPU. */
#include "check.h"
#include "config.h"
#include "log.h"
#include "limiter.h"
#include "limits_file.h"
#include "memory.h"

#include <math.h>

static void parse_sizes(void)
{
    struct { const char *in; int ok; uint64_t want; } t[] = {
        {"1073741824", 1, 1073741824ULL}, {"1024m", 1, 1ULL << 30}, {"4g", 1, 4ULL << 30}, {"4G", 1, 4ULL << 30},
        {"512k", 1, 512ULL << 10}, {"0", 1, 0}, {"", 0, 0}, {"m", 0, 0}, {"-1", 0, 0}, {"10x", 0, 0},
        {"10mb", 0, 0}, {"99999999999999999999", 0, 0}, {"17179869184g", 0, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t v = 0;
        int ok = hami_parse_size(t[i].in, &v) == 0;
        CHECK(ok == t[i].ok && (!ok || v == t[i].want), "parse_size(%s) ok=%d v=%llu", t[i].in, ok,
              (unsigned long long)v);
    }
    int p = -1;
    CHECK(hami_parse_percent("30", &p) == 0 && p == 30, "30");
    CHECK(hami_parse_percent("100", &p) == 0 && p == 0, "100 means no limit");
    CHECK(hami_parse_percent("101", &p) != 0 && hami_parse_percent("3x", &p) != 0, "invalid percents");
    enum hami_policy pol;
    CHECK(hami_parse_policy("force", &pol) == 0 && pol == HAMI_POLICY_FORCE, "force");
    CHECK(hami_parse_policy(NULL, &pol) == 0 && pol == HAMI_POLICY_DEFAULT, "unset = default");
    CHECK(hami_parse_policy("always", &pol) != 0, "invalid policy");
}

static void parse_visible(void)
{
    struct hami_visible_entry e[8];
    CHECK(hami_parse_visible(NULL, e, 8) == -1, "unset");
    CHECK(hami_parse_visible("2,0", e, 8) == 2 && e[0].index == 2 && e[1].index == 0, "indices");
    CHECK(hami_parse_visible("GPU-abc, 1", e, 8) == 2 && e[0].index == -1 && strcmp(e[0].uuid, "GPU-abc") == 0 &&
              e[1].index == 1, "uuid and index");
    CHECK(hami_parse_visible("", e, 8) == 0, "empty hides all devices");
}

static const char *env_table[][2] = {
    {"CUDA_DEVICE_MEMORY_LIMIT", "1g"}, {"CUDA_DEVICE_MEMORY_LIMIT_1", "bogus"},
    {"CUDA_DEVICE_MEMORY_LIMIT_2", "2g"}, {"CUDA_DEVICE_SM_LIMIT_3", "25"}, {"GPU_CORE_UTILIZATION_POLICY", "force"},
};

static const char *fake_env(const char *name)
{
    for (size_t i = 0; i < sizeof env_table / sizeof env_table[0]; i++)
        if (strcmp(env_table[i][0], name) == 0)
            return env_table[i][1];
    return NULL;
}

static void config_load(void)
{
    struct hami_config c;
    setenv("LIBCUDA_LOG_LEVEL", "0", 1);
    hami_log_init();
    hami_config_load(&c, fake_env, NULL, 0);
    CHECK(c.mem_limit[0] == 1ULL << 30 && c.mem_limit[2] == 2ULL << 30, "generic and per-index limits");
    CHECK(c.mem_limit[1] == 1ULL << 30, "an invalid per-index limit falls back to the generic one");
    CHECK(c.sm_limit[3] == 25 && c.sm_limit[0] == 0, "sm limits");
    CHECK(c.policy == HAMI_POLICY_FORCE, "policy");
    CHECK(strcmp(c.region_path, HAMI_DEFAULT_REGION_PATH) == 0, "default region path");
}

static void limits_file_parse(void)
{
    static const char ok[] = "# written by the plugin\nversion=1\nmemory=1g\nmemory.2 = 24g\ncore.0=30\n"
                             "policy=force\nallow_disable=true\noversubscribe=1\nregion=/r/x.cache\nfuture=1\n";
    struct hami_file_limits f;
    int line = 0;
    CHECK(hami_parse_limits(ok, sizeof ok - 1, &f, &line) == 0, "valid file (line %d)", line);
    CHECK(f.mem_limit[0] == 1ULL << 30 && f.mem_limit[2] == 24ULL << 30, "memory limits");
    CHECK(f.sm_limit[0] == 30 && f.sm_limit[1] == 0, "core limits");
    CHECK(f.policy == HAMI_POLICY_FORCE && f.allow_disable && f.oversubscribe, "flags");
    CHECK(strcmp(f.region_path, "/r/x.cache") == 0, "region");
    struct { const char *text; int bad_line; } bad[] = {
        {"memory=1g\n", 1},                 /* no version */
        {"version=2\nmemory=1g\n", 1},      /* unknown version */
        {"version=1\nmemory=lots\n", 2},    /* bad size */
        {"version=1\ncore.99=30\n", 0},     /* device index out of range: an unknown key */
        {"version=1\nno equals sign\n", 2},
        {"version=1\npolicy=off\n", 2},
        {"version=1\nregion=relative\n", 2},
        {"", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = hami_parse_limits(bad[i].text, strlen(bad[i].text), &f, &line);
        if (bad[i].bad_line == 0 && bad[i].text[0] != '\0')
            CHECK(rc == 0, "case %zu accepted", i);
        else
            CHECK(rc != 0 && line == bad[i].bad_line, "case %zu rejected at line %d (got %d)", i, bad[i].bad_line,
                  line);
    }
    char nul[] = "version=1\0policy=disable\n";
    CHECK(hami_parse_limits(nul, sizeof nul - 1, &f, &line) != 0, "a NUL byte is rejected");
}

/* A cheap deterministic fuzz of the parser (run under ASan/UBSan by test-sanitize): mutations
 * of a valid file must be accepted or rejected, never read out of bounds; accepted ones hold
 * only in-range values. */
static void limits_file_fuzz(void)
{
    static const char seed[] = "version=1\nmemory=1g\nmemory.3=24g\ncore.0=30\npolicy=force\n"
                               "allow_disable=true\noversubscribe=false\nregion=/a/b\n";
    const char alphabet[] = "=.\n#\0 09gkmv/aelrtuy-";
    uint64_t st = 12345;
    int accepted = 0;
    for (int i = 0; i < 20000; i++) {
        char buf[sizeof seed + 8];
        size_t len = sizeof seed - 1;
        memcpy(buf, seed, len);
        int edits = 1 + (int)(hami_sample_interval(&st, 2) % 4);
        for (int e = 0; e < edits; e++) {
            if (len == 0)
                break;
            size_t at = hami_sample_interval(&st, 64) % len;
            switch (hami_sample_interval(&st, 2) % 3) {
            case 0: buf[at] = alphabet[hami_sample_interval(&st, 16) % (sizeof alphabet - 1)]; break;
            case 1: len = at; break; /* truncate */
            default: if (len < sizeof buf) buf[len++] = alphabet[hami_sample_interval(&st, 16) % (sizeof alphabet - 1)];
            }
        }
        struct hami_file_limits f;
        int line = 0;
        if (hami_parse_limits(buf, len, &f, &line) == 0) {
            accepted++;
            for (int d = 0; d < HAMI_MAX_DEVICES; d++)
                CHECK(f.sm_limit[d] >= 0 && f.sm_limit[d] < 100, "core in range");
            CHECK(f.policy >= HAMI_POLICY_DEFAULT && f.policy <= HAMI_POLICY_DISABLE, "policy in range");
        }
    }
    printf("    %d of 20000 mutations accepted\n", accepted);
}

static const char *policy_env_value;
static const char *policy_env(const char *name)
{
    if (strcmp(name, "GPU_CORE_UTILIZATION_POLICY") == 0)
        return policy_env_value;
    if (strcmp(name, "CUDA_DEVICE_MEMORY_LIMIT") == 0)
        return "64g";
    if (strcmp(name, "CUDA_DEVICE_SM_LIMIT") == 0)
        return "90";
    return NULL;
}

/* The file's limits win over the environment's; the environment only tightens the policy. */
static void limits_trust(void)
{
    struct { const char *file; const char *env; enum hami_policy want; } t[] = {
        {"version=1\ncore=30\n", "force", HAMI_POLICY_FORCE},
        {"version=1\ncore=30\n", "disable", HAMI_POLICY_DEFAULT},
        {"version=1\ncore=30\npolicy=force\n", "default", HAMI_POLICY_FORCE},
        {"version=1\ncore=30\npolicy=force\n", "disable", HAMI_POLICY_FORCE},
        {"version=1\ncore=30\nallow_disable=true\n", "disable", HAMI_POLICY_DISABLE},
        {NULL, "disable", HAMI_POLICY_DISABLE},     /* no file: HAMi's environment contract */
        {"garbage", "disable", HAMI_POLICY_DEFAULT}, /* an invalid file never allows disable */
    };
    setenv("LIBCUDA_LOG_LEVEL", "0", 1);
    hami_log_init();
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct hami_config c;
        policy_env_value = t[i].env;
        hami_config_load(&c, policy_env, t[i].file, t[i].file ? strlen(t[i].file) : 0);
        CHECK(c.policy == t[i].want, "case %zu: policy %d, want %d", i, c.policy, t[i].want);
        if (t[i].file != NULL && strcmp(t[i].file, "garbage") != 0)
            CHECK(c.sm_limit[0] == 30 && c.mem_limit[0] == 0 && c.from_file, "case %zu: the file's limits", i);
        else
            CHECK(c.sm_limit[0] == 90 && c.mem_limit[0] == 64ULL << 30 && !c.from_file, "case %zu: env limits", i);
    }
}

static void array_sizes(void)
{
    CHECK(hami_array_bytes(CU_AD_FORMAT_FLOAT, 4, 1024, 0, 0) == 16384, "1D float4");
    CHECK(hami_array_bytes(CU_AD_FORMAT_UNORM_INT8X4, 1, 100, 100, 0) == 40000, "packed format sets channels");
    CHECK(hami_array_bytes(CU_AD_FORMAT_NV12, 1, 1920, 1080, 0) == 1920 * 1080 * 3 / 2, "NV12");
    CHECK(hami_array_bytes(CU_AD_FORMAT_HALF, 2, SIZE_MAX / 2, 4, 1) == UINT64_MAX, "saturates");
    CUDA_ARRAY3D_DESCRIPTOR d = {.Width = 8, .Height = 8, .Depth = 0, .Format = CU_AD_FORMAT_UNSIGNED_INT8,
                                 .NumChannels = 1};
    CHECK(hami_mipmap_bytes(&d, 4) == 64 + 16 + 4 + 1, "2D mip chain");
    d.Depth = 6;
    d.Flags = 0x01; /* layered: layers do not shrink */
    CHECK(hami_mipmap_bytes(&d, 2) == 64 * 6 + 16 * 6, "layered mip chain");
}

static void alloc_table(void)
{
    struct hami_alloc_table t;
    hami_alloc_table_init(&t);
    for (uint64_t k = 1; k <= 5000; k++)
        CHECK(hami_alloc_add(&t, HAMI_ALLOC_PTR, k << 12, k, (int)(k % 3)) == 0, "add %llu", (unsigned long long)k);
    CHECK(hami_alloc_add(&t, HAMI_ALLOC_ARRAY, 1 << 12, 99, 2) == 0, "same key, other kind");
    uint64_t size;
    int dev;
    CHECK(hami_alloc_take(&t, HAMI_ALLOC_ARRAY, 1 << 12, &size, &dev) == 0 && size == 99 && dev == 2, "kinds apart");
    for (uint64_t k = 1; k <= 5000; k += 2)
        CHECK(hami_alloc_take(&t, HAMI_ALLOC_PTR, k << 12, &size, &dev) == 0 && size == k, "take");
    CHECK(hami_alloc_take(&t, HAMI_ALLOC_PTR, 1 << 12, &size, &dev) != 0, "taken once only");
    CHECK(hami_alloc_count(&t) == 2500, "count %zu", hami_alloc_count(&t));
    for (uint64_t k = 2; k <= 5000; k += 2)
        CHECK(hami_alloc_take(&t, HAMI_ALLOC_PTR, k << 12, &size, &dev) == 0 && dev == (int)(k % 3), "survivors");
}

/* ---- simulated GPU ---------------------------------------------------------------------- */

#define MAX_TENANTS 3
struct tenant {
    int pct;          /* 0 = unlimited */
    uint64_t cost;    /* true GPU time of each kernel */
    uint64_t next;    /* next time the app tries to launch */
    _Atomic uint64_t tat;
    uint64_t gpu_ns;  /* GPU time executed inside the window */
    uint64_t estimate;
};

/* Tenants launch greedily (5 us of CPU per launch); the GPU runs kernels in submission order
 * and an app may queue at most 1024 kernels (as the driver's launch queue). Returns nothing;
 * fills gpu_ns. The estimate a tenant charges is `estimate` (may differ from the true cost). */
static void simulate(struct tenant *t, int n, uint64_t window)
{
    uint64_t gpu_free = 0;
    uint64_t queue_end[MAX_TENANTS][1024] = {{0}};
    unsigned qi[MAX_TENANTS] = {0};
    for (;;) {
        int i = 0;
        for (int j = 1; j < n; j++)
            if (t[j].next < t[i].next)
                i = j;
        uint64_t now = t[i].next;
        if (now >= window)
            break;
        uint64_t wait = t[i].pct ? hami_gcra_charge(&t[i].tat, now, t[i].estimate, t[i].pct, HAMI_AHEAD_NS) : 0;
        uint64_t submit = now + wait;
        uint64_t oldest = queue_end[i][qi[i] % 1024]; /* queue full: the launch blocks */
        if (oldest > submit)
            submit = oldest;
        uint64_t start = gpu_free > submit ? gpu_free : submit;
        uint64_t end = start + t[i].cost;
        gpu_free = end;
        queue_end[i][qi[i]++ % 1024] = end;
        if (start < window)
            t[i].gpu_ns += (end < window ? end : window) - start;
        t[i].next = submit + 5000;
    }
}

static double share_of(const struct tenant *t, uint64_t window)
{
    return (double)t->gpu_ns / (double)window;
}

static void sim_case(const char *what, int pa, uint64_t ca, int pb, uint64_t cb, double wa, double wb)
{
    const uint64_t window = 20ULL * 1000000000ULL; /* 20 simulated seconds */
    struct tenant t[2];
    memset(t, 0, sizeof t);
    t[0].pct = pa;
    t[0].cost = t[0].estimate = ca;
    t[1].pct = pb;
    t[1].cost = t[1].estimate = cb;
    simulate(t, pb >= 0 ? 2 : 1, window);
    double sa = share_of(&t[0], window), sb = share_of(&t[1], window);
    printf("    %s: %.3f / %.3f\n", what, sa, sb);
    CHECK(fabs(sa - wa) <= 0.02, "%s: tenant A %.3f, want %.2f", what, sa, wa);
    if (pb >= 0)
        CHECK(fabs(sb - wb) <= 0.02, "%s: tenant B %.3f, want %.2f", what, sb, wb);
}

static void sim_shares(void)
{
    const uint64_t matmul = 180000; /* 4096^3 bf16 on an H200: ~0.18 ms */
    sim_case("30% alone", 30, matmul, -1, 0, 0.30, 0);
    sim_case("70% alone", 70, matmul, -1, 0, 0.70, 0);
    sim_case("30% + 70%", 30, matmul, 70, matmul, 0.30, 0.70);
    sim_case("30% + 70%, different kernel sizes", 30, 2000000, 70, 20000, 0.30, 0.70);
    sim_case("30% + unlimited neighbour", 30, matmul, 0, matmul, 0.30, 0.70);
    sim_case("unlimited alone", 0, matmul, -1, 0, 1.00, 0);
}

/* Varying durations under one key are charged their mean; an outlier moves the estimate only a
 * little; lasting changes are followed. */
static void estimator_unbiased(void)
{
    struct hami_cost_table *c = calloc(1, sizeof *c);
    hami_cost_init(c);
    uint64_t key = hami_launch_key((void *)0x1000, 132);
    int known = 1;
    CHECK(hami_cost_get(c, key, &known) == HAMI_DEFAULT_COST_NS && !known, "unknown key uses the fallback");
    uint64_t st = 7;
    double charged = 0, real = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t dur = (i % 2) ? 10000000 : 1000000; /* 1 ms and 10 ms alternating */
        real += (double)dur;
        charged += (double)hami_cost_get(c, key, &known);
        if (hami_sample_interval(&st, 2) == 1) /* a random subset is sampled */
            hami_cost_update(c, key, dur);
    }
    printf("    1/10 ms alternating: charged %.3f of the real time\n", charged / real);
    CHECK(charged / real > 0.9 && charged / real < 1.1, "charged %.3f of the real device time", charged / real);
    hami_cost_init(c);
    for (int i = 0; i < 200; i++)
        hami_cost_update(c, key, 1000000);
    hami_cost_update(c, key, 50000000); /* one sample stretched by a neighbour's time slice */
    uint64_t est = hami_cost_get(c, key, &known);
    CHECK(est <= 1400000, "one outlier moves the estimate a little: %llu", (unsigned long long)est);
    for (int i = 0; i < 120; i++)
        hami_cost_update(c, key, 4000000);
    est = hami_cost_get(c, key, &known);
    CHECK(est >= 3800000, "follows a lasting increase: %llu", (unsigned long long)est);
    for (int i = 0; i < 120; i++)
        hami_cost_update(c, key, 500000);
    est = hami_cost_get(c, key, &known);
    CHECK(est <= 600000, "follows a lasting decrease: %llu", (unsigned long long)est);
    free(c);
}

static void others_busy(void)
{
    CHECK(hami_others_busy(100, 1000000000ULL, 1000000000ULL) == 0, "alone at 100%%: nobody else");
    CHECK(hami_others_busy(100, 300000000ULL, 1000000000ULL) == 70, "30%% ours of 100%%: 70 others");
    CHECK(hami_others_busy(20, 300000000ULL, 1000000000ULL) == 0, "never negative");
    CHECK(hami_others_busy(50, 0, 0) == 0, "no interval");
}

static void policy_table(void)
{
    CHECK(!hami_limit_active(HAMI_POLICY_DISABLE, 30, 1), "disable never limits");
    CHECK(hami_limit_active(HAMI_POLICY_FORCE, 30, 0), "force limits alone");
    CHECK(!hami_limit_active(HAMI_POLICY_DEFAULT, 30, 0), "default: alone, not limited");
    CHECK(hami_limit_active(HAMI_POLICY_DEFAULT, 30, 1), "default: shared, limited");
    CHECK(!hami_limit_active(HAMI_POLICY_FORCE, 0, 1), "no limit set");
}

static void gcra_basics(void)
{
    _Atomic uint64_t tat = 0;
    uint64_t now = 1000000000ULL;
    uint64_t waited = 0;
    /* 1000 launches of 1 ms at 25%: 4 s of budget, minus the 10 ms that may run ahead and the
     * 10 ms of credit idle time earns. */
    for (int i = 0; i < 1000; i++) {
        uint64_t w = hami_gcra_charge(&tat, now, 1000000, 25, HAMI_AHEAD_NS);
        now += w;
        waited += w;
    }
    CHECK(waited >= 3980000000ULL - 1000 && waited <= 4000000000ULL, "waited %llu ns", (unsigned long long)waited);
    now += 10ULL * 1000000000ULL; /* idle for 10 s */
    CHECK(hami_gcra_charge(&tat, now, 1000000, 25, HAMI_AHEAD_NS) == 0, "after idling, no wait");
    uint64_t burst = 0;
    while (hami_gcra_charge(&tat, now, 1000000, 25, HAMI_AHEAD_NS) == 0)
        burst++;
    CHECK(burst <= 6, "idle time earns no burst credit beyond the window: %llu", (unsigned long long)burst);
    uint64_t st = 42, sum = 0;
    for (int i = 0; i < 10000; i++) {
        uint32_t v = hami_sample_interval(&st, 32);
        CHECK(v >= 1 && v <= 64, "interval %u", v);
        sum += v;
    }
    CHECK(sum / 10000 >= 30 && sum / 10000 <= 34, "mean interval %llu", (unsigned long long)(sum / 10000));
}

int main(void)
{
    run_case("units: size, percent and policy parsing", parse_sizes, NULL);
    run_case("units: CUDA_VISIBLE_DEVICES parsing", parse_visible, NULL);
    run_case("units: configuration from the environment", config_load, NULL);
    run_case("units: array and mipmap sizes", array_sizes, NULL);
    run_case("units: limits file parsing", limits_file_parse, NULL);
    run_case("units: limits file parser under 20000 mutations", limits_file_fuzz, NULL);
    run_case("units: limits file wins; the environment only tightens the policy", limits_trust, NULL);
    run_case("units: allocation table", alloc_table, NULL);
    run_case("units: token bucket (GCRA) under a simulated clock", gcra_basics, NULL);
    run_case("units: simulated GPU: shares 30, 70, 30+70 held within 2 points", sim_shares, NULL);
    run_case("units: cost estimator: unbiased for varying durations, robust to outliers", estimator_unbiased, NULL);
    run_case("units: other tenants' utilisation", others_busy, NULL);
    run_case("units: policy disable/default/force", policy_table, NULL);
    return finish();
}
