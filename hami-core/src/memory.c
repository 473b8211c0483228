/* Allocation table (open addressing, process-local) and array sizing. */
#include "memory.h"

#include <stdlib.h>
#include <string.h>

#define TOMBSTONE_KIND 0

void hami_alloc_table_init(struct hami_alloc_table *t)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
}

static size_t slot_of(uint64_t key, int kind, size_t cap)
{
    uint64_t x = key ^ ((uint64_t)kind << 59);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static int is_live(const struct hami_alloc_entry *e)
{
    return e->key != 0 && e->kind != TOMBSTONE_KIND;
}

static void insert_raw(struct hami_alloc_entry *tab, size_t cap, const struct hami_alloc_entry *src)
{
    size_t i = slot_of(src->key, src->kind, cap);
    while (tab[i].key != 0)
        i = (i + 1) & (cap - 1);
    tab[i] = *src;
}

static int grow_locked(struct hami_alloc_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    if (t->cap && t->live * 4 < t->cap)
        cap = t->cap; /* mostly tombstones: rebuild in place size */
    struct hami_alloc_entry *n = calloc(cap, sizeof *n);
    if (n == NULL)
        return -1;
    for (size_t i = 0; i < t->cap; i++)
        if (is_live(&t->e[i]))
            insert_raw(n, cap, &t->e[i]);
    free(t->e);
    t->e = n;
    t->cap = cap;
    t->used = t->live;
    return 0;
}

int hami_alloc_add(struct hami_alloc_table *t, enum hami_alloc_kind kind, uint64_t key, uint64_t size, int dev)
{
    if (key == 0)
        return -1;
    pthread_mutex_lock(&t->mu);
    if ((t->used + 1) * 2 > t->cap && grow_locked(t) != 0) {
        pthread_mutex_unlock(&t->mu);
        return -1;
    }
    struct hami_alloc_entry e = {.key = key, .size = size, .kind = (int32_t)kind, .dev = dev};
    insert_raw(t->e, t->cap, &e);
    t->used++;
    t->live++;
    pthread_mutex_unlock(&t->mu);
    return 0;
}

int hami_alloc_take(struct hami_alloc_table *t, enum hami_alloc_kind kind, uint64_t key, uint64_t *size, int *dev)
{
    int rc = -1;
    pthread_mutex_lock(&t->mu);
    if (t->cap != 0 && key != 0) {
        size_t i = slot_of(key, (int)kind, t->cap);
        while (t->e[i].key != 0) {
            struct hami_alloc_entry *e = &t->e[i];
            if (e->key == key && e->kind == (int32_t)kind) {
                *size = e->size;
                *dev = e->dev;
                e->kind = TOMBSTONE_KIND;
                t->live--;
                rc = 0;
                break;
            }
            i = (i + 1) & (t->cap - 1);
        }
    }
    pthread_mutex_unlock(&t->mu);
    return rc;
}

size_t hami_alloc_count(struct hami_alloc_table *t)
{
    pthread_mutex_lock(&t->mu);
    size_t n = t->live;
    pthread_mutex_unlock(&t->mu);
    return n;
}

void hami_alloc_table_reset(struct hami_alloc_table *t)
{
    pthread_mutex_init(&t->mu, NULL); /* a fork child may inherit it locked */
    if (t->e != NULL)
        memset(t->e, 0, t->cap * sizeof *t->e);
    t->used = 0;
    t->live = 0;
}

/* Bytes per channel element; NV12 counts 1 byte and is scaled by 3/2 by the caller. */
static unsigned format_bytes(CUarray_format fmt, unsigned *channels)
{
    switch (fmt) {
    case CU_AD_FORMAT_UNSIGNED_INT8:
    case CU_AD_FORMAT_SIGNED_INT8:
    case CU_AD_FORMAT_NV12:
        return 1;
    case CU_AD_FORMAT_UNSIGNED_INT16:
    case CU_AD_FORMAT_SIGNED_INT16:
    case CU_AD_FORMAT_HALF:
        return 2;
    case CU_AD_FORMAT_UNSIGNED_INT32:
    case CU_AD_FORMAT_SIGNED_INT32:
    case CU_AD_FORMAT_FLOAT:
        return 4;
    case CU_AD_FORMAT_UNORM_INT8X1: case CU_AD_FORMAT_SNORM_INT8X1: *channels = 1; return 1;
    case CU_AD_FORMAT_UNORM_INT8X2: case CU_AD_FORMAT_SNORM_INT8X2: *channels = 2; return 1;
    case CU_AD_FORMAT_UNORM_INT8X4: case CU_AD_FORMAT_SNORM_INT8X4: *channels = 4; return 1;
    case CU_AD_FORMAT_UNORM_INT16X1: case CU_AD_FORMAT_SNORM_INT16X1: *channels = 1; return 2;
    case CU_AD_FORMAT_UNORM_INT16X2: case CU_AD_FORMAT_SNORM_INT16X2: *channels = 2; return 2;
    case CU_AD_FORMAT_UNORM_INT16X4: case CU_AD_FORMAT_SNORM_INT16X4: *channels = 4; return 2;
    }
    return 4; /* formats not listed (block-compressed, video): never undercount */
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

uint64_t hami_array_bytes(CUarray_format fmt, unsigned channels, size_t w, size_t h, size_t d)
{
    unsigned ch = channels == 0 ? 1 : channels;
    uint64_t elem = format_bytes(fmt, &ch);
    uint64_t n = sat_mul(sat_mul(sat_mul(elem, ch), w), h ? h : 1);
    n = sat_mul(n, d ? d : 1);
    if (fmt == CU_AD_FORMAT_NV12 && n != UINT64_MAX)
        n += n / 2;
    return n;
}

uint64_t hami_mipmap_bytes(const CUDA_ARRAY3D_DESCRIPTOR *desc, unsigned levels)
{
    uint64_t total = 0;
    size_t w = desc->Width, h = desc->Height, d = desc->Depth;
    int layered = (desc->Flags & (0x01u | 0x04u)) != 0; /* CUDA_ARRAY3D_LAYERED | CUBEMAP: depth = layers */
    for (unsigned l = 0; l < (levels ? levels : 1); l++) {
        uint64_t b = hami_array_bytes(desc->Format, desc->NumChannels, w, h, d);
        total = (total > UINT64_MAX - b) ? UINT64_MAX : total + b;
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : h; /* 0 stays 0 (1D/2D arrays) */
        d = (d > 1 && !layered) ? d / 2 : d;
    }
    return total;
}
