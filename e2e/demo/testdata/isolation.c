/*
 * The workload of the isolation test. It finds the CUDA driver the way an
 * application does (dlopen + dlsym); inside a pod that hami-core limits, the
 * answers must be the pod's, not the device's. Prints one line:
 * ISOLATION {json}.
 *
 *   isolation          memory: asks how much memory the device has, allocates
 *                      half of it and then more than all of it; then starts a
 *                      second process (fork + exec of itself) that allocates
 *                      CHILD_MIB and stays, and looks at cuMemGetInfo again:
 *                      one accounting region shared by the two processes
 *                      shows the child's memory to the parent, whatever uid
 *                      the container runs as.
 *   isolation compute  compute: launches kernels on the mock's simulated GPU
 *                      (MOCK_GPU_SIM_DIR, MOCK_KERNEL_NS) for WARMUP_S, then
 *                      WINDOW_S, and reports its share of device time in the
 *                      window, read from the simulator's timeline.
 *   isolation child    the second process of the memory mode (internal).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;

#define LOAD(h, name, type) ((type)dlsym((h), (name)))
#define CHILD_MIB 256
#define WARMUP_S 0.5
#define WINDOW_S 2.0
/* Where the plugin mounts the container's region directory (gpunode.ContainerRegion). */
#define REGION_FILE "/var/lib/hami/region/region.cache"

struct driver {
    CUresult (*init)(unsigned int);
    CUresult (*get)(CUdevice *, int);
    CUresult (*retain)(CUcontext *, CUdevice);
    CUresult (*current)(CUcontext);
    CUresult (*total_mem)(size_t *, CUdevice);
    CUresult (*mem_info)(size_t *, size_t *);
    CUresult (*alloc)(CUdeviceptr *, size_t);
    CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                       void **, void **);
    uint64_t (*sim_busy)(int, const char *); /* the mock's simulated GPU: a tenant's busy ns */
    CUdevice dev;
};

static int fail(const char *what, int code)
{
    printf("ISOLATION {\"error\":\"%s: %d\"}\n", what, code);
    fflush(stdout);
    return 1;
}

/* Loads the driver and makes device 0's primary context current; 0 or a CUresult. */
static int open_driver(struct driver *d)
{
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        printf("ISOLATION {\"error\":\"dlopen libcuda.so.1: %s\"}\n", dlerror());
        return -1;
    }
    d->init = LOAD(h, "cuInit", CUresult (*)(unsigned int));
    d->get = LOAD(h, "cuDeviceGet", CUresult (*)(CUdevice *, int));
    d->retain = LOAD(h, "cuDevicePrimaryCtxRetain", CUresult (*)(CUcontext *, CUdevice));
    d->current = LOAD(h, "cuCtxSetCurrent", CUresult (*)(CUcontext));
    d->total_mem = LOAD(h, "cuDeviceTotalMem_v2", CUresult (*)(size_t *, CUdevice));
    d->mem_info = LOAD(h, "cuMemGetInfo_v2", CUresult (*)(size_t *, size_t *));
    d->alloc = LOAD(h, "cuMemAlloc_v2", CUresult (*)(CUdeviceptr *, size_t));
    d->launch = LOAD(h, "cuLaunchKernel",
                     CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                                  CUstream, void **, void **));
    d->sim_busy = LOAD(h, "mock_sim_tenant_busy", uint64_t (*)(int, const char *));
    if (!d->init || !d->get || !d->retain || !d->current || !d->total_mem || !d->mem_info || !d->alloc ||
        !d->launch) {
        printf("ISOLATION {\"error\":\"a driver entry point is missing\"}\n");
        return -1;
    }
    CUcontext ctx;
    CUresult r = d->init(0);
    if (r == 0) r = d->get(&d->dev, 0);
    if (r == 0) r = d->retain(&ctx, d->dev);
    if (r == 0) r = d->current(ctx);
    return r;
}

/* The second process: allocates CHILD_MIB, writes what it then sees free to fd 1 of the pipe
 * (its stdout is the pipe), and stays until its stdin closes. */
static int child(void)
{
    struct driver d;
    size_t free_mem = 0, total = 0;
    CUdeviceptr p = 0;
    int64_t out = -1;
    if (open_driver(&d) == 0 && d.alloc(&p, (size_t)CHILD_MIB << 20) == 0 && d.mem_info(&free_mem, &total) == 0)
        out = (int64_t)(free_mem >> 20);
    if (write(1, &out, sizeof out) != (ssize_t)sizeof out)
        return 1;
    char c;
    while (read(0, &c, 1) > 0) {
    }
    return 0;
}

