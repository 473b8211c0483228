/*
 * ixml.h: the subset of Iluvatar CoreX's management library (libixml.so)
 * that HAMi binds.
 *
 * THIS IS THIS PROJECT'S RECONSTRUCTION, NOT THE VENDOR'S FILE. The vendor
 * toolkit is closed and no header could be fetched; the library is known to
 * be shaped after NVML, so every call, type and value below follows NVML's
 * conventions with an "ixml"/"IXML_" prefix. The Go binding in ../binding.go
 * declares the same layouts; the C mock in mock_ixml.c implements this
 * header, and the binding's tests run the Go side against it. When a real
 * header is at hand, diff it against this file first.
 *
 * Conventions (as NVML's): every call returns an ixmlReturn_t; outputs go
 * through pointers; strings are written NUL-terminated into caller buffers
 * of the stated length (IXML_ERROR_INSUFFICIENT_SIZE when too short); a
 * device is an opaque handle obtained by index.
 */
#ifndef HAMI_IXML_H
#define HAMI_IXML_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ixmlReturn_enum {
    IXML_SUCCESS = 0,
    IXML_ERROR_UNINITIALIZED = 1,
    IXML_ERROR_INVALID_ARGUMENT = 2,
    IXML_ERROR_NOT_SUPPORTED = 3,
    IXML_ERROR_NO_PERMISSION = 4,
    IXML_ERROR_NOT_FOUND = 6,
    IXML_ERROR_INSUFFICIENT_SIZE = 7,
    IXML_ERROR_DRIVER_NOT_LOADED = 9,
    IXML_ERROR_TIMEOUT = 10,
    IXML_ERROR_GPU_IS_LOST = 15,
    IXML_ERROR_UNKNOWN = 999
} ixmlReturn_t;

/* Buffer sizes callers pass for the string calls. */
#define IXML_DEVICE_UUID_BUFFER_SIZE 80
#define IXML_DEVICE_NAME_BUFFER_SIZE 96
#define IXML_DEVICE_SERIAL_BUFFER_SIZE 30

typedef struct ixmlDevice_st *ixmlDevice_t;

/* Device memory in bytes. 24 bytes, no padding. */
typedef struct ixmlMemory_st {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} ixmlMemory_t;

/* Percent of the last sample period the chip (gpu) and its memory
 * controller (memory) were busy. 8 bytes. */
typedef struct ixmlUtilization_st {
    unsigned int gpu;
    unsigned int memory;
} ixmlUtilization_t;

/* How two chips reach each other, nearest first (NVML's values). */
typedef enum ixmlGpuTopologyLevel_enum {
    IXML_TOPOLOGY_INTERNAL = 0,   /* the same chip */
    IXML_TOPOLOGY_SINGLE = 10,    /* one PCIe switch */
    IXML_TOPOLOGY_MULTIPLE = 20,  /* several PCIe switches, no host bridge */
    IXML_TOPOLOGY_HOSTBRIDGE = 30,/* one PCIe host bridge */
    IXML_TOPOLOGY_NODE = 40,      /* host bridges of one NUMA node */
    IXML_TOPOLOGY_SYSTEM = 50     /* across NUMA nodes (SMP interconnect) */
} ixmlGpuTopologyLevel_t;

/* Health bits ixmlDeviceGetHealth reports; 0 is healthy. Any bit set makes
 * the chip unfit for new work. */
#define IXML_HEALTH_SYSHUB_ERROR 0x1ULL
#define IXML_HEALTH_MC_ERROR 0x2ULL
#define IXML_HEALTH_OVERHEAT 0x4ULL
#define IXML_HEALTH_ECC_ERROR 0x8ULL
#define IXML_HEALTH_MEMORY_ERROR 0x10ULL
#define IXML_HEALTH_PCIE_ERROR 0x20ULL

ixmlReturn_t ixmlInit_v2(void);
ixmlReturn_t ixmlShutdown(void);

ixmlReturn_t ixmlDeviceGetCount_v2(unsigned int *deviceCount);
ixmlReturn_t ixmlDeviceGetHandleByIndex_v2(unsigned int index, ixmlDevice_t *device);

ixmlReturn_t ixmlDeviceGetIndex(ixmlDevice_t device, unsigned int *index);
ixmlReturn_t ixmlDeviceGetUUID(ixmlDevice_t device, char *uuid, unsigned int length);
/* The N of /dev/iluvatar<N>. */
ixmlReturn_t ixmlDeviceGetMinorNumber(ixmlDevice_t device, unsigned int *minorNumber);
ixmlReturn_t ixmlDeviceGetName(ixmlDevice_t device, char *name, unsigned int length);
ixmlReturn_t ixmlDeviceGetSerial(ixmlDevice_t device, char *serial, unsigned int length);
/* Optional in the binding: older drivers may lack it (then the NUMA node
 * is unknown). */
ixmlReturn_t ixmlDeviceGetNumaNodeId(ixmlDevice_t device, unsigned int *node);

ixmlReturn_t ixmlDeviceGetMemoryInfo(ixmlDevice_t device, ixmlMemory_t *memory);
ixmlReturn_t ixmlDeviceGetUtilizationRates(ixmlDevice_t device, ixmlUtilization_t *utilization);
ixmlReturn_t ixmlDeviceGetHealth(ixmlDevice_t device, unsigned long long *health);

ixmlReturn_t ixmlDeviceGetTopologyCommonAncestor(ixmlDevice_t device1, ixmlDevice_t device2,
                                                 ixmlGpuTopologyLevel_t *pathInfo);
/* *onSameBoard is 1 when both chips sit on one board (the two chips of a
 * BI-V150), else 0. */
ixmlReturn_t ixmlDeviceOnSameBoard(ixmlDevice_t device1, ixmlDevice_t device2, int *onSameBoard);

#ifdef __cplusplus
}
#endif

#endif /* HAMI_IXML_H */
