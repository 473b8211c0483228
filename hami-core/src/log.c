/* Logging: one write(2) per line so lines from several processes never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Written by hami_log_init (idempotent: every writer stores the same value). */
static atomic_int log_level = HAMI_LOG_WARN;

void hami_log_init(void)
{
    const char *s = getenv("LIBCUDA_LOG_LEVEL");
    if (s == NULL || *s == '\0')
        return;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < 0)
        return;
    atomic_store(&log_level, v > HAMI_LOG_DEBUG ? HAMI_LOG_DEBUG : (int)v);
}

int hami_log_enabled(int level)
{
    return level <= atomic_load_explicit(&log_level, memory_order_relaxed);
}

void hami_log(int level, const char *fmt, ...)
{
    static const char *const names[] = {"", "ERROR", "WARN", "INFO", "DEBUG"};
    if (!hami_log_enabled(level))
        return;
    char buf[512];
    int n = snprintf(buf, sizeof buf, "[HAMI-core %s(%d)]: ", names[level], (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)n + ((size_t)m < sizeof buf - (size_t)n - 1 ? (size_t)m : sizeof buf - (size_t)n - 2);
    buf[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, buf, len);
    (void)w;
}
