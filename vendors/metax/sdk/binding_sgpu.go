package sdk

import "math"

// CreateSgpu asks the driver for an sGPU; it refuses one that does not
// fit (sdkerr.ErrInsufficient) or a 17th (ErrSgpuLimit).
func (b *Binding) CreateSgpu(index int, memoryMiB uint64, computePercent int) (Partition, error) {
	const call = "mxSmlCreateSgpu"
	dev, err := deviceArg(index, call)
	if err != nil {
		return Partition{}, err
	}
	pct, err := uintArg(computePercent, call, index, memoryMiB, computePercent)
	if err != nil {
		return Partition{}, err
	}
	if memoryMiB > math.MaxUint32 {
		return Partition{}, fail(InvalidInput, call, index, memoryMiB, computePercent)
	}
	var id uint32
	code := b.fn.CreateSgpu(dev, uint32(memoryMiB), pct, &id)
	if err := check(code, call, index, memoryMiB, computePercent); err != nil {
		return Partition{}, err
	}
	return Partition{ID: int(id), Device: index, MemoryMiB: memoryMiB, ComputePercent: computePercent}, nil
}

// RemoveSgpu destroys sGPU id of the device.
func (b *Binding) RemoveSgpu(index, id int) error {
	const call = "mxSmlRemoveSgpu"
	dev, err := deviceArg(index, call)
	if err != nil {
		return err
	}
	sid, err := uintArg(id, call, index, id)
	if err != nil {
		return err
	}
	return check(b.fn.RemoveSgpu(dev, sid), call, index, id)
}

// Sgpus lists the device's sGPUs, including those made before this
// process started.
func (b *Binding) Sgpus(index int) ([]Partition, error) {
	dev, err := deviceArg(index, "mxSmlGetSgpuCount")
	if err != nil {
		return nil, err
	}
	var n uint32
	if err := check(b.fn.SgpuCount(dev, &n), "mxSmlGetSgpuCount", index); err != nil {
		return nil, err
	}
	out := make([]Partition, 0, n)
	for i := range n {
		var c cSgpuInfo
		if err := check(b.fn.SgpuInfo(dev, i, &c), "mxSmlGetSgpuInfo", index, i); err != nil {
			return nil, err
		}
		out = append(out, Partition{
			ID:             int(c.SgpuID),
			Device:         index,
			MemoryMiB:      uint64(c.MemoryMb),
			ComputePercent: int(c.ComputePercent),
			MemoryUsedMiB:  uint64(c.MemoryUsedMb),
		})
	}
	return out, nil
}

// SetSgpuComputeQuota changes an sGPU's compute share.
func (b *Binding) SetSgpuComputeQuota(index, id, computePercent int) error {
	const call = "mxSmlSetSgpuComputeQuota"
	dev, err := deviceArg(index, call)
	if err != nil {
		return err
	}
	sid, err := uintArg(id, call, index, id)
	if err != nil {
		return err
	}
	pct, err := uintArg(computePercent, call, index, id, computePercent)
	if err != nil {
		return err
	}
	return check(b.fn.SetComputeQuota(dev, sid, pct), call, index, id, computePercent)
}
