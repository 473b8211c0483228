/*
 * A mock of libmxsml.so implementing testdata/mxsml.h over a small
 * in-memory device table, so binding_test.go can run the real Go binding
 * (symbol names, struct layouts, return codes) without MetaX's driver.
 *
 * Configured by the test through mock_mxsml_configure (a test-only symbol,
 * not part of the vendor's ABI) rather than environment variables, so tests
 * that load separate copies of the library can run in parallel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "mxsml.h"

#define MOCK_MAX_DEVICES 16
#define MOCK_MAX_SGPUS 16

typedef struct {
    int used;
    mxSmlSgpuInfo_t info;
} mock_sgpu_t;

typedef struct {
    unsigned int devices;
    unsigned int memory_mb;
    int lost;          /* index whose memory query reports MXSML_DeviceLost, -1 none */
    int init_code;     /* what mxSmlInit returns */
    int sgpu_off;      /* index with sGPU mode off, -1 none */
    int sched;         /* scheduling class of every device */
    int initialised;
    unsigned int next_id[MOCK_MAX_DEVICES];
    mock_sgpu_t sgpus[MOCK_MAX_DEVICES][MOCK_MAX_SGPUS];
} mock_t;

/* lock guards mock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static mock_t mock = {2, 65536, -1, MXSML_Success, -1, MXSML_Sched_BestEffort, 0, {0}, {{{0}}}};

static int option(const char *spec, const char *key, int fallback)
{
    const char *p = strstr(spec, key);
    size_t n = strlen(key);
    if (p == NULL || p[n] != '=') {
        return fallback;
    }
    return (int)strtol(p + n + 1, NULL, 10);
}

/* mock_mxsml_configure sets the table from "devices=4,memory_mb=32768,lost=1,init=8,sgpu_off=0,sched=1". */
int mock_mxsml_configure(const char *spec)
{
    pthread_mutex_lock(&lock);
    int devices = option(spec, "devices", 2);
    if (devices < 0 || devices > MOCK_MAX_DEVICES) {
        pthread_mutex_unlock(&lock);
        return -1;
    }
    memset(&mock, 0, sizeof(mock));
    mock.devices = (unsigned int)devices;
    mock.memory_mb = (unsigned int)option(spec, "memory_mb", 65536);
    mock.lost = option(spec, "lost", -1);
    mock.init_code = option(spec, "init", MXSML_Success);
    mock.sgpu_off = option(spec, "sgpu_off", -1);
    mock.sched = option(spec, "sched", MXSML_Sched_BestEffort);
    pthread_mutex_unlock(&lock);
    return 0;
}

/* mock_mxsml_layout answers sizeof and offsetof of the header's structs. */
long mock_mxsml_layout(const char *what)
{
#define LAYOUT(name, expr) if (strcmp(what, name) == 0) return (long)(expr)
    LAYOUT("deviceInfo", sizeof(mxSmlDeviceInfo_t));
    LAYOUT("deviceInfo.bdfId", offsetof(mxSmlDeviceInfo_t, bdfId));
    LAYOUT("deviceInfo.gpuId", offsetof(mxSmlDeviceInfo_t, gpuId));
    LAYOUT("deviceInfo.uuid", offsetof(mxSmlDeviceInfo_t, uuid));
    LAYOUT("deviceInfo.deviceName", offsetof(mxSmlDeviceInfo_t, deviceName));
    LAYOUT("deviceInfo.serial", offsetof(mxSmlDeviceInfo_t, serial));
    LAYOUT("deviceInfo.numaNode", offsetof(mxSmlDeviceInfo_t, numaNode));
    LAYOUT("memoryInfo", sizeof(mxSmlMemoryInfo_t));
    LAYOUT("memoryInfo.vramTotal", offsetof(mxSmlMemoryInfo_t, vramTotal));
    LAYOUT("memoryInfo.vramUse", offsetof(mxSmlMemoryInfo_t, vramUse));
    LAYOUT("topology", sizeof(mxSmlDeviceTopology_t));
    LAYOUT("metaXLinkInfo", sizeof(mxSmlMetaXLinkInfo_t));
    LAYOUT("sgpuInfo", sizeof(mxSmlSgpuInfo_t));
    LAYOUT("sgpuInfo.computePercent", offsetof(mxSmlSgpuInfo_t, computePercent));
#undef LAYOUT
    return -1;
}

/* check_device must be called with lock held. */
static mxSmlReturn_t check_device(unsigned int dev)
{
    if (!mock.initialised) {
        return MXSML_Uninitialized;
    }
    if (dev >= mock.devices) {
        return MXSML_NoDevice;
    }
    return MXSML_Success;
}

