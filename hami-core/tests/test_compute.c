/* Launch gating end to end, in real time, against the mock's virtual GPU clock:
 * every mock kernel "takes" MOCK_KERNEL_NS of GPU time (measured through CUDA events). */
#include "check.h"
#include "driver_api.h"

#include <sched.h>
#include <time.h>

enum { K_LAUNCH, K_LAUNCH_PTSZ, K_EX, K_EX_PTSZ, K_COOP, K_COOP_PTSZ, K_GRAPH, K_GRAPH_PTSZ };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int kind;

static void launch_one(void)
{
    CUfunction f = (CUfunction)0x1234;
    CUlaunchConfig cfg = {.gridDimX = 64, .gridDimY = 1, .gridDimZ = 1, .blockDimX = 128, .blockDimY = 1,
                          .blockDimZ = 1};
    switch (kind) {
    case K_LAUNCH: cuLaunchKernel(f, 64, 1, 1, 128, 1, 1, 0, NULL, NULL, NULL); break;
    case K_LAUNCH_PTSZ: cuLaunchKernel_ptsz(f, 64, 1, 1, 128, 1, 1, 0, NULL, NULL, NULL); break;
    case K_EX: cuLaunchKernelEx(&cfg, f, NULL, NULL); break;
    case K_COOP: cuLaunchCooperativeKernel(f, 64, 1, 1, 128, 1, 1, 0, NULL, NULL); break;
    case K_GRAPH: cuGraphLaunch((CUgraphExec)0x5678, NULL); break;
    case K_GRAPH_PTSZ: cuGraphLaunch_ptsz((CUgraphExec)0x5678, NULL); break;
    }
}

/* Launches for `seconds`; returns the GPU time share the launches represent. */
static double run_for(double seconds, long *count)
{
    /* Measure the limiter, not a loaded CI machine's scheduler (best effort: needs CAP_SYS_NICE). */
    struct sched_param sp = {.sched_priority = 1};
    sched_setscheduler(0, SCHED_FIFO, &sp);
    use_device(0);
    double t0 = now_s();
    long n = 0;
    while (now_s() - t0 < seconds) {
        launch_one();
        n++;
    }
    double elapsed = now_s() - t0;
    *count = n;
    return (double)n * atoi(getenv("MOCK_KERNEL_NS")) / 1e9 / elapsed;
}

/* The share can be undershot by a loaded CI machine, never overshot beyond the burst allowance. */
static void expect_share(double want)
{
    long n;
    double share = run_for(1.5, &n);
    printf("    %ld launches, GPU share %.3f (want %.2f)\n", n, share, want);
    CHECK(share <= want + 0.03, "share %.3f above %.2f", share, want);
    CHECK(share >= want - 0.15, "share %.3f far below %.2f", share, want); /* a loaded CPU oversleeps */
    CHECK(mock_launch_count(kind) == n, "every launch reached the driver");
}

static void force30(void) { kind = K_LAUNCH; expect_share(0.30); }
static void force70(void) { kind = K_LAUNCH; expect_share(0.70); }
static void force30_ptsz(void) { kind = K_LAUNCH_PTSZ; expect_share(0.30); }
static void force30_ex(void) { kind = K_EX; expect_share(0.30); }
static void force30_coop(void) { kind = K_COOP; expect_share(0.30); }
static void force30_graph(void) { kind = K_GRAPH_PTSZ; expect_share(0.30); }

/* The operator's file says 30% under force; the pod's environment asks for disable and 90%. */
static void file_beats_env(void)
{
    use_limits_file("version=1\ncore=30\npolicy=force\n");
    kind = K_LAUNCH;
    expect_share(0.30);
}

static void unlimited(void)
{
    long n;
    kind = K_LAUNCH;
    double share = run_for(0.5, &n);
    printf("    %ld launches, GPU share %.3f\n", n, share);
    CHECK(share > 1.0, "not gated: share %.3f", share);
}

/* Two processes of one container share one budget. */
static void two_processes_share_one_budget(void)
{
    int fd[2];
    CHECK(pipe(fd) == 0, "pipe");
    kind = K_LAUNCH;
    for (int i = 0; i < 2; i++) {
        if (fork() == 0) {
            long n;
            run_for(1.5, &n);
            ssize_t w = write(fd[1], &n, sizeof n);
            (void)w;
            _exit(0);
        }
    }
    long a = 0, b = 0;
    CHECK(read(fd[0], &a, sizeof a) == sizeof a && read(fd[0], &b, sizeof b) == sizeof b, "reports");
    while (wait(NULL) > 0) {
    }
    double share = (double)(a + b) * 2e-3 / 1.5;
    printf("    %ld + %ld launches, container share %.3f\n", a, b, share);
    CHECK(share <= 0.33 && share >= 0.22, "together %.3f of 0.30", share);
}

int main(void)
{
    static const char *const f30[] = {"MOCK_KERNEL_NS=2000000", "CUDA_DEVICE_SM_LIMIT=30",
                                      "GPU_CORE_UTILIZATION_POLICY=force", NULL};
    static const char *const f70[] = {"MOCK_KERNEL_NS=2000000", "CUDA_DEVICE_SM_LIMIT=70",
                                      "GPU_CORE_UTILIZATION_POLICY=force", NULL};
    static const char *const off[] = {"MOCK_KERNEL_NS=2000000", "CUDA_DEVICE_SM_LIMIT=30",
                                      "GPU_CORE_UTILIZATION_POLICY=disable", NULL};
    static const char *const solo[] = {"MOCK_KERNEL_NS=2000000", "CUDA_DEVICE_SM_LIMIT=30", "MOCK_NVML_PROCS=1",
                                       NULL};
    static const char *const shared[] = {"MOCK_KERNEL_NS=2000000", "CUDA_DEVICE_SM_LIMIT=30",
                                         "GPU_CORE_UTILIZATION_POLICY=default", "MOCK_NVML_UTIL=100", NULL};
    static const char *const nolimit[] = {"MOCK_KERNEL_NS=2000000", "GPU_CORE_UTILIZATION_POLICY=force", NULL};
    run_case("compute: force 30% holds 30% of GPU time", force30, f30);
    run_case("compute: force 70% holds 70% of GPU time", force70, f70);
    run_case("compute: cuLaunchKernel_ptsz is gated", force30_ptsz, f30);
    run_case("compute: cuLaunchKernelEx is gated", force30_ex, f30);
    run_case("compute: cuLaunchCooperativeKernel is gated", force30_coop, f30);
    run_case("compute: cuGraphLaunch_ptsz is gated", force30_graph, f30);
    run_case("compute: policy disable does not gate", unlimited, off);
    run_case("compute: policy default, alone on the GPU: not gated", unlimited, solo);
    run_case("compute: policy default, another tenant present: gated at 30%", force30, shared);
    run_case("compute: no SM limit: not gated", unlimited, nolimit);
    static const char *const optout[] = {"MOCK_KERNEL_NS=2000000", "CUDA_DEVICE_SM_LIMIT=90",
                                         "GPU_CORE_UTILIZATION_POLICY=disable", NULL};
    run_case("compute: limits file at 30% force: a pod setting policy disable still runs limited", file_beats_env,
             optout);
    run_case("compute: two processes of a container share one 30% budget", two_processes_share_one_budget, f30);
    return finish();
}
