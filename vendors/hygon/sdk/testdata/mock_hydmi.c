/*
 * mock_hydmi.c: an in-memory libhydmi.so implementing hydmi.h, so the Go
 * binding's virtual-device calls (symbol names, the dmiDeviceInfo layout,
 * error codes, create and destroy) run in CI without a DCU. Configured by
 * environment variables read at the first call:
 *
 *   HYGON_MOCK_DEVICES    number of devices (default 2, at most 16)
 *   HYGON_MOCK_CUS        compute units per device (default 60)
 *   HYGON_MOCK_MEM_MIB    memory per device in MiB (default 32768)
 *   HYGON_MOCK_MAX_VDEV   virtual devices per device (default 4, at most 16)
 *   HYGON_MOCK_DMI_FAIL   a dmiStatus every call fails with (default none)
 *
 * A virtual device's id is device * max + slot; its busy percent is 5 *
 * slot + 1.
 *
 * The tests call the library from one goroutine at a time, so the state
 * below needs no lock.
 */
#include "hydmi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MOCK_MAX 16
#define MIB ((size_t)1024 * 1024)

typedef struct {
    int used;
    int cus;
    int mem_mib;
} vdev;

static struct {
    int loaded;
    int devices;
    int cus;
    int mem_mib;
    int max_vdev;
    int fail;
    vdev vdevs[MOCK_MAX][MOCK_MAX];
} mock;

static int env_int(const char *name, int def) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        return def;
    }
    return (int)strtol(v, NULL, 10);
}

static dmiStatus load(void) {
    if (!mock.loaded) {
        mock.devices = env_int("HYGON_MOCK_DEVICES", 2);
        mock.cus = env_int("HYGON_MOCK_CUS", 60);
        mock.mem_mib = env_int("HYGON_MOCK_MEM_MIB", 32768);
        mock.max_vdev = env_int("HYGON_MOCK_MAX_VDEV", 4);
        mock.fail = env_int("HYGON_MOCK_DMI_FAIL", DMI_STATUS_SUCCESS);
        if (mock.devices > MOCK_MAX) {
            mock.devices = MOCK_MAX;
        }
        if (mock.max_vdev > MOCK_MAX) {
            mock.max_vdev = MOCK_MAX;
        }
        mock.loaded = 1;
    }
    return (dmiStatus)mock.fail;
}

/* mock_dmi_layout reports the C layout of dmiDeviceInfo so the test can
 * compare it with the Go declaration: 0 the size, 1..5 the offsets of
 * compute_unit_count, global_mem_size, usage_mem_size, container_id and
 * device_id. Not part of the real library. */
size_t mock_dmi_layout(int field);
size_t mock_dmi_layout(int field) {
    switch (field) {
    case 0:
        return sizeof(dmiDeviceInfo);
    case 1:
        return offsetof(dmiDeviceInfo, compute_unit_count);
    case 2:
        return offsetof(dmiDeviceInfo, global_mem_size);
    case 3:
        return offsetof(dmiDeviceInfo, usage_mem_size);
    case 4:
        return offsetof(dmiDeviceInfo, container_id);
    case 5:
        return offsetof(dmiDeviceInfo, device_id);
    default:
        return (size_t)-1;
    }
}

dmiStatus dmiGetDeviceCount(int *count) {
    dmiStatus st = load();
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    if (count == NULL) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    *count = mock.devices;
    return DMI_STATUS_SUCCESS;
}

static dmiStatus check_device(int device_id, const void *out) {
    dmiStatus st = load();
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    if (device_id < 0 || device_id >= mock.devices || out == NULL) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    return DMI_STATUS_SUCCESS;
}

static void remaining(int device_id, int *cus, int *mem_mib) {
    *cus = mock.cus;
    *mem_mib = mock.mem_mib;
    for (int s = 0; s < mock.max_vdev; s++) {
        const vdev *v = &mock.vdevs[device_id][s];
        if (v->used) {
            *cus -= v->cus;
            *mem_mib -= v->mem_mib;
        }
    }
}

dmiStatus dmiGetDeviceInfo(int device_id, dmiDeviceInfo *device_info) {
    dmiStatus st = check_device(device_id, device_info);
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    memset(device_info, 0, sizeof *device_info);
    snprintf(device_info->name, DMI_NAME_SIZE, "MOCK-DCU-%d", device_id);
    device_info->compute_unit_count = mock.cus;
    device_info->global_mem_size = (size_t)mock.mem_mib * MIB;
    device_info->usage_mem_size = (size_t)(device_id + 1) * MIB;
    device_info->device_id = device_id;
    return DMI_STATUS_SUCCESS;
}

dmiStatus dmiGetMaxVDeviceCount(int *count) {
    dmiStatus st = load();
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    if (count == NULL) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    *count = mock.max_vdev;
    return DMI_STATUS_SUCCESS;
}

