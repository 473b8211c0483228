# 4096x4096 bf16 matmul loop for DURATION seconds; prints matmuls per second.
# Usage: torch_compute.py DURATION [STREAMS] [IDLE]
#   STREAMS: issue the matmuls round-robin on that many CUDA streams (default 1)
#   IDLE:    "idle" holds a context and sleeps for DURATION instead (an idle neighbour)
import sys
import time
import torch

duration = float(sys.argv[1])
streams = int(sys.argv[2]) if len(sys.argv) > 2 else 1
if len(sys.argv) > 3 and sys.argv[3] == "idle":
    torch.zeros(1, device="cuda")
    torch.cuda.synchronize()
    time.sleep(duration)
    print("rate 0")
    sys.exit(0)
a = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
b = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
ss = [torch.cuda.Stream() for _ in range(streams)]
outs = [None] * streams
for _ in range(20):
    c = a @ b
torch.cuda.synchronize()
n, t0 = 0, time.time()
while time.time() - t0 < duration:
    for i in range(10):
        k = i % streams
        with torch.cuda.stream(ss[k]):
            outs[k] = a @ b
    n += 10
torch.cuda.synchronize()
print(f"rate {n / (time.time() - t0):.2f}")
