/* Interception: cuGetProcAddress(_v2) with versions and per-thread-stream flags, and dlsym. */
#include "check.h"
#include "driver_api.h"

#include <dlfcn.h>

int next_lookup(void); /* libnext_c.so */

static void *proc(const char *sym, int version, cuuint64_t flags, CUresult *rc, CUdriverProcAddressQueryResult *st)
{
    void *fn = NULL;
    *rc = cuGetProcAddress_v2(sym, &fn, version, flags, st);
    return fn;
}

static void proc_address_v2(void)
{
    cuInit(0);
    CUresult rc;
    CUdriverProcAddressQueryResult st;
    const cuuint64_t PTDS = CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM;
    CHECK(proc("cuMemAlloc", 13000, 0, &rc, &st) == (void *)cuMemAlloc_v2, "cuMemAlloc@13000 -> our _v2");
    CHECK(proc("cuMemAlloc", 3000, 0, &rc, &st) == mock_symbol("cuMemAlloc"), "cuMemAlloc@3000 -> driver's v1");
    CHECK(proc("cuMemGetInfo", 12000, 0, &rc, &st) == (void *)cuMemGetInfo_v2, "cuMemGetInfo -> our _v2");
    CHECK(proc("cuDeviceTotalMem", 12000, 0, &rc, &st) == (void *)cuDeviceTotalMem_v2, "cuDeviceTotalMem");
    CHECK(proc("cuLaunchKernel", 12000, 0, &rc, &st) == (void *)cuLaunchKernel, "cuLaunchKernel legacy");
    CHECK(proc("cuLaunchKernel", 12000, PTDS, &rc, &st) == (void *)cuLaunchKernel_ptsz, "cuLaunchKernel ptds");
    CHECK(proc("cuLaunchKernelEx", 12000, PTDS, &rc, &st) == (void *)cuLaunchKernelEx_ptsz, "Ex ptds");
    CHECK(proc("cuGraphLaunch", 12000, PTDS, &rc, &st) == (void *)cuGraphLaunch_ptsz, "graph ptds");
    CHECK(proc("cuMemAllocAsync", 12000, PTDS, &rc, &st) == (void *)cuMemAllocAsync_ptsz, "async ptds");
    CHECK(proc("cuMemFreeAsync", 12000, CU_GET_PROC_ADDRESS_LEGACY_STREAM, &rc, &st) == (void *)cuMemFreeAsync,
          "free async legacy");
    CHECK(proc("cuMemCreate", 12000, 0, &rc, &st) == (void *)cuMemCreate, "cuMemCreate");
    CHECK(proc("cuGetProcAddress", 12000, 0, &rc, &st) == (void *)cuGetProcAddress_v2, "itself, v2");
    CHECK(proc("cuGetProcAddress", 11030, 0, &rc, &st) == (void *)cuGetProcAddress, "itself, v1");
    CHECK(proc("cuMemcpy", 12000, PTDS, &rc, &st) == mock_symbol("cuMemcpy_ptds"), "unwrapped ptds passes through");
    CHECK(proc("cuMemcpy", 12000, 0, &rc, &st) == mock_symbol("cuMemcpy"), "unwrapped legacy passes through");
    CHECK(proc("cuCtxGetDevice", 12000, 0, &rc, &st) == mock_symbol("cuCtxGetDevice"), "unwrapped passes through");
    CHECK(proc("cuNoSuchThing", 12000, 0, &rc, &st) == NULL && rc == CUDA_ERROR_NOT_FOUND &&
              st == CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND, "unknown symbol: driver's answer");
    CHECK(proc("cuMemAllocAsync", 11000, 0, &rc, &st) == NULL && st == CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT,
          "too old a version: driver's answer");
}

static void proc_address_v1(void)
{
    cuInit(0);
    void *fn = NULL;
    CHECK(cuGetProcAddress("cuMemFreeAsync", &fn, 11020, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) ==
                  CUDA_SUCCESS && fn == (void *)cuMemFreeAsync_ptsz, "v1 entry, ptds");
    CHECK(cuGetProcAddress("cuArrayCreate", &fn, 11020, 0) == CUDA_SUCCESS && fn == (void *)cuArrayCreate_v2,
          "v1 entry, versioned");
}

/* What the CUDA runtime does: resolve through cuGetProcAddress, then call. The limit holds. */
static void resolved_pointer_is_enforced(void)
{
    use_device(0);
    CUresult (*alloc)(CUdeviceptr *, size_t) = NULL;
    CUresult (*gpa)(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *) = NULL;
    cuGetProcAddress_v2("cuGetProcAddress", (void **)&gpa, 12000, 0, NULL);
    CHECK(gpa != NULL, "runtime-style bootstrap");
    gpa("cuMemAlloc", (void **)&alloc, 12000, 0, NULL);
    CUdeviceptr p;
    CHECK(alloc != NULL && alloc(&p, 32 * MB) == CUDA_SUCCESS, "32 MiB of 32");
    CHECK(alloc(&p, 1 * MB) == CUDA_ERROR_OUT_OF_MEMORY, "refused through the resolved pointer");
}

static void dlsym_paths(void)
{
    void *cuda = dlopen("libcuda.so.1", RTLD_NOW);
    void *nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW);
    void *libm = dlopen("libm.so.6", RTLD_NOW);
    CHECK(cuda && nvml && libm, "dlopen");
    CHECK(dlsym(cuda, "cuMemAlloc_v2") == (void *)cuMemAlloc_v2, "dlsym(libcuda) -> wrapper");
    CHECK(dlsym(cuda, "cuGetProcAddress_v2") == (void *)cuGetProcAddress_v2, "cuGetProcAddress_v2 -> wrapper");
    CHECK(dlsym(cuda, "cuCtxGetDevice") == mock_symbol("cuCtxGetDevice"), "unwrapped -> driver's");
    CHECK(dlsym(RTLD_DEFAULT, "cuLaunchKernel") == (void *)cuLaunchKernel, "RTLD_DEFAULT -> wrapper");
    CHECK(dlsym(nvml, "nvmlDeviceGetMemoryInfo_v2") == (void *)nvmlDeviceGetMemoryInfo_v2, "nvml -> wrapper");
    CHECK(dlsym(libm, "cuMemAlloc_v2") == NULL, "a library without the symbol still has none");
    CHECK(dlsym(libm, "cos") != NULL, "ordinary lookups unchanged");
    CHECK(dlsym(cuda, "cuNoSuchThing") == NULL && dlerror() != NULL, "misses set dlerror");
}

/* RTLD_NEXT is relative to the caller (libnext_c), not to libvgpu. */
static void dlsym_next_is_caller_relative(void)
{
    CHECK(next_lookup() == 'D', "next_c's RTLD_NEXT lookup found %c", next_lookup());
}

int main(void)
{
    static const char *const lim[] = {"CUDA_DEVICE_MEMORY_LIMIT=32m", NULL};
    run_case("resolve: cuGetProcAddress_v2 honours version and per-thread-stream flags", proc_address_v2, NULL);
    run_case("resolve: cuGetProcAddress (v1) likewise", proc_address_v1, NULL);
    run_case("resolve: pointers from cuGetProcAddress enforce the quota", resolved_pointer_is_enforced, lim);
    run_case("resolve: dlsym returns wrappers for wrapped names only", dlsym_paths, NULL);
    run_case("resolve: dlsym(RTLD_NEXT) is resolved relative to its caller", dlsym_next_is_caller_relative, NULL);
    return finish();
}
