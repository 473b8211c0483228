/*
 * hydmi.h: the part of libhydmi.so (Hygon's DCU management interface for
 * virtual DCUs, shipped under /opt/hyhal) that HAMi's Hygon SDK binds.
 *
 * This is this project's reconstruction from public knowledge of the ABI,
 * NOT the vendor's header (the vendor splits it over dmi_error.h and
 * dmi_virtual.h). The Go side (vendors/hygon/sdk/abi.go) must match it;
 * mock_hydmi.c implements it.
 *
 * Virtual device ids are numbered device * max + slot in this
 * reconstruction, so every id is below count * max (the binding lists
 * virtual devices by probing that range).
 */
#ifndef HAMI_HYGON_HYDMI_H
#define HAMI_HYGON_HYDMI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DMI_NAME_SIZE 256

typedef enum {
    DMI_STATUS_SUCCESS = 0,
    DMI_STATUS_ERROR = 1,
    DMI_STATUS_NO_MEMORY = 2,
    DMI_STATUS_OPEN_MKFD_FAILED = 3,
    DMI_STATUS_MKFD_ALREADY_OPENED = 4,
    DMI_STATUS_SYS_NODE_NOT_EXIST = 5,
    DMI_STATUS_NOT_SUPPORTED = 6,
    DMI_STATUS_MKFD_NOT_OPENED = 7,
    DMI_STATUS_CREATE_VDEV_FAILED = 8,
    DMI_STATUS_DESTROY_VDEV_FAILED = 9,
    DMI_STATUS_INVALID_ARGUMENTS = 10,
    DMI_STATUS_OUT_OF_RESOURCES = 11,
    DMI_STATUS_QUERY_VDEV_INFO_FAILED = 12,
    DMI_STATUS_ERROR_NOT_INITIALIZED = 13,
    DMI_STATUS_DEVICE_NOT_SUPPORT = 14,
    DMI_STATUS_VDEV_NOT_EXIST = 15,
    DMI_STATUS_INIT_DEVICE_FAILED = 16,
    DMI_STATUS_DEVICE_BUSY = 17,
    DMI_STATUS_FILE_ERROR = 18,
    DMI_STATUS_PERMISSION = 19,
    DMI_STATUS_INTERNAL_EXCEPTION = 20,
    DMI_STATUS_INPUT_OUT_OF_BOUNDS = 21,
    DMI_STATUS_SMI_INIT_ERROR = 22,
    DMI_STATUS_NOT_FOUND = 23,
    DMI_STATUS_INSUFFICIENT_SIZE = 24,
    DMI_STATUS_INTERRUPT = 25,
    DMI_STATUS_UNEXPECTED_SIZE = 26,
    DMI_STATUS_NO_DATA = 27,
    DMI_STATUS_UNEXPECTED_DATA = 28,
    DMI_STATUS_SMI_BUSY = 29,
    DMI_STATUS_REFCOUNT_OVERFLOW = 30,
    DMI_STATUS_NOT_YET_IMPLEMENTED = 31,
    DMI_STATUS_UNKNOWN_ERROR = 32
} dmiStatus;

typedef struct {
    char name[DMI_NAME_SIZE];
    int compute_unit_count;
    size_t global_mem_size; /* bytes */
    size_t usage_mem_size;  /* bytes */
    uint64_t container_id;  /* virtual devices only */
    int device_id;          /* the physical card */
} dmiDeviceInfo;

dmiStatus dmiGetDeviceCount(int *count);
dmiStatus dmiGetDeviceInfo(int device_id, dmiDeviceInfo *device_info);
/* Per physical device. */
dmiStatus dmiGetMaxVDeviceCount(int *count);
/* All virtual devices of the node. */
dmiStatus dmiGetVDeviceCount(int *count);
/* cus: compute units; memories: bytes. */
dmiStatus dmiGetDeviceRemainingInfo(int device_id, size_t *cus, size_t *memories);
dmiStatus dmiGetVDeviceInfo(int vdevice_id, dmiDeviceInfo *device_info);
/* vdev_mem_size in MiB, one entry per virtual device to make. */
dmiStatus dmiCreateVDevices(int device_id, int vdev_count, int *vdev_cus, int *vdev_mem_size);
dmiStatus dmiDestroySingleVDevice(int vdevice_id);
dmiStatus dmiGetVDevBusyPercent(int vdevice_id, int *busy_percent);

#ifdef __cplusplus
}
#endif

#endif
