package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/fakesdk"
)

// SGPU is one virtual device the fake driver holds. There is no MTML call
// that makes one (the driver does, when a container given limits opens the
// card), so only the fake has Attach and Detach: they stand in for that
// container, for tests and the demo.
type SGPU struct {
	ID          string `json:"id"`
	Device      int    `json:"device"`
	MemoryUnits int    `json:"memoryUnits"`
	CoreGroups  int    `json:"coreGroups"`
}

// MemoryMiB is the sGPU's memory slice.
func (s SGPU) MemoryMiB() uint64 { return uint64(s.MemoryUnits) * MemoryUnitMiB }

// fakeState is what the fake driver keeps across plugin restarts. Stored
// state is decoded leniently (fakesdk.OpenState): a newer fake's extra
// fields must not stop an older one from starting.
type fakeState struct {
	Next  int    `json:"next"`
	SGPUs []SGPU `json:"sgpus,omitempty"`
}

// Attach makes an sGPU on device index as the driver would: memoryUnits
// must be one of MemoryUnits(), coreGroups 0..CoreGroups (0 = none
// reserved), and both must fit what the device's other sGPUs leave, at most
// MaxActivePerDevice of them.
func (f *Fake) Attach(index, memoryUnits, coreGroups int) (SGPU, error) {
	const call = "sgpuAttach"
	if err := f.check(call, index, true); err != nil {
		return SGPU{}, err
	}
	if err := ValidateMemoryUnits(memoryUnits); err != nil {
		return SGPU{}, fmt.Errorf("%s(%d): %w", call, index, err)
	}
	if err := ValidateCoreGroups(coreGroups); err != nil {
		return SGPU{}, fmt.Errorf("%s(%d): %w", call, index, err)
	}
	var made SGPU
	err := f.state.Update(func(s *fakeState) error {
		if err := f.fits(s.SGPUs, index, memoryUnits, coreGroups); err != nil {
			return fmt.Errorf("%s(%d): %w", call, index, err)
		}
		made = SGPU{
			ID:     fakesdk.UUID("sgpu-", f.desc.Seed+"/sgpu", s.Next),
			Device: index, MemoryUnits: memoryUnits, CoreGroups: coreGroups,
		}
		s.Next++
		s.SGPUs = append(s.SGPUs, made)
		return nil
	})
	return made, err
}

// fits says why another sGPU does not fit on device index, nil if it does.
func (f *Fake) fits(all []SGPU, index, memoryUnits, coreGroups int) error {
	count, mem, cores := 0, 0, 0
	for _, s := range all {
		if s.Device == index {
			count, mem, cores = count+1, mem+s.MemoryUnits, cores+s.CoreGroups
		}
	}
	switch {
	case count >= MaxActivePerDevice:
		return fmt.Errorf("%d sGPUs already, the most a device holds: %w", count, codes().At(ErrorInsufficientMemory, "sgpuAttach"))
	case mem+memoryUnits > f.model.MemoryUnits():
		return fmt.Errorf("%d of %d memory units free, %d asked: %w",
			f.model.MemoryUnits()-mem, f.model.MemoryUnits(), memoryUnits, codes().At(ErrorInsufficientMemory, "sgpuAttach"))
	case cores+coreGroups > f.model.CoreGroups:
		return fmt.Errorf("%d of %d core groups free, %d asked: %w",
			f.model.CoreGroups-cores, f.model.CoreGroups, coreGroups, codes().At(ErrorInsufficientMemory, "sgpuAttach"))
	}
	return nil
}

// Detach removes the sGPU id, as the driver does when its container ends.
func (f *Fake) Detach(id string) error {
	return f.state.Update(func(s *fakeState) error {
		i := slices.IndexFunc(s.SGPUs, func(g SGPU) bool { return g.ID == id })
		if i < 0 {
			return codes().Err(ErrorNotFound, "sgpuDetach", id)
		}
		s.SGPUs = slices.Delete(s.SGPUs, i, i+1)
		return nil
	})
}

// SGPUs are the sGPUs on device index, oldest first.
func (f *Fake) SGPUs(index int) []SGPU {
	var out []SGPU
	f.state.Read(func(s fakeState) {
		for _, g := range s.SGPUs {
			if g.Device == index {
				out = append(out, g)
			}
		}
	})
	return out
}

// ActiveVirtDevices implements Library.
func (f *Fake) ActiveVirtDevices(index int) (int, error) {
	if err := f.check("mtmlDeviceCountActiveVirtDevices", index, false); err != nil {
		return 0, err
	}
	return len(f.SGPUs(index)), nil
}
