/*
 * The trusted limits file: written by the device plugin on the host and
 * mounted read-only into the container at HAMI_LIMITS_FILE, so the tenant can
 * read it but not change it. When it exists it is the only source of limits;
 * the environment can then only tighten the compute policy.
 *
 * Format (version 1): UTF-8 text, one `key=value` per line, `#` comments and
 * blank lines ignored, the first other line must be `version=1`. Keys:
 *   memory=<size>        memory quota of every device (bytes or k/m/g suffix)
 *   memory.<i>=<size>    quota of container device i (overrides memory=)
 *   core=<percent>       compute share of every device (0 or 100: none)
 *   core.<i>=<percent>   share of container device i
 *   policy=default|force|disable
 *   allow_disable=true|false   may the container set GPU_CORE_UTILIZATION_POLICY=disable
 *   oversubscribe=true|false   allocations beyond the device spill to managed memory
 *   region=<path>        the container's shared accounting file
 * Unknown keys are ignored (newer plugins may add some); a malformed line, a
 * missing or unknown version is an error.
 */
#ifndef HAMI_LIMITS_FILE_H
#define HAMI_LIMITS_FILE_H

#include "config.h"

#include <stddef.h>

#define HAMI_LIMITS_FILE "/var/run/hami/limits.conf"
#define HAMI_LIMITS_VERSION 1
#define HAMI_LIMITS_MAX_BYTES 65536

struct hami_file_limits {
    uint64_t mem_limit[HAMI_MAX_DEVICES];
    int sm_limit[HAMI_MAX_DEVICES];
    enum hami_policy policy;
    int allow_disable;
    int oversubscribe;
    char region_path[4096]; /* empty: not set */
};

/* Parses `len` bytes of `text`; 0 on success, -1 (and *line = the bad line number) otherwise. */
int hami_parse_limits(const char *text, size_t len, struct hami_file_limits *out, int *line);

#endif
