/*
 * The environment contract (same as HAMi-core), parsed once into an
 * immutable struct. Parsers are pure so they are unit-tested directly.
 */
#ifndef HAMI_CONFIG_H
#define HAMI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define HAMI_MAX_DEVICES 16
#define HAMI_DEFAULT_REGION_PATH "/tmp/cudevshr.cache"
#define HAMI_UUID_LEN 96

enum hami_policy {
    HAMI_POLICY_DEFAULT = 0, /* limit compute only while another tenant shares the device */
    HAMI_POLICY_FORCE = 1,   /* always limit */
    HAMI_POLICY_DISABLE = 2, /* never limit compute */
};

/* Limits are indexed by the position in the container's device list. */
struct hami_config {
    uint64_t mem_limit[HAMI_MAX_DEVICES]; /* bytes; 0 = no limit */
    int sm_limit[HAMI_MAX_DEVICES];       /* percent 1..99; 0 = no limit */
    enum hami_policy policy;
    int from_file;     /* the limits came from the trusted limits file */
    int oversubscribe; /* allocations beyond the device's free memory spill to managed memory */
    char region_path[4096];
    uint64_t context_overhead; /* bytes charged once per device a process uses */
#ifdef HAMI_TEST_HOOKS
    int test_lock_hold_ms; /* sleep inside the region lock while allocating (test builds only) */
#endif
};

/* One entry of CUDA_VISIBLE_DEVICES: a container index or a UUID (prefix). */
struct hami_visible_entry {
    int index;                /* >= 0 when the entry is a number */
    char uuid[HAMI_UUID_LEN]; /* set when index < 0 */
};

typedef const char *(*hami_getenv_fn)(const char *name);

/* "1073741824", "1024m", "4g", "512k" (suffix case-insensitive). 0 on success. */
int hami_parse_size(const char *s, uint64_t *out);
/* "30" -> 30; 0 and 100 mean "no limit" and give 0. 0 on success. */
int hami_parse_percent(const char *s, int *out);
int hami_parse_policy(const char *s, enum hami_policy *out);
/* Returns the number of entries (<= max), or -1 when the variable is unset. */
int hami_parse_visible(const char *s, struct hami_visible_entry *out, int max);

/*
 * Builds the configuration. `limits` is the content of the trusted limits file
 * (limits_file.h), NULL when there is none: then the environment is the whole
 * contract (HAMi-compatible). With a file, the limits are the file's and the
 * environment may only tighten the policy (disable needs allow_disable=true).
 */
void hami_config_load(struct hami_config *c, hami_getenv_fn env, const char *limits, size_t limits_len);
/* Strictness of a policy: disable < default < force. */
int hami_policy_rank(enum hami_policy p);

#endif
