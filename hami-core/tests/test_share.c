/*
 * Compute shares on the simulated GPU (tests/mock/mock_sim.h): tenants are
 * real processes that launch kernels taking real wall time on one device
 * timeline; a tenant's share is its busy time on that timeline over
 * SHARE_WINDOW_S seconds, read from the simulator, never from libvgpu.
 *
 * Each scenario runs in its own process with its own simulated device and
 * regions, all scenarios at once (they sleep far more than they compute), and
 * prints one PASS/FAIL line plus a "figure|name|value|unit|target|pass" line
 * that `make bench` collects into bench/results/limiter-sim.json.
 */
#include "check.h"
#include "driver_api.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#define SHARE_WARMUP_S 1.0
#define SHARE_WINDOW_S 5.0
#define MAX_TENANTS 3

struct tenant {
    const char *tag;      /* the container: sim tenant tag and region file */
    int procs;            /* processes of the container */
    int streams;          /* threads, each on its own stream */
    int idle;             /* only creates a context */
    int switch_ctx_ns;    /* nonzero: after the warm-up, move to a second context with kernels this long */
    const char *env[6];   /* NAME=VALUE */
};

struct scenario {
    const char *name;
    const char *figure; /* name of the figure for the bench output */
    struct tenant t[MAX_TENANTS];
    double lo[MAX_TENANTS], hi[MAX_TENANTS]; /* acceptable share of each tenant, percent */
    double want;                            /* of tenant 0, for the figure: deviation from it */
    double want1;                           /* of tenant 1 when it gets a figure too */
    const char *figure_pair;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *stream_loop(void *arg)
{
    cuCtxSetCurrent((CUcontext)arg);
    CUstream st;
    if (cuStreamCreate(&st, 0) != CUDA_SUCCESS)
        return NULL;
    for (;;)
        cuLaunchKernel((CUfunction)0x1234, 64, 1, 1, 128, 1, 1, 0, st, NULL, NULL);
    return NULL;
}

static void launch_forever(const struct tenant *t)
{
    if (t->streams > 1) {
        pthread_t th;
        CUcontext ctx = NULL;
        cuCtxGetCurrent(&ctx);
        for (int i = 0; i < t->streams; i++)
            pthread_create(&th, NULL, stream_loop, ctx);
        for (;;)
            pause();
    }
    if (t->switch_ctx_ns > 0) {
        /* Same function and grid in both contexts, so the same launch key: the first context
         * teaches 1 ms, the second runs longer kernels and must be learnt again. */
        uint64_t dur = 1000000;
        void *params[] = {&dur, NULL};
        double t0 = now_s();
        while (now_s() - t0 < SHARE_WARMUP_S / 2)
            cuLaunchKernel((CUfunction)0x1234, 64, 1, 1, 128, 1, 1, 0, NULL, params, NULL);
        CUcontext c2;
        cuCtxCreate_v2(&c2, 0, 0);
        dur = (uint64_t)t->switch_ctx_ns;
        for (;;)
            cuLaunchKernel((CUfunction)0x1234, 64, 1, 1, 128, 1, 1, 0, NULL, params, NULL);
    }
    for (;;)
        cuLaunchKernel((CUfunction)0x1234, 64, 1, 1, 128, 1, 1, 0, NULL, NULL, NULL);
}

static pid_t start_process(const struct tenant *t, const char *dir)
{
    pid_t p = fork();
    if (p != 0)
        return p;
    char region[256];
    snprintf(region, sizeof region, "%s/%s.region", dir, t->tag);
    setenv("CUDA_DEVICE_MEMORY_SHARED_CACHE", region, 1);
    setenv("MOCK_GPU_TENANT", t->tag, 1);
    for (int i = 0; i < 6 && t->env[i] != NULL; i++)
        putenv(strdup(t->env[i]));
    /* The shares measure the limiter, not the host's scheduler: on a loaded CI machine a tenant
     * woken late cannot keep its share of the device busy. Best effort (needs CAP_SYS_NICE). */
    struct sched_param sp = {.sched_priority = 1};
    sched_setscheduler(0, SCHED_FIFO, &sp);
    use_device(0);
    if (t->idle) {
        for (;;)
            pause();
    }
    launch_forever(t);
    _exit(0);
}

/* The container's own record of its device time (region version 2, busy_ns[0] at offset 336),
 * what the node monitor reads. */
static double region_busy(const char *dir, const char *tag)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.region", dir, tag);
    FILE *f = fopen(path, "rb");
    uint64_t v = 0;
    if (f != NULL) {
        if (fseek(f, 336, SEEK_SET) != 0 || fread(&v, sizeof v, 1, f) != 1)
            v = 0;
        fclose(f);
    }
    return (double)v / 1e9;
}

