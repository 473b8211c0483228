/*
 * A fake libnvidia-ml.so.1: the same physical devices as the mock driver, in
 * physical order (NVML ignores CUDA_VISIBLE_DEVICES). MOCK_NVML_FAIL=1 makes
 * nvmlInit fail. On the simulated GPU (mock_sim.h) the compute processes and
 * the utilisation are the device's; otherwise MOCK_NVML_PROCS is the number of
 * compute processes and MOCK_NVML_UTIL the utilisation NVML reports on every
 * device (other tenants included).
 */
#include "hami_nvml_abi.h"
#include "mock_common.h"
#include "mock_sim.h"

#include <string.h>

#define EXPORT __attribute__((visibility("default")))

struct nvmlDevice_st {
    unsigned index;
};
static struct nvmlDevice_st devs[MOCK_MAX_DEV]; /* immutable after first init */

EXPORT nvmlReturn_t nvmlInit_v2(void)
{
    if (mock_env_int("MOCK_NVML_FAIL", 0))
        return NVML_ERROR_UNKNOWN;
    for (unsigned i = 0; i < MOCK_MAX_DEV; i++)
        devs[i].index = i;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }

EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned *n)
{
    *n = (unsigned)mock_devices();
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned i, nvmlDevice_t *d)
{
    if (i >= (unsigned)mock_devices())
        return NVML_ERROR_INVALID_ARGUMENT;
    *d = &devs[i];
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t d, unsigned *i)
{
    *i = d->index;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *buf, unsigned len)
{
    mock_uuid_string((int)d->index, buf, len);
    return NVML_SUCCESS;
}

/* NVML sees the device's physical usage: MOCK_NVML_USED bytes (other tenants included). */
EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m)
{
    (void)d;
    m->total = mock_total_mem();
    m->used = (unsigned long long)mock_env_int("MOCK_NVML_USED_MB", 0) << 20;
    m->free = m->total - m->used;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m)
{
    if (m->version != nvmlMemory_v2)
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    nvmlMemory_t v1;
    nvmlDeviceGetMemoryInfo(d, &v1);
    m->total = v1.total;
    m->reserved = 5ULL << 20;
    m->used = v1.used;
    m->free = v1.total - v1.used - m->reserved;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned *count, void *infos)
{
    struct sim_dev *sd = sim_map((int)d->index);
    unsigned n = sd ? sim_process_count(sd) : (unsigned)mock_env_int("MOCK_NVML_PROCS", 1);
    if (sd)
        munmap(sd, sizeof *sd);
    unsigned cap = *count;
    *count = n;
    if (n > cap || (n > 0 && infos == NULL))
        return NVML_ERROR_INSUFFICIENT_SIZE;
    return NVML_SUCCESS;
}

/* Percent of the last second the device ran a kernel, as nvidia-smi's "GPU-Util". */
EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u)
{
    struct sim_dev *sd = sim_map((int)d->index);
    u->gpu = sd ? sim_utilization(sd) : (unsigned)mock_env_int("MOCK_NVML_UTIL", 0);
    u->memory = 0;
    if (sd)
        munmap(sd, sizeof *sd);
    return NVML_SUCCESS;
}
