/* The trusted limits file (see limits_file.h). Pure: the caller reads the file. */
#include "limits_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_bool(const char *v, int *out)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* "memory.3" -> 3; "memory" -> -1 (all devices); -2 when malformed. */
static int device_suffix(const char *key, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(key, name, n) != 0)
        return -2;
    if (key[n] == '\0')
        return -1;
    if (key[n] != '.' || key[n + 1] < '0' || key[n + 1] > '9')
        return -2;
    char *end = NULL;
    long i = strtol(key + n + 1, &end, 10);
    return (*end == '\0' && i >= 0 && i < HAMI_MAX_DEVICES) ? (int)i : -2;
}

static int set_device_value(struct hami_file_limits *o, const char *key, const char *v, int *known)
{
    int d = device_suffix(key, "memory");
    if (d != -2) {
        uint64_t bytes;
        if (hami_parse_size(v, &bytes) != 0)
            return -1;
        for (int i = 0; i < HAMI_MAX_DEVICES; i++)
            if (d == -1 || d == i)
                o->mem_limit[i] = bytes;
        *known = 1;
        return 0;
    }
    d = device_suffix(key, "core");
    if (d != -2) {
        int pct;
        if (hami_parse_percent(v, &pct) != 0)
            return -1;
        for (int i = 0; i < HAMI_MAX_DEVICES; i++)
            if (d == -1 || d == i)
                o->sm_limit[i] = pct;
        *known = 1;
    }
    return 0;
}

static int apply(struct hami_file_limits *o, const char *key, const char *v)
{
    int known = 0;
    if (strcmp(key, "policy") == 0)
        return hami_parse_policy(v, &o->policy) == 0 && *v != '\0' ? 0 : -1;
    if (strcmp(key, "allow_disable") == 0)
        return parse_bool(v, &o->allow_disable);
    if (strcmp(key, "oversubscribe") == 0)
        return parse_bool(v, &o->oversubscribe);
    if (strcmp(key, "region") == 0) {
        if (*v != '/' || strlen(v) >= sizeof o->region_path)
            return -1;
        snprintf(o->region_path, sizeof o->region_path, "%s", v);
        return 0;
    }
    /* Per-device keys; anything else is a key of a newer version and is ignored. */
    return set_device_value(o, key, v, &known);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

int hami_parse_limits(const char *text, size_t len, struct hami_file_limits *out, int *line)
{
    memset(out, 0, sizeof *out);
    *line = 0;
    if (len > HAMI_LIMITS_MAX_BYTES || memchr(text, '\0', len) != NULL)
        return -1;
    char *buf = malloc(len + 1);
    if (buf == NULL)
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    int rc = -1, versioned = 0, n = 0;
    for (char *l = buf, *next; l != NULL; l = next) {
        next = strchr(l, '\n');
        if (next != NULL)
            *next++ = '\0';
        n++;
        char *s = trim(l);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL)
            goto out;
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        if (!versioned) {
            if (strcmp(key, "version") != 0 || strcmp(val, "1") != 0)
                goto out;
            versioned = 1;
            continue;
        }
        if (apply(out, key, val) != 0)
            goto out;
    }
    rc = versioned ? 0 : -1;
out:
    if (rc != 0)
        *line = n;
    free(buf);
    return rc;
}
