/* Several processes of one container share one region: together they never exceed the limit,
 * and a process killed at any instant (even holding the lock) leaves the others working. */
#include "check.h"
#include "driver_api.h"

#include <errno.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>

#define CHILDREN 4

/* Allocates 1 MiB chunks until refused; reports the count, waits for `go`, then exits without freeing. */
static void fill(int report_fd, int go_fd)
{
    use_device(0);
    int n = 0;
    CUdeviceptr p;
    while (cuMemAlloc_v2(&p, 1 * MB) == CUDA_SUCCESS)
        n++;
    ssize_t w = write(report_fd, &n, sizeof n);
    char c;
    ssize_t r = read(go_fd, &c, 1);
    (void)w;
    (void)r;
    _exit(0);
}

static void concurrent_fill(void)
{
    int rep[2], go[2];
    CHECK(pipe(rep) == 0 && pipe(go) == 0, "pipes");
    pid_t kids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            fill(rep[1], go[0]);
    }
    int total = 0;
    for (int i = 0; i < CHILDREN; i++) {
        int n = 0;
        CHECK(read(rep[0], &n, sizeof n) == sizeof n, "report");
        total += n;
    }
    CHECK(total == 256, "4 processes together got %d MiB of a 256 MiB quota", total);
    CHECK(mock_device_used(0) == 0, "the parent allocated nothing");
    for (int i = 0; i < CHILDREN; i++) {
        char c = 'g';
        CHECK(write(go[1], &c, 1) == 1, "go");
    }
    for (int i = 0; i < CHILDREN; i++)
        waitpid(kids[i], NULL, 0);
    /* All four exited holding their memory: the next process gets the whole quota back. */
    use_device(0);
    CUdeviceptr p;
    CHECK(cuMemAlloc_v2(&p, 256 * MB) == CUDA_SUCCESS, "dead processes' usage reclaimed");
}

