/* Launch wrappers: every way work reaches the GPU passes the compute gate. */
#include "compute.h"
#include "hami_cuda_abi.h"
#include "hooks.h"
#include "wrappers.h"
#include "state.h"

static uint64_t blocks(unsigned gx, unsigned gy, unsigned gz)
{
    return (uint64_t)gx * gy * gz;
}

static CUresult launch_kernel(cuLaunchKernel_fn real, int ptsz, CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                              unsigned bx, unsigned by, unsigned bz, unsigned shmem, CUstream st, void **params,
                              void **extra)
{
    struct hami_state *s = hami_state();
    if (real == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    struct hami_launch_ticket t;
    hami_compute_before(s, hami_launch_key(f, blocks(gx, gy, gz)), st, ptsz, &t);
    CUresult rc = real(f, gx, gy, gz, bx, by, bz, shmem, st, params, extra);
    hami_compute_after(s, &t, st, ptsz, rc);
    return rc;
}

HAMI_EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                                    unsigned bz, unsigned shmem, CUstream st, void **params, void **extra)
{
    return launch_kernel(hami_state()->cuda.cuLaunchKernel, 0, f, gx, gy, gz, bx, by, bz, shmem, st, params,
                         extra);
}

HAMI_EXPORT CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                                         unsigned by, unsigned bz, unsigned shmem, CUstream st, void **params,
                                         void **extra)
{
    return launch_kernel(hami_state()->cuda.cuLaunchKernel_ptsz, 1, f, gx, gy, gz, bx, by, bz, shmem, st, params,
                         extra);
}

static CUresult launch_ex(cuLaunchKernelEx_fn real, int ptsz, const CUlaunchConfig *cfg, CUfunction f,
                          void **params, void **extra)
{
    struct hami_state *s = hami_state();
    if (real == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    if (cfg == NULL)
        return real(cfg, f, params, extra);
    struct hami_launch_ticket t;
    hami_compute_before(s, hami_launch_key(f, blocks(cfg->gridDimX, cfg->gridDimY, cfg->gridDimZ)), cfg->hStream,
                        ptsz, &t);
    CUresult rc = real(cfg, f, params, extra);
    hami_compute_after(s, &t, cfg->hStream, ptsz, rc);
    return rc;
}

HAMI_EXPORT CUresult cuLaunchKernelEx(const CUlaunchConfig *cfg, CUfunction f, void **params, void **extra)
{
    return launch_ex(hami_state()->cuda.cuLaunchKernelEx, 0, cfg, f, params, extra);
}

HAMI_EXPORT CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *cfg, CUfunction f, void **params, void **extra)
{
    return launch_ex(hami_state()->cuda.cuLaunchKernelEx_ptsz, 1, cfg, f, params, extra);
}

static CUresult launch_coop(cuLaunchCooperativeKernel_fn real, int ptsz, CUfunction f, unsigned gx, unsigned gy,
                            unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned shmem, CUstream st,
                            void **params)
{
    struct hami_state *s = hami_state();
    if (real == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    struct hami_launch_ticket t;
    hami_compute_before(s, hami_launch_key(f, blocks(gx, gy, gz)), st, ptsz, &t);
    CUresult rc = real(f, gx, gy, gz, bx, by, bz, shmem, st, params);
    hami_compute_after(s, &t, st, ptsz, rc);
    return rc;
}

HAMI_EXPORT CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                                               unsigned by, unsigned bz, unsigned shmem, CUstream st,
                                               void **params)
{
    return launch_coop(hami_state()->cuda.cuLaunchCooperativeKernel, 0, f, gx, gy, gz, bx, by, bz, shmem, st,
                       params);
}

HAMI_EXPORT CUresult cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                                                    unsigned bx, unsigned by, unsigned bz, unsigned shmem,
                                                    CUstream st, void **params)
{
    return launch_coop(hami_state()->cuda.cuLaunchCooperativeKernel_ptsz, 1, f, gx, gy, gz, bx, by, bz, shmem, st,
                       params);
}

static CUresult graph_launch(cuGraphLaunch_fn real, int ptsz, CUgraphExec g, CUstream st)
{
    struct hami_state *s = hami_state();
    if (real == NULL)
        return CUDA_ERROR_NOT_INITIALIZED;
    struct hami_launch_ticket t;
    hami_compute_before(s, hami_launch_key(g, 0), st, ptsz, &t);
    CUresult rc = real(g, st);
    hami_compute_after(s, &t, st, ptsz, rc);
    return rc;
}

HAMI_EXPORT CUresult cuGraphLaunch(CUgraphExec g, CUstream st)
{
    return graph_launch(hami_state()->cuda.cuGraphLaunch, 0, g, st);
}

HAMI_EXPORT CUresult cuGraphLaunch_ptsz(CUgraphExec g, CUstream st)
{
    return graph_launch(hami_state()->cuda.cuGraphLaunch_ptsz, 1, g, st);
}
