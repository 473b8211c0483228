/*
 * mock_ixml.c: an in-memory libixml.so implementing ixml.h, for the Go
 * binding's tests. Not the vendor's library and not a simulator: a small
 * device table with the values a test can predict.
 *
 * Every chip has 32 GiB; chip i has minor number i + 10 (so a binding that
 * confuses index and minor is caught), NUMA node 0 for the first half of
 * the chips and 1 for the rest, and a board of its own (BI-V100) or shared
 * with its neighbour (BI-V150: chips 2k and 2k+1).
 *
 * Tests configure it through the ixmlMock* calls below (each test loads
 * its own copy of the library, so parallel tests do not share state); a
 * shell user can set IXML_MOCK_DEVICES and IXML_MOCK_CHIPS_PER_BOARD
 * instead, read at the first ixmlInit_v2.
 *
 * The state is one static table without a lock: the Go tests call each
 * copy of the library from one goroutine at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ixml.h"

#define MOCK_MAX_DEVICES 16
#define MOCK_MAX_FAILURES 8
#define MOCK_SERIAL_SIZE 64
#define MOCK_MEMORY_BYTES (32ULL << 30)

struct ixmlDevice_st {
    unsigned int index;
    unsigned long long used;
    unsigned long long health;
    unsigned int gpu_util;
    unsigned int mem_util;
    char serial[MOCK_SERIAL_SIZE];
};

struct mock_failure {
    char call[64];
    int index; /* -1: every chip */
    ixmlReturn_t code;
};

static struct {
    int configured;
    int initialized;
    unsigned int count;
    unsigned int chips_per_board;
    struct ixmlDevice_st devices[MOCK_MAX_DEVICES];
    struct mock_failure failures[MOCK_MAX_FAILURES];
    unsigned int nfailures;
} mock;

/* ---- configuration, for tests only ---- */

void ixmlMockSetup(unsigned int count, unsigned int chipsPerBoard) {
    memset(&mock, 0, sizeof mock);
    mock.configured = 1;
    mock.count = count > MOCK_MAX_DEVICES ? MOCK_MAX_DEVICES : count;
    mock.chips_per_board = chipsPerBoard == 2 ? 2 : 1;
    for (unsigned int i = 0; i < MOCK_MAX_DEVICES; i++) {
        struct ixmlDevice_st *d = &mock.devices[i];
        d->index = i;
        d->gpu_util = 10 + i;
        d->mem_util = 20 + i;
        snprintf(d->serial, sizeof d->serial, "SN-MOCK-%u", i);
    }
}

/* The next calls of call (for chip index, or every chip when index < 0)
 * return code. */
int ixmlMockFail(const char *call, int index, int code) {
    if (mock.nfailures == MOCK_MAX_FAILURES) {
        return -1;
    }
    struct mock_failure *f = &mock.failures[mock.nfailures++];
    snprintf(f->call, sizeof f->call, "%s", call);
    f->index = index;
    f->code = (ixmlReturn_t)code;
    return 0;
}

void ixmlMockSetHealth(unsigned int index, unsigned long long bits) {
    if (index < MOCK_MAX_DEVICES) {
        mock.devices[index].health = bits;
    }
}

void ixmlMockSetUsedBytes(unsigned int index, unsigned long long used) {
    if (index < MOCK_MAX_DEVICES) {
        mock.devices[index].used = used;
    }
}

void ixmlMockSetSerial(unsigned int index, const char *serial) {
    if (index < MOCK_MAX_DEVICES) {
        snprintf(mock.devices[index].serial, MOCK_SERIAL_SIZE, "%s", serial);
    }
}

/* Sizes of the structs as this compiler lays them out, to compare with the
 * Go declarations. */
unsigned int ixmlMockSizeofMemory(void) { return (unsigned int)sizeof(ixmlMemory_t); }
unsigned int ixmlMockSizeofUtilization(void) { return (unsigned int)sizeof(ixmlUtilization_t); }

/* ---- helpers ---- */

static unsigned int env_uint(const char *name, unsigned int fallback) {
    const char *v = getenv(name);
    return v && *v ? (unsigned int)strtoul(v, NULL, 10) : fallback;
}

