# PyTorch under a 10 GiB quota: what it sees, and how much it can allocate before OOM.
import sys
import torch

total = torch.cuda.get_device_properties(0).total_memory
free, total2 = torch.cuda.mem_get_info()
blocks, step = [], 256 << 20
try:
    while True:
        blocks.append(torch.empty(step, dtype=torch.uint8, device="cuda"))
except torch.cuda.OutOfMemoryError:
    pass
got = len(blocks) * step
print(f"total_mib {total >> 20} meminfo_total_mib {total2 >> 20} allocated_mib {got >> 20}")
ok = total == 10 << 30 and total2 == 10 << 30 and 9216 << 20 <= got <= 10 << 30
sys.exit(0 if ok else 1)
