/* Environment contract parsing. */
#include "config.h"

#include "limits_file.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hami_parse_size(const char *s, uint64_t *out)
{
    if (s == NULL || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return -1;
    unsigned shift = 0;
    switch (tolower((unsigned char)*end)) {
    case '\0': break;
    case 'k': shift = 10; end++; break;
    case 'm': shift = 20; end++; break;
    case 'g': shift = 30; end++; break;
    default: return -1;
    }
    if (*end != '\0')
        return -1;
    if (shift != 0 && v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int hami_parse_percent(const char *s, int *out)
{
    if (s == NULL || !isdigit((unsigned char)*s))
        return -1;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < 0 || v > 100)
        return -1;
    *out = (v == 100) ? 0 : (int)v;
    return 0;
}

int hami_parse_policy(const char *s, enum hami_policy *out)
{
    if (s == NULL || *s == '\0' || strcmp(s, "default") == 0)
        *out = HAMI_POLICY_DEFAULT;
    else if (strcmp(s, "force") == 0)
        *out = HAMI_POLICY_FORCE;
    else if (strcmp(s, "disable") == 0)
        *out = HAMI_POLICY_DISABLE;
    else
        return -1;
    return 0;
}

static int parse_visible_entry(const char *tok, size_t len, struct hami_visible_entry *e)
{
    while (len > 0 && isspace((unsigned char)*tok)) {
        tok++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)tok[len - 1]))
        len--;
    if (len == 0 || len >= HAMI_UUID_LEN)
        return -1;
    memset(e, 0, sizeof *e);
    size_t digits = 0;
    while (digits < len && isdigit((unsigned char)tok[digits]))
        digits++;
    if (digits == len && len < 6) {
        e->index = atoi(tok);
        return 0;
    }
    e->index = -1;
    memcpy(e->uuid, tok, len);
    return 0;
}

int hami_parse_visible(const char *s, struct hami_visible_entry *out, int max)
{
    if (s == NULL)
        return -1;
    int n = 0;
    const char *p = s;
    /* The driver stops at the first entry it cannot parse; so do we. */
    while (*p != '\0' && n < max) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (parse_visible_entry(p, len, &out[n]) != 0)
            break;
        n++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return n;
}

static void load_limits(struct hami_config *c, hami_getenv_fn env)
{
    uint64_t all_mem = 0;
    int all_sm = 0;
    const char *s = env("CUDA_DEVICE_MEMORY_LIMIT");
    if (s != NULL && hami_parse_size(s, &all_mem) != 0) {
        LOG_ERROR("ignoring invalid CUDA_DEVICE_MEMORY_LIMIT=%s", s);
        all_mem = 0;
    }
    s = env("CUDA_DEVICE_SM_LIMIT");
    if (s != NULL && hami_parse_percent(s, &all_sm) != 0) {
        LOG_ERROR("ignoring invalid CUDA_DEVICE_SM_LIMIT=%s", s);
        all_sm = 0;
    }
    for (int i = 0; i < HAMI_MAX_DEVICES; i++) {
        char name[64];
        c->mem_limit[i] = all_mem;
        c->sm_limit[i] = all_sm;
        snprintf(name, sizeof name, "CUDA_DEVICE_MEMORY_LIMIT_%d", i);
        s = env(name);
        if (s != NULL && hami_parse_size(s, &c->mem_limit[i]) != 0) {
            LOG_ERROR("ignoring invalid %s=%s", name, s);
            c->mem_limit[i] = all_mem;
        }
        snprintf(name, sizeof name, "CUDA_DEVICE_SM_LIMIT_%d", i);
        s = env(name);
        if (s != NULL && hami_parse_percent(s, &c->sm_limit[i]) != 0) {
            LOG_ERROR("ignoring invalid %s=%s", name, s);
            c->sm_limit[i] = all_sm;
        }
    }
}

int hami_policy_rank(enum hami_policy p)
{
    switch (p) {
    case HAMI_POLICY_DISABLE: return 0;
    case HAMI_POLICY_DEFAULT: return 1;
    default: return 2;
    }
}

static int env_true(const char *s)
{
    return s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

/* The environment's policy request against the file's: tighten always, loosen only when allowed. */
static enum hami_policy merge_policy(const struct hami_file_limits *f, const char *env_value)
{
    enum hami_policy want;
    if (env_value == NULL || hami_parse_policy(env_value, &want) != 0)
        return f->policy;
    if (hami_policy_rank(want) >= hami_policy_rank(f->policy))
        return want;
    if (want == HAMI_POLICY_DISABLE && f->allow_disable)
        return want;
    LOG_WARN("GPU_CORE_UTILIZATION_POLICY=%s would loosen the operator's policy; ignored", env_value);
    return f->policy;
}

static int load_file(struct hami_config *c, hami_getenv_fn env, const char *text, size_t len)
{
    struct hami_file_limits f;
    int line = 0;
    if (hami_parse_limits(text, len, &f, &line) != 0) {
        LOG_ERROR("limits file %s: invalid at line %d; using the environment, policy at least default",
                  HAMI_LIMITS_FILE, line);
        return -1;
    }
    memcpy(c->mem_limit, f.mem_limit, sizeof c->mem_limit);
    memcpy(c->sm_limit, f.sm_limit, sizeof c->sm_limit);
    c->policy = merge_policy(&f, env("GPU_CORE_UTILIZATION_POLICY"));
    c->oversubscribe = f.oversubscribe;
    if (f.region_path[0] != '\0')
        snprintf(c->region_path, sizeof c->region_path, "%s", f.region_path);
    c->from_file = 1;
    return 0;
}

static void load_env(struct hami_config *c, hami_getenv_fn env)
{
    load_limits(c, env);
    const char *s = env("GPU_CORE_UTILIZATION_POLICY");
    if (hami_parse_policy(s, &c->policy) != 0) {
        LOG_ERROR("invalid GPU_CORE_UTILIZATION_POLICY=%s, using default", s);
        c->policy = HAMI_POLICY_DEFAULT;
    }
    c->oversubscribe = env_true(env("CUDA_OVERSUBSCRIBE"));
}

void hami_config_load(struct hami_config *c, hami_getenv_fn env, const char *limits, size_t limits_len)
{
    memset(c, 0, sizeof *c);
    const char *s = env("CUDA_DEVICE_MEMORY_SHARED_CACHE");
    snprintf(c->region_path, sizeof c->region_path, "%s", (s && *s) ? s : HAMI_DEFAULT_REGION_PATH);
    if (limits == NULL || load_file(c, env, limits, limits_len) != 0) {
        load_env(c, env);
        /* A file that exists but cannot be read never lets the environment switch limits off. */
        if (limits != NULL && c->policy == HAMI_POLICY_DISABLE)
            c->policy = HAMI_POLICY_DEFAULT;
    }
    s = env("HAMI_CONTEXT_OVERHEAD");
    if (s != NULL && hami_parse_size(s, &c->context_overhead) != 0) {
        LOG_ERROR("ignoring invalid HAMI_CONTEXT_OVERHEAD=%s", s);
        c->context_overhead = 0;
    }
#ifdef HAMI_TEST_HOOKS
    s = env("HAMI_TEST_LOCK_HOLD_MS");
    c->test_lock_hold_ms = s ? atoi(s) : 0;
#endif
}
