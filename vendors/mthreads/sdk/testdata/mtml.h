/*
 * mtml.h: the part of the Moore Threads Management Library (libmtml.so) that
 * vendors/mthreads/sdk binds.
 *
 * THIS IS THIS PROJECT'S RECONSTRUCTION, NOT THE VENDOR'S FILE. No public
 * header can be fetched here; the names, argument order, struct layouts and
 * return codes below are rebuilt from public knowledge of MTML (which follows
 * NVML's shape: opaque handles, out-parameters, an int return code). The Go
 * declarations in binding_abi.go must match this file; the C mock
 * (mock_mtml.c) implements it and is compiled with -Wall -Wextra -Werror, so
 * the two cannot drift apart silently.
 */
#ifndef HAMI_MTML_H
#define HAMI_MTML_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	MTML_SUCCESS = 0,
	MTML_ERROR_DRIVER_NOT_LOADED = 1,
	MTML_ERROR_DRIVER_FAILURE = 2,
	MTML_ERROR_INVALID_ARGUMENT = 3,
	MTML_ERROR_NOT_SUPPORTED = 4,
	MTML_ERROR_NO_PERMISSION = 5,
	MTML_ERROR_INSUFFICIENT_SIZE = 6,
	MTML_ERROR_NOT_FOUND = 7,
	MTML_ERROR_INSUFFICIENT_MEMORY = 8,
	MTML_ERROR_DRIVER_TOO_OLD = 9,
	MTML_ERROR_DRIVER_TOO_NEW = 10,
	MTML_ERROR_TIMEOUT = 11,
	MTML_ERROR_UNKNOWN = 999
} MtmlReturn;

/* Opaque handles owned by the library. */
typedef struct MtmlLibrary MtmlLibrary;
typedef struct MtmlDevice MtmlDevice;
typedef struct MtmlGpu MtmlGpu;
typedef struct MtmlMemory MtmlMemory;

#define MTML_DEVICE_NAME_BUFFER_SIZE 32
#define MTML_DEVICE_UUID_BUFFER_SIZE 48
#define MTML_DEVICE_SERIAL_NUMBER_BUFFER_SIZE 64
#define MTML_DEVICE_PCI_SBDF_BUFFER_SIZE 32
#define MTML_VIRT_TYPE_ID_BUFFER_SIZE 16
#define MTML_VIRT_TYPE_NAME_BUFFER_SIZE 32
#define MTML_VIRT_TYPE_API_BUFFER_SIZE 16

/* 112 bytes. */
typedef struct {
	char sbdf[MTML_DEVICE_PCI_SBDF_BUFFER_SIZE]; /* "0000:3b:00.0" */
	unsigned int segment;
	unsigned int bus;
	unsigned int device;
	unsigned int pciDeviceId; /* device id << 16 | vendor id (0x1ed5) */
	unsigned int pciSubsystemId;
	unsigned int busWidth;
	float pciMaxSpeed; /* GT/s */
	float pciCurSpeed;
	unsigned int pciMaxWidth;
	unsigned int pciCurWidth;
	unsigned int pciMaxGen;
	unsigned int pciCurGen;
	int rsvd[8];
} MtmlPciInfo;

/* How far apart two devices are on the PCIe tree, nearest first. */
typedef enum {
	MTML_TOPOLOGY_INTERNAL = 0,
	MTML_TOPOLOGY_SINGLE = 1,
	MTML_TOPOLOGY_MULTIPLE = 2,
	MTML_TOPOLOGY_HOSTBRIDGE = 3,
	MTML_TOPOLOGY_NODE = 4,
	MTML_TOPOLOGY_SYSTEM = 5
} MtmlDeviceTopologyLevel;

/* 32 bytes. */
typedef struct {
	unsigned int version;
	unsigned int bandWidth; /* GB/s per link */
	unsigned int linkNum;   /* MTLink ports of the device */
	unsigned int rsvd[5];
} MtmlMtLinkSpec;