static ixmlReturn_t injected(const char *call, int index) {
    for (unsigned int i = 0; i < mock.nfailures; i++) {
        const struct mock_failure *f = &mock.failures[i];
        if (strcmp(f->call, call) == 0 && (f->index < 0 || f->index == index)) {
            return f->code;
        }
    }
    return IXML_SUCCESS;
}

/* check_device validates the library state and a handle, then applies an
 * injected failure for the call. */
static ixmlReturn_t check_device(const char *call, ixmlDevice_t d) {
    if (!mock.initialized) {
        return IXML_ERROR_UNINITIALIZED;
    }
    if (d < mock.devices || d >= mock.devices + mock.count) {
        return IXML_ERROR_INVALID_ARGUMENT;
    }
    return injected(call, (int)d->index);
}

static ixmlReturn_t copy_string(const char *s, char *buf, unsigned int length) {
    if (buf == NULL) {
        return IXML_ERROR_INVALID_ARGUMENT;
    }
    if (strlen(s) + 1 > length) {
        return IXML_ERROR_INSUFFICIENT_SIZE;
    }
    memcpy(buf, s, strlen(s) + 1);
    return IXML_SUCCESS;
}

static unsigned int numa_of(unsigned int index) { return index < (mock.count + 1) / 2 ? 0 : 1; }

static unsigned int board_of(unsigned int index) { return index / mock.chips_per_board; }

/* ---- the library ---- */

ixmlReturn_t ixmlInit_v2(void) {
    if (!mock.configured) {
        ixmlMockSetup(env_uint("IXML_MOCK_DEVICES", 2), env_uint("IXML_MOCK_CHIPS_PER_BOARD", 1));
    }
    ixmlReturn_t r = injected("ixmlInit_v2", -1);
    if (r == IXML_SUCCESS) {
        mock.initialized = 1;
    }
    return r;
}

ixmlReturn_t ixmlShutdown(void) {
    if (!mock.initialized) {
        return IXML_ERROR_UNINITIALIZED;
    }
    mock.initialized = 0;
    return IXML_SUCCESS;
}

ixmlReturn_t ixmlDeviceGetCount_v2(unsigned int *deviceCount) {
    if (!mock.initialized) {
        return IXML_ERROR_UNINITIALIZED;
    }
    if (deviceCount == NULL) {
        return IXML_ERROR_INVALID_ARGUMENT;
    }
    ixmlReturn_t r = injected("ixmlDeviceGetCount_v2", -1);
    if (r == IXML_SUCCESS) {
        *deviceCount = mock.count;
    }
    return r;
}

ixmlReturn_t ixmlDeviceGetHandleByIndex_v2(unsigned int index, ixmlDevice_t *device) {
    if (!mock.initialized) {
        return IXML_ERROR_UNINITIALIZED;
    }
    if (device == NULL || index >= mock.count) {
        return IXML_ERROR_INVALID_ARGUMENT;
    }
    ixmlReturn_t r = injected("ixmlDeviceGetHandleByIndex_v2", (int)index);
    if (r == IXML_SUCCESS) {
        *device = &mock.devices[index];
    }
    return r;
}

ixmlReturn_t ixmlDeviceGetIndex(ixmlDevice_t device, unsigned int *index) {
    ixmlReturn_t r = check_device("ixmlDeviceGetIndex", device);
    if (r == IXML_SUCCESS) {
        *index = device->index;
    }
    return r;
}

ixmlReturn_t ixmlDeviceGetUUID(ixmlDevice_t device, char *uuid, unsigned int length) {
    ixmlReturn_t r = check_device("ixmlDeviceGetUUID", device);
    if (r != IXML_SUCCESS) {
        return r;
    }
    char s[IXML_DEVICE_UUID_BUFFER_SIZE];
    snprintf(s, sizeof s, "GPU-6d6f636b-0000-4000-8000-%012u", device->index);
    return copy_string(s, uuid, length);
}

