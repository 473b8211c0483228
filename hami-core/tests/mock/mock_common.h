/* Shared by the mock libcuda.so.1 and libnvidia-ml.so.1: the fake machine description from the environment. */
#ifndef MOCK_COMMON_H
#define MOCK_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MOCK_MAX_DEV 8

static inline int mock_env_int(const char *name, int def)
{
    const char *s = getenv(name);
    return (s && *s) ? atoi(s) : def;
}

static inline int mock_devices(void)
{
    int n = mock_env_int("MOCK_CUDA_DEVICES", 1);
    return n < 0 ? 0 : (n > MOCK_MAX_DEV ? MOCK_MAX_DEV : n);
}

/* MOCK_CUDA_TOTAL_MEM: bytes with optional k/m/g suffix (default 16g), same for every device. */
static inline uint64_t mock_total_mem(void)
{
    const char *s = getenv("MOCK_CUDA_TOTAL_MEM");
    if (s == NULL || *s == '\0')
        return 16ULL << 30;
    char *end;
    uint64_t v = strtoull(s, &end, 10);
    switch (*end) {
    case 'k': case 'K': v <<= 10; break;
    case 'm': case 'M': v <<= 20; break;
    case 'g': case 'G': v <<= 30; break;
    }
    return v;
}

/* Physical device i has UUID GPU-a1b2c3d{i}-0000-4000-8000-00000000000{i} (bytes below). */
static inline void mock_uuid_bytes(int phys, unsigned char out[16])
{
    static const unsigned char base[16] = {0xa1, 0xb2, 0xc3, 0xd0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 16; i++)
        out[i] = base[i];
    out[3] = (unsigned char)(0xd0 + phys);
    out[15] = (unsigned char)phys;
}

static inline void mock_uuid_string(int phys, char *out, size_t n)
{
    unsigned char b[16];
    mock_uuid_bytes(phys, b);
    snprintf(out, n, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

#endif
