// Overhead: empty-kernel launch and 1 MiB cudaMalloc+cudaFree, microseconds per operation.
#include <chrono>
#include <cuda_runtime.h>
#include <stdio.h>

__global__ void empty() {}

static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int main() {
    cudaFree(0);
    for (int i = 0; i < 1000; i++) empty<<<1, 1>>>();
    cudaDeviceSynchronize();
    const int N = 200000;
    double t0 = now();
    for (int i = 0; i < N; i++) empty<<<1, 1>>>();
    cudaDeviceSynchronize();
    double launch = (now() - t0) / N * 1e6;
    const int M = 20000;
    void *p;
    for (int i = 0; i < 100; i++) { cudaMalloc(&p, 1 << 20); cudaFree(p); }
    t0 = now();
    for (int i = 0; i < M; i++) { cudaMalloc(&p, 1 << 20); cudaFree(p); }
    double alloc = (now() - t0) / M * 1e6;
    printf("launch_us %.4f alloc_us %.4f\n", launch, alloc);
    return 0;
}
