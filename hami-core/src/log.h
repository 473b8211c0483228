/* Logging for libvgpu: LIBCUDA_LOG_LEVEL 0 none, 1 error, 2 warn (default), 3 info, 4 debug. */
#ifndef HAMI_LOG_H
#define HAMI_LOG_H

enum hami_log_level {
    HAMI_LOG_NONE = 0,
    HAMI_LOG_ERROR = 1,
    HAMI_LOG_WARN = 2,
    HAMI_LOG_INFO = 3,
    HAMI_LOG_DEBUG = 4,
};

void hami_log_init(void);
int hami_log_enabled(int level);
void hami_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_ERROR(...) hami_log(HAMI_LOG_ERROR, __VA_ARGS__)
#define LOG_WARN(...) hami_log(HAMI_LOG_WARN, __VA_ARGS__)
#define LOG_INFO(...) hami_log(HAMI_LOG_INFO, __VA_ARGS__)
#define LOG_DEBUG(...)                                                                                       \
    do {                                                                                                     \
        if (hami_log_enabled(HAMI_LOG_DEBUG))                                                                \
            hami_log(HAMI_LOG_DEBUG, __VA_ARGS__);                                                           \
    } while (0)

#endif
