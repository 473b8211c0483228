/*
 * mxsml.h: the subset of MetaX's System Management Library (libmxsml.so)
 * that HAMi binds.
 *
 * This is HAMi's reconstruction from public knowledge of the library
 * (mx-smi and the calls the MetaX device plugin is known to make), NOT the
 * vendor's header, which cannot be fetched here. Where the public record is
 * silent (the sGPU calls, the scheduling class, serial and NUMA fields) the
 * shapes below are this project's best guess; the Go binding in
 * ../abi.go declares the same layouts and binding_test.go checks them
 * against this file through the mock library.
 */
#ifndef HAMI_MXSML_H
#define HAMI_MXSML_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    MXSML_Success = 0,
    MXSML_Failure = 1,
    MXSML_NoDevice = 2,
    MXSML_OperationNotSupported = 3,
    MXSML_PermissionDenied = 4,
    MXSML_OutOfResources = 5,
    MXSML_InvalidInput = 6,
    MXSML_InsufficientSize = 7,
    MXSML_Uninitialized = 8,
    MXSML_NotFound = 9,
    MXSML_SgpuLimitReached = 10,
    MXSML_DeviceLost = 11,
    MXSML_InUse = 12
} mxSmlReturn_t;

#define MXSML_BDF_ID_SIZE 32
#define MXSML_UUID_SIZE 96
#define MXSML_DEVICE_NAME_SIZE 32
#define MXSML_SERIAL_SIZE 32

typedef struct {
    unsigned int deviceId;                  /* index, 0..count-1 */
    int type;                               /* mxSmlDeviceType_t: 0 GPU */
    char bdfId[MXSML_BDF_ID_SIZE];          /* PCI address, e.g. 0000:3b:00.0 */
    unsigned int gpuId;                     /* DRM card minor: /dev/dri/card<gpuId> */
    unsigned int nodeId;                    /* DRM render minor: /dev/dri/renderD<nodeId> */
    char uuid[MXSML_UUID_SIZE];
    int brand;
    int mode;                               /* 0 native, 1 sGPU host, 2 VF */
    char deviceName[MXSML_DEVICE_NAME_SIZE];/* model, e.g. C500 */
    char serial[MXSML_SERIAL_SIZE];
    int numaNode;                           /* -1 when unknown */
} mxSmlDeviceInfo_t;

/* Sizes in KB, as mx-smi reports them. */
typedef struct {
    long visVramTotal;
    long visVramUse;
    long vramTotal;
    long vramUse;
    long xttTotal;
    long xttUse;
} mxSmlMemoryInfo_t;

typedef enum {
    MXSML_Usage_Dec = 0,
    MXSML_Usage_Enc = 1,
    MXSML_Usage_Xcore = 2
} mxSmlUsageIp_t;

typedef enum {
    MXSML_Topology_Internal = 0,   /* same board */
    MXSML_Topology_Single = 1,     /* one PCIe switch */
    MXSML_Topology_Multiple = 2,   /* several PCIe switches */
    MXSML_Topology_HostBridge = 3,
    MXSML_Topology_Node = 4,       /* same NUMA node */
    MXSML_Topology_System = 5      /* across NUMA nodes */
} mxSmlTopologyType_t;

typedef struct {
    int topologyType;              /* mxSmlTopologyType_t */
    unsigned int hops;
} mxSmlDeviceTopology_t;

typedef struct {
    unsigned int links;            /* MetaXLink lanes between the pair; 0 none */
    unsigned int bandwidthGBs;
} mxSmlMetaXLinkInfo_t;

typedef struct {
    unsigned int sgpuId;
    unsigned int memoryMb;         /* a multiple of 128 */
    unsigned int computePercent;   /* 1..100 */
    unsigned int memoryUsedMb;
} mxSmlSgpuInfo_t;

typedef enum {
    MXSML_Sched_BestEffort = 0,
    MXSML_Sched_FixedShare = 1,
    MXSML_Sched_BurstShare = 2
} mxSmlSchedClass_t;

mxSmlReturn_t mxSmlInit(void);
mxSmlReturn_t mxSmlGetDeviceCount(unsigned int *count);
mxSmlReturn_t mxSmlGetDeviceInfo(unsigned int deviceId, mxSmlDeviceInfo_t *info);
mxSmlReturn_t mxSmlGetMemoryInfo(unsigned int deviceId, mxSmlMemoryInfo_t *info);
mxSmlReturn_t mxSmlGetDeviceIpUsage(unsigned int deviceId, int ip, int *usage);
mxSmlReturn_t mxSmlGetDeviceTopology(unsigned int src, unsigned int dst, mxSmlDeviceTopology_t *topo);
mxSmlReturn_t mxSmlGetMetaXLinkInfo(unsigned int src, unsigned int dst, mxSmlMetaXLinkInfo_t *info);
mxSmlReturn_t mxSmlGetSgpuToggle(unsigned int deviceId, int *enabled);
mxSmlReturn_t mxSmlCreateSgpu(unsigned int deviceId, unsigned int memoryMb,
                              unsigned int computePercent, unsigned int *sgpuId);
mxSmlReturn_t mxSmlRemoveSgpu(unsigned int deviceId, unsigned int sgpuId);
mxSmlReturn_t mxSmlGetSgpuCount(unsigned int deviceId, unsigned int *count);
mxSmlReturn_t mxSmlGetSgpuInfo(unsigned int deviceId, unsigned int index, mxSmlSgpuInfo_t *info);
mxSmlReturn_t mxSmlSetSgpuComputeQuota(unsigned int deviceId, unsigned int sgpuId,
                                       unsigned int computePercent);
mxSmlReturn_t mxSmlGetDeviceSchedClass(unsigned int deviceId, int *schedClass);

#ifdef __cplusplus
}
#endif

#endif /* HAMI_MXSML_H */
