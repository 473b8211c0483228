/* Loading the real libcuda.so.1 and libnvidia-ml.so.1. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "real.h"

#include "log.h"

#include <dlfcn.h>
#include <stddef.h>

/* Written once inside hami_cuda_load (called under the state's pthread_once), then read-only. */
static void *cuda_handle;

int hami_cuda_load(struct hami_cuda_api *api)
{
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (h == NULL) {
        LOG_WARN("cannot load libcuda.so.1: %s", dlerror());
        return -1;
    }
    cuda_handle = h;
#define HAMI_RESOLVE(type, name) api->name = (type)hami_real_dlsym(h, #name);
    HAMI_CUDA_API(HAMI_RESOLVE)
#undef HAMI_RESOLVE
    return 0;
}

void *hami_cuda_real_symbol(const char *name)
{
    return cuda_handle ? hami_real_dlsym(cuda_handle, name) : NULL;
}

int hami_nvml_load(struct hami_nvml_api *api)
{
    void *h = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (h == NULL) {
        LOG_INFO("cannot load libnvidia-ml.so.1: %s", dlerror());
        return -1;
    }
#define HAMI_RESOLVE(type, name) api->name = (type)hami_real_dlsym(h, #name);
    HAMI_NVML_API(HAMI_RESOLVE)
#undef HAMI_RESOLVE
    if (api->nvmlInit_v2 == NULL || api->nvmlInit_v2() != NVML_SUCCESS) {
        LOG_WARN("nvmlInit_v2 failed; NVML-based features are off");
        return -1;
    }
    return 0;
}