dmiStatus dmiGetVDeviceCount(int *count) {
    dmiStatus st = load();
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    if (count == NULL) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    *count = 0;
    for (int d = 0; d < mock.devices; d++) {
        for (int s = 0; s < mock.max_vdev; s++) {
            *count += mock.vdevs[d][s].used;
        }
    }
    return DMI_STATUS_SUCCESS;
}

dmiStatus dmiGetDeviceRemainingInfo(int device_id, size_t *cus, size_t *memories) {
    dmiStatus st = check_device(device_id, cus);
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    if (memories == NULL) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    int c, m;
    remaining(device_id, &c, &m);
    *cus = (size_t)c;
    *memories = (size_t)m * MIB;
    return DMI_STATUS_SUCCESS;
}

/* lookup finds a live virtual device by id. */
static vdev *lookup(int vdevice_id, dmiStatus *st) {
    *st = load();
    if (*st != DMI_STATUS_SUCCESS) {
        return NULL;
    }
    if (mock.max_vdev <= 0 || vdevice_id < 0 || vdevice_id >= mock.devices * mock.max_vdev) {
        *st = DMI_STATUS_VDEV_NOT_EXIST;
        return NULL;
    }
    vdev *v = &mock.vdevs[vdevice_id / mock.max_vdev][vdevice_id % mock.max_vdev];
    if (!v->used) {
        *st = DMI_STATUS_VDEV_NOT_EXIST;
        return NULL;
    }
    return v;
}

dmiStatus dmiGetVDeviceInfo(int vdevice_id, dmiDeviceInfo *device_info) {
    dmiStatus st;
    vdev *v = lookup(vdevice_id, &st);
    if (v == NULL) {
        return st;
    }
    if (device_info == NULL) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    memset(device_info, 0, sizeof *device_info);
    snprintf(device_info->name, DMI_NAME_SIZE, "vdev%d", vdevice_id);
    device_info->compute_unit_count = v->cus;
    device_info->global_mem_size = (size_t)v->mem_mib * MIB;
    device_info->device_id = vdevice_id / mock.max_vdev;
    return DMI_STATUS_SUCCESS;
}

/* fits checks a whole request before anything is made, as the driver
 * makes all of a call's virtual devices or none. */
static dmiStatus fits(int device_id, int vdev_count, const int *vdev_cus, const int *vdev_mem_size) {
    int cus, mem, free_slots = 0;
    remaining(device_id, &cus, &mem);
    for (int s = 0; s < mock.max_vdev; s++) {
        free_slots += !mock.vdevs[device_id][s].used;
    }
    if (vdev_count > free_slots) {
        return DMI_STATUS_OUT_OF_RESOURCES;
    }
    for (int i = 0; i < vdev_count; i++) {
        if (vdev_cus[i] <= 0 || vdev_mem_size[i] <= 0) {
            return DMI_STATUS_INVALID_ARGUMENTS;
        }
        cus -= vdev_cus[i];
        mem -= vdev_mem_size[i];
    }
    return cus < 0 || mem < 0 ? DMI_STATUS_OUT_OF_RESOURCES : DMI_STATUS_SUCCESS;
}

dmiStatus dmiCreateVDevices(int device_id, int vdev_count, int *vdev_cus, int *vdev_mem_size) {
    dmiStatus st = check_device(device_id, vdev_cus);
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    if (vdev_mem_size == NULL || vdev_count <= 0) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    st = fits(device_id, vdev_count, vdev_cus, vdev_mem_size);
    if (st != DMI_STATUS_SUCCESS) {
        return st;
    }
    int made = 0;
    for (int s = 0; s < mock.max_vdev && made < vdev_count; s++) {
        vdev *v = &mock.vdevs[device_id][s];
        if (!v->used) {
            v->used = 1;
            v->cus = vdev_cus[made];
            v->mem_mib = vdev_mem_size[made];
            made++;
        }
    }
    return DMI_STATUS_SUCCESS;
}

dmiStatus dmiDestroySingleVDevice(int vdevice_id) {
    dmiStatus st;
    vdev *v = lookup(vdevice_id, &st);
    if (v == NULL) {
        return st;
    }
    memset(v, 0, sizeof *v);
    return DMI_STATUS_SUCCESS;
}

dmiStatus dmiGetVDevBusyPercent(int vdevice_id, int *busy_percent) {
    dmiStatus st;
    vdev *v = lookup(vdevice_id, &st);
    if (v == NULL) {
        return st;
    }
    if (busy_percent == NULL) {
        return DMI_STATUS_INVALID_ARGUMENTS;
    }
    *busy_percent = 5 * (vdevice_id % mock.max_vdev) + 1;
    return DMI_STATUS_SUCCESS;
}
