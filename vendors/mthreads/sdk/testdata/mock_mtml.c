/*
 * A mock libmtml.so implementing this project's reconstruction of mtml.h,
 * for binding_test.go: a small in-memory table of MTT S4000 devices.
 *
 * The test configures each copy of the library through mockMtmlConfigure
 * (not environment variables: tests run in parallel in one process, each
 * with its own copy of this library, and the environment is shared).
 *
 * Topology of n devices: devices 2k and 2k+1 share a PCIe switch, devices
 * of one half share a host bridge, the halves meet across the system.
 * MTLink: port 0 goes to the next device, port 1 to the previous one, port
 * 2 is down; a device's ports to one peer are counted together.
 *
 * Built with MOCK_WITHOUT_OPTIONAL (mock_mtml_old.c) it lacks the calls an
 * older driver may not export: mtmlDeviceGetSerialNumber and
 * mtmlDeviceGetMtLinkSpec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mtml.h"

#define MOCK_MAX_DEVICES 8
#define MOCK_LINKS 3
#define MOCK_MIB (1024ULL * 1024ULL)

_Static_assert(sizeof(MtmlPciInfo) == 112, "MtmlPciInfo layout");
_Static_assert(sizeof(MtmlMtLinkSpec) == 32, "MtmlMtLinkSpec layout");
_Static_assert(sizeof(MtmlVirtType) == 132, "MtmlVirtType layout");

struct MtmlLibrary {
	int initialised;
};
struct MtmlDevice {
	unsigned int index;
};
struct MtmlGpu {
	unsigned int index;
};
struct MtmlMemory {
	unsigned int index;
};

/* One copy of this state per loaded copy of the library; the test that
 * loaded it is its only user. */
static struct MtmlLibrary library;
static struct MtmlDevice devices[MOCK_MAX_DEVICES];
static unsigned int device_count = 2;
static unsigned int active_virt = 0;
static char fail_call[64];
static int fail_index = -1;
static MtmlReturn fail_code = MTML_SUCCESS;
static int outstanding; /* MtmlGpu and MtmlMemory not yet freed */

static const unsigned int virt_units[] = {2, 4, 8, 16, 32, 64, 96};
#define MOCK_VIRT_TYPES (sizeof(virt_units) / sizeof(virt_units[0]))

/* Test controls, not part of mtml.h. */
void mockMtmlConfigure(unsigned int count, const char *call, int index, int code, unsigned int active) {
	device_count = count > MOCK_MAX_DEVICES ? MOCK_MAX_DEVICES : count;
	snprintf(fail_call, sizeof(fail_call), "%s", call ? call : "");
	fail_index = index;
	fail_code = (MtmlReturn)code;
	active_virt = active;
}

int mockMtmlOutstanding(void) { return outstanding; }

void mockMtmlSizes(unsigned int *pci, unsigned int *spec, unsigned int *virt) {
	*pci = sizeof(MtmlPciInfo);
	*spec = sizeof(MtmlMtLinkSpec);
	*virt = sizeof(MtmlVirtType);
}

static MtmlReturn injected(const char *call, unsigned int index) {
	if (fail_code != MTML_SUCCESS && strcmp(call, fail_call) == 0 &&
	    (fail_index < 0 || (unsigned int)fail_index == index))
		return fail_code;
	return MTML_SUCCESS;
}

static MtmlReturn put_text(const char *text, char *buf, unsigned int length) {
	if (buf == NULL || strlen(text) + 1 > length)
		return MTML_ERROR_INSUFFICIENT_SIZE;
	memcpy(buf, text, strlen(text) + 1);
	return MTML_SUCCESS;
}

