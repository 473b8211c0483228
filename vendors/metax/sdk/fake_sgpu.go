package sdk

import "slices"

// CreateSgpu carves an sGPU out of the device, refusing what the driver
// refuses: a device not in sGPU mode, memory not in 128 MiB steps, compute
// outside 1..100, one more than the model's limit, or more memory or
// compute than is left.
func (f *Fake) CreateSgpu(index int, memoryMiB uint64, computePercent int) (Partition, error) {
	const call = "mxSmlCreateSgpu"
	args := []any{index, memoryMiB, computePercent}
	if err := f.readyDevice(index, call, args...); err != nil {
		return Partition{}, err
	}
	if code := f.createRefusal(index, memoryMiB, computePercent); code != Success {
		return Partition{}, fail(code, call, args...)
	}
	var p Partition
	err := f.state.Update(func(s *fakeState) error {
		if code := f.fitRefusal(*s, index, memoryMiB, computePercent); code != Success {
			return fail(code, call, args...)
		}
		if s.NextID == nil {
			s.NextID = map[int]int{}
		}
		r := sgpuRecord{Device: index, ID: s.NextID[index], MemoryMiB: memoryMiB, ComputePercent: computePercent}
		s.NextID[index]++
		s.Sgpus = append(s.Sgpus, r)
		p = r.partition()
		return nil
	})
	return p, err
}

// createRefusal is why the driver refuses the request on its face.
func (f *Fake) createRefusal(index int, memoryMiB uint64, computePercent int) Return {
	switch {
	case slices.Contains(f.desc.SgpuDisabled, index):
		return OperationNotSupported
	case f.isLost(index):
		return DeviceLost
	case memoryMiB == 0 || memoryMiB%SgpuMemoryStepMiB != 0:
		return InvalidInput
	case computePercent <= 0 || computePercent > FullCompute:
		return InvalidInput
	}
	return Success
}

// fitRefusal is why the request does not fit next to the device's sGPUs.
func (f *Fake) fitRefusal(s fakeState, index int, memoryMiB uint64, computePercent int) Return {
	var n, compute int
	var memory uint64
	for _, r := range s.Sgpus {
		if r.Device == index {
			n++
			memory += r.MemoryMiB
			compute += r.ComputePercent
		}
	}
	switch {
	case n >= f.model.MaxSgpus:
		return SgpuLimitReached
	case memory+memoryMiB > f.model.MemoryMiB || compute+computePercent > FullCompute:
		return OutOfResources
	}
	return Success
}

// RemoveSgpu destroys sGPU id of the device.
func (f *Fake) RemoveSgpu(index, id int) error {
	const call = "mxSmlRemoveSgpu"
	if err := f.readyDevice(index, call, index, id); err != nil {
		return err
	}
	return f.state.Update(func(s *fakeState) error {
		i := s.find(index, id)
		if i < 0 {
			return fail(NotFound, call, index, id)
		}
		s.Sgpus = slices.Delete(s.Sgpus, i, i+1)
		return nil
	})
}

// Sgpus lists the device's sGPUs, those kept from before a restart too.
func (f *Fake) Sgpus(index int) ([]Partition, error) {
	if err := f.readyDevice(index, "mxSmlGetSgpuCount"); err != nil {
		return nil, err
	}
	out := []Partition{}
	f.state.Read(func(s fakeState) {
		for _, r := range s.Sgpus {
			if r.Device == index {
				out = append(out, r.partition())
			}
		}
	})
	return out, nil
}

// SetSgpuComputeQuota changes an sGPU's compute share, within what the
// device's other sGPUs leave.
func (f *Fake) SetSgpuComputeQuota(index, id, computePercent int) error {
	const call = "mxSmlSetSgpuComputeQuota"
	args := []any{index, id, computePercent}
	if err := f.readyDevice(index, call, args...); err != nil {
		return err
	}
	return f.state.Update(func(s *fakeState) error {
		i := s.find(index, id)
		if i < 0 {
			return fail(NotFound, call, args...)
		}
		if computePercent <= 0 || computePercent > FullCompute {
			return fail(InvalidInput, call, args...)
		}
		others := 0
		for j, r := range s.Sgpus {
			if r.Device == index && j != i {
				others += r.ComputePercent
			}
		}
		if others+computePercent > FullCompute {
			return fail(OutOfResources, call, args...)
		}
		s.Sgpus[i].ComputePercent = computePercent
		return nil
	})
}

func (s fakeState) find(device, id int) int {
	return slices.IndexFunc(s.Sgpus, func(r sgpuRecord) bool { return r.Device == device && r.ID == id })
}

func (r sgpuRecord) partition() Partition {
	return Partition{ID: r.ID, Device: r.Device, MemoryMiB: r.MemoryMiB, ComputePercent: r.ComputePercent}
}
