/* Exported wrappers and the table that maps symbol names to them. */
#ifndef HAMI_HOOKS_H
#define HAMI_HOOKS_H

#define HAMI_EXPORT __attribute__((visibility("default")))

struct hami_hook {
    const char *name;
    void *wrapper;
};

/* Every wrapped driver and NVML symbol, by exact exported name. */
extern const struct hami_hook hami_hooks[];
extern const int hami_hook_count;

/* The wrapper for an exact symbol name, or NULL. Safe before initialisation. */
void *hami_hook_lookup(const char *name);

#endif
