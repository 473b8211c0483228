/*
 * mock_rocm_smi.c: an in-memory librocm_smi64.so implementing rocm_smi.h,
 * so the Go binding's symbol names, argument types and error mapping run
 * in CI without a DCU. Configured by environment variables read at
 * rsmi_init:
 *
 *   HYGON_MOCK_DEVICES     number of devices (default 2, at most 16)
 *   HYGON_MOCK_DEVICE_ID   PCI device id, hex (default 54b7, a Z100)
 *   HYGON_MOCK_MEM_MIB     VRAM per device in MiB (default 32768)
 *   HYGON_MOCK_FAIL_INDEX  a device whose every query fails (default none)
 *   HYGON_MOCK_FAIL_CODE   the rsmi_status_t it fails with (default 3)
 *
 * Device i: serial MOCK-SN-<i>, unique id 0x1000+i, PCI 0000:<0x10*(i+1)>:00.0,
 * render minor 128+i, VRAM used (i+1) GiB, busy 10*i %, NUMA node i*2/n;
 * devices 2k and 2k+1 are XGMI peers (1 hop), the rest PCIe (2 hops on
 * one NUMA node, 3 across).
 *
 * The state below is written only by rsmi_init and rsmi_shut_down; the
 * tests call the library from one goroutine at a time, so it needs no lock.
 */
#include "rocm_smi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MOCK_MAX_DEVICES 16
#define MIB (1024ull * 1024ull)

static struct {
    int initialised;
    uint32_t devices;
    uint16_t device_id;
    uint64_t mem_mib;
    long fail_index;
    rsmi_status_t fail_code;
} mock;

static long env_long(const char *name, long def, int base) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        return def;
    }
    return strtol(v, NULL, base);
}

