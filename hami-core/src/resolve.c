/*
 * Symbol resolution: the hook table, our exported dlsym, and cuGetProcAddress
 * (the path the CUDA 12/13 runtime uses for every driver entry point).
 *
 * dlsym is interposed so code that looks driver symbols up by name (cuDNN,
 * NCCL, ctypes, PyTorch) gets our wrappers. Every other lookup must behave
 * exactly like libc's, and RTLD_NEXT / RTLD_DEFAULT are resolved relative to
 * the *caller*: glibc finds the caller from the return address. On x86_64 our
 * dlsym is therefore a small assembly trampoline that asks
 * hami_dlsym_intercept for a wrapper and otherwise tail-jumps to libc's dlsym
 * with the caller's return address intact. The C code on that path runs
 * before sanitizer runtimes are initialised (they resolve their interceptors
 * through dlsym), so it is built without instrumentation and calls nothing
 * but dlvsym.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "hooks.h"
#include "log.h"
#include "real.h"
#include "state.h"
#include "wrappers.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define NO_SANITIZE __attribute__((no_sanitize("address", "undefined"), no_stack_protector))

typedef void *(*dlsym_fn)(void *, const char *);

#define HAMI_HOOK_ENTRY(name) {#name, (void *)name},
const struct hami_hook hami_hooks[] = {HAMI_WRAPPER_LIST(HAMI_HOOK_ENTRY)};
#undef HAMI_HOOK_ENTRY
const int hami_hook_count = (int)(sizeof hami_hooks / sizeof hami_hooks[0]);

/* libc's dlsym. Set once by ensure_real_dlsym (every racing writer stores the same value);
 * read by the assembly trampoline. */
__attribute__((used)) _Atomic(dlsym_fn) hami_real_dlsym_ptr;

static NO_SANITIZE void *dlsym_unavailable(void *handle, const char *name)
{
    (void)handle;
    (void)name;
    return NULL;
}

static NO_SANITIZE dlsym_fn ensure_real_dlsym(void)
{
    dlsym_fn f = atomic_load_explicit(&hami_real_dlsym_ptr, memory_order_acquire);
    if (f != NULL)
        return f;
    static const char *const versions[] = {"GLIBC_2.34", "GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.0"};
    for (unsigned i = 0; f == NULL && i < sizeof versions / sizeof versions[0]; i++)
        f = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", versions[i]);
    if (f == NULL)
        f = dlsym_unavailable;
    atomic_store_explicit(&hami_real_dlsym_ptr, f, memory_order_release);
    return f;
}

void *hami_real_dlsym(void *handle, const char *name)
{
    return ensure_real_dlsym()(handle, name);
}

static NO_SANITIZE int same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

NO_SANITIZE void *hami_hook_lookup(const char *name)
{
    if (!((name[0] == 'c' && name[1] == 'u') || (name[0] == 'n' && name[1] == 'v')))
        return NULL;
    for (int i = 0; i < hami_hook_count; i++)
        if (same(hami_hooks[i].name, name))
            return hami_hooks[i].wrapper;
    return NULL;
}

/* Our wrapper for this lookup, or NULL to let libc's dlsym answer. */
__attribute__((used)) NO_SANITIZE void *hami_dlsym_intercept(void *handle, const char *name)
{
    dlsym_fn real = ensure_real_dlsym();
    if (name == NULL)
        return NULL;
    void *w = hami_hook_lookup(name);
    if (w == NULL)
        return NULL;
    /* For a library handle, answer only if that library really has the symbol. */
    if (handle != RTLD_DEFAULT && handle != RTLD_NEXT && real(handle, name) == NULL)
        return NULL;
    return w;
}

#if defined(__x86_64__) && !defined(HAMI_NO_DLSYM_TRAMPOLINE)
__asm__(".text\n"
        ".globl dlsym\n"
        ".type dlsym, @function\n"
        ".p2align 4\n"
        "dlsym:\n"
        "  .cfi_startproc\n"
        "  pushq %rdi\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  pushq %rsi\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  subq $8, %rsp\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  call hami_dlsym_intercept\n"
        "  addq $8, %rsp\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  popq %rsi\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  popq %rdi\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  testq %rax, %rax\n"
        "  jz 1f\n"
        "  ret\n"
        "1:\n"
        "  jmp *hami_real_dlsym_ptr(%rip)\n"
        "  .cfi_endproc\n"
        ".size dlsym, .-dlsym\n");
