# 4096x4096 bf16 matmul loop for DURATION seconds; prints matmuls per second.
import sys
import time
import torch

duration = float(sys.argv[1])
a = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
b = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
for _ in range(20):
    c = a @ b
torch.cuda.synchronize()
n, t0 = 0, time.time()
while time.time() - t0 < duration:
    for _ in range(10):
        c = a @ b
    n += 10
torch.cuda.synchronize()
print(f"rate {n / (time.time() - t0):.2f}")