rsmi_status_t rsmi_init(uint64_t init_flags) {
    if (init_flags != 0) {
        return RSMI_STATUS_INVALID_ARGS;
    }
    long n = env_long("HYGON_MOCK_DEVICES", 2, 10);
    if (n < 0 || n > MOCK_MAX_DEVICES) {
        return RSMI_STATUS_INIT_ERROR;
    }
    mock.devices = (uint32_t)n;
    mock.device_id = (uint16_t)env_long("HYGON_MOCK_DEVICE_ID", 0x54b7, 16);
    mock.mem_mib = (uint64_t)env_long("HYGON_MOCK_MEM_MIB", 32768, 10);
    mock.fail_index = env_long("HYGON_MOCK_FAIL_INDEX", -1, 10);
    mock.fail_code = (rsmi_status_t)env_long("HYGON_MOCK_FAIL_CODE", RSMI_STATUS_FILE_ERROR, 10);
    mock.initialised = 1;
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_shut_down(void) {
    if (!mock.initialised) {
        return RSMI_STATUS_INIT_ERROR;
    }
    mock.initialised = 0;
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_num_monitor_devices(uint32_t *num_devices) {
    if (!mock.initialised) {
        return RSMI_STATUS_INIT_ERROR;
    }
    if (num_devices == NULL) {
        return RSMI_STATUS_INVALID_ARGS;
    }
    *num_devices = mock.devices;
    return RSMI_STATUS_SUCCESS;
}

/* check is what every per-device query checks first. */
static rsmi_status_t check(uint32_t dv_ind, const void *out) {
    if (!mock.initialised) {
        return RSMI_STATUS_INIT_ERROR;
    }
    if (dv_ind >= mock.devices || out == NULL) {
        return RSMI_STATUS_INVALID_ARGS;
    }
    if ((long)dv_ind == mock.fail_index) {
        return mock.fail_code;
    }
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_pci_id_get(uint32_t dv_ind, uint64_t *bdfid) {
    rsmi_status_t st = check(dv_ind, bdfid);
    if (st == RSMI_STATUS_SUCCESS) {
        *bdfid = (uint64_t)(0x10u * (dv_ind + 1)) << 8;
    }
    return st;
}

rsmi_status_t rsmi_dev_serial_number_get(uint32_t dv_ind, char *serial_num, uint32_t len) {
    rsmi_status_t st = check(dv_ind, serial_num);
    if (st != RSMI_STATUS_SUCCESS) {
        return st;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "MOCK-SN-%u", dv_ind);
    if (n < 0 || (uint32_t)n >= len) {
        return RSMI_STATUS_INSUFFICIENT_SIZE;
    }
    memcpy(serial_num, buf, (size_t)n + 1);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_id_get(uint32_t dv_ind, uint16_t *id) {
    rsmi_status_t st = check(dv_ind, id);
    if (st == RSMI_STATUS_SUCCESS) {
        *id = mock.device_id;
    }
    return st;
}

rsmi_status_t rsmi_dev_unique_id_get(uint32_t dv_ind, uint64_t *id) {
    rsmi_status_t st = check(dv_ind, id);
    if (st == RSMI_STATUS_SUCCESS) {
        *id = 0x1000u + dv_ind;
    }
    return st;
}

rsmi_status_t rsmi_dev_drm_render_minor_get(uint32_t dv_ind, uint32_t *minor) {
    rsmi_status_t st = check(dv_ind, minor);
    if (st == RSMI_STATUS_SUCCESS) {
        *minor = 128u + dv_ind;
    }
    return st;
}

/* Each memory type answers differently, so a binding asking for the wrong
 * one reads a wrong number instead of passing by chance. */
static uint64_t memory_total(rsmi_memory_type_t t) {
    switch (t) {
    case RSMI_MEM_TYPE_VRAM:
        return mock.mem_mib * MIB;
    case RSMI_MEM_TYPE_VIS_VRAM:
        return 256 * MIB;
    default:
        return 65536 * MIB;
    }
}

rsmi_status_t rsmi_dev_memory_total_get(uint32_t dv_ind, rsmi_memory_type_t mem_type, uint64_t *total) {
    rsmi_status_t st = check(dv_ind, total);
    if (st != RSMI_STATUS_SUCCESS) {
        return st;
    }
    if (mem_type > RSMI_MEM_TYPE_GTT) {
        return RSMI_STATUS_INVALID_ARGS;
    }
    *total = memory_total(mem_type);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_memory_usage_get(uint32_t dv_ind, rsmi_memory_type_t mem_type, uint64_t *used) {
    rsmi_status_t st = check(dv_ind, used);
    if (st != RSMI_STATUS_SUCCESS) {
        return st;
    }
    if (mem_type > RSMI_MEM_TYPE_GTT) {
        return RSMI_STATUS_INVALID_ARGS;
    }
    *used = mem_type == RSMI_MEM_TYPE_VRAM ? (dv_ind + 1) * 1024 * MIB : 1;
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_busy_percent_get(uint32_t dv_ind, uint32_t *busy_percent) {
    rsmi_status_t st = check(dv_ind, busy_percent);
    if (st == RSMI_STATUS_SUCCESS) {
        *busy_percent = 10u * dv_ind;
    }
    return st;
}

static uint32_t numa_of(uint32_t dv_ind) {
    return dv_ind * 2 / (mock.devices > 0 ? mock.devices : 1);
}

rsmi_status_t rsmi_topo_get_link_type(uint32_t dv_ind_src, uint32_t dv_ind_dst, uint64_t *hops, RSMI_IO_LINK_TYPE *type) {
    rsmi_status_t st = check(dv_ind_src, hops);
    if (st == RSMI_STATUS_SUCCESS) {
        st = check(dv_ind_dst, type);
    }
    if (st != RSMI_STATUS_SUCCESS) {
        return st;
    }
    if (dv_ind_src == dv_ind_dst) {
        return RSMI_STATUS_INVALID_ARGS;
    }
    if (dv_ind_src / 2 == dv_ind_dst / 2) {
        *hops = 1;
        *type = RSMI_IOLINK_TYPE_XGMI;
        return RSMI_STATUS_SUCCESS;
    }
    *hops = numa_of(dv_ind_src) == numa_of(dv_ind_dst) ? 2 : 3;
    *type = RSMI_IOLINK_TYPE_PCIEXPRESS;
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_topo_numa_node_number(uint32_t dv_ind, uint32_t *numa_node) {
    rsmi_status_t st = check(dv_ind, numa_node);
    if (st == RSMI_STATUS_SUCCESS) {
        *numa_node = numa_of(dv_ind);
    }
    return st;
}
