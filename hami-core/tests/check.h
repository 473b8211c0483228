/*
 * Minimal test harness: every case runs in its own forked child (fresh
 * libvgpu state, its own environment and region file) and prints one
 * PASS/FAIL line. The parent process never touches CUDA.
 */
#ifndef HAMI_CHECK_H
#define HAMI_CHECK_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int check_failed; /* per case child */

#define CHECK(cond, ...)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            printf("    %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);                              \
            printf(__VA_ARGS__);                                                                             \
            printf("\n");                                                                                    \
            check_failed = 1;                                                                                \
        }                                                                                                    \
    } while (0)

static int cases_passed, cases_failed;
static int case_seq;

static inline void region_path_for(int seq, char *out, size_t n)
{
    snprintf(out, n, "/tmp/hami-test-%d-%d.region", (int)getpid(), seq);
}

/* env: NULL-terminated "NAME=VALUE" list applied in the child. */
static inline void run_case(const char *name, void (*fn)(void), const char *const *env)
{
    char region[128];
    region_path_for(++case_seq, region, sizeof region);
    unlink(region);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        setenv("CUDA_DEVICE_MEMORY_SHARED_CACHE", region, 1);
        for (int i = 0; env != NULL && env[i] != NULL; i++)
            putenv(strdup(env[i]));
        alarm(60);
        fn();
        fflush(stdout);
        _exit(check_failed ? 1 : 0);
    }
    int st = 0;
    waitpid(p, &st, 0);
    unlink(region);
    snprintf(region, sizeof region, "/tmp/hami-test-%d.limits", (int)p); /* use_limits_file's */
    unlink(region);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        printf("PASS %s\n", name);
        cases_passed++;
    } else {
        if (WIFSIGNALED(st))
            printf("FAIL %s (killed by signal %d)\n", name, WTERMSIG(st));
        else
            printf("FAIL %s\n", name);
        cases_failed++;
    }
    fflush(stdout);
}

static inline int finish(void)
{
    return cases_failed == 0 ? 0 : 1;
}

#define MB (1ULL << 20)

/* Writes a limits file for this case (as the plugin would) and points the test build at it. */
static inline void use_limits_file(const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/hami-test-%d.limits", (int)getpid());
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
    setenv("HAMI_TEST_LIMITS_FILE", path, 1);
}

#endif