mxSmlReturn_t mxSmlInit(void)
{
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = (mxSmlReturn_t)mock.init_code;
    mock.initialised = rc == MXSML_Success;
    pthread_mutex_unlock(&lock);
    return rc;
}

mxSmlReturn_t mxSmlGetDeviceCount(unsigned int *count)
{
    if (count == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = mock.initialised ? MXSML_Success : MXSML_Uninitialized;
    *count = mock.devices;
    pthread_mutex_unlock(&lock);
    return rc;
}

mxSmlReturn_t mxSmlGetDeviceInfo(unsigned int dev, mxSmlDeviceInfo_t *info)
{
    if (info == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    pthread_mutex_unlock(&lock);
    if (rc != MXSML_Success) {
        return rc;
    }
    memset(info, 0, sizeof(*info));
    info->deviceId = dev;
    snprintf(info->bdfId, sizeof(info->bdfId), "0000:%02x:00.0", 0x10 + dev);
    info->gpuId = dev + 1;
    info->nodeId = 128 + dev + 1;
    snprintf(info->uuid, sizeof(info->uuid), "GPU-mock-%04u", dev);
    info->mode = 1;
    snprintf(info->deviceName, sizeof(info->deviceName), "C500");
    snprintf(info->serial, sizeof(info->serial), "SN%06u", dev);
    info->numaNode = (int)(dev / 4);
    return MXSML_Success;
}

mxSmlReturn_t mxSmlGetMemoryInfo(unsigned int dev, mxSmlMemoryInfo_t *info)
{
    if (info == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    if (rc == MXSML_Success && (int)dev == mock.lost) {
        rc = MXSML_DeviceLost;
    }
    long total_kb = (long)mock.memory_mb * 1024;
    pthread_mutex_unlock(&lock);
    if (rc != MXSML_Success) {
        return rc;
    }
    memset(info, 0, sizeof(*info));
    info->vramTotal = total_kb;
    info->vramUse = 512 * 1024;
    info->visVramTotal = 256 * 1024;
    return MXSML_Success;
}

mxSmlReturn_t mxSmlGetDeviceIpUsage(unsigned int dev, int ip, int *usage)
{
    if (usage == NULL || ip < MXSML_Usage_Dec || ip > MXSML_Usage_Xcore) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    pthread_mutex_unlock(&lock);
    if (rc == MXSML_Success) {
        *usage = ip == MXSML_Usage_Xcore ? (int)(10 * dev + 7) : 0;
    }
    return rc;
}

/* Devices 0-3 and 4-7 form MetaXLink zones, each on its own NUMA node. */
mxSmlReturn_t mxSmlGetDeviceTopology(unsigned int src, unsigned int dst, mxSmlDeviceTopology_t *topo)
{
    if (topo == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(src);
    if (rc == MXSML_Success) {
        rc = check_device(dst);
    }
    pthread_mutex_unlock(&lock);
    if (rc != MXSML_Success) {
        return rc;
    }
    int same_node = src / 4 == dst / 4;
    topo->topologyType = same_node ? MXSML_Topology_Node : MXSML_Topology_System;
    topo->hops = same_node ? 2 : 4;
    return MXSML_Success;
}

mxSmlReturn_t mxSmlGetMetaXLinkInfo(unsigned int src, unsigned int dst, mxSmlMetaXLinkInfo_t *info)
{
    if (info == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(src);
    if (rc == MXSML_Success) {
        rc = check_device(dst);
    }
    pthread_mutex_unlock(&lock);
    if (rc != MXSML_Success) {
        return rc;
    }
    int linked = src != dst && src / 4 == dst / 4;
    info->links = linked ? 2 : 0;
    info->bandwidthGBs = linked ? 64 : 0;
    return MXSML_Success;
}

mxSmlReturn_t mxSmlGetSgpuToggle(unsigned int dev, int *enabled)
{
    if (enabled == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    *enabled = (int)dev != mock.sgpu_off;
    pthread_mutex_unlock(&lock);
    return rc;
}

/* free_slot, used_memory and used_compute must be called with lock held. */
static int free_slot(unsigned int dev)
{
    for (int i = 0; i < MOCK_MAX_SGPUS; i++) {
        if (!mock.sgpus[dev][i].used) {
            return i;
        }
    }
    return -1;
}

static unsigned int used_memory(unsigned int dev)
{
    unsigned int sum = 0;
    for (int i = 0; i < MOCK_MAX_SGPUS; i++) {
        sum += mock.sgpus[dev][i].used ? mock.sgpus[dev][i].info.memoryMb : 0;
    }
    return sum;
}

static unsigned int used_compute(unsigned int dev)
{
    unsigned int sum = 0;
    for (int i = 0; i < MOCK_MAX_SGPUS; i++) {
        sum += mock.sgpus[dev][i].used ? mock.sgpus[dev][i].info.computePercent : 0;
    }
    return sum;
}

static mxSmlReturn_t create_locked(unsigned int dev, unsigned int memory_mb, unsigned int percent, unsigned int *id)
{
    mxSmlReturn_t rc = check_device(dev);
    if (rc != MXSML_Success) {
        return rc;
    }
    if ((int)dev == mock.sgpu_off) {
        return MXSML_OperationNotSupported;
    }
    if (memory_mb == 0 || memory_mb % 128 != 0 || percent == 0 || percent > 100) {
        return MXSML_InvalidInput;
    }
    int slot = free_slot(dev);
    if (slot < 0) {
        return MXSML_SgpuLimitReached;
    }
    if (used_memory(dev) + memory_mb > mock.memory_mb || used_compute(dev) + percent > 100) {
        return MXSML_OutOfResources;
    }
    mock_sgpu_t *s = &mock.sgpus[dev][slot];
    s->used = 1;
    s->info.sgpuId = mock.next_id[dev]++;
    s->info.memoryMb = memory_mb;
    s->info.computePercent = percent;
    s->info.memoryUsedMb = 0;
    *id = s->info.sgpuId;
    return MXSML_Success;
}

mxSmlReturn_t mxSmlCreateSgpu(unsigned int dev, unsigned int memory_mb, unsigned int percent, unsigned int *id)
{
    if (id == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = create_locked(dev, memory_mb, percent, id);
    pthread_mutex_unlock(&lock);
    return rc;
}

/* find must be called with lock held. */
static mock_sgpu_t *find(unsigned int dev, unsigned int id)
{
    for (int i = 0; i < MOCK_MAX_SGPUS; i++) {
        if (mock.sgpus[dev][i].used && mock.sgpus[dev][i].info.sgpuId == id) {
            return &mock.sgpus[dev][i];
        }
    }
    return NULL;
}

mxSmlReturn_t mxSmlRemoveSgpu(unsigned int dev, unsigned int id)
{
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    mock_sgpu_t *s = rc == MXSML_Success ? find(dev, id) : NULL;
    if (rc == MXSML_Success && s == NULL) {
        rc = MXSML_NotFound;
    }
    if (s != NULL) {
        memset(s, 0, sizeof(*s));
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

mxSmlReturn_t mxSmlGetSgpuCount(unsigned int dev, unsigned int *count)
{
    if (count == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    *count = 0;
    for (int i = 0; rc == MXSML_Success && i < MOCK_MAX_SGPUS; i++) {
        *count += (unsigned int)mock.sgpus[dev][i].used;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

mxSmlReturn_t mxSmlGetSgpuInfo(unsigned int dev, unsigned int index, mxSmlSgpuInfo_t *info)
{
    if (info == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    unsigned int seen = 0;
    int found = 0;
    for (int i = 0; rc == MXSML_Success && i < MOCK_MAX_SGPUS && !found; i++) {
        if (mock.sgpus[dev][i].used && seen++ == index) {
            *info = mock.sgpus[dev][i].info;
            found = 1;
        }
    }
    if (rc == MXSML_Success && !found) {
        rc = MXSML_NotFound;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

mxSmlReturn_t mxSmlSetSgpuComputeQuota(unsigned int dev, unsigned int id, unsigned int percent)
{
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    mock_sgpu_t *s = rc == MXSML_Success ? find(dev, id) : NULL;
    if (rc == MXSML_Success && s == NULL) {
        rc = MXSML_NotFound;
    } else if (s != NULL && (percent == 0 || percent > 100)) {
        rc = MXSML_InvalidInput;
    } else if (s != NULL && used_compute(dev) - s->info.computePercent + percent > 100) {
        rc = MXSML_OutOfResources;
    } else if (s != NULL) {
        s->info.computePercent = percent;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

mxSmlReturn_t mxSmlGetDeviceSchedClass(unsigned int dev, int *sched)
{
    if (sched == NULL) {
        return MXSML_InvalidInput;
    }
    pthread_mutex_lock(&lock);
    mxSmlReturn_t rc = check_device(dev);
    *sched = mock.sched;
    pthread_mutex_unlock(&lock);
    return rc;
}