static void alloc_and_exit(size_t bytes)
{
    use_device(0);
    CUdeviceptr p;
    _exit(cuMemAlloc_v2(&p, bytes) == CUDA_SUCCESS ? 0 : 1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void killed_holding_lock(void)
{
    pid_t victim = fork();
    if (victim == 0) {
        setenv("HAMI_TEST_LOCK_HOLD_MS", "5000", 1); /* sleeps inside the region lock */
        alloc_and_exit(200 * MB);
    }
    usleep(500 * 1000);
    CHECK(kill(victim, SIGKILL) == 0, "kill");
    int st = 0;
    waitpid(victim, &st, 0);
    CHECK(WIFSIGNALED(st), "the victim died by SIGKILL inside the lock");
    double t0 = now_s();
    pid_t next = fork();
    if (next == 0)
        alloc_and_exit(256 * MB);
    waitpid(next, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the next process got the whole quota");
    CHECK(now_s() - t0 < 3.0, "without waiting for the dead holder (%.2fs)", now_s() - t0);
}

static void slot_reused_after_death(void)
{
    for (int round = 0; round < 3; round++) {
        pid_t p = fork();
        if (p == 0)
            alloc_and_exit(200 * MB);
        int st;
        waitpid(p, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "round %d: 200 MiB after the previous holder died", round);
    }
}

/* A process that used CUDA forks: the child has its own slot, shares the quota, and its
 * usage is reclaimed when it exits. */
static void fork_after_use(void)
{
    use_device(0);
    CUdeviceptr p;
    CHECK(cuMemAlloc_v2(&p, 128 * MB) == CUDA_SUCCESS, "parent 128 MiB");
    pid_t c = fork();
    if (c == 0) {
        use_device(0);
        CUdeviceptr q;
        int ok = cuMemAlloc_v2(&q, 128 * MB) == CUDA_SUCCESS && cuMemAlloc_v2(&q, 1 * MB) == CUDA_ERROR_OUT_OF_MEMORY;
        _exit(ok ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child shares the quota with its parent");
    CHECK(cuMemAlloc_v2(&p, 128 * MB) == CUDA_SUCCESS, "child's usage reclaimed after it exited");
}

/* The region holds usage, never limits: a process with other limits keeps its own, and a
 * region whose bytes were scribbled on cannot raise anybody's quota. */
static void limits_are_not_in_the_region(void)
{
    pid_t c = fork();
    if (c == 0) {
        setenv("CUDA_DEVICE_MEMORY_LIMIT", "1g", 1); /* another process, another environment */
        alloc_and_exit(1 * MB);
    }
    waitpid(c, NULL, 0);
    use_device(0);
    size_t f, t;
    cuMemGetInfo_v2(&f, &t);
    CHECK(t == 256 * MB, "this process's own limit: %zu", t);
    CUdeviceptr p;
    CHECK(cuMemAlloc_v2(&p, 300 * MB) == CUDA_ERROR_OUT_OF_MEMORY, "and it is enforced");
}

/* Allocates `mb` as `uid` in the region at `region`; reports over `fd` what it got, then waits. */
static pid_t alloc_as(uid_t uid, const char *region, int mb, int fd, int go)
{
    pid_t p = fork();
    if (p != 0)
        return p;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setenv("CUDA_DEVICE_MEMORY_SHARED_CACHE", region, 1);
    if (uid != 0 && (setgid(uid) != 0 || setuid(uid) != 0))
        _exit(2);
    use_device(0);
    CUdeviceptr q;
    int got = 0;
    while (got < mb && cuMemAlloc_v2(&q, 1 * MB) == CUDA_SUCCESS)
        got++;
    ssize_t w = write(fd, &got, sizeof got);
    char c;
    ssize_t r = read(go, &c, 1);
    (void)w;
    (void)r;
    _exit(0);
}

/* Processes of one container running as root, uid 1000 and uid 1001 share one region,
 * whoever creates it, in a directory libvgpu creates itself. */
static void any_user_shares(void)
{
    if (geteuid() != 0) {
        printf("    not root: cannot switch users here; skipped\n");
        return;
    }
    char dir[128], region[200];
    snprintf(dir, sizeof dir, "/tmp/hami-anyuser-%d", (int)getpid());
    snprintf(region, sizeof region, "%s/sub/region.cache", dir);
    mkdir(dir, 0755);
    chmod(dir, 01777); /* the host directory the plugin mounts */
    int rep[2], go[2];
    CHECK(pipe(rep) == 0 && pipe(go) == 0, "pipes");
    uid_t uids[3] = {1000, 0, 1001};
    int got[3] = {0};
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = alloc_as(uids[i], region, 100, rep[1], go[0]);
        CHECK(read(rep[0], &got[i], sizeof got[i]) == sizeof got[i], "report %d", i);
    }
    printf("    uid 1000 got %d MiB, root %d MiB, uid 1001 %d MiB of 256\n", got[0], got[1], got[2]);
    CHECK(got[0] == 100 && got[1] == 100 && got[2] == 56, "one quota shared across users");
    struct stat st;
    CHECK(stat(region, &st) == 0 && (st.st_mode & 0777) == 0666, "the region is 0666 (mode %o)", st.st_mode & 0777);
    CHECK(write(go[1], "ggg", 3) == 3, "go");
    for (int i = 0; i < 3; i++)
        waitpid(kids[i], NULL, 0);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
}

static _Atomic int hammering = 1;

static void *hammer(void *arg)
{
    (void)arg;
    use_device(0);
    while (hammering) {
        CUdeviceptr p;
        if (cuMemAlloc_v2(&p, 4096) == CUDA_SUCCESS)
            cuMemFree_v2(p);
        cuLaunchKernel((CUfunction)0x1234, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL);
    }
    return NULL;
}

/* A thread allocates, frees and launches without pause while another forks: every child can
 * use CUDA at once (no lock inherited mid-update) and exits. */
static void fork_while_busy(void)
{
    use_device(0);
    pthread_t th;
    pthread_create(&th, NULL, hammer, NULL);
    usleep(20000);
    int ok = 0;
    for (int i = 0; i < 50; i++) {
        pid_t c = fork();
        if (c == 0) {
            alarm(20); /* a deadlocked child dies here; a loaded sanitizer build needs the margin */
            use_device(0);
            CUdeviceptr p;
            int good = cuMemAlloc_v2(&p, 1 * MB) == CUDA_SUCCESS && cuMemFree_v2(p) == CUDA_SUCCESS &&
                       cuLaunchKernel((CUfunction)0x1234, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL) == CUDA_SUCCESS;
            _exit(good ? 0 : 1);
        }
        int st = 0;
        waitpid(c, &st, 0);
        int good = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (!good)
            printf("    child %d: %s %d\n", i, WIFSIGNALED(st) ? "signal" : "exit",
                   WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        ok += good;
    }
    hammering = 0;
    pthread_join(th, NULL);
    CHECK(ok == 50, "%d of 50 children used CUDA and exited", ok);
}

int main(void)
{
    static const char *const lim[] = {"CUDA_DEVICE_MEMORY_LIMIT=256m", "MOCK_CUDA_TOTAL_MEM=4g", NULL};
    run_case("multiproc: 4 processes filling at once get exactly the quota together", concurrent_fill, lim);
    run_case("multiproc: SIGKILL inside the region lock: others proceed, usage reclaimed", killed_holding_lock, lim);
    run_case("multiproc: a dead process's slot and usage are reclaimed", slot_reused_after_death, lim);
    run_case("multiproc: fork after CUDA use shares the quota, child reclaimed", fork_after_use, lim);
    run_case("multiproc: limits are each process's own, not the region's", limits_are_not_in_the_region, lim);
    run_case("multiproc: root and non-root processes share one region", any_user_shares, lim);
    static const char *const busy[] = {"CUDA_DEVICE_MEMORY_LIMIT=256m", "CUDA_DEVICE_SM_LIMIT=50",
                                       "GPU_CORE_UTILIZATION_POLICY=force", "MOCK_KERNEL_NS=1000", NULL};
    run_case("multiproc: fork while another thread allocates and launches", fork_while_busy, busy);
    return finish();
}
