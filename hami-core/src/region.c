/* The shared accounting region (see region.h for the safety argument). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "region.h"

#include "log.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(pthread_mutex_t) <= 64, "the region reserves 64 bytes for its lock");
_Static_assert(offsetof(struct hami_region, used_total) == HAMI_REGION_OFF_USED, "region layout");
_Static_assert(offsetof(struct hami_region, gcra_tat) == HAMI_REGION_OFF_TAT, "region layout");
_Static_assert(offsetof(struct hami_region, busy_ns) == HAMI_REGION_OFF_BUSY, "region layout");
_Static_assert(offsetof(struct hami_region, slots) == HAMI_REGION_OFF_SLOTS, "region layout");

static int slot_lock_cmd(int fd, int cmd, short type, off_t start, off_t len, struct flock *out)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    int rc = fcntl(fd, cmd, &fl);
    if (out != NULL)
        *out = fl;
    return rc;
}

/* A slot is live while some process holds the record lock on its byte. */
static int slot_alive(const struct hami_region_handle *h, int i)
{
    if (i == h->slot)
        return 1;
    if (!h->shared)
        return 0;
    struct flock fl;
    if (slot_lock_cmd(h->fd, F_GETLK, F_WRLCK, HAMI_SLOT_LOCK_BASE + i, 1, &fl) != 0)
        return 1; /* cannot tell: never reclaim on doubt */
    return fl.l_type != F_UNLCK;
}

static void recompute_totals_locked(struct hami_region *r)
{
    for (int d = 0; d < HAMI_MAX_DEVICES; d++) {
        uint64_t sum = 0;
        for (int i = 0; i < HAMI_REGION_SLOTS; i++)
            if (r->slots[i].state == HAMI_SLOT_LIVE)
                sum += r->slots[i].used[d];
        atomic_store(&r->used_total[d], sum);
    }
}

/* Clears the slots of dead processes; returns how many were reclaimed. */
static int reclaim_dead_locked(struct hami_region_handle *h)
{
    struct hami_region *r = h->r;
    int n = 0;
    for (int i = 0; i < HAMI_REGION_SLOTS; i++) {
        struct hami_slot *s = &r->slots[i];
        if (s->state != HAMI_SLOT_LIVE || slot_alive(h, i))
            continue;
        LOG_INFO("reclaiming slot %d of dead process %d", i, s->pid);
        memset(s, 0, sizeof *s);
        n++;
    }
    if (n > 0)
        recompute_totals_locked(r);
    return n;
}

static void region_lock(struct hami_region_handle *h)
{
    int rc = pthread_mutex_lock(&h->r->lock.m);
    if (rc == EOWNERDEAD) {
        LOG_WARN("a process died holding the region lock; recovering");
        reclaim_dead_locked(h);
        recompute_totals_locked(h->r);
        pthread_mutex_consistent(&h->r->lock.m);
    } else if (rc != 0) {
        LOG_ERROR("region lock failed: %s", strerror(rc));
        abort();
    }
}

static void region_unlock(struct hami_region_handle *h)
{
    pthread_mutex_unlock(&h->r->lock.m);
}

static int claim_slot_locked(struct hami_region_handle *h)
{
    struct hami_region *r = h->r;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < HAMI_REGION_SLOTS; i++) {
            if (r->slots[i].state != HAMI_SLOT_FREE)
                continue;
            if (h->shared && slot_lock_cmd(h->fd, F_SETLK, F_WRLCK, HAMI_SLOT_LOCK_BASE + i, 1, NULL) != 0)
                continue;
            memset(&r->slots[i], 0, sizeof r->slots[i]);
            r->slots[i].pid = (int32_t)getpid();
            r->slots[i].state = HAMI_SLOT_LIVE;
            h->slot = i;
            return 0;
        }
        if (reclaim_dead_locked(h) == 0)
            break;
    }
    LOG_ERROR("no free slot in the shared region (%d processes)", HAMI_REGION_SLOTS);
    return -1;
}

static int ensure_slot_locked(struct hami_region_handle *h)
{
    return h->slot >= 0 ? 0 : claim_slot_locked(h);
}

static void init_layout(struct hami_region *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&r->lock.m, &a);
    pthread_mutexattr_destroy(&a);
    r->size = (uint32_t)sizeof *r;
    r->version = HAMI_REGION_VERSION;
    atomic_thread_fence(memory_order_release);
    r->magic = HAMI_REGION_MAGIC;
}

static int any_slot_lock_held(int fd)
{
    struct flock fl;
    if (slot_lock_cmd(fd, F_GETLK, F_WRLCK, HAMI_SLOT_LOCK_BASE, HAMI_SLOT_LOCK_SPAN, &fl) != 0)
        return 1;
    return fl.l_type != F_UNLCK;
}

/* Under flock: validate, initialise or (when nobody uses an incompatible one) rebuild the region. */
static int adopt_mapping(struct hami_region *r, int fd)
{
    if (r->magic == HAMI_REGION_MAGIC && r->version == HAMI_REGION_VERSION && r->size == sizeof *r)
        return 0;
    if (r->magic != 0 && any_slot_lock_held(fd)) {
        LOG_ERROR("shared region has an incompatible layout (version %u) and is in use", r->version);
        return -1;
    }
    init_layout(r);
    return 0;
}

/* The directory of `path`, made if missing: world-writable and sticky, like /tmp, so processes
 * of any uid in the container can create the region in it. */
static void ensure_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 01777) == 0)
        chmod(dir, 01777); /* the umask trimmed the mode */
}

/*
 * Opens the region file for any uid: an existing file is opened without
 * O_CREAT (in a sticky world-writable directory, fs.protected_regular refuses
 * O_CREAT on another user's file), a new one is created 0666 whatever the
 * umask, so a container whose processes run as different users shares it.
 */