#else
/* Portable fallback: RTLD_NEXT lookups are resolved relative to libvgpu instead of the caller. */
HAMI_EXPORT void *dlsym(void *handle, const char *name)
{
    void *w = hami_dlsym_intercept(handle, name);
    return w != NULL ? w : atomic_load(&hami_real_dlsym_ptr)(handle, name);
}
#endif

/* ---- cuGetProcAddress ---- */

struct versioned_name {
    const char *base;
    int min_version; /* requests at or above get `name` */
    const char *name;
};

static const struct versioned_name versioned[] = {
    {"cuMemAlloc", 3020, "cuMemAlloc_v2"},
    {"cuMemAllocPitch", 3020, "cuMemAllocPitch_v2"},
    {"cuMemFree", 3020, "cuMemFree_v2"},
    {"cuMemGetInfo", 3020, "cuMemGetInfo_v2"},
    {"cuDeviceTotalMem", 3020, "cuDeviceTotalMem_v2"},
    {"cuArrayCreate", 3020, "cuArrayCreate_v2"},
    {"cuArray3DCreate", 3020, "cuArray3DCreate_v2"},
    {"cuGetProcAddress", 12000, "cuGetProcAddress_v2"},
};

/* Entry points whose per-thread-default-stream flavour is the _ptsz export. */
static const char *const per_thread[] = {
    "cuMemAllocAsync", "cuMemAllocFromPoolAsync", "cuMemFreeAsync", "cuLaunchKernel",
    "cuLaunchKernelEx", "cuLaunchCooperativeKernel", "cuGraphLaunch",
};

/* The exported name the driver resolves (symbol, version, flags) to, as far as our wrappers go. */
static const char *exported_name(const char *symbol, int version, cuuint64_t flags, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof versioned / sizeof versioned[0]; i++)
        if (strcmp(symbol, versioned[i].base) == 0)
            return version >= versioned[i].min_version ? versioned[i].name : symbol;
    if (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) {
        for (size_t i = 0; i < sizeof per_thread / sizeof per_thread[0]; i++)
            if (strcmp(symbol, per_thread[i]) == 0) {
                snprintf(buf, n, "%s_ptsz", symbol);
                return buf;
            }
    }
    return symbol;
}

/* Real driver addresses of the wrapped entry points: written once under real_addr_once. */
static void *real_addr[sizeof hami_hooks / sizeof hami_hooks[0]];
static pthread_once_t real_addr_once = PTHREAD_ONCE_INIT;

static void load_real_addr(void)
{
    for (int i = 0; i < hami_hook_count; i++)
        if (hami_hooks[i].name[0] == 'c')
            real_addr[i] = hami_cuda_real_symbol(hami_hooks[i].name);
}

static void *substitute(const char *symbol, int version, cuuint64_t flags, void *fn)
{
    char buf[128];
    void *w = hami_hook_lookup(exported_name(symbol, version, flags, buf, sizeof buf));
    if (w != NULL)
        return w;
    /* A name our table does not know but an entry point we wrap: match by address. */
    pthread_once(&real_addr_once, load_real_addr);
    for (int i = 0; i < hami_hook_count; i++)
        if (real_addr[i] != NULL && real_addr[i] == fn)
            return hami_hooks[i].wrapper;
    return fn;
}

HAMI_EXPORT CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int version, cuuint64_t flags,
                                         CUdriverProcAddressQueryResult *status)
{
    struct hami_state *s = hami_state();
    if (s->cuda.cuGetProcAddress_v2 == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    CUresult rc = s->cuda.cuGetProcAddress_v2(symbol, pfn, version, flags, status);
    if (rc == CUDA_SUCCESS && symbol != NULL && pfn != NULL && *pfn != NULL)
        *pfn = substitute(symbol, version, flags, *pfn);
    LOG_DEBUG("cuGetProcAddress_v2(%s, %d, %llu) -> %d", symbol ? symbol : "(null)", version,
              (unsigned long long)flags, rc);
    return rc;
}

HAMI_EXPORT CUresult cuGetProcAddress(const char *symbol, void **pfn, int version, cuuint64_t flags)
{
    struct hami_state *s = hami_state();
    CUresult rc;
    if (s->cuda.cuGetProcAddress != NULL)
        rc = s->cuda.cuGetProcAddress(symbol, pfn, version, flags);
    else if (s->cuda.cuGetProcAddress_v2 != NULL)
        rc = s->cuda.cuGetProcAddress_v2(symbol, pfn, version, flags, NULL);
    else
        return CUDA_ERROR_NOT_INITIALIZED;
    if (rc == CUDA_SUCCESS && symbol != NULL && pfn != NULL && *pfn != NULL)
        *pfn = substitute(symbol, version, flags, *pfn);
    return rc;
}