static void busy_of(const struct scenario *s, int n, double *out)
{
    for (int i = 0; i < n; i++)
        out[i] = (double)mock_sim_tenant_busy(0, s->t[i].tag) / 1e9;
}

/* Runs in its own process; exit status 0 when every share was within bounds. */
static int run_scenario(const struct scenario *s)
{
    char dir[] = "/tmp/hami-share-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    setenv("MOCK_GPU_SIM_DIR", dir, 1);
    pid_t kids[16];
    int nk = 0, n = 0;
    for (; n < MAX_TENANTS && s->t[n].tag != NULL; n++)
        for (int p = 0; p < (s->t[n].procs ? s->t[n].procs : 1); p++)
            kids[nk++] = start_process(&s->t[n], dir);
    usleep((useconds_t)(SHARE_WARMUP_S * 1e6));
    double b0[MAX_TENANTS], b1[MAX_TENANTS], t0 = now_s();
    double r0 = region_busy(dir, s->t[0].tag);
    busy_of(s, n, b0);
    usleep((useconds_t)(SHARE_WINDOW_S * 1e6));
    busy_of(s, n, b1);
    double r1 = region_busy(dir, s->t[0].tag);
    double dt = now_s() - t0;
    for (int k = 0; k < nk; k++) {
        kill(kids[k], SIGKILL);
        waitpid(kids[k], NULL, 0);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("    cannot remove %s\n", dir);
    int ok = 1;
    double share0 = 0;
    for (int i = 0; i < n; i++) {
        double pct = 100.0 * (b1[i] - b0[i]) / dt;
        if (i == 0)
            share0 = pct;
        int in = pct >= s->lo[i] && pct <= s->hi[i];
        printf("    %s: %.1f%% of the device over %.1f s (want %.0f-%.0f)\n", s->t[i].tag, pct, dt, s->lo[i],
               s->hi[i]);
        ok &= in;
    }
    /* The figure: how far tenant 0 is from what it should get, in points (lower is better). */
    /* What the container recorded in its region matches the device time it really used (beside a
     * busy neighbour, stretched samples make it over-count: by at most 30%). */
    double real = b1[0] - b0[0], recorded = r1 - r0;
    int rec_ok = real > 0 && recorded / real > 0.85 && recorded / real < 1.3;
    printf("    %s recorded %.3f s of device time in its region, used %.3f s\n", s->t[0].tag, recorded, real);
    ok &= rec_ok;
    double dev = share0 - s->want;
    if (dev < 0)
        dev = -dev;
    printf("    figure|%s|%.2f|points|%.0f|%s\n", s->figure, dev, s->want - s->lo[0], ok ? "true" : "false");
    if (s->want1 > 0) { /* the second tenant of a pair has a figure of its own */
        double d1 = 100.0 * (b1[1] - b0[1]) / dt - s->want1;
        printf("    figure|%s, points from %.0f of the %.0f%% one|%.2f|points|5|%s\n", s->figure_pair, s->want1, s->want1,
               d1 < 0 ? -d1 : d1, ok ? "true" : "false");
    }
    printf("%s %s\n", ok ? "PASS" : "FAIL", s->name);
    return ok ? 0 : 1;
}

#define FORCE30 "CUDA_DEVICE_SM_LIMIT=30", "GPU_CORE_UTILIZATION_POLICY=force"

static const struct scenario scenarios[] = {
    {"share: one tenant at 30% (force), 2 ms kernels: 25-35% of the device",
     "share: one tenant at 30% (force), points from 30 over 5 s",
     {{"solo", 1, 1, 0, 0, {FORCE30, "MOCK_KERNEL_NS=2000000"}}},
     {25}, {35}, 30, 0, NULL},
    {"share: a 30/70 pair of containers: each within 5 points",
     "share: 30/70 pair of containers, points from 30 of the 30% one",
     {{"pair30", 1, 1, 0, 0, {FORCE30, "MOCK_KERNEL_NS=2000000"}},
      {"pair70", 1, 1, 0, 0, {"CUDA_DEVICE_SM_LIMIT=70", "GPU_CORE_UTILIZATION_POLICY=force",
                              "MOCK_KERNEL_NS=3000000"}}},
     {25, 65}, {35, 75}, 30, 70, "share: 30/70 pair of containers"},
    {"share: 30%, kernels alternating 1 ms and 10 ms under one key: 25-35%",
     "share: 30% with 1 ms / 10 ms kernels under one key, points from 30",
     {{"alt", 1, 1, 0, 0, {FORCE30, "MOCK_KERNEL_PATTERN=1000000,10000000"}}},
     {25}, {35}, 30, 0, NULL},
    {"share: 30%, four streams in one process: 25-35%",
     "share: 30% on four streams, points from 30",
     {{"streams", 1, 4, 0, 0, {FORCE30, "MOCK_KERNEL_NS=1000000"}}},
     {25}, {35}, 30, 0, NULL},
    {"share: two processes of one container at 30%: 25-35% together",
     "share: two processes of one 30% container, points from 30",
     {{"twoproc", 2, 1, 0, 0, {FORCE30, "MOCK_KERNEL_NS=2000000"}}},
     {25}, {35}, 30, 0, NULL},
    {"share: 30% after moving to a second context with 4x longer kernels: 25-35%",
     "share: 30% after a context change, points from 30",
     {{"ctxswitch", 1, 1, 0, 4000000, {FORCE30}}},
     {25}, {35}, 30, 0, NULL},
    {"share: policy default beside an idle neighbour context: above 90%",
     "share: policy default beside an idle neighbour context, points below 100",
     {{"dflt", 1, 1, 0, 0, {"CUDA_DEVICE_SM_LIMIT=30", "GPU_CORE_UTILIZATION_POLICY=default",
                            "MOCK_KERNEL_NS=2000000"}},
      {"idle", 1, 1, 1, 0, {"MOCK_KERNEL_NS=2000000"}}},
     {90, 0}, {101, 0}, 100, 0, NULL},
    {"share: policy default beside a busy neighbour: limited (20-35%, samples stretched by its slices undercharge)",
     "share: policy default beside a busy neighbour, points from 30",
     {{"dbusy", 1, 1, 0, 0, {"CUDA_DEVICE_SM_LIMIT=30", "GPU_CORE_UTILIZATION_POLICY=default",
                             "MOCK_KERNEL_NS=2000000"}},
      {"noisy", 1, 1, 0, 0, {"MOCK_KERNEL_NS=2000000"}}},
     {20, 60}, {35, 80}, 30, 0, NULL},
};

int main(void)
{
    const int n = (int)(sizeof scenarios / sizeof *scenarios);
    int fds[16];
    pid_t pids[16];
    const char *only = getenv("HAMI_SHARE_ONLY"); /* run one scenario, by index (debugging) */
    for (int i = 0; i < n; i++) {
        if (only != NULL && atoi(only) != i) {
            pids[i] = -1;
            continue;
        }
        int fd[2];
        if (pipe(fd) != 0)
            return 1;
        fflush(stdout);
        pids[i] = fork();
        if (pids[i] == 0) {
            close(fd[0]);
            dup2(fd[1], 1);
            alarm(60);
            int rc = run_scenario(&scenarios[i]);
            fflush(stdout);
            _exit(rc);
        }
        close(fd[1]);
        fds[i] = fd[0];
    }
    for (int i = 0; i < n; i++) {
        if (pids[i] < 0)
            continue;
        char buf[4096];
        ssize_t r;
        while ((r = read(fds[i], buf, sizeof buf)) > 0)
            fwrite(buf, 1, (size_t)r, stdout);
        close(fds[i]);
        int st = 0;
        waitpid(pids[i], &st, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
            cases_passed++;
        } else {
            if (!WIFEXITED(st))
                printf("FAIL %s (died)\n", scenarios[i].name);
            cases_failed++;
        }
        fflush(stdout);
    }
    return finish();
}