static int open_any_user(const char *path)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 || errno != ENOENT)
            return fd;
        ensure_dir(path);
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd >= 0) {
            fchmod(fd, 0666);
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

static int open_shared(struct hami_region_handle *h, const struct hami_config *cfg)
{
    int fd = open_any_user(cfg->region_path);
    if (fd < 0) {
        LOG_ERROR("cannot open the shared region %s as uid %d: %s (its directory must be writable by every "
                  "user of the container, e.g. mode 1777)",
                  cfg->region_path, (int)geteuid(), strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX) != 0) {
        close(fd);
        return -1;
    }
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && (st.st_size >= (off_t)sizeof(struct hami_region) ||
                                ftruncate(fd, sizeof(struct hami_region)) == 0))
        p = mmap(NULL, sizeof(struct hami_region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED || adopt_mapping(p, fd) != 0) {
        if (p != MAP_FAILED)
            munmap(p, sizeof(struct hami_region));
        flock(fd, LOCK_UN);
        close(fd);
        return -1;
    }
    flock(fd, LOCK_UN);
    h->r = p;
    h->fd = fd;
    h->shared = 1;
    return 0;
}

int hami_region_open(struct hami_region_handle *h, const struct hami_config *cfg)
{
    memset(h, 0, sizeof *h);
    h->cfg = cfg;
    h->slot = -1;
    h->fd = -1;
#ifdef HAMI_TEST_HOOKS
    h->hold_ms = cfg->test_lock_hold_ms;
#endif
    if (open_shared(h, cfg) == 0)
        return 0;
    LOG_ERROR("USING A PRIVATE ACCOUNTING REGION: this process's memory and compute are limited on their own, "
              "not together with the container's other processes");
    void *p = mmap(NULL, sizeof(struct hami_region), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    init_layout(p);
    h->r = p;
    return 0;
}

static int dev_ok(int dev)
{
    return dev >= 0 && dev < HAMI_MAX_DEVICES;
}

int hami_region_reserve(struct hami_region_handle *h, int dev, uint64_t bytes)
{
    if (!dev_ok(dev))
        return 0;
    struct hami_region *r = h->r;
    region_lock(h);
    if (ensure_slot_locked(h) != 0) {
        region_unlock(h);
        return -1;
    }
    uint64_t limit = h->cfg->mem_limit[dev];
    if (limit != 0) {
        uint64_t total = atomic_load(&r->used_total[dev]);
        if ((bytes > limit || total > limit - bytes) && reclaim_dead_locked(h) > 0)
            total = atomic_load(&r->used_total[dev]);
        if (bytes > limit || total > limit - bytes) {
            region_unlock(h);
            return -1;
        }
    }
    struct hami_slot *s = &r->slots[h->slot];
    s->used[dev] += bytes;
    s->devices |= 1u << dev;
#ifdef HAMI_TEST_HOOKS
    if (h->hold_ms > 0)
        usleep((useconds_t)h->hold_ms * 1000u); /* die here and the totals are stale */
#endif
    atomic_fetch_add(&r->used_total[dev], bytes);
    region_unlock(h);
    return 0;
}

void hami_region_release(struct hami_region_handle *h, int dev, uint64_t bytes)
{
    if (!dev_ok(dev))
        return;
    struct hami_region *r = h->r;
    region_lock(h);
    if (h->slot >= 0) {
        struct hami_slot *s = &r->slots[h->slot];
        uint64_t n = bytes < s->used[dev] ? bytes : s->used[dev];
        s->used[dev] -= n;
        uint64_t total = atomic_load(&r->used_total[dev]);
        atomic_store(&r->used_total[dev], total > n ? total - n : 0);
    }
    region_unlock(h);
}

uint64_t hami_region_used(const struct hami_region_handle *h, int dev)
{
    return dev_ok(dev) ? atomic_load_explicit(&h->r->used_total[dev], memory_order_relaxed) : 0;
}

uint64_t hami_region_limit(const struct hami_region_handle *h, int dev)
{
    return dev_ok(dev) ? h->cfg->mem_limit[dev] : 0;
}

void hami_region_add_busy(struct hami_region_handle *h, int dev, uint64_t ns)
{
    if (dev_ok(dev))
        atomic_fetch_add_explicit(&h->r->busy_ns[dev], ns, memory_order_relaxed);
}

uint64_t hami_region_busy(const struct hami_region_handle *h, int dev)
{
    return dev_ok(dev) ? atomic_load_explicit(&h->r->busy_ns[dev], memory_order_relaxed) : 0;
}

static int count_device_locked(const struct hami_region *r, int dev)
{
    int n = 0;
    for (int i = 0; i < HAMI_REGION_SLOTS; i++)
        if (r->slots[i].state == HAMI_SLOT_LIVE && (r->slots[i].devices & (1u << dev)))
            n++;
    return n;
}

int hami_region_use_device(struct hami_region_handle *h, int dev)
{
    if (!dev_ok(dev))
        return 0;
    region_lock(h);
    if (ensure_slot_locked(h) == 0)
        h->r->slots[h->slot].devices |= 1u << dev;
    int n = count_device_locked(h->r, dev);
    region_unlock(h);
    return n;
}

int hami_region_device_processes(struct hami_region_handle *h, int dev)
{
    if (!dev_ok(dev))
        return 0;
    region_lock(h);
    reclaim_dead_locked(h);
    int n = count_device_locked(h->r, dev);
    region_unlock(h);
    return n;
}

void hami_region_after_fork_child(struct hami_region_handle *h)
{
    h->slot = -1;
}