MtmlReturn mtmlLibraryInit(MtmlLibrary **lib) {
	MtmlReturn r = injected("mtmlLibraryInit", 0);
	if (r != MTML_SUCCESS)
		return r;
	if (lib == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	for (unsigned int i = 0; i < MOCK_MAX_DEVICES; i++)
		devices[i].index = i;
	library.initialised = 1;
	*lib = &library;
	return MTML_SUCCESS;
}

MtmlReturn mtmlLibraryShutDown(MtmlLibrary *lib) {
	if (lib != &library || !library.initialised)
		return MTML_ERROR_INVALID_ARGUMENT;
	library.initialised = 0;
	return MTML_SUCCESS;
}

MtmlReturn mtmlLibraryCountDevice(const MtmlLibrary *lib, unsigned int *count) {
	if (lib != &library || !library.initialised || count == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	*count = device_count;
	return injected("mtmlLibraryCountDevice", 0);
}

MtmlReturn mtmlLibraryInitDeviceByIndex(const MtmlLibrary *lib, unsigned int index, MtmlDevice **dev) {
	if (lib != &library || !library.initialised || dev == NULL || index >= device_count)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlLibraryInitDeviceByIndex", index);
	if (r != MTML_SUCCESS)
		return r;
	*dev = &devices[index];
	return MTML_SUCCESS;
}

static int valid(const MtmlDevice *dev) {
	return dev != NULL && dev >= devices && dev < devices + device_count;
}

MtmlReturn mtmlDeviceGetIndex(const MtmlDevice *dev, unsigned int *index) {
	if (!valid(dev) || index == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	*index = dev->index;
	return injected("mtmlDeviceGetIndex", dev->index);
}

MtmlReturn mtmlDeviceGetName(const MtmlDevice *dev, char *name, unsigned int length) {
	if (!valid(dev))
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetName", dev->index);
	return r != MTML_SUCCESS ? r : put_text("MTT S4000", name, length);
}

MtmlReturn mtmlDeviceGetUUID(const MtmlDevice *dev, char *uuid, unsigned int length) {
	if (!valid(dev))
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetUUID", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	char text[MTML_DEVICE_UUID_BUFFER_SIZE];
	snprintf(text, sizeof(text), "2a1e3f40-0000-4000-8000-%012u", dev->index);
	return put_text(text, uuid, length);
}

#ifndef MOCK_WITHOUT_OPTIONAL
MtmlReturn mtmlDeviceGetSerialNumber(const MtmlDevice *dev, unsigned int length, char *serialNumber) {
	if (!valid(dev))
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetSerialNumber", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	char text[32];
	snprintf(text, sizeof(text), "MT-SN-%04u", dev->index);
	return put_text(text, serialNumber, length);
}
#endif

MtmlReturn mtmlDeviceGetPciInfo(const MtmlDevice *dev, MtmlPciInfo *pci) {
	if (!valid(dev) || pci == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetPciInfo", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	memset(pci, 0, sizeof(*pci));
	pci->bus = 0x10 + dev->index;
	snprintf(pci->sbdf, sizeof(pci->sbdf), "0000:%02X:00.0", pci->bus);
	pci->pciDeviceId = (0x0327u << 16) | 0x1ed5u;
	pci->pciMaxGen = 5;
	pci->rsvd[7] = -1; /* the Go side must not read past its struct */
	return MTML_SUCCESS;
}

MtmlReturn mtmlDeviceInitMemory(const MtmlDevice *dev, MtmlMemory **mem) {
	if (!valid(dev) || mem == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceInitMemory", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	*mem = malloc(sizeof(**mem));
	if (*mem == NULL)
		return MTML_ERROR_INSUFFICIENT_MEMORY;
	(*mem)->index = dev->index;
	outstanding++;
	return MTML_SUCCESS;
}

MtmlReturn mtmlDeviceFreeMemory(MtmlMemory *mem) {
	if (mem == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	free(mem);
	outstanding--;
	return MTML_SUCCESS;
}

MtmlReturn mtmlMemoryGetTotal(const MtmlMemory *mem, unsigned long long *total) {
	if (mem == NULL || total == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	*total = 49152ULL * MOCK_MIB;
	return injected("mtmlMemoryGetTotal", mem->index);
}

MtmlReturn mtmlMemoryGetUsed(const MtmlMemory *mem, unsigned long long *used) {
	if (mem == NULL || used == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	*used = (mem->index + 1) * 1024ULL * MOCK_MIB;
	return injected("mtmlMemoryGetUsed", mem->index);
}

MtmlReturn mtmlDeviceInitGpu(const MtmlDevice *dev, MtmlGpu **gpu) {
	if (!valid(dev) || gpu == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceInitGpu", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	*gpu = malloc(sizeof(**gpu));
	if (*gpu == NULL)
		return MTML_ERROR_INSUFFICIENT_MEMORY;
	(*gpu)->index = dev->index;
	outstanding++;
	return MTML_SUCCESS;
}

MtmlReturn mtmlDeviceFreeGpu(MtmlGpu *gpu) {
	if (gpu == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	free(gpu);
	outstanding--;
	return MTML_SUCCESS;
}

MtmlReturn mtmlGpuGetUtilization(const MtmlGpu *gpu, unsigned int *utilization) {
	if (gpu == NULL || utilization == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	*utilization = 10 * gpu->index;
	return injected("mtmlGpuGetUtilization", gpu->index);
}

MtmlReturn mtmlDeviceGetTopologyLevel(const MtmlDevice *dev1, const MtmlDevice *dev2, MtmlDeviceTopologyLevel *level) {
	if (!valid(dev1) || !valid(dev2) || level == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetTopologyLevel", dev1->index);
	if (r != MTML_SUCCESS)
		return r;
	unsigned int a = dev1->index, b = dev2->index;
	if (a == b)
		*level = MTML_TOPOLOGY_INTERNAL;
	else if (a / 2 == b / 2)
		*level = MTML_TOPOLOGY_SINGLE;
	else if (a / 4 == b / 4)
		*level = MTML_TOPOLOGY_HOSTBRIDGE;
	else
		*level = MTML_TOPOLOGY_SYSTEM;
	return MTML_SUCCESS;
}

#ifndef MOCK_WITHOUT_OPTIONAL
MtmlReturn mtmlDeviceGetMtLinkSpec(const MtmlDevice *dev, MtmlMtLinkSpec *spec) {
	if (!valid(dev) || spec == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetMtLinkSpec", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	memset(spec, 0, sizeof(*spec));
	spec->version = 1;
	spec->bandWidth = 60;
	spec->linkNum = MOCK_LINKS;
	return MTML_SUCCESS;
}
#endif

MtmlReturn mtmlDeviceGetMtLinkState(const MtmlDevice *dev, unsigned int linkId, MtmlMtLinkState *state) {
	if (!valid(dev) || state == NULL || linkId >= MOCK_LINKS)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetMtLinkState", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	*state = (linkId < 2 && device_count > 1) ? MTML_MTLINK_STATE_UP : MTML_MTLINK_STATE_DOWN;
	return MTML_SUCCESS;
}

MtmlReturn mtmlDeviceGetMtLinkRemoteDevice(const MtmlDevice *dev, unsigned int linkId, MtmlDevice **remoteDev) {
	if (!valid(dev) || remoteDev == NULL || linkId >= 2 || device_count < 2)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetMtLinkRemoteDevice", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	unsigned int step = linkId == 0 ? 1 : device_count - 1;
	*remoteDev = &devices[(dev->index + step) % device_count];
	return MTML_SUCCESS;
}

MtmlReturn mtmlDeviceCountSupportedVirtTypes(const MtmlDevice *dev, unsigned int *count) {
	if (!valid(dev) || count == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	*count = MOCK_VIRT_TYPES;
	return injected("mtmlDeviceCountSupportedVirtTypes", dev->index);
}

MtmlReturn mtmlDeviceGetSupportedVirtTypes(const MtmlDevice *dev, MtmlVirtType *types, unsigned int count) {
	if (!valid(dev) || types == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	MtmlReturn r = injected("mtmlDeviceGetSupportedVirtTypes", dev->index);
	if (r != MTML_SUCCESS)
		return r;
	if (count < MOCK_VIRT_TYPES)
		return MTML_ERROR_INSUFFICIENT_SIZE;
	for (unsigned int i = 0; i < MOCK_VIRT_TYPES; i++) {
		MtmlVirtType *t = &types[i];
		memset(t, 0, sizeof(*t));
		snprintf(t->id, sizeof(t->id), "mtgpu-%u", virt_units[i]);
		snprintf(t->name, sizeof(t->name), "S4000-%uG", virt_units[i] / 2);
		snprintf(t->api, sizeof(t->api), "MUSA");
		t->frameBuffer = virt_units[i] * 512;
		t->maxInstances = virt_units[i] <= 6 ? 16 : 96 / virt_units[i];
		t->rsvd[9] = -1;
	}
	return MTML_SUCCESS;
}

MtmlReturn mtmlDeviceCountActiveVirtDevices(const MtmlDevice *dev, unsigned int *count) {
	if (!valid(dev) || count == NULL)
		return MTML_ERROR_INVALID_ARGUMENT;
	*count = active_virt;
	return injected("mtmlDeviceCountActiveVirtDevices", dev->index);
}