typedef enum {
	MTML_MTLINK_STATE_DOWN = 0,
	MTML_MTLINK_STATE_UP = 1,
	MTML_MTLINK_STATE_DOWNGRADE = 2
} MtmlMtLinkState;

/* One kind of virtual device (sGPU) the driver can make; 132 bytes. */
typedef struct {
	char id[MTML_VIRT_TYPE_ID_BUFFER_SIZE];
	char name[MTML_VIRT_TYPE_NAME_BUFFER_SIZE];
	char api[MTML_VIRT_TYPE_API_BUFFER_SIZE];
	unsigned int horizontalResolution;
	unsigned int verticalResolution;
	unsigned int frameBuffer; /* MiB */
	unsigned int maxEncodeNum;
	unsigned int maxDecodeNum;
	unsigned int maxInstances; /* of this type on one device */
	unsigned int maxVirtualDisplay;
	int rsvd[10];
} MtmlVirtType;

MtmlReturn mtmlLibraryInit(MtmlLibrary **lib);
MtmlReturn mtmlLibraryShutDown(MtmlLibrary *lib);
MtmlReturn mtmlLibraryCountDevice(const MtmlLibrary *lib, unsigned int *count);
MtmlReturn mtmlLibraryInitDeviceByIndex(const MtmlLibrary *lib, unsigned int index, MtmlDevice **dev);

MtmlReturn mtmlDeviceGetIndex(const MtmlDevice *dev, unsigned int *index);
MtmlReturn mtmlDeviceGetName(const MtmlDevice *dev, char *name, unsigned int length);
MtmlReturn mtmlDeviceGetUUID(const MtmlDevice *dev, char *uuid, unsigned int length);
MtmlReturn mtmlDeviceGetSerialNumber(const MtmlDevice *dev, unsigned int length, char *serialNumber);
MtmlReturn mtmlDeviceGetPciInfo(const MtmlDevice *dev, MtmlPciInfo *pci);

MtmlReturn mtmlDeviceInitMemory(const MtmlDevice *dev, MtmlMemory **mem);
MtmlReturn mtmlDeviceFreeMemory(MtmlMemory *mem);
MtmlReturn mtmlMemoryGetTotal(const MtmlMemory *mem, unsigned long long *total); /* bytes */
MtmlReturn mtmlMemoryGetUsed(const MtmlMemory *mem, unsigned long long *used);   /* bytes */

MtmlReturn mtmlDeviceInitGpu(const MtmlDevice *dev, MtmlGpu **gpu);
MtmlReturn mtmlDeviceFreeGpu(MtmlGpu *gpu);
MtmlReturn mtmlGpuGetUtilization(const MtmlGpu *gpu, unsigned int *utilization); /* percent */

MtmlReturn mtmlDeviceGetTopologyLevel(const MtmlDevice *dev1, const MtmlDevice *dev2, MtmlDeviceTopologyLevel *level);
MtmlReturn mtmlDeviceGetMtLinkSpec(const MtmlDevice *dev, MtmlMtLinkSpec *spec);
MtmlReturn mtmlDeviceGetMtLinkState(const MtmlDevice *dev, unsigned int linkId, MtmlMtLinkState *state);
MtmlReturn mtmlDeviceGetMtLinkRemoteDevice(const MtmlDevice *dev, unsigned int linkId, MtmlDevice **remoteDev);

/* sGPU: the driver makes virtual devices; MTML only reports them. */
MtmlReturn mtmlDeviceCountSupportedVirtTypes(const MtmlDevice *dev, unsigned int *count);
MtmlReturn mtmlDeviceGetSupportedVirtTypes(const MtmlDevice *dev, MtmlVirtType *types, unsigned int count);
MtmlReturn mtmlDeviceCountActiveVirtDevices(const MtmlDevice *dev, unsigned int *count);

#ifdef __cplusplus
}
#endif

#endif /* HAMI_MTML_H */
