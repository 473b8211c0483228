// Oversubscription on a real GPU.
//   oversub hog LEAVE_GIB SECONDS   allocate natively until LEAVE_GIB are free, hold, exit
//   oversub alloc GIB               allocate GIB x 1 GiB with cudaMalloc, touch each, report
//                                   how many succeeded and how many are managed memory
#include <cuda.h>
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vector>

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const size_t gib = 1ULL << 30;
    std::vector<void *> ptrs;
    if (strcmp(argv[1], "hog") == 0) {
        size_t leave = (size_t)atoi(argv[2]) * gib, f = 0, t = 0;
        void *p;
        while (cudaMemGetInfo(&f, &t) == cudaSuccess && f > leave + 256ULL * (1 << 20) &&
               cudaMalloc(&p, 256ULL << 20) == cudaSuccess)
            ptrs.push_back(p);
        cudaMemGetInfo(&f, &t);
        printf("hog: %zu MiB left free\n", f >> 20);
        fflush(stdout);
        sleep((unsigned)atoi(argv[3]));
        return 0;
    }
    int want = atoi(argv[2]), got = 0, managed = 0;
    size_t f = 0, t = 0;
    cudaMemGetInfo(&f, &t);
    for (int i = 0; i < want; i++) {
        void *p = NULL;
        if (cudaMalloc(&p, gib) != cudaSuccess)
            break;
        if (cudaMemset(p, 1, gib) != cudaSuccess)
            break;
        unsigned int is_managed = 0;
        cuPointerGetAttribute(&is_managed, CU_POINTER_ATTRIBUTE_IS_MANAGED, (CUdeviceptr)p);
        managed += is_managed != 0;
        got++;
        ptrs.push_back(p);
    }
    cudaDeviceSynchronize();
    printf("alloc: total_mib %zu got_gib %d managed_gib %d\n", t >> 20, got, managed);
    return got == want && managed > 0 ? 0 : 1;
}
