// One kernel, one grid, durations alternating 1 ms and 10 ms (the same launch key for
// libvgpu), on a grid that fills the GPU. Runs for DURATION seconds and prints the
// fraction of wall time the GPU spent in these kernels, from CUDA events around the
// whole run and the kernels' own globaltimer readings.
// Usage: spin DURATION
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__global__ void spin(unsigned long long ns, unsigned long long *busy)
{
    unsigned long long t0, t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
    do {
        asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    } while (t - t0 < ns);
    if (threadIdx.x == 0 && blockIdx.x == 0)
        atomicAdd(busy, t - t0);
}

static double now_s()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double duration = argc > 1 ? atof(argv[1]) : 20;
    int sms = 0;
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
    unsigned long long *busy;
    cudaMalloc(&busy, sizeof *busy);
    cudaMemset(busy, 0, sizeof *busy);
    cudaDeviceSynchronize();
    double t0 = now_s();
    for (long i = 0; now_s() - t0 < duration; i++)
        spin<<<sms, 32>>>((i % 2) ? 10000000ULL : 1000000ULL, busy);
    cudaDeviceSynchronize();
    double wall = now_s() - t0;
    unsigned long long b = 0;
    cudaMemcpy(&b, busy, sizeof b, cudaMemcpyDeviceToHost);
    printf("share %.1f\n", 100.0 * (double)b / 1e9 / wall);
    return cudaGetLastError() == cudaSuccess ? 0 : 1;
}
