/*
 * Memory accounting bookkeeping: which allocation (device pointer, array,
 * mipmapped array, VMM handle) was charged how many bytes to which container
 * device, so a free releases exactly what its allocation charged. A free of
 * something not in the table is passed to the driver untouched.
 */
#ifndef HAMI_MEMORY_H
#define HAMI_MEMORY_H

#include "hami_cuda_abi.h"

#include <pthread.h>
#include <stdint.h>

enum hami_alloc_kind {
    HAMI_ALLOC_PTR = 1,
    HAMI_ALLOC_ARRAY = 2,
    HAMI_ALLOC_MIPMAP = 3,
    HAMI_ALLOC_VMM = 4,
};

struct hami_alloc_entry {
    uint64_t key;  /* 0 = empty */
    uint64_t size;
    int32_t kind;  /* 0 with key 1 = tombstone */
    int32_t dev;
};

struct hami_alloc_table {
    pthread_mutex_t mu; /* guards everything below */
    struct hami_alloc_entry *e;
    size_t cap;  /* power of two */
    size_t used; /* live + tombstones */
    size_t live;
};

void hami_alloc_table_init(struct hami_alloc_table *t);
int hami_alloc_add(struct hami_alloc_table *t, enum hami_alloc_kind kind, uint64_t key, uint64_t size, int dev);
/* Removes the entry; 0 and its size/dev when found, -1 otherwise. */
int hami_alloc_take(struct hami_alloc_table *t, enum hami_alloc_kind kind, uint64_t key, uint64_t *size, int *dev);
size_t hami_alloc_count(struct hami_alloc_table *t);
/* Forget everything (fork child: the parent's allocations are not the child's). */
void hami_alloc_table_reset(struct hami_alloc_table *t);

/* Bytes a CUDA array occupies (lower bound the driver cannot go under). */
uint64_t hami_array_bytes(CUarray_format fmt, unsigned channels, size_t w, size_t h, size_t d);
uint64_t hami_mipmap_bytes(const CUDA_ARRAY3D_DESCRIPTOR *desc, unsigned levels);

#endif