ixmlReturn_t ixmlDeviceGetMinorNumber(ixmlDevice_t device, unsigned int *minorNumber) {
    ixmlReturn_t r = check_device("ixmlDeviceGetMinorNumber", device);
    if (r == IXML_SUCCESS) {
        *minorNumber = device->index + 10;
    }
    return r;
}

ixmlReturn_t ixmlDeviceGetName(ixmlDevice_t device, char *name, unsigned int length) {
    ixmlReturn_t r = check_device("ixmlDeviceGetName", device);
    if (r != IXML_SUCCESS) {
        return r;
    }
    return copy_string(mock.chips_per_board == 2 ? "Iluvatar BI-V150" : "Iluvatar BI-V100", name, length);
}

ixmlReturn_t ixmlDeviceGetSerial(ixmlDevice_t device, char *serial, unsigned int length) {
    ixmlReturn_t r = check_device("ixmlDeviceGetSerial", device);
    if (r != IXML_SUCCESS) {
        return r;
    }
    return copy_string(device->serial, serial, length);
}

/* An older driver lacks the call: mock_ixml_old.c builds this file
 * without it. */
#ifndef MOCK_WITHOUT_NUMA
ixmlReturn_t ixmlDeviceGetNumaNodeId(ixmlDevice_t device, unsigned int *node) {
    ixmlReturn_t r = check_device("ixmlDeviceGetNumaNodeId", device);
    if (r == IXML_SUCCESS) {
        *node = numa_of(device->index);
    }
    return r;
}
#endif

ixmlReturn_t ixmlDeviceGetMemoryInfo(ixmlDevice_t device, ixmlMemory_t *memory) {
    ixmlReturn_t r = check_device("ixmlDeviceGetMemoryInfo", device);
    if (r == IXML_SUCCESS) {
        memory->total = MOCK_MEMORY_BYTES;
        memory->used = device->used;
        memory->free = MOCK_MEMORY_BYTES - device->used;
    }
    return r;
}

ixmlReturn_t ixmlDeviceGetUtilizationRates(ixmlDevice_t device, ixmlUtilization_t *utilization) {
    ixmlReturn_t r = check_device("ixmlDeviceGetUtilizationRates", device);
    if (r == IXML_SUCCESS) {
        utilization->gpu = device->gpu_util;
        utilization->memory = device->mem_util;
    }
    return r;
}

ixmlReturn_t ixmlDeviceGetHealth(ixmlDevice_t device, unsigned long long *health) {
    ixmlReturn_t r = check_device("ixmlDeviceGetHealth", device);
    if (r == IXML_SUCCESS) {
        *health = device->health;
    }
    return r;
}

ixmlReturn_t ixmlDeviceGetTopologyCommonAncestor(ixmlDevice_t device1, ixmlDevice_t device2,
                                                 ixmlGpuTopologyLevel_t *pathInfo) {
    ixmlReturn_t r = check_device("ixmlDeviceGetTopologyCommonAncestor", device1);
    if (r == IXML_SUCCESS) {
        r = check_device("ixmlDeviceGetTopologyCommonAncestor", device2);
    }
    if (r != IXML_SUCCESS) {
        return r;
    }
    unsigned int a = device1->index, b = device2->index;
    if (a == b) {
        *pathInfo = IXML_TOPOLOGY_INTERNAL;
    } else if (board_of(a) == board_of(b)) {
        *pathInfo = IXML_TOPOLOGY_SINGLE;
    } else if (numa_of(a) == numa_of(b)) {
        *pathInfo = IXML_TOPOLOGY_NODE;
    } else {
        *pathInfo = IXML_TOPOLOGY_SYSTEM;
    }
    return IXML_SUCCESS;
}

ixmlReturn_t ixmlDeviceOnSameBoard(ixmlDevice_t device1, ixmlDevice_t device2, int *onSameBoard) {
    ixmlReturn_t r = check_device("ixmlDeviceOnSameBoard", device1);
    if (r == IXML_SUCCESS) {
        r = check_device("ixmlDeviceOnSameBoard", device2);
    }
    if (r == IXML_SUCCESS) {
        *onSameBoard = board_of(device1->index) == board_of(device2->index) ? 1 : 0;
    }
    return r;
}