/* Starts the child on two pipes; returns its pid, or -1. */
static pid_t start_child(int *to, int *from)
{
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(down[0], 0);
        dup2(up[1], 1);
        close(down[1]);
        close(up[0]);
        execl("/proc/self/exe", "isolation", "child", (char *)NULL);
        _exit(127);
    }
    close(down[0]);
    close(up[1]);
    *to = down[1];
    *from = up[0];
    return pid;
}

static int memory(void)
{
    struct driver d;
    size_t total = 0, free_mem = 0, info_total = 0;
    CUdeviceptr half_ptr = 0, past_ptr = 0;
    CUresult r = open_driver(&d);
    if (r < 0)
        return 1;
    if (r == 0) r = d.total_mem(&total, d.dev);
    if (r == 0) r = d.mem_info(&free_mem, &info_total);
    if (r != 0)
        return fail("driver setup failed", r);
    CUresult half = d.alloc(&half_ptr, total / 2);
    CUresult past = d.alloc(&past_ptr, total / 2 + (64u << 20));

    /* The second process, and what each sees of the other. */
    size_t before = 0, with_child = 0;
    d.mem_info(&before, &info_total);
    int to = -1, from = -1;
    pid_t pid = start_child(&to, &from);
    if (pid < 0)
        return fail("cannot start the second process", -1);
    int64_t child_free = -1;
    if (read(from, &child_free, sizeof child_free) != (ssize_t)sizeof child_free)
        child_free = -1;
    d.mem_info(&with_child, &info_total);
    close(to);
    int status = 0;
    waitpid(pid, &status, 0);
    struct stat st;
    long region_uid = stat(REGION_FILE, &st) == 0 ? (long)st.st_uid : -1;
    long region_mode = region_uid >= 0 ? (long)(st.st_mode & 07777) : -1;

    printf("ISOLATION {\"totalMiB\":%zu,\"memGetInfoTotalMiB\":%zu,\"allocHalf\":%d,\"allocPast\":%d,"
           "\"uid\":%ld,\"gid\":%ld,\"childMiB\":%d,\"freeBeforeChildMiB\":%zu,\"freeWithChildMiB\":%zu,"
           "\"childSawFreeMiB\":%lld,\"childExit\":%d,\"regionUid\":%ld,\"regionMode\":%ld}\n",
           total >> 20, info_total >> 20, half, past, (long)getuid(), (long)getgid(), CHILD_MIB, before >> 20,
           with_child >> 20, (long long)child_free, WIFEXITED(status) ? WEXITSTATUS(status) : -1, region_uid,
           region_mode);
    fflush(stdout);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void launch_for(struct driver *d, double seconds, long *n)
{
    for (double t0 = now_s(); now_s() - t0 < seconds; (*n)++)
        d->launch((CUfunction)0x1234, 64, 1, 1, 128, 1, 1, 0, NULL, NULL, NULL);
}

static int compute(void)
{
    struct driver d;
    CUresult r = open_driver(&d);
    if (r < 0)
        return 1;
    if (r != 0)
        return fail("driver setup failed", r);
    const char *tag = getenv("MOCK_GPU_TENANT");
    if (tag == NULL || *tag == '\0')
        tag = "default";
    if (d.sim_busy == NULL || getenv("MOCK_GPU_SIM_DIR") == NULL)
        return fail("no simulated GPU (mock_sim_tenant_busy, MOCK_GPU_SIM_DIR)", -1);
    long warm = 0, n = 0;
    launch_for(&d, WARMUP_S, &warm);
    uint64_t b0 = d.sim_busy(0, tag);
    double t0 = now_s();
    launch_for(&d, WINDOW_S, &n);
    uint64_t b1 = d.sim_busy(0, tag);
    double dt = now_s() - t0;
    printf("ISOLATION {\"launches\":%ld,\"windowS\":%.3f,\"busyS\":%.3f,\"sharePct\":%.1f}\n", n, dt,
           (double)(b1 - b0) / 1e9, 100.0 * (double)(b1 - b0) / 1e9 / dt);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    if (argc > 1 && strcmp(argv[1], "compute") == 0)
        return compute();
    return memory();
}
